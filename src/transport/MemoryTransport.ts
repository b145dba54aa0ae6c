/**
 * In-process transports: a client and a server in the same process, with no
 * sockets and no child processes.
 *
 * - `layerServer` hosts a real `effect/ai` `McpServer` on the far end, over
 *   its stdio protocol fed from memory. It is the Effect form of
 *   `create_connected_server_and_client_session(server)`: one call gives a
 *   client a connected server.
 * - `makePair` gives the far end to the caller as a `Peer`, to script a
 *   server by hand: reorder, duplicate, delay or corrupt its replies.
 *
 * Messages cross as JSON text, exactly as they would over a pipe, so what
 * arrives is a copy and anything that does not survive `JSON.stringify`
 * shows up here as it would in production.
 *
 * @since 0.1.0
 */
import type * as McpProtocol from "effect/ai/McpProtocol"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Sink from "effect/Sink"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import { TransportError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import { layerConnect, type Transport, type TransportShape } from "./Transport.ts"

/**
 * The server's end of an in-memory pair.
 *
 * @category models
 * @since 0.1.0
 */
export interface Peer {
  /** What the client sent, parsed, in order. Ends when the client closes. */
  readonly incoming: Stream.Stream<unknown>
  /** Sends a value to the client as one JSON text. */
  readonly send: (message: unknown) => Effect.Effect<void>
  /** Sends raw text to the client as one frame (for malformed input). */
  readonly sendRaw: (text: string) => Effect.Effect<void>
  /** Closes the connection from the server's side: the client sees end of stream. */
  readonly close: Effect.Effect<void>
  /** Fails the connection from the server's side with a transport error. */
  readonly fail: (description: string) => Effect.Effect<void>
}

/**
 * A client transport and its scripted far end.
 *
 * **Example** (A server that answers every request with an empty result)
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { MemoryTransport } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const { client, peer } = yield* MemoryTransport.makePair
 *   yield* peer.incoming.pipe(
 *     Stream.runForEach((m: any) => m.id === undefined ? Effect.void : peer.send({ jsonrpc: "2.0", id: m.id, result: {} })),
 *     Effect.forkScoped
 *   )
 *   return client
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makePair: Effect.Effect<{ readonly client: TransportShape; readonly peer: Peer }, never, Scope.Scope> =
  Effect.gen(function*() {
    const toServer = yield* Queue.unbounded<string, Cause.Done>()
    const toClient = yield* Queue.unbounded<string, TransportError | Cause.Done>()
    let open = true
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        open = false
        Queue.endUnsafe(toServer)
        Queue.endUnsafe(toClient)
      })
    )
    const client: TransportShape = {
      send: (message) =>
        Effect.suspend(() => {
          if (!open || !Queue.offerUnsafe(toServer, JSON.stringify(message))) {
            return Effect.fail(new TransportError({ description: "The in-memory connection is closed" }))
          }
          return Effect.void
        }),
      incoming: Stream.fromQueue(toClient).pipe(Stream.filterMap(parseFrame))
    }
    const peer: Peer = {
      incoming: Stream.fromQueue(toServer).pipe(Stream.map((text) => JSON.parse(text) as unknown)),
      send: (message) => Effect.sync(() => void Queue.offerUnsafe(toClient, JSON.stringify(message))),
      sendRaw: (text) => Effect.sync(() => void Queue.offerUnsafe(toClient, text)),
      close: Effect.sync(() => {
        open = false
        Queue.endUnsafe(toClient)
      }),
      fail: (description) =>
        Effect.sync(() => {
          open = false
          Queue.failCauseUnsafe(toClient, Cause.fail(new TransportError({ description })))
        })
    }
    return { client, peer }
  })

/**
 * A `Transport` layer whose far end is the given scripted peer program. The
 * program runs for the transport's lifetime.
 *
 * @category layers
 * @since 0.1.0
 */
export const layerPeer = <E, R>(
  program: (peer: Peer) => Effect.Effect<void, E, R>
): Layer.Layer<Transport, never, R> =>
  layerConnect(() =>
    Effect.gen(function*() {
      const { client, peer } = yield* makePair
      yield* Effect.forkScoped(Effect.ignoreCause(program(peer)))
      return client
    })
  )

/**
 * Options of an in-process `McpServer`. `registrations` are the server's
 * tools, resources and prompts (layers built with `McpServer.resource`,
 * `McpServer.prompt`, `McpServer.toolkit` or `McpServer.addTool`); their own
 * dependencies must already be provided.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerOptions<E> {
  readonly name: string
  readonly version: string
  readonly instructions?: string | undefined
  /**
   * The revisions the server speaks, preferred first. Defaults to every
   * stateful revision from 2025-11-25 down to 2024-11-05.
   */
  readonly protocols?: McpProtocol.ProtocolAdapter | ReadonlyArray<McpProtocol.ProtocolAdapter> | undefined
  readonly registrations: Layer.Layer<never, E, any>
}

/**
 * A connection to a real `effect/ai` `McpServer` running in this process, in
 * the current scope. Closing the scope stops the server. Use it to connect
 * several clients, each to a server of its own; otherwise prefer
 * `layerServer`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeServer = <E>(
  options: ServerOptions<E>
): Effect.Effect<TransportShape, E | Cause.IllegalArgumentError, Scope.Scope> =>
  Effect.gen(function*() {
    // effect/ai is loaded on first use, so that importing this module costs nothing more.
    const { McpProtocol, McpServer } = yield* Effect.promise(loadAi)
    const stdin = yield* Queue.unbounded<Uint8Array, Cause.Done>()
    const stdout = yield* Queue.unbounded<string, Cause.Done>()
    const encoder = new TextEncoder()
    const decoder = new TextDecoder()
    let open = true
    const stdio = Stdio.make({
      args: Effect.succeed([]),
      stdin: Stream.fromQueue(stdin),
      stdout: () =>
        Sink.forEach((chunk: string | Uint8Array) =>
          Effect.sync(() => {
            Queue.offerUnsafe(stdout, typeof chunk === "string" ? chunk : decoder.decode(chunk))
          })
        ),
      stderr: () => Sink.drain
    })
    const defaultProtocols = [
      McpProtocol.v2025_11_25,
      McpProtocol.v2025_06_18,
      McpProtocol.v2025_03_26,
      McpProtocol.v2024_11_05
    ] as const
    const protocols = options.protocols === undefined
      ? defaultProtocols
      : Array.isArray(options.protocols)
      ? options.protocols
      : [options.protocols]
    const server = McpServer.layerStdio({
      name: options.name,
      version: options.version,
      instructions: options.instructions,
      protocols: protocols as unknown as typeof defaultProtocols,
      registrations: options.registrations
    }).pipe(Layer.provide(Layer.succeed(Stdio.Stdio, stdio))) as Layer.Layer<
      unknown,
      E | Cause.IllegalArgumentError
    >
    // Closing: the server sees end of input, then its layer is torn down.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        open = false
        Queue.endUnsafe(stdin)
        Queue.endUnsafe(stdout)
      })
    )
    // The server's stdio protocol interrupts the fiber that built it when its
    // output ends, so it is built and held by a fiber of its own.
    const started = yield* Deferred.make<void, E | Cause.IllegalArgumentError>()
    yield* Layer.build(server).pipe(
      Effect.andThen(Deferred.succeed(started, undefined)),
      Effect.andThen(Effect.never),
      Effect.scoped,
      Effect.onError((cause) => Deferred.failCause(started, cause)),
      Effect.forkScoped
    )
    yield* Deferred.await(started)
    const offer = (message: JsonRpc.Message): TransportError | undefined =>
      !open || !Queue.offerUnsafe(stdin, encoder.encode(JSON.stringify(message) + "\n"))
        ? new TransportError({ description: "The in-process server has stopped" })
        : undefined
    return {
      send: (message: JsonRpc.Message) =>
        Effect.suspend(() => {
          const error = offer(message)
          return error === undefined ? Effect.void : Effect.fail(error)
        }),
      offer,
      incoming: Stream.fromQueue(stdout).pipe(Stream.splitLines, Stream.filterMap(parseFrame))
    } satisfies TransportShape
  })

/**
 * A `Transport` connected to a real `effect/ai` `McpServer` running in this
 * process. Closing the transport's scope stops the server.
 *
 * **Example** (The seed's `create_connected_server_and_client_session`)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpServer } from "effect/ai"
 * import { McpClient, MemoryTransport } from "effect-mcp-client"
 *
 * const registrations = McpServer.resource({ uri: "memo://a", name: "a", content: Effect.succeed("text") })
 * const Session = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(MemoryTransport.layerServer({ name: "server", version: "1.0.0", registrations }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerServer = <E>(options: ServerOptions<E>): Layer.Layer<Transport, E | Cause.IllegalArgumentError> =>
  layerConnect(() => makeServer(options))

// =============================================================================
// Internal
// =============================================================================

const loadAi = async () => {
  const [McpProtocol, McpServer] = await Promise.all([import("effect/ai/McpProtocol"), import("effect/ai/McpServer")])
  return { McpProtocol, McpServer }
}

/** Parses one frame; blank frames are skipped, non-JSON frames are logged and skipped. */
const parseFrame = (text: string) => {
  if (text.trim().length === 0) return Result.failVoid
  try {
    return Result.succeed(JSON.parse(text) as unknown)
  } catch {
    Effect.runFork(Effect.logWarning("Skipped a frame that is not JSON", { frame: text.slice(0, 200) }))
    return Result.failVoid
  }
}
