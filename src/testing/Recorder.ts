/**
 * Records a session: wraps a transport and keeps every message both ways,
 * in order, with its time and with secrets redacted, as `Recording`
 * entries (NDJSON). Play the recording back with `ReplayTransport`.
 *
 * The wrapped transport's `listen` and `exchange` are kept (an HTTP session
 * records as it runs); `offer` is not, so requests go through `send`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import { type Listener, Transport, type TransportShape } from "../transport/Transport.ts"
import * as Recording from "./Recording.ts"

/**
 * Options of a recorder.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Keys whose values are redacted besides `Recording.secretKeys`. */
  readonly redact?: ReadonlyArray<string> | undefined
  /** Called with each entry's NDJSON line (no newline) as it is recorded: to append to a file, say. */
  readonly onLine?: ((line: string) => void) | undefined
}

/**
 * A recording connection.
 *
 * @category models
 * @since 0.1.0
 */
export interface RecordingConnection {
  readonly transport: TransportShape
  /** The entries so far. */
  readonly entries: ReadonlyArray<Recording.Entry>
  /** The entries so far as NDJSON. */
  readonly ndjson: () => string
}

/**
 * Wraps a connection so that everything crossing it is recorded.
 *
 * **Example** (Recording a session in memory)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryTransport, Recorder } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const { client } = yield* MemoryTransport.makePair
 *   const recorder = yield* Recorder.make(client)
 *   // … run a session over recorder.transport, then:
 *   return recorder.ndjson()
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (inner: TransportShape, options: Options = {}): Effect.Effect<RecordingConnection> =>
  Effect.gen(function*() {
    const clock = yield* Clock.Clock
    const start = clock.currentTimeMillisUnsafe()
    const entries: Array<Recording.Entry> = []
    const record = (direction: Recording.Entry["direction"], message: unknown) => {
      const entry: Recording.Entry = {
        t: clock.currentTimeMillisUnsafe() - start,
        direction,
        message: Recording.redact(message, options.redact)
      }
      entries.push(entry)
      options.onLine?.(Recording.toLine(entry))
    }
    const exchange = inner.exchange
    const listen = inner.listen
    const transport: TransportShape = {
      send: (message: JsonRpc.Message) =>
        Effect.suspend(() => {
          record("send", message)
          return inner.send(message)
        }),
      // A getter: reading `incoming` of a transport with `listen` claims its messages, which the engine may not want.
      get incoming() {
        return inner.incoming.pipe(Stream.tap((message) => Effect.sync(() => record("receive", message))))
      },
      ...(exchange === undefined ? {} : {
        exchange: (request, context) =>
          Effect.suspend(() => {
            record("send", request)
            return exchange.call(inner, request, context)
          })
      }),
      ...(listen === undefined ? {} : {
        listen: (listener: Listener) =>
          listen.call(inner, {
            message: (value) => {
              record("receive", value)
              listener.message(value)
            },
            end: (error) => listener.end(error)
          })
      })
    }
    return { transport, entries, ndjson: () => Recording.toNdjson(entries) }
  })

/**
 * A `Transport` layer that records the `Transport` it is given; each line
 * goes to `onLine`.
 *
 * **Example** (Recording a session to a file)
 *
 * ```ts
 * import { appendFileSync } from "node:fs"
 * import { Layer } from "effect"
 * import { McpClient, Recorder, StdioTransport } from "effect-mcp-client"
 *
 * const Recorded = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(Recorder.layer({ onLine: (line) => appendFileSync("session.ndjson", line + "\n") })),
 *   Layer.provide(StdioTransport.layerNode({ command: "my-server" }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Transport, never, Transport> =>
  Layer.effect(
    Transport,
    Effect.gen(function*() {
      const inner = yield* Transport
      return (yield* make(inner, options)).transport
    })
  )
