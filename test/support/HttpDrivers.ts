/**
 * The two HTTP drivers, for suites that run against both: `node:http`
 * (`layerNode` / `makeNode`) and `effect/http`'s `HttpClient` (`layer` /
 * `make`, given the undici client on the shared dispatcher).
 */
import { Layer } from "effect"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { HttpTransport, SharedDispatcher, type Transport } from "../../src/index.ts"

export interface Driver {
  readonly name: string
  readonly layer: (options: HttpTransport.Options) => Layer.Layer<Transport.Transport>
  readonly make: (options: HttpTransport.Options) => Effect.Effect<Transport.TransportShape, never, Scope.Scope>
}

export const drivers: ReadonlyArray<Driver> = [
  { name: "node:http", layer: HttpTransport.layerNode, make: HttpTransport.makeNode },
  {
    name: "effect/http HttpClient",
    layer: (options) => HttpTransport.layer(options).pipe(Layer.provide(SharedDispatcher.layerHttpClient)),
    make: (options) => SharedDispatcher.provideHttpClient(HttpTransport.make(options))
  }
]
