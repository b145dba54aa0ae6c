/**
 * An opt-in log of every JSON-RPC message a session sends and receives, for
 * seeing what goes over the wire without a proxy.
 *
 * One line per message, at `Debug` level through Effect's logger:
 * direction (`→` sent, `←` received), kind, method, id, size in bytes, and
 * the body with its secrets redacted (`Redaction.stringify`) and cut to a
 * bound. A reply names the method of the request it answers. The line
 * carries no annotations, so that a console logger prints it on one line.
 *
 * It costs nothing when off: unless asked for (`wrap`, `layer`, or the
 * `wireLog` option of `McpClient`), the transport is not wrapped; and when
 * `Debug` is below the minimum log level in effect where the session opens,
 * it is not wrapped either.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Redaction from "./Redaction.ts"
import { type Listener, Transport, type TransportShape } from "./Transport.ts"

/**
 * What the log shows.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /**
   * The longest body shown, in characters; longer ones are cut and say how
   * much was left out. Defaults to 2,000. `0` shows no body.
   */
  readonly maxBodyChars?: number | undefined
}

/**
 * The default bound on a logged body, in characters.
 *
 * @category constants
 * @since 0.1.0
 */
export const defaultMaxBodyChars = 2000

/**
 * Which way a message went: `→` sent to the server, `←` received from it.
 *
 * @category models
 * @since 0.1.0
 */
export type Direction = "→" | "←"

/** How many unanswered requests each way are remembered, to name the method of their replies. */
const maxInFlight = 1024

const describeId = (id: unknown) => typeof id === "string" ? JSON.stringify(id) : String(id)

/** The id → method of requests in flight, each way, so a reply names what it answers. */
interface InFlight {
  readonly sent: Map<unknown, string>
  readonly received: Map<unknown, string>
}

/**
 * One log line for a message: `→ request tools/call #3 (142 bytes) {…}`.
 * Pure; `wrap` logs these.
 *
 * **Example** (The line for a request)
 *
 * ```ts
 * import { WireLog } from "effect-mcp-client"
 *
 * WireLog.format("→", { jsonrpc: "2.0", id: 1, method: "ping" })
 * // '→ request ping #1 (40 bytes) {"jsonrpc":"2.0","id":1,"method":"ping"}'
 * ```
 *
 * @category formatting
 * @since 0.1.0
 */
export const format = (direction: Direction, message: unknown, options?: Options): string =>
  line(direction, message, options?.maxBodyChars ?? defaultMaxBodyChars, undefined)

const line = (
  direction: Direction,
  message: unknown,
  maxBodyChars: number,
  inFlight: InFlight | undefined
): string => {
  const raw = JSON.stringify(message) ?? ""
  const bytes = Buffer.byteLength(raw, "utf8")
  const fields = typeof message === "object" && message !== null && !Array.isArray(message)
    ? message as { readonly id?: unknown; readonly method?: unknown; readonly error?: unknown }
    : undefined
  let kind: string
  let method = ""
  let id = ""
  if (fields === undefined) {
    kind = Array.isArray(message) ? `batch of ${message.length}` : "value"
  } else if (typeof fields.method === "string") {
    method = fields.method
    if ("id" in fields && fields.id !== undefined) {
      kind = "request"
      id = describeId(fields.id)
      // A request sent is answered by a reply received, and the other way round.
      const requests = direction === "→" ? inFlight?.sent : inFlight?.received
      if (requests !== undefined) {
        requests.set(fields.id, method)
        // Requests never answered (a server that ignores a cancelled one) must not accumulate.
        if (requests.size > maxInFlight) requests.delete(requests.keys().next().value)
      }
    } else {
      kind = "notification"
    }
  } else {
    kind = "error" in fields ? "error" : "response"
    id = describeId(fields.id)
    const requests = direction === "←" ? inFlight?.sent : inFlight?.received
    const answered = requests?.get(fields.id)
    if (answered !== undefined) {
      method = answered
      requests!.delete(fields.id)
    }
  }
  let body = ""
  if (maxBodyChars > 0) {
    const shown = Redaction.stringify(message)
    body = shown.length > maxBodyChars
      ? ` ${shown.slice(0, maxBodyChars)}… (${shown.length - maxBodyChars} more characters)`
      : ` ${shown}`
  }
  const head = kind === "request" || kind === "notification"
    ? `${kind} ${method}`
    : method === ""
    ? kind
    : `${kind} to ${method}`
  return `${direction} ${head}${id === "" ? "" : ` #${id}`} (${bytes} bytes)${body}`
}

/**
 * A transport that logs every message the given one sends and receives, at
 * `Debug` level, with the logger and log level of where it is made. When
 * `Debug` is not enabled there, the transport is returned as it is.
 *
 * **Example** (Logging the messages of a memory session)
 *
 * ```ts
 * import { Effect, Layer, References } from "effect"
 * import { McpClient, MemoryTransport, Transport, WireLog } from "effect-mcp-client"
 *
 * const Logged = Layer.effect(
 *   Transport.Transport,
 *   Effect.flatMap(Effect.service(Transport.Transport), (transport) => WireLog.wrap(transport, { maxBodyChars: 500 }))
 * )
 * const Session = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(Logged),
 *   Layer.provide(MemoryTransport.layerServer({ name: "server", version: "1.0.0", registrations: Layer.empty })),
 *   Layer.provide(Layer.succeed(References.MinimumLogLevel, "Debug"))
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const wrap = (transport: TransportShape, options?: Options): Effect.Effect<TransportShape> =>
  Effect.gen(function*() {
    if (!(yield* LogLevel.isEnabled("Debug"))) return transport
    const context = yield* Effect.context<never>()
    const run = Effect.runSyncWith(context)
    const maxBodyChars = options?.maxBodyChars ?? defaultMaxBodyChars
    const inFlight: InFlight = { sent: new Map(), received: new Map() }
    const log = (direction: Direction, message: unknown) => {
      run(Effect.logDebug(line(direction, message, maxBodyChars, inFlight)))
    }
    const received = (value: unknown) => {
      log("←", value)
      return value
    }
    const offer = transport.offer
    const listen = transport.listen
    const exchange = transport.exchange
    return {
      send: (message: JsonRpc.Message) =>
        Effect.suspend(() => {
          log("→", message)
          return transport.send(message)
        }),
      ...(offer === undefined ? {} : {
        offer: (message: JsonRpc.Message) => {
          log("→", message)
          return offer.call(transport, message)
        }
      }),
      // Read only when the engine reads it: a transport may take its reader on first access.
      get incoming() {
        return Stream.map(transport.incoming, received)
      },
      ...(listen === undefined ? {} : {
        listen: (listener: Listener) =>
          listen.call(transport, {
            message: (value) => listener.message(received(value)),
            end: (error) => listener.end(error)
          })
      }),
      ...(exchange === undefined ? {} : {
        exchange: (request: JsonRpc.Request, context?: Parameters<NonNullable<TransportShape["exchange"]>>[1]) =>
          Effect.suspend(() => {
            log("→", request)
            return exchange.call(transport, request, context)
          })
      }),
      ...(transport.endpoint === undefined ? {} : { endpoint: transport.endpoint })
    } satisfies TransportShape
  })

/**
 * A layer that puts a wire log on the `Transport` below it. Provide the
 * transport layer to it, and it to the session's layer.
 *
 * **Example** (A stdio session with its messages logged)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient, StdioTransport, WireLog } from "effect-mcp-client"
 *
 * const Session = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(WireLog.layer({ maxBodyChars: 300 })),
 *   Layer.provide(StdioTransport.layerNode({ command: "my-mcp-server" }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options?: Options): Layer.Layer<Transport, never, Transport> =>
  Layer.effect(Transport, Effect.flatMap(Effect.service(Transport), (transport) => wrap(transport, options)))
