/** Whatever a server sends within the protocol reaches the caller intact. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Arbitraries } from "../../src/index.ts"
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
