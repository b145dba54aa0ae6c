/**
 * W3C Trace Context for MCP messages, as OpenTelemetry's MCP conventions
 * ask: the client's request span goes to the server in `params._meta`
 * (`traceparent`, unprefixed), and a request from the server that carries
 * one is handled in a span continued from it.
 *
 * Nothing here runs without a tracer of the application's: with Effect's
 * native tracer (the default, which exports nothing) no span is made and no
 * `_meta` is added.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Tracer from "effect/Tracer"

/**
 * The current span of a fiber, when an exporting tracer is installed.
 *
 * @category accessors
 * @since 0.1.0
 */
export const activeSpan = (fiber: Fiber.Fiber<unknown, unknown>): Tracer.Span | undefined => {
  const span = Context.getOrUndefined(fiber.context, Tracer.ParentSpan)
  if (span === undefined || span._tag !== "Span") return undefined
  return fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer ? undefined : span
}

/**
 * The `traceparent` value of a span (version 00).
 *
 * @example
 * ```ts
 * import { Tracer } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const span = Tracer.externalSpan({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" })
 * TraceContext.traceparent(span) // "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const traceparent = (span: Tracer.AnySpan): string =>
  `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/**
 * The span a `traceparent` names, as a remote parent; `undefined` when the
 * value is not a valid version-00 `traceparent`.
 *
 * @example
 * ```ts
 * import { TraceContext } from "effect-mcp-client"
 *
 * const parent = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
 * ```
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (value: unknown): Tracer.ExternalSpan | undefined => {
  if (typeof value !== "string") return undefined
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value.trim())
  if (match === null || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined
  return Tracer.externalSpan({
    traceId: match[1]!,
    spanId: match[2]!,
    sampled: (Number.parseInt(match[3]!, 16) & 1) === 1
  })
}

/**
 * Request params with the span's trace context added to `_meta`.
 *
 * @category encoding
 * @since 0.1.0
 */
export const inject = (
  params: { readonly [key: string]: unknown } | undefined,
  span: Tracer.AnySpan
): { readonly [key: string]: unknown } => ({
  ...params,
  _meta: { ...(params?._meta as object | undefined), traceparent: traceparent(span) }
})

/**
 * Runs the handler of a server request in a span named after its method,
 * continued from the `traceparent` in its `_meta` when there is one. Without
 * an exporting tracer in `context`, returns the handler as it is.
 *
 * @category combinators
 * @since 0.1.0
 */
export const continueFrom = <A, E, R>(
  handler: Effect.Effect<A, E, R>,
  method: string,
  id: string | number,
  params: { readonly [key: string]: unknown } | undefined,
  context: Context.Context<never>
): Effect.Effect<A, E, R> => {
  if (Context.get(context, Tracer.Tracer) === Tracer.nativeTracer) return handler
  const meta = params?._meta as { readonly traceparent?: unknown } | undefined
  const parent = parse(meta?.traceparent)
  return Effect.withSpan(handler, method, {
    kind: "server",
    ...(parent === undefined ? {} : { parent }),
    attributes: { "mcp.method.name": method, "jsonrpc.request.id": String(id) },
    captureStackTrace: false
  })
}
