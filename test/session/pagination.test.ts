import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Scripted from "../support/Scripted.ts"

const tool = (name: string) => ({ name, inputSchema: { type: "object" } })

/** Pages of `size` tools out of `total`, with cursors "p1", "p2", … */
const paginated = (total: number, size: number): Scripted.ScriptOptions => ({
  onRequest: (message, peer) => {
    if (message.method !== "tools/list") return Scripted.reply(peer, message, {})
    const page = message.params?.cursor === undefined ? 0 : Number(String(message.params.cursor).slice(1))
    const names = Array.from({ length: total }, (_, i) => `t${i}`).slice(page * size, page * size + size)
    const more = (page + 1) * size < total
    return Scripted.reply(peer, message, {
      tools: names.map(tool),
      ...(more ? { nextCursor: `p${page + 1}` } : {})
    })
  }
})

describe("pagination", () => {
  it.effect("follows every page by default and returns one merged result", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client(paginated(25, 10))
      const result = yield* client.listTools()
      assert.deepStrictEqual(result.tools.map((t) => t.name), Array.from({ length: 25 }, (_, i) => `t${i}`))
      assert.isUndefined(result.nextCursor)
    }))

  it.effect("returns one page, with its nextCursor, when given a cursor", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client(paginated(25, 10))
      const page = yield* client.listTools({ cursor: "p1" })
      assert.deepStrictEqual(page.tools.map((t) => t.name), Array.from({ length: 10 }, (_, i) => `t${i + 10}`))
      assert.strictEqual(page.nextCursor, "p2")
    }))

  it.effect("streams pages one at a time", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client(paginated(25, 10))
      const pages = yield* Stream.runCollect(client.listToolsPages())
      assert.deepStrictEqual(pages.map((page) => page.tools.length), [10, 10, 5])
      const first = yield* Stream.runHead(client.listToolsPages())
      assert.strictEqual(first._tag === "Some" ? first.value.nextCursor : undefined, "p1")
    }))

  it.effect("an empty-string cursor is still a cursor", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          message.params?.cursor === undefined
            ? Scripted.reply(peer, message, { tools: [tool("a")], nextCursor: "" })
            : Scripted.reply(peer, message, { tools: [tool("b")] })
      })
      const result = yield* client.listTools()
      assert.deepStrictEqual(result.tools.map((t) => t.name), ["a", "b"])
    }))

  it.effect("a repeated cursor is a ProtocolError, not a loop", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, { tools: [tool("x")], nextCursor: "same" })
      })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "ProtocolError")
      assert.include(error.message, "repeated the cursor")
    }))

  it.effect("a server that pages forever stops at maxPages", () =>
    Effect.gen(function*() {
      let n = 0
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, { tools: [], nextCursor: `c${n++}` })
      }, { maxPages: 5 })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "ProtocolError")
      assert.include(error.message, "more than 5 pages")
      assert.strictEqual(n, 5)
    }))

  it.effect("resources, templates and prompts page the same way", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          const second = message.params?.cursor === "next"
          const more = second ? {} : { nextCursor: "next" }
          switch (message.method) {
            case "resources/list":
              return Scripted.reply(peer, message, { resources: [{ uri: second ? "b:" : "a:", name: "r" }], ...more })
            case "resources/templates/list":
              return Scripted.reply(peer, message, {
                resourceTemplates: [{ uriTemplate: second ? "b:{x}" : "a:{x}", name: "t" }],
                ...more
              })
            case "prompts/list":
              return Scripted.reply(peer, message, { prompts: [{ name: second ? "b" : "a" }], ...more })
          }
          return Scripted.reply(peer, message, {})
        }
      })
      assert.deepStrictEqual((yield* client.listResources()).resources.map((r) => r.uri), ["a:", "b:"])
      assert.deepStrictEqual(
        (yield* client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate),
        ["a:{x}", "b:{x}"]
      )
      assert.deepStrictEqual((yield* client.listPrompts()).prompts.map((p) => p.name), ["a", "b"])
      assert.strictEqual((yield* Stream.runCollect(client.listResourcesPages())).length, 2)
      assert.strictEqual((yield* Stream.runCollect(client.listResourceTemplatesPages())).length, 2)
      assert.strictEqual((yield* Stream.runCollect(client.listPromptsPages())).length, 2)
    }))
})
