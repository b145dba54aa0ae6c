/**
 * One undici dispatcher shared by every HTTP session of the process.
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
