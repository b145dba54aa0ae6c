/**
 * A scripted MCP server over the in-memory pair, for faults a real server
 * won't produce. It answers `initialize` like a real server and hands every
 * other message to the test's script.
 */
import { Effect, Layer, Queue, Stream } from "effect"
import type { Scope } from "effect"
import { McpClient, MemoryTransport, Transport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

export interface Received {
  readonly id?: string | number
  readonly method?: string
  readonly params?: any
  readonly result?: any
  readonly error?: any
}

export interface ScriptOptions {
  /** Answers `server/discover` as a 2026-07-28 server would, instead of as an older one (-32601). */
  readonly modern?: boolean
  readonly protocolVersion?: string
  readonly capabilities?: Record<string, unknown>
  readonly instructions?: string
  /** Answers a request; return undefined to leave it unanswered. */
  readonly onRequest?: (message: Received, peer: MemoryTransport.Peer) => Effect.Effect<unknown> | undefined
}

export const allCapabilities = {
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  logging: {},
  completions: {}
}

/**
 * Starts a scripted server. `sent` receives every message the client sent,
 * in order, `initialize` included.
 */
export const start = (options: ScriptOptions = {}): Effect.Effect<
  {
    readonly transport: Transport.TransportShape
    readonly peer: MemoryTransport.Peer
    readonly sent: Queue.Queue<Received>
  },
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const { client, peer } = yield* MemoryTransport.makePair
    const sent = yield* Queue.unbounded<Received>()
    yield* peer.incoming.pipe(
      Stream.runForEach((raw) => {
        const message = raw as Received
        Queue.offerUnsafe(sent, message)
        if (message.method === "server/discover" && message.id !== undefined && options.modern !== true) {
          return peer.send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } })
        }
        if (message.method === "initialize" && message.id !== undefined) {
          return peer.send({
            jsonrpc: "2.0",
            id: message.id,
            result: {
              protocolVersion: options.protocolVersion ?? message.params.protocolVersion,
              capabilities: options.capabilities ?? allCapabilities,
              serverInfo: { name: "scripted", version: "0.0.1" },
              ...(options.instructions === undefined ? {} : { instructions: options.instructions })
            }
          })
        }
        if (message.method !== undefined && message.id !== undefined && options.onRequest !== undefined) {
          return options.onRequest(message, peer) ?? Effect.void
        }
        return Effect.void
      }),
      Effect.forkScoped
    )
    return { transport: yield* Oracle.check(client), peer, sent }
  })

/** A client over a scripted server, plus the server's handles. */
export const client = (options: ScriptOptions = {}, clientOptions: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const server = yield* start(options)
    const session = yield* McpClient.make({ name: "test-client", version: "1.0.0", ...clientOptions }).pipe(
      Effect.provideService(Transport.Transport, server.transport)
    )
    return { ...server, client: session }
  })

/** Replies to a request with a result. */
export const reply = (peer: MemoryTransport.Peer, message: Received, result: unknown) =>
  peer.send({ jsonrpc: "2.0", id: message.id, result })

/** Replies to a request with a JSON-RPC error. */
export const replyError = (peer: MemoryTransport.Peer, message: Received, code: number, text: string) =>
  peer.send({ jsonrpc: "2.0", id: message.id, error: { code, message: text } })

/** Takes sent messages until one matches. */
export const takeUntil = (sent: Queue.Queue<Received>, predicate: (message: Received) => boolean) =>
  Effect.gen(function*() {
    while (true) {
      const message = yield* Queue.take(sent)
      if (predicate(message)) return message
    }
  })

/** A transport layer over a scripted server (for `McpClient.layer`). */
export const layer = (options: ScriptOptions = {}) =>
  Layer.effect(Transport.Transport, Effect.map(start(options), (server) => Transport.Transport.of(server.transport)))
