import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { ResultCache } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

describe("ResultCache", () => {
  it("keeps a result for ttlMs, keyed by method and params, and never stores what has no ttl", () => {
    const cache = ResultCache.make(10)
    cache.set("tools/list", "", { tools: [], ttlMs: 100 }, 0)
    cache.set("tools/list", "c2", { tools: ["page 2"], ttlMs: 100 }, 0)
    cache.set("resources/read", "a:", { contents: [], ttlMs: 0 }, 0)
    cache.set("resources/read", "b:", { contents: [] }, 0)
    assert.deepStrictEqual(cache.get("tools/list", "", 99), { tools: [], ttlMs: 100 })
    assert.deepStrictEqual(cache.get("tools/list", "c2", 50), { tools: ["page 2"], ttlMs: 100 })
    assert.isUndefined(cache.get("prompts/list", "", 50))
    assert.isUndefined(cache.get("resources/read", "a:", 0))
    assert.isUndefined(cache.get("resources/read", "b:", 0))
    assert.isUndefined(cache.get("tools/list", "", 100))
  })

  it("drops entries on change notifications, and the oldest beyond its bound", () => {
    const cache = ResultCache.make(2)
    cache.set("tools/list", "", { ttlMs: 1000 }, 0)
    cache.set("resources/read", "a:", { ttlMs: 1000 }, 0)
    cache.invalidate("notifications/tools/list_changed", undefined)
    assert.isUndefined(cache.get("tools/list", "", 1))
    cache.invalidate("notifications/resources/updated", { uri: "b:" })
    assert.isDefined(cache.get("resources/read", "a:", 1))
    cache.invalidate("notifications/resources/updated", { uri: "a:" })
    assert.isUndefined(cache.get("resources/read", "a:", 1))
    cache.set("prompts/list", "", { ttlMs: 1000 }, 0)
    cache.set("resources/list", "", { ttlMs: 1000 }, 0)
    cache.set("tools/list", "", { ttlMs: 1000 }, 0)
    assert.strictEqual(cache.size(), 2)
    assert.isUndefined(cache.get("prompts/list", "", 1))
  })
})

describe("the session's cache (2026-07-28)", () => {
  const discover = {
    supportedVersions: ["2026-07-28"],
    capabilities: { tools: { listChanged: true }, resources: {} },
    ttlMs: 0,
    cacheScope: "public",
    resultType: "complete"
  }

  const server = (counts: Record<string, number>) => ({
    modern: true,
    onRequest: (message: Scripted.Received, peer: any) => {
      const method = message.method!
      counts[method] = (counts[method] ?? 0) + 1
      switch (method) {
        case "server/discover":
          return Scripted.reply(peer, message, discover)
        case "tools/list":
          return Scripted.reply(peer, message, { tools: [], ttlMs: 60_000, cacheScope: "public" })
        case "resources/read":
          return Scripted.reply(peer, message, {
            contents: [{ uri: message.params.uri, text: `v${counts[method]}` }],
            ttlMs: 60_000,
            cacheScope: "private"
          })
        default:
          return Scripted.reply(peer, message, {})
      }
    }
  })

  it.effect("lists and reads are reused while fresh and fetched again when stale", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const { client } = yield* Scripted.client(server(counts), { cache: true })
      yield* client.listTools()
      yield* client.listTools()
      assert.strictEqual(counts["tools/list"], 1)
      const a = yield* client.readResource("file:///a")
      const again = yield* client.readResource("file:///a")
      yield* client.readResource("file:///b")
      assert.strictEqual(counts["resources/read"], 2)
      assert.deepStrictEqual(again, a)
      yield* TestClock.adjust("60 seconds")
      yield* client.listTools()
      assert.strictEqual(counts["tools/list"], 2)
    }))

  it.effect("a change notification invalidates at once", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const { client, peer } = yield* Scripted.client(server(counts), { cache: true })
      yield* client.readResource("file:///a")
      yield* peer.send({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: "file:///a" } })
      yield* client.listTools() // the notification is processed before this answer
      const read = yield* client.readResource("file:///a")
      assert.strictEqual(counts["resources/read"], 2)
      assert.deepStrictEqual(read.contents.map((c) => ("text" in c ? c.text : "")), ["v2"])
    }))

  it.effect("without the option nothing is cached", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const { client } = yield* Scripted.client(server(counts))
      yield* client.listTools()
      yield* client.listTools()
      assert.strictEqual(counts["tools/list"], 2)
    }))
})
