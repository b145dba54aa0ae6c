/**
 * 2026-07-28 over HTTP has no resumption: a request whose response stream breaks is re-issued under a fresh
 * id when it is safe to repeat, and fails with `TransportError` (`responseBroken`) otherwise. Through a proxy
 * that resets the socket mid-response, in front of the real TS SDK v2 server.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { McpClient, type McpError } from "../../src/index.ts"
import * as CuttingProxy from "../support/CuttingProxy.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"
import * as Peers from "../support/Peers.ts"

const connectWith = (driver: Driver) => (url: string, options: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(driver.layer({ url, defaultRetry: 10 }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", ...options }).pipe(Effect.provideContext(context))
  })

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  (result.content as ReadonlyArray<{ readonly text?: string }>).map((block) => block.text ?? "").join("")

describe.each(drivers)("2026-07-28: a broken response stream over $name", (driver) => {
  const connect = connectWith(driver)

  it.live("a request safe to repeat is re-issued under a fresh id, and answered once", () =>
    Effect.gen(function*() {
      const proxy = yield* CuttingProxy.start(yield* Peers.http("ts-v2"))
      const client = yield* connect(proxy.url)
      assert.strictEqual(client.protocolVersion, "2026-07-28")
      proxy.armRequest("tools/list")
      const listed = yield* client.listTools()
      assert.include(listed.tools.map((tool) => tool.name), "add")
      assert.strictEqual(proxy.cuts(), 1)
      const lists = proxy.requests().filter((r) => r.method === "tools/list")
      assert.strictEqual(lists.length, 2)
      assert.notStrictEqual(lists[0]!.id, lists[1]!.id)
      assert.strictEqual(yield* client.pendingRequests, 0)
      // The session goes on.
      assert.strictEqual(textOf(yield* client.callTool("add", { a: 2, b: 3 })), "5")
    }).pipe(Effect.scoped), 60_000)

  it.live(
    "a progress stream cut before its result: prompts/get is re-issued; tools/call fails typed, sent once",
    () =>
      Effect.gen(function*() {
        const proxy = yield* CuttingProxy.start(yield* Peers.http("ts-v2"))
        const client = yield* connect(proxy.url)
        proxy.armRequest("prompts/get")
        const prompt = yield* client.getPrompt("greet", { name: "ada" })
        assert.isAbove(prompt.messages.length, 0)
        assert.strictEqual(proxy.requests().filter((r) => r.method === "prompts/get").length, 2)

        proxy.armRequest("tools/call")
        const progress: Array<number> = []
        const error = yield* Effect.flip(
          client.callTool("slow", { steps: 2, delayMs: 10 }, { onProgress: (p) => void progress.push(p.progress) })
        )
        assert.strictEqual(error._tag, "TransportError")
        const broken = error as McpError.TransportError
        assert.isTrue(broken.responseBroken)
        assert.include(broken.message, "tools/call is not sent again")
        assert.strictEqual(proxy.requests().filter((r) => r.method === "tools/call").length, 1)
        assert.strictEqual(yield* client.pendingRequests, 0)
        assert.strictEqual(textOf(yield* client.callTool("add", { a: 1, b: 1 })), "2")
      }).pipe(Effect.scoped),
    60_000
  )
})
