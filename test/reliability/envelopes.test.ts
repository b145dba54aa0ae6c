/** Responses must carry exactly one of result and error; a bad one fails its own request only. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"
import { JsonRpc } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const Id = Schema.Union([Schema.Int, Schema.String])
const Member = Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean]))

describe("strict envelopes", () => {
  it.prop(
    "a response with both result and error is invalid, and keeps its id",
    [Id, Member, Schema.Int, Schema.String],
    ([id, result, code, message]) => {
      const both = JsonRpc.classify({ jsonrpc: "2.0", id, result, error: { code, message } })
      assert.deepStrictEqual(both._tag === "Invalid" ? both.id : "not invalid", id)
      const neither = JsonRpc.classify({ jsonrpc: "2.0", id })
      assert.deepStrictEqual(neither._tag === "Invalid" ? neither.id : "not invalid", id)
      assert.strictEqual(JsonRpc.classify({ jsonrpc: "2.0", id, result })._tag, "Success")
    }
  )

  it.effect("both or neither fails that request with ProtocolError; the others, and the session, go on", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method !== "tools/call") return Scripted.reply(peer, message, {})
          const name = message.params.name
          if (name === "both") {
            return peer.send({
              jsonrpc: "2.0",
              id: message.id,
              result: { content: [{ type: "text", text: "looks fine" }] },
              error: { code: -32603, message: "but failed" }
            })
          }
          if (name === "neither") return peer.send({ jsonrpc: "2.0", id: message.id })
          return Scripted.reply(peer, message, { content: [{ type: "text", text: name }] })
        }
      })
      const fine = yield* Effect.forkChild(client.callTool("fine"), { startImmediately: true })
      const both = yield* Effect.flip(client.callTool("both"))
      assert.strictEqual(both._tag, "ProtocolError")
      assert.include(both.message, "not both")
      const neither = yield* Effect.flip(client.callTool("neither"))
      assert.strictEqual(neither._tag, "ProtocolError")
      assert.deepStrictEqual((yield* Fiber.join(fine)).content, [{ type: "text", text: "fine" }])
      assert.deepStrictEqual((yield* client.callTool("after")).content, [{ type: "text", text: "after" }])
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))
})
