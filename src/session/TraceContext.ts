/**
 * W3C Trace Context for MCP messages, as OpenTelemetry's MCP conventions
 * ask: the client's request span goes to the server in `params._meta`
 * (`traceparent` and, when the span has one, `tracestate`, unprefixed), and
 * a request from the server that carries them is handled in a span continued
 * from them.
 *
 * Nothing here runs without a tracer of the application's: with Effect's
 * native tracer (the default, which exports nothing), or with Effect's
 * tracing disabled, no span is made and no `_meta` is added.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"

/**
 * The span of the MCP request each fiber runs, while it runs it. Kept beside
 * the fiber rather than as Effect's current span, whose change (a new
 * context, its caches recomputed, on entry and again on exit) costs more than
 * the rest of a request's tracing.
 */
const requestSpans = new WeakMap<Fiber.Fiber<unknown, unknown>, Tracer.Span>()

/**
 * Runs `effect` as the request of `span`: the engine gives the span the
 * request's id, sends its trace context and records the request's events on
 * it, and a request made inside, on the same fiber, is its child. The
 * transport's own spans (an HTTP exchange's) are started under it. Effect's
 * current span is left as it is. `onExit` sees the outcome before the span
 * ends (to annotate it).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * declare const request: Effect.Effect<string>
 * const traced = Effect.useSpan("tools/call echo", (span) => TraceContext.inRequestSpan(span, request))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const inRequestSpan = <A, E, R>(
  span: Tracer.Span,
  effect: Effect.Effect<A, E, R>,
  onExit?: (exit: Exit.Exit<A, E>) => void
): Effect.Effect<A, E, R> =>
  Effect.withFiber((fiber) => {
    const previous = requestSpans.get(fiber)
    requestSpans.set(fiber, span)
    return Effect.onExitPrimitive(effect, (exit) => {
      if (previous === undefined) requestSpans.delete(fiber)
      else requestSpans.set(fiber, previous)
      onExit?.(exit)
      return undefined
    })
  })

/**
 * Whether `fiber` has an exporting tracer: one installed (not Effect's
 * native tracer, which exports nothing) with tracing enabled. Without one,
 * this module makes no span and adds no `_meta`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const exported = Effect.withFiber((fiber) => Effect.succeed(TraceContext.isTracing(fiber)))
 * ```
 *
 * @category accessors
 * @since 0.1.0
 */
export const isTracing = (fiber: Fiber.Fiber<unknown, unknown>): boolean => {
  const { tracer, tracerEnabled } = fiber.cache
  return tracer !== undefined && tracer !== Tracer.nativeTracer && tracerEnabled
}

const noSpan = Option.none<Tracer.AnySpan>()

/** The nearest span from `span` up whose trace may be continued (Effect's `DisablePropagation`). */
const propagated = (span: Tracer.AnySpan | undefined): Tracer.AnySpan | undefined => {
  for (let current = span; current !== undefined;) {
    if (!Context.get(current.annotations, Tracer.DisablePropagation)) return current
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return undefined
}

/**
 * Runs `effect` as an MCP request in a span of kind `client` named `name`,
 * when `fiber` has an exporting tracer (any but Effect's native one, with
 * tracing enabled); else returns `effect` as it is. The span is the child of
 * the request `fiber` runs (`inRequestSpan`), else of Effect's current span;
 * `annotate` sets its attributes before the request starts, `onExit` sees
 * the outcome before the span ends. As `inRequestSpan`, the span is the
 * request's, not Effect's current span.
 *
 * The span is made as `Effect.useSpan` makes one (clock, sampling, the
 * fiber's span annotations and links), and its end shares the request's one
 * exit handler.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * declare const request: Effect.Effect<string>
 * const traced = Effect.withFiber((fiber) =>
 *   TraceContext.traceRequest(fiber, request, "tools/call echo", (span) => span.attribute("mcp.method.name", "tools/call"))
 * )
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const traceRequest = <A, E, R>(
  fiber: Fiber.Fiber<unknown, unknown>,
  effect: Effect.Effect<A, E, R>,
  name: string,
  annotate: (span: Tracer.Span) => void,
  onExit?: (span: Tracer.Span, exit: Exit.Exit<A, E>) => void
): Effect.Effect<A, E, R> => {
  if (!isTracing(fiber)) return effect
  const tracer = fiber.cache.tracer!
  const settings = spanSettings(fiber)
  let span: Tracer.Span | undefined
  let previous: Tracer.Span | undefined
  return Effect.onExitPrimitive(
    // Started inside the exit handler's reach: an interruption before the request ends the span all the same.
    Effect.suspend(() => {
      previous = requestSpans.get(fiber)
      const parent = previous ?? propagated(fiber.cache.span)
      const { clock, links } = settings
      span = tracer.span({
        name,
        parent: parent === undefined ? noSpan : Option.some(parent),
        annotations: Context.empty(),
        links: links.length === 0 ? [] : links.slice(),
        startTime: settings.timing ? clock.currentTimeNanosUnsafe() : 0n,
        kind: "client",
        root: false,
        sampled: parent?.sampled === false ? false : settings.sampled
      })
      const { annotations } = settings
      for (const key in annotations) span.attribute(key, annotations[key])
      annotate(span)
      requestSpans.set(fiber, span)
      return effect
    }),
    (exit) => {
      if (span === undefined) return undefined
      if (previous === undefined) requestSpans.delete(fiber)
      else requestSpans.set(fiber, previous)
      onExit?.(span, exit)
      if (span.status._tag !== "Ended") span.end(settings.timing ? settings.clock.currentTimeNanosUnsafe() : 0n, exit)
      return undefined
    }
  )
}

/** What a span made in a context takes from it, as `Effect.useSpan` would. */
interface SpanSettings {
  readonly clock: Clock.Clock
  readonly timing: boolean
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly annotations: { readonly [key: string]: unknown }
  /** Whether spans at the context's trace level are sampled, unless their parent is not. */
  readonly sampled: boolean
}

/** Settings per context: a context never changes, and requests of one caller usually share theirs. */
const settingsOfContext = new WeakMap<Context.Context<never>, SpanSettings>()

const spanSettings = (fiber: Fiber.Fiber<unknown, unknown>): SpanSettings => {
  const context = fiber.context
  let settings = settingsOfContext.get(context)
  if (settings === undefined) {
    settings = {
      clock: fiber.getRef(Clock.Clock),
      timing: fiber.getRef(References.TracerTimingEnabled),
      links: fiber.getRef(References.TracerSpanLinks),
      annotations: fiber.getRef(References.TracerSpanAnnotations),
      sampled: !LogLevel.isGreaterThan(fiber.getRef(Tracer.MinimumTraceLevel), fiber.getRef(Tracer.CurrentTraceLevel))
    }
    settingsOfContext.set(context, settings)
  }
  return settings
}

/**
 * The span of the request a fiber runs (`traceRequest`, `inRequestSpan`),
 * if it runs one.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const insideRequest = Effect.withFiber((fiber) => Effect.succeed(TraceContext.requestSpan(fiber) !== undefined))
 * ```
 *
 * @category accessors
 * @since 0.1.0
 */
export const requestSpan = (fiber: Fiber.Fiber<unknown, unknown>): Tracer.Span | undefined => requestSpans.get(fiber)

/**
 * The span a fiber's MCP request belongs to, when an exporting tracer is
 * installed (`isTracing`): the request span it runs (`traceRequest`,
 * `inRequestSpan`), else Effect's current span.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const spanId = Effect.withFiber((fiber) => Effect.succeed(TraceContext.activeSpan(fiber)?.spanId))
 * ```
 *
 * @category accessors
 * @since 0.1.0
 */
export const activeSpan = (fiber: Fiber.Fiber<unknown, unknown>): Tracer.Span | undefined => {
  if (!isTracing(fiber)) return undefined
  const request = requestSpans.get(fiber)
  if (request !== undefined) return request
  const span = fiber.cache.span
  return span === undefined || span._tag !== "Span" ? undefined : span
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
 * The vendor entries of a W3C `tracestate`, as OpenTelemetry's API shapes
 * them (`get`, `set`, `unset`, `serialize`), so that one value serves both.
 *
 * @category models
 * @since 0.1.0
 */
export interface TraceStateValue {
  readonly get: (key: string) => string | undefined
  readonly set: (key: string, value: string) => TraceStateValue
  readonly unset: (key: string) => TraceStateValue
  readonly serialize: () => string
}

/**
 * A span annotation holding the `tracestate` that travels with the span's
 * `traceparent`. The key is the one `@effect/opentelemetry` reads for an
 * external span's trace state, so a span continued from a server's `_meta`
 * gives its `tracestate` to the OpenTelemetry spans under it.
 *
 * @example
 * ```ts
 * import { Context, Tracer } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const state = TraceContext.parseTraceState("vendor=opaque")!
 * const parent = Tracer.externalSpan({
 *   traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
 *   spanId: "00f067aa0ba902b7",
 *   annotations: Context.make(TraceContext.TraceState, state)
 * })
 * TraceContext.tracestate(parent) // "vendor=opaque"
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class TraceState extends Context.Service<TraceState, TraceStateValue>()(
  "@effect/opentelemetry/Tracer/OtelTraceState"
) {}

const maxMembers = 32
const maxLength = 512
const simpleKey = /^[a-z][a-z0-9_\-*/]{0,255}$/
const tenantKey = /^[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}$/
const memberValue = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/

const validKey = (key: string) => simpleKey.test(key) || tenantKey.test(key)

/** Entries in order, the most recently set first, as W3C Trace Context orders them. */
class Entries implements TraceStateValue {
  readonly #entries: ReadonlyArray<readonly [string, string]>
  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    this.#entries = entries
  }
  get(key: string): string | undefined {
    return this.#entries.find(([k]) => k === key)?.[1]
  }
  set(key: string, value: string): TraceStateValue {
    if (!validKey(key) || !memberValue.test(value)) return this
    return new Entries([[key, value] as const, ...this.#entries.filter(([k]) => k !== key)].slice(0, maxMembers))
  }
  unset(key: string): TraceStateValue {
    return new Entries(this.#entries.filter(([k]) => k !== key))
  }
  serialize(): string {
    return this.#entries.map(([key, value]) => `${key}=${value}`).join(",")
  }
}

/**
 * A W3C `tracestate` header value read: members with an invalid key or value
 * are left out, as are members past the 32nd; `undefined` when the value is
 * not a string, is longer than 512 characters, or has no valid member.
 *
 * @example
 * ```ts
 * import { TraceContext } from "effect-mcp-client"
 *
 * TraceContext.parseTraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")?.get("congo") // "t61rcWkgMzE"
 * ```
 *
 * @category decoding
 * @since 0.1.0
 */
export const parseTraceState = (value: unknown): TraceStateValue | undefined => {
  if (typeof value !== "string" || value.length > maxLength) return undefined
  const entries: Array<readonly [string, string]> = []
  for (const member of value.split(",")) {
    const trimmed = member.trim()
    const equals = trimmed.indexOf("=")
    if (equals <= 0) continue
    const key = trimmed.slice(0, equals)
    const memberText = trimmed.slice(equals + 1)
    if (!validKey(key) || !memberValue.test(memberText) || entries.some(([k]) => k === key)) continue
    entries.push([key, memberText])
    if (entries.length === maxMembers) break
  }
  return entries.length === 0 ? undefined : new Entries(entries)
}

/** The OpenTelemetry span behind a span of `@effect/opentelemetry`'s tracer, as far as its trace state goes. */
interface OtelBacked {
  readonly span?: { readonly spanContext?: () => { readonly traceState?: { readonly serialize: () => string } } }
}

/**
 * The `tracestate` that goes with a span's `traceparent`, if it has one: an
 * OpenTelemetry span's own (`@effect/opentelemetry`), else the `TraceState`
 * annotation of the span or of the nearest of its parents that has one.
 *
 * @example
 * ```ts
 * import { Tracer } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const span = Tracer.externalSpan({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" })
 * TraceContext.tracestate(span) // undefined
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const tracestate = (span: Tracer.AnySpan): string | undefined => {
  let current: Tracer.AnySpan | undefined = span
  for (let depth = 0; current !== undefined && depth < 64; depth++) {
    const otel = (current as OtelBacked).span?.spanContext?.().traceState
    if (otel !== undefined) return nonEmpty(otel.serialize())
    const annotated = Context.getOrUndefined(current.annotations, TraceState)
    if (annotated !== undefined) return nonEmpty(annotated.serialize())
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return undefined
}

const nonEmpty = (value: string) => value.length === 0 ? undefined : value

/**
 * Request params with the span's trace context added to `_meta`:
 * `traceparent`, and `tracestate` when the span has one.
 *
 * @example
 * ```ts
 * import { Tracer } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const span = Tracer.externalSpan({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" })
 * TraceContext.inject({ name: "echo" }, span)
 * // { name: "echo", _meta: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } }
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const inject = (
  params: { readonly [key: string]: unknown } | undefined,
  span: Tracer.AnySpan,
  state: string | undefined = tracestate(span)
): { readonly [key: string]: unknown } => {
  const meta = params?._meta as object | undefined
  const context = state === undefined
    ? { ...meta, traceparent: traceparent(span) }
    : { ...meta, traceparent: traceparent(span), tracestate: state }
  return params === undefined ? { _meta: context } : { ...params, _meta: context }
}

/**
 * The span a server's `_meta` names as its parent: its `traceparent`, with
 * its `tracestate` as the `TraceState` annotation; `undefined` without a valid
 * `traceparent`.
 *
 * @example
 * ```ts
 * import { TraceContext } from "effect-mcp-client"
 *
 * const parent = TraceContext.fromMeta({
 *   traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
 *   tracestate: "vendor=opaque"
 * })
 * ```
 *
 * @category decoding
 * @since 0.1.0
 */
export const fromMeta = (meta: unknown): Tracer.ExternalSpan | undefined => {
  if (typeof meta !== "object" || meta === null) return undefined
  const { traceparent: parentValue, tracestate: stateValue } = meta as {
    readonly traceparent?: unknown
    readonly tracestate?: unknown
  }
  const parent = parse(parentValue)
  if (parent === undefined) return undefined
  const state = parseTraceState(stateValue)
  return state === undefined
    ? parent
    : Tracer.externalSpan({
      traceId: parent.traceId,
      spanId: parent.spanId,
      sampled: parent.sampled,
      annotations: Context.make(TraceState, state)
    })
}

const serverSpan = { kind: "server", captureStackTrace: false } as const

/**
 * Records on a request's span a request the server sent in its course
 * (sampling, elicitation, roots) and how the client answered it: an
 * `mcp.server_request` event with the server request's `mcp.method.name`,
 * its `jsonrpc.request.id` (when it has one: 2026-07-28 inputs have a key
 * instead, `mcp.input.key`), and `error.type` when the answer was an error.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const recorded = Effect.useSpan("tools/call deploy", (span) =>
 *   Effect.sync(() => TraceContext.serverRequestEvent(span, BigInt(Date.now()) * 1_000_000n, "elicitation/create", { id: "s-1" })))
 * ```
 *
 * @category events
 * @since 0.1.0
 */
export const serverRequestEvent = (
  span: Tracer.Span,
  /** When it was answered, in nanoseconds since the epoch (`Clock.currentTimeNanosUnsafe`). */
  time: bigint,
  method: string,
  details: {
    readonly id?: string | number | undefined
    readonly key?: string | undefined
    readonly errorType?: string | undefined
  }
): void => {
  const attributes: Record<string, unknown> = { "mcp.method.name": method }
  if (details.id !== undefined) attributes["jsonrpc.request.id"] = String(details.id)
  if (details.key !== undefined) attributes["mcp.input.key"] = details.key
  if (details.errorType !== undefined) attributes["error.type"] = details.errorType
  span.event("mcp.server_request", time, attributes)
}

/**
 * Runs the handler of a server request in a span named after its method,
 * continued from the `traceparent` (and `tracestate`) in its `_meta` when
 * there is one, else under `related` (the span of the client's request it was
 * sent in the course of, when known). Without an exporting tracer in
 * `context`, returns the handler as it is.
 *
 * @example
 * ```ts
 * import { Context, Effect } from "effect"
 * import { TraceContext } from "effect-mcp-client"
 *
 * const handled = TraceContext.continueFrom(Effect.succeed({ roots: [] }), "roots/list", 1, undefined, Context.empty())
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const continueFrom = <A, E, R>(
  handler: Effect.Effect<A, E, R>,
  method: string,
  id: string | number,
  params: { readonly [key: string]: unknown } | undefined,
  context: Context.Context<never>,
  related?: Tracer.AnySpan | undefined
): Effect.Effect<A, E, R> => {
  if (Context.get(context, Tracer.Tracer) === Tracer.nativeTracer) return handler
  const parent = fromMeta(params?._meta) ?? related
  return Effect.withSpan(handler, method, {
    ...serverSpan,
    ...(parent === undefined ? {} : { parent }),
    attributes: { "mcp.method.name": method, "jsonrpc.request.id": String(id) }
  })
}
