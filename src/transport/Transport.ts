/**
 * The connection a session runs on, as a service.
 *
 * A `Transport` moves JSON-RPC messages between this client and one server.
 * It knows framing (newline-delimited JSON, HTTP bodies, SSE events) and the
 * connection's lifetime, and nothing about MCP methods: the session engine
 * reads only this interface, so the same engine runs over memory, stdio or
 * HTTP.
 *
 * Each transport module exports a `layer(options)` that opens the connection
 * when built and closes it when the layer's scope closes.
 *
 * Not in scope: request/response matching, timeouts and cancellation; those
 * belong to the session engine.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { AuthorizationError, MessageTooLarge, SessionExpired, TransportError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"

/**
 * The contract of a connection.
 *
 * **Details**
 *
 * - `send` may be called from many fibers at once; each message is written
 *   whole (messages never interleave). After the connection has closed or
 *   failed, `send` fails with `TransportError`.
 * - `incoming` is the stream of messages from the server, each a parsed JSON
 *   value that has not been validated yet. It has a single consumer (the
 *   session engine). It ends when the server closes the connection and fails
 *   with `TransportError` when the connection breaks, or `MessageTooLarge`
 *   when a message passes the transport's limit. Values that cannot be
 *   parsed as JSON never reach it; the transport reports them itself.
 * - Closing the scope the transport was built in closes the connection and
 *   releases everything it holds (processes, sockets, fibers).
 * - `exchange`, when present, carries requests instead of `send`; see its
 *   own documentation.
 * - Members are called on the transport (`transport.send(message)`): a
 *   transport may be a class instance whose methods need it.
 *
 * @category models
 * @since 0.1.0
 */
export interface TransportShape {
  readonly send: (message: JsonRpc.Message) => Effect.Effect<void, ConnectionError>
  /**
   * For transports that queue a message without waiting (a pipe, memory):
   * does what `send` does, synchronously, and returns the error `send` would
   * fail with, if any. When present, the engine sends requests through it,
   * which saves a few steps per request.
   */
  readonly offer?: ((message: JsonRpc.Message) => ConnectionError | undefined) | undefined
  readonly incoming: Stream.Stream<unknown, ConnectionError>
  /**
   * For transports that receive without being read (HTTP replies arrive on
   * their own requests): hands every message from now on to
   * `listener.message`, in order, instead of to `incoming`, and the end of
   * the connection to `listener.end`. Messages that arrived earlier are
   * handed over first. Called at most once. When present, the engine uses it
   * and needs no reader fiber.
   */
  readonly listen?: ((listener: Listener) => void) | undefined
  /**
   * For transports where each request has a channel of its own (an HTTP POST
   * whose response body carries the reply): sends a request and runs for the
   * lifetime of its exchange. It completes once the exchange has delivered
   * the reply to `incoming`, and fails with `TransportError` when the
   * exchange breaks before that. Interrupting it abandons the exchange
   * (closing the request's stream). When absent, requests go through `send`.
   */
  readonly exchange?:
    | ((
      request: JsonRpc.Request,
      context?: ExchangeContext
    ) => Effect.Effect<void, ConnectionError>)
    | undefined
  /**
   * What OpenTelemetry's MCP conventions record about the connection on each
   * request span: `network.transport` (`pipe` for stdio, `tcp` for HTTP),
   * `network.protocol.name`, `server.address`, `server.port` and
   * `mcp.session.id`, as far as the transport knows them. Read when a
   * request is traced, so it may change (an HTTP session id arrives with
   * the first reply).
   */
  readonly telemetry?: (() => { readonly [attribute: string]: string | number }) | undefined
  /**
   * The server's address as the application named it (HTTP: the endpoint
   * URL), by which the client remembers the era it speaks (`EraMemo`).
   * Absent when each connection is a server of its own (stdio).
   */
  readonly endpoint?: string | undefined
}

/**
 * Where a transport with `listen` hands what it receives.
 *
 * @category models
 * @since 0.1.0
 */
export interface Listener {
  /** A message from the server: parsed JSON, not validated yet. */
  readonly message: (value: unknown) => void
  /** The connection ended: closed by the server (`TransportError`) or failed. */
  readonly end: (error: ConnectionError) => void
}

/**
 * How a connection can fail: it broke, a message was too large, the server
 * forgot the session (HTTP), or authorization failed (HTTP).
 *
 * @category models
 * @since 0.1.0
 */
export type ConnectionError = TransportError | MessageTooLarge | SessionExpired | AuthorizationError

/**
 * What the session tells a transport about one exchange beyond its message.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExchangeContext {
  /**
   * Headers to send with the request (2026-07-28 over HTTP: `Mcp-Method`,
   * `Mcp-Name`, `Mcp-Param-*`), already encoded.
   */
  readonly headers?: { readonly [name: string]: string } | undefined
}

/** Server messages received in the course of one of the client's requests, and that request's id. */
const relations = new WeakMap<object, JsonRpc.RequestId>()

/**
 * Marks a message from the server as sent in the course of the client's
 * request `requestId`, where the transport knows it (over HTTP, a server
 * request that arrives on the stream of the client's POST). The session
 * records the server's request on that request's span.
 *
 * @example
 * ```ts
 * import { Transport } from "effect-mcp-client"
 *
 * const message = { jsonrpc: "2.0", id: "s-1", method: "roots/list" }
 * Transport.markRelated(message, 7)
 * Transport.relatedRequest(message) // 7
 * ```
 *
 * @category relations
 * @since 0.1.0
 */
export const markRelated = (message: unknown, requestId: JsonRpc.RequestId): void => {
  if (typeof message === "object" && message !== null) relations.set(message, requestId)
}

/**
 * The client's request a server message was sent in the course of, when the
 * transport marked one (`markRelated`).
 *
 * @example
 * ```ts
 * import { Transport } from "effect-mcp-client"
 *
 * Transport.relatedRequest({ jsonrpc: "2.0", method: "notifications/progress" }) // undefined
 * ```
 *
 * @category relations
 * @since 0.1.0
 */
export const relatedRequest = (message: unknown): JsonRpc.RequestId | undefined =>
  typeof message === "object" && message !== null ? relations.get(message) : undefined

/**
 * The `Transport` service key. Provide it with a transport layer, such as
 * `MemoryTransport.layerServer` or `StdioTransport.layerNode`.
 *
 * **Example** (Providing a transport to a session)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpClient, MemoryTransport } from "effect-mcp-client"
 * import { McpServer } from "effect/ai"
 *
 * const server = McpServer.resource({ uri: "memo://hello", name: "hello", content: Effect.succeed("hi") })
 * const Client = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(MemoryTransport.layerServer({ name: "demo", version: "1.0.0", registrations: server }))
 * )
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class Transport extends Context.Service<Transport, TransportShape>()("effect-mcp-client/Transport") {}

/**
 * A `Transport` layer from a function giving the effect that connects: the
 * layer connects when built and the connection closes with the layer's
 * scope. For transports of your own; every transport of this package builds
 * its layer with it. (A function, so that an open session's layer holds only
 * what the function captures, not a prepared effect.)
 *
 * Each use of the layer connects anew (it is not memoized, as with
 * `Layer.fresh`): a connection serves exactly one session. Provide the
 * session's layer, not the transport's, where several parts of an
 * application share a session.
 *
 * **Example** (A layer for a transport of your own)
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Transport } from "effect-mcp-client"
 *
 * const Closed = Transport.layerConnect(() => Effect.succeed({ send: () => Effect.void, incoming: Stream.empty }))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerConnect = <E, R>(
  connect: () => Effect.Effect<TransportShape, E, R>
): Layer.Layer<Transport, E, Exclude<R, Scope.Scope>> =>
  Layer.fromBuild((_, scope) => Effect.map(Scope.provide(connect(), scope), (shape) => Context.make(Transport, shape)))
