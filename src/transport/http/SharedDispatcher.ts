/**
 * One undici dispatcher, and one `effect/http` `HttpClient` on it, shared by
 * every session of the process that uses them: for `HttpTransport.make` and
 * `layer` on Node (`HttpTransport.makeNode` and `layerNode` need neither:
 * they drive `node:http` on agents of their own, shared the same way).
 *
 * Sessions to the same server reuse each other's idle connections instead of
 * each holding a connection pool of its own (about 20 KiB per session). The
 * dispatcher is created when the first session opens and destroyed, closing
 * every socket it holds, when the last session using it closes.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as RcRef from "effect/RcRef"
import * as Scope from "effect/Scope"

const shared = Effect.runSync(
  RcRef.make({ acquire: NodeHttpClient.makeDispatcher }).pipe(Scope.provide(Scope.makeUnsafe()))
)

/**
 * The shared dispatcher, held for as long as the layer's scope is open.
 *
 * **Example** (An undici `HttpClient` on the shared dispatcher)
 *
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Layer from "effect/Layer"
 * import { SharedDispatcher } from "effect-mcp-client"
 *
 * const Client = NodeHttpClient.layerUndiciNoDispatcher.pipe(Layer.provide(SharedDispatcher.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<NodeHttpClient.Dispatcher> = Layer.effect(NodeHttpClient.Dispatcher, RcRef.get(shared))

/** One undici `HttpClient` on the shared dispatcher, held while some session uses it. */
const sharedClient = Effect.runSync(
  RcRef.make({
    acquire: Effect.flatMap(
      RcRef.get(shared),
      (dispatcher) => Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, dispatcher)
    )
  }).pipe(Scope.provide(Scope.makeUnsafe()))
)

/**
 * An undici `HttpClient` on the shared dispatcher, itself shared by every
 * session that uses this layer (a client is stateless; sharing it saves
 * building one per session). Held for as long as the layer's scope is open.
 *
 * **Example** (A Streamable HTTP transport on the shared client)
 *
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { HttpTransport, SharedDispatcher } from "effect-mcp-client"
 *
 * const Transport = HttpTransport.layer({ url: "http://127.0.0.1:3000/mcp" }).pipe(
 *   Layer.provide(SharedDispatcher.layerHttpClient)
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  RcRef.get(sharedClient)
)

/**
 * Provides the shared `HttpClient` to an effect, held for as long as the
 * current scope is open (`layerHttpClient`, without building a layer): for a
 * layer of your own that needs the client, at no extra layer's cost.
 *
 * **Example** (A Streamable HTTP transport as one layer)
 *
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { HttpTransport, SharedDispatcher, Transport } from "effect-mcp-client"
 *
 * const layer = Layer.effect(
 *   Transport.Transport,
 *   SharedDispatcher.provideHttpClient(HttpTransport.make({ url: "http://127.0.0.1:3000/mcp" }))
 * )
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const provideHttpClient = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, HttpClient.HttpClient> | Scope.Scope> =>
  Effect.flatMap(RcRef.get(sharedClient), (client) => Effect.provideService(effect, HttpClient.HttpClient, client))
