/** Per-server limits, observed at the server: it never has more than `maxConcurrency` calls in flight. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { fileURLToPath } from "node:url"
import { HostConfig, McpHost } from "../../src/index.ts"

const server = fileURLToPath(new URL("../fixtures/host/counting-server.mjs", import.meta.url))

const hostWith = (options: { readonly maxConcurrency?: number }) =>
  Effect.flatMap(
    HostConfig.fromObject({ mcpServers: { counting: { command: process.execPath, args: [server], ...options } } }),
    (config) => McpHost.make(config, { stderr: "ignore" })
  )

const text = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { text?: string }).text ?? "").join("")

describe("maxConcurrency", () => {
  it.live("the server sees at most maxConcurrency calls in flight; the others wait their turn", () =>
    Effect.gen(function*() {
      const host = yield* hostWith({ maxConcurrency: 3 })
      // Each call is answered once 3 are in flight (or after 300 ms): any more would be seen.
      const results = yield* Effect.forEach(
        Array.from({ length: 10 }, () => host.callTool("counting__hold", { target: 3, ms: 300 })),
        (call) => call,
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.length, 10)
      assert.strictEqual(text(yield* host.callTool("counting__stats")), "3")
    }).pipe(Effect.scoped))

  it.live("without a bound, the same calls all reach the server at once", () =>
    Effect.gen(function*() {
      const host = yield* hostWith({})
      yield* Effect.forEach(
        Array.from({ length: 10 }, () => host.callTool("counting__hold", { target: 10, ms: 2000 })),
        (call) => call,
        { concurrency: "unbounded" }
      )
      assert.strictEqual(text(yield* host.callTool("counting__stats")), "10")
    }).pipe(Effect.scoped))

  it.live("a caller's timeout covers its wait for a permit", () =>
    Effect.gen(function*() {
      const host = yield* hostWith({ maxConcurrency: 1 })
      const holding = yield* Effect.forkChild(host.callTool("counting__hold", { ms: 1500 }))
      yield* Effect.yieldNow
      const waited = yield* Effect.flip(host.callTool("counting__stats", {}, { timeout: "100 millis" }))
      assert.strictEqual(waited._tag, "RequestTimeout")
      const client = yield* host.client("counting")
      assert.strictEqual(yield* client.pendingRequests, 1)
      assert.strictEqual(text(yield* Fiber.join(holding)), "timed out")
    }).pipe(Effect.scoped))
})
