/** Sampling requests that misuse tools are refused with -32602 before the application sees them. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, SubscriptionRef } from "effect"
import { type Mcp, McpClient, Roots, Sampling, Transport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const tools = [{ name: "weather", inputSchema: { type: "object" } }]
const text = (value: string) => ({ type: "text" as const, text: value })
const use = (id: string) => ({ type: "tool_use", id, name: "weather", input: {} })
const answer = (id: string) => ({ type: "tool_result", toolUseId: id, content: [text("sunny")] })

describe("sampling with tools", () => {
  const setup = Effect.gen(function*() {
    const server = yield* Scripted.start({ onRequest: (message, peer) => Scripted.reply(peer, message, {}) })
    const reached: Array<unknown> = []
    yield* McpClient.make({ name: "c", version: "1" }).pipe(
      Effect.provideService(Transport.Transport, server.transport),
      Effect.provide(Sampling.layer({
        tools: true,
        createMessage: (request) => {
          reached.push(request)
          return Effect.succeed({ role: "assistant", content: text("ok"), model: "m" })
        }
      }))
    )
    let next = 100
    const ask = (params: Record<string, unknown>) =>
      Effect.gen(function*() {
        const id = next++
        yield* server.peer.send({
          jsonrpc: "2.0",
          id,
          method: "sampling/createMessage",
          params: { maxTokens: 10, ...params }
        })
        return yield* Scripted.takeUntil(server.sent, (m) => m.id === id && m.method === undefined)
      })
    return { ask, reached }
  })

  it.effect("toolChoice without tools, and tool_use / tool_result that do not pair, get -32602", () =>
    Effect.gen(function*() {
      const { ask, reached } = yield* setup
      const refused = [
        { messages: [{ role: "user", content: text("hi") }], toolChoice: { mode: "auto" } },
        // A tool_use left unanswered before the next message.
        {
          tools,
          messages: [
            { role: "user", content: text("weather?") },
            { role: "assistant", content: [use("a")] },
            { role: "user", content: text("and?") }
          ]
        },
        // A tool_result for an id nobody used.
        {
          tools,
          messages: [
            { role: "user", content: text("weather?") },
            { role: "assistant", content: [use("a")] },
            { role: "user", content: [answer("b")] }
          ]
        },
        // tool_result mixed with other content.
        {
          tools,
          messages: [
            { role: "user", content: text("weather?") },
            { role: "assistant", content: [use("a")] },
            { role: "user", content: [answer("a"), text("thanks")] }
          ]
        }
      ]
      for (const params of refused) {
        const reply = yield* ask(params)
        assert.strictEqual(reply.error?.code, -32602, JSON.stringify(params))
      }
      assert.strictEqual(reached.length, 0)
      const accepted = yield* ask({
        tools,
        toolChoice: { mode: "auto" },
        messages: [
          { role: "user", content: text("weather?") },
          { role: "assistant", content: [use("a"), use("b")] },
          { role: "user", content: [answer("b"), answer("a")] }
        ]
      })
      assert.deepStrictEqual(accepted.result?.content, text("ok"))
      assert.strictEqual(reached.length, 1)
    }))

  it.effect.prop(
    "a conversation where every tool_use is answered in the next message reaches the handler",
    [Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3 }))).check(Schema.isMaxLength(5))],
    ([rounds]) =>
      Effect.gen(function*() {
        const { ask, reached } = yield* setup
        const messages: Array<unknown> = [{ role: "user", content: text("start") }]
        rounds.forEach((count, round) => {
          const ids = Array.from({ length: count }, (_, i) => `r${round}-${i}`)
          messages.push({ role: "assistant", content: ids.map(use) })
          messages.push({ role: "user", content: ids.reverse().map(answer) })
        })
        const reply = yield* ask({ tools, messages })
        assert.isUndefined(reply.error)
        assert.strictEqual(reached.length, 1)
      }).pipe(Effect.scoped),
    { arbitrary: { runs: 20 } }
  )
})

describe("roots", () => {
  it.effect("roots/list refuses to send a root that is not a file:// URI, naming it", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.start({ onRequest: (message, peer) => Scripted.reply(peer, message, {}) })
      const roots = yield* SubscriptionRef.make<ReadonlyArray<Mcp.Root>>([{ uri: "file:///work", name: "work" }])
      yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server.transport),
        Effect.provide(Roots.layerSubscriptionRef(roots))
      )
      const list = (id: number) =>
        Effect.andThen(
          server.peer.send({ jsonrpc: "2.0", id, method: "roots/list" }),
          Scripted.takeUntil(server.sent, (m) => m.id === id && m.method === undefined)
        )
      assert.deepStrictEqual((yield* list(1)).result, { roots: [{ uri: "file:///work", name: "work" }] })
      yield* SubscriptionRef.set(roots, [{ uri: "file:///work" }, { uri: "https://example.com/repo" }])
      const refused = yield* list(2)
      assert.strictEqual(refused.error?.code, -32603)
      assert.include(refused.error?.message, "https://example.com/repo")
    }))
})
