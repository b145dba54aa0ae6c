/** The walk-through's server, in-process, with hooks to observe it. */
import { Deferred, Effect, Layer, Queue } from "effect"
import * as SeedServer from "../../examples/SeedServer.ts"
import { McpClient, MemoryTransport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

export const make = (clientOptions: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const cancelled = yield* Queue.unbounded<string>()
    const started = yield* Deferred.make<void>()
    const transport = Oracle.layer(MemoryTransport.layerServer({
      name: "seed-server",
      version: "1.0.0",
      instructions: "Use calculator for arithmetic.",
      registrations: SeedServer.registrations({
        onStarted: () => Deferred.succeed(started, undefined).pipe(Effect.asVoid),
        onCancelled: (tool) => Queue.offer(cancelled, tool).pipe(Effect.asVoid)
      })
    }))
    const layer = McpClient.layer({ name: "test-client", version: "1.0.0", ...clientOptions }).pipe(
      Layer.provide(transport)
    )
    return { layer, cancelled, started }
  })
