/** Whatever a server sends within the protocol reaches the caller intact. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Arbitraries, Mcp } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const jsonCopy = <A>(value: A): A => JSON.parse(JSON.stringify(value))

describe("any valid server result reaches the caller as sent", () => {
  it.effect.prop("tools/call results", { result: Arbitraries.callToolResult }, ({ result }) =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        capabilities: { tools: {} },
        onRequest: (message, peer) =>
          Scripted.reply(
            peer,
            message,
            message.method === "tools/list" ? { tools: [{ name: "t", inputSchema: {} }] } : result
          )
      })
      const received = yield* client.callTool("t")
      assert.deepStrictEqual(received, jsonCopy(result))
    }).pipe(Effect.scoped), { arbitrary: { runs: 40 } })

  it.effect.prop("tools/list pages", { page: Arbitraries.listToolsResult }, ({ page }) =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, page)
      })
      const received = yield* client.listTools({ cursor: "any" })
      assert.deepStrictEqual(received, jsonCopy(page))
    }).pipe(Effect.scoped), { arbitrary: { runs: 40 } })

  it.effect.prop("resources/read and prompts/get results", {
    read: Arbitraries.readResourceResult,
    prompt: Arbitraries.getPromptResult
  }, ({ prompt, read }) =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, message.method === "resources/read" ? read : prompt)
      })
      assert.deepStrictEqual(yield* client.readResource("any:"), jsonCopy(read))
      assert.deepStrictEqual(yield* client.getPrompt("any"), jsonCopy(prompt))
    }).pipe(Effect.scoped), { arbitrary: { runs: 40 } })
})

describe("generated server messages have each revision's shape", () => {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null
  const revisions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] as const
  for (const revision of revisions) {
    it.prop(`notifications of ${revision}`, { n: Arbitraries.notification(revision) }, ({ n }) => {
      assert.strictEqual(n.jsonrpc, "2.0")
      assert.isTrue(n.method.startsWith("notifications/"))
      if (n.method === "notifications/progress") {
        assert.isTrue(Schema.is(Mcp.ProgressNotificationParams)(n.params))
        if (revision === "2024-11-05") assert.notProperty(n.params, "message")
      }
      if (n.method === "notifications/message") assert.isTrue(Schema.is(Mcp.LoggingMessageParams)(n.params))
      if (revision < "2025-11-25") assert.notStrictEqual(n.method, "notifications/elicitation/complete")
      assert.deepStrictEqual(jsonCopy(n), n)
    }, { arbitrary: { runs: 60 } })

    it.prop(`server requests of ${revision}`, { r: Arbitraries.serverRequest(revision) }, ({ r }) => {
      assert.include(["ping", "roots/list", "sampling/createMessage", "elicitation/create"], r.method)
      assert.isTrue(typeof r.id === "string" || Number.isInteger(r.id))
      if (r.method === "sampling/createMessage") assert.isTrue(Schema.is(Mcp.CreateMessageParams)(r.params))
      if (r.method === "elicitation/create") {
        assert.isTrue(revision >= "2025-06-18")
        if (r.params?.mode === "url") assert.strictEqual(revision, "2025-11-25")
      }
    }, { arbitrary: { runs: 60 } })
  }

  it.prop("any message while a request is open: its reply, an error, a notification or a server request", {
    m: Arbitraries.serverMessage("2025-11-25", 7, Arbitraries.callToolResult)
  }, ({ m }) => {
    assert.isTrue(isObject(m))
    const message = m as Record<string, unknown>
    assert.strictEqual(message.jsonrpc, "2.0")
    if ("result" in message) assert.isTrue(message.id === 7 && Schema.is(Mcp.CallToolResult)(message.result))
    else if ("error" in message) {
      const error = message.error as Record<string, unknown>
      assert.isTrue(message.id === 7 && Number.isInteger(error.code) && typeof error.message === "string")
    } else assert.isString(message.method)
  }, { arbitrary: { runs: 80 } })

  it.effect.prop("a list in any pages reaches the caller whole, in order", {
    pages: Arbitraries.pages(Arbitraries.sendable(Arbitraries.tool), "tools")
  }, ({ pages }) =>
    Effect.gen(function*() {
      const cursors = pages.flatMap((page) => page.nextCursor === undefined ? [] : [page.nextCursor])
      assert.strictEqual(new Set(cursors).size, pages.length - 1, "every page but the last has a distinct cursor")
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          const cursor = message.params?.cursor
          const index = cursor === undefined ? 0 : Number(String(cursor).slice("cursor-".length))
          return Scripted.reply(peer, message, pages[index])
        }
      })
      const listed = yield* client.listTools()
      assert.deepStrictEqual(listed.tools, pages.flatMap((page) => page.tools))
    }).pipe(Effect.scoped), { arbitrary: { runs: 40 } })
})
