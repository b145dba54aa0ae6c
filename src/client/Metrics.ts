/**
 * Metrics of MCP sessions, with `effect/Metric`: the duration of each
 * request by method and outcome, the requests in flight, the messages and
 * bytes each way, and the notifications a slow subscriber lost. Names and
 * attributes follow OpenTelemetry's MCP conventions where they have one
 * (`mcp.client.operation.duration`, `mcp.method.name`, `error.type`,
 * `network.io.direction`).
 *
 * Off unless `layer` is provided where sessions are made and requests run:
 * then nothing is measured and nothing is counted. Read the values with
 * `Metric.snapshot`, or export them with `@effect/opentelemetry`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Stream from "effect/Stream"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import type { Listener, TransportShape } from "../transport/Transport.ts"

/**
 * Whether sessions record metrics. Defaults to `false`.
 *
 * @category references
 * @since 0.1.0
 */
export const Enabled: Context.Reference<boolean> = Context.Reference<boolean>("effect-mcp-client/Metrics/Enabled", {
  defaultValue: () => false
})

/**
 * Turns metrics on for the sessions made, and the requests run, under it.
 *
 * **Example** (Reading the request durations of a program)
 *
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { McpClient, Metrics } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* client.listTools()
 *   return yield* Metric.value(Metrics.operationDuration)
 * })
 * const measured = program.pipe(Effect.provide(Metrics.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<never> = Layer.succeed(Enabled, true)

/**
 * `mcp.client.operation.duration`: seconds from sending a request to its
 * outcome, with `mcp.method.name` and, when it failed, `error.type`.
 *
 * @category metrics
 * @since 0.1.0
 */
export const operationDuration = Metric.histogram("mcp.client.operation.duration", {
  description: "The duration of MCP requests as observed by the client, in seconds",
  boundaries: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]
})

/**
 * `mcp.client.requests.in_flight`: requests sent and not yet ended.
 *
 * @category metrics
 * @since 0.1.0
 */
export const inFlight = Metric.counter("mcp.client.requests.in_flight", {
  description: "MCP requests sent whose outcome has not arrived"
})

/**
 * `mcp.client.messages`: messages, with `network.io.direction` `transmit`
 * (to the server) or `receive`.
 *
 * @category metrics
 * @since 0.1.0
 */
export const messages = Metric.counter("mcp.client.messages", {
  description: "JSON-RPC messages exchanged with MCP servers",
  incremental: true
})

/**
 * `mcp.client.message.bytes`: the size of those messages as JSON text (UTF-8
 * bytes), with `network.io.direction`.
 *
 * @category metrics
 * @since 0.1.0
 */
export const bytes = Metric.counter("mcp.client.message.bytes", {
  description: "Bytes of JSON-RPC messages exchanged with MCP servers",
  incremental: true
})

/**
 * `mcp.client.notifications.dropped`: notifications a subscriber lost
 * because it fell `notificationBuffer` behind.
 *
 * @category metrics
 * @since 0.1.0
 */
export const droppedNotifications = Metric.counter("mcp.client.notifications.dropped", {
  description: "Server notifications dropped for subscribers that fell behind",
  incremental: true
})

/**
 * Measures one request: its duration by method and outcome, and the
 * requests in flight. Returns the request as it is when metrics are off.
 *
 * @category combinators
 * @since 0.1.0
 */
export const measured = <A, E, R>(effect: Effect.Effect<A, E, R>, method: string): Effect.Effect<A, E, R> =>
  Effect.withFiber((fiber) => {
    if (!fiber.getRef(Enabled)) return effect
    const context = fiber.context
    const started = performance.now()
    inFlight.updateUnsafe(1, context)
    // One exit handler, run in place: no effect of its own to run.
    return Effect.onExitPrimitive(effect, (exit) => {
      inFlight.updateUnsafe(-1, context)
      durationOf(method, Exit.isFailure(exit) ? errorType(exit.cause) : undefined).updateUnsafe(
        (performance.now() - started) / 1000,
        context
      )
      return undefined
    })
  })

/**
 * A transport that counts the messages and bytes crossing it; the
 * transport itself when metrics are off in `context`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const meterTransport = (transport: TransportShape, context: Context.Context<never>): TransportShape => {
  if (!Context.get(context, Enabled)) return transport
  const sentMessages = Metric.withAttributes(messages, { "network.io.direction": "transmit" })
  const sentBytes = Metric.withAttributes(bytes, { "network.io.direction": "transmit" })
  const receivedMessages = Metric.withAttributes(messages, { "network.io.direction": "receive" })
  const receivedBytes = Metric.withAttributes(bytes, { "network.io.direction": "receive" })
  const sent = (message: JsonRpc.Message) => {
    sentMessages.updateUnsafe(1, context)
    sentBytes.updateUnsafe(utf8Length(JSON.stringify(message)), context)
  }
  const received = (message: unknown) => {
    receivedMessages.updateUnsafe(1, context)
    receivedBytes.updateUnsafe(utf8Length(JSON.stringify(message) ?? ""), context)
  }
  const { exchange, listen, offer, telemetry } = transport
  return {
    send: (message) =>
      Effect.suspend(() => {
        sent(message)
        return transport.send(message)
      }),
    // A getter: reading `incoming` of a transport with `listen` claims its messages, which the engine may not want.
    // Counted as the stream maps them: an effect per message would cost more than the counting.
    get incoming() {
      return transport.incoming.pipe(Stream.map((message) => {
        received(message)
        return message
      }))
    },
    ...(offer === undefined ? {} : {
      offer: (message: JsonRpc.Message) => {
        sent(message)
        return offer.call(transport, message)
      }
    }),
    ...(exchange === undefined ? {} : {
      exchange: (request, exchangeContext) =>
        Effect.suspend(() => {
          sent(request)
          return exchange.call(transport, request, exchangeContext)
        })
    }),
    ...(listen === undefined ? {} : {
      listen: (listener: Listener) =>
        listen.call(transport, {
          message: (value) => {
            received(value)
            listener.message(value)
          },
          end: (error) => listener.end(error)
        })
    }),
    ...(telemetry === undefined ? {} : { telemetry: () => telemetry.call(transport) }),
    ...(transport.endpoint === undefined ? {} : { endpoint: transport.endpoint })
  }
}

/**
 * Counts a dropped notification when metrics are on in `context`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const onDropped = (context: Context.Context<never>): (() => void) | undefined =>
  Context.get(context, Enabled) ? () => droppedNotifications.updateUnsafe(1, context) : undefined

// =============================================================================
// Internal
// =============================================================================

/** The duration series of a method and outcome, made once each (up to 256 of them). */
const durations = new Map<string, Metric.Metric<number, Metric.HistogramState>>()
const durationOf = (method: string, errorType: string | undefined) => {
  const key = errorType === undefined ? method : `${method} ${errorType}`
  let series = durations.get(key)
  if (series === undefined) {
    series = Metric.withAttributes(
      operationDuration,
      errorType === undefined ? { "mcp.method.name": method } : { "mcp.method.name": method, "error.type": errorType }
    )
    // Error codes come from servers: the cache stays bounded whatever they send.
    if (durations.size < 256) durations.set(key, series)
  }
  return series
}

/** The UTF-8 length of a string, without encoding it. */
const utf8Length = (text: string): number => {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) length += 1
    else if (code >= 0xd800 && code <= 0xdbff) {
      length += 2
      i++
    } else length += 2
  }
  return length
}

const errorType = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.findErrorOption(cause)
  if (error._tag === "None") return Cause.hasInterruptsOnly(cause) ? "cancelled" : "_OTHER"
  const failure = error.value as { readonly _tag?: unknown; readonly code?: unknown }
  if (failure._tag === "McpServerError" && typeof failure.code === "number") return String(failure.code)
  if (failure._tag === "RequestTimeout") return "timeout"
  return typeof failure._tag === "string" ? failure._tag : "_OTHER"
}
