/**
 * The two stdio drivers, for suites that run against both: Node's
 * `node:child_process` (`layerNode` / `makeNode`) and `effect/process`'s
 * spawner (`layer` / `make`, given Node's services).
 */
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import type * as Scope from "effect/Scope"
import { type McpError, StdioTransport, type Transport } from "../../src/index.ts"

export interface Driver {
  readonly name: string
  readonly layer: (options: StdioTransport.Options) => Layer.Layer<Transport.Transport, McpError.TransportError>
  readonly make: (
    options: StdioTransport.Options
  ) => Effect.Effect<Transport.TransportShape, McpError.TransportError, Scope.Scope>
}

export const drivers: ReadonlyArray<Driver> = [
  { name: "node:child_process", layer: StdioTransport.layerNode, make: StdioTransport.makeNode },
  {
    name: "effect/process spawner",
    layer: (options) => StdioTransport.layer(options).pipe(Layer.provide(NodeServices.layer)),
    make: (options) => StdioTransport.make(options).pipe(Effect.provide(NodeServices.layer))
  }
]
