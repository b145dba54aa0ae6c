import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { McpServer } from "effect/ai"
import { McpClient, MemoryTransport, Transport } from "../../../src/index.ts"

describe("transport and session layers", () => {
  it.effect("each use of a transport layer connects anew, while a session layer used twice is one session", () =>
    Effect.gen(function*() {
      let connections = 0
      const connection = Transport.layerConnect(() =>
        Effect.sync(() => {
          connections++
          return { send: () => Effect.void, incoming: Stream.never }
        })
      )
      const usesTransport = () =>
        Layer.effectDiscard(Effect.gen(function*() {
          yield* Transport.Transport
        }))
      yield* Layer.build(
        Layer.mergeAll(
          usesTransport().pipe(Layer.provide(connection)),
          usesTransport().pipe(Layer.provide(connection))
        )
      )
      assert.strictEqual(connections, 2)

      const session = McpClient.layer({ name: "c", version: "1", era: "legacy" }).pipe(
        Layer.provide(MemoryTransport.layerServer({
          name: "s",
          version: "1",
          registrations: McpServer.resource({ uri: "memo://a", name: "a", content: Effect.succeed("a") })
        }))
      )
      const clients: Array<McpClient.McpClientShape> = []
      const usesSession = () =>
        Layer.effectDiscard(Effect.gen(function*() {
          clients.push(yield* McpClient.McpClient)
        }))
      yield* Layer.build(
        Layer.mergeAll(
          usesSession().pipe(Layer.provide(session)),
          usesSession().pipe(Layer.provide(session))
        )
      )
      assert.strictEqual(clients.length, 2)
      assert.strictEqual(clients[0], clients[1])
    }))
})
