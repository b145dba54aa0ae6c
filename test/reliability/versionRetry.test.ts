/** 2026-07-28 `-32022`: retried with another version from the server's `supported` list, never the refused one. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, Schema } from "effect"
import { McpClient, type McpError, Transport } from "../../src/index.ts"
import * as Negotiation from "../../src/session/Negotiation.ts"
import * as Scripted from "../support/Scripted.ts"

const unsupported = (message: Scripted.Received, supported: ReadonlyArray<string>) => ({
  jsonrpc: "2.0",
  id: message.id,
  error: {
    code: -32022,
    message: "Unsupported protocol version",
    data: { supported, requested: message.params?._meta?.["io.modelcontextprotocol/protocolVersion"] }
  }
})

const discovered = {
  supportedVersions: ["2026-07-28"],
  capabilities: { tools: {} },
  _meta: { "io.modelcontextprotocol/serverInfo": { name: "modern", version: "1" } },
  ttlMs: 0,
  cacheScope: "public",
  resultType: "complete"
}

describe("-32022 during negotiation", () => {
  it.effect("a supported list that holds only the refused version ends negotiation at once, typed", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.start({
        modern: true,
        onRequest: (message, peer) => peer.send(unsupported(message, ["2026-07-28", "2025-11-25"]))
      })
      const error = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server.transport),
        Effect.flip
      )
      assert.strictEqual((error as McpError.McpError)._tag, "UnsupportedProtocolVersion")
      assert.include(error.message, "2026-07-28, 2025-11-25")
      const methods = (yield* Queue.takeAll(server.sent)).map((m) => m.method)
      // Not asked again with the version it refused, and no fallback to initialize.
      assert.deepStrictEqual(methods, ["server/discover"])
    }))
})

describe("-32022 for a request of a 2026-07-28 session", () => {
  it.effect("is not repeated with the refused version: the caller gets the server's error", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({
        modern: true,
        onRequest: (message, peer) =>
          message.method === "server/discover"
            ? Scripted.reply(peer, message, discovered)
            : peer.send(unsupported(message, ["2026-07-28"]))
      })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "McpServerError")
      assert.strictEqual((error as McpError.McpServerError).code, -32022)
      const lists = (yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/list")
      assert.strictEqual(lists.length, 1)
    }))
})

describe("the retry version", () => {
  const Version = Schema.Literals(["2026-07-28", "2027-01-01", "2027-06-30", "2028-01-01", "other"])
  it.prop(
    "is one both sides speak and not yet tried; retrying with it ends within as many steps as the client speaks",
    [Schema.Array(Version), Schema.Array(Version), Schema.Array(Version)],
    ([offered, ours0, tried0]) => {
      const ours = [...new Set(ours0)]
      const tried = [...tried0]
      const next = Negotiation.retryVersion(offered, tried, ours)
      const candidates = ours.filter((v) => offered.includes(v) && !tried.includes(v))
      if (next === undefined) assert.strictEqual(candidates.length, 0)
      else {
        assert.include(candidates, next)
        assert.strictEqual(next, candidates[0])
      }
      // A server that refuses every version: the client stops after trying each common one once.
      let steps = 0
      for (let v = Negotiation.retryVersion(offered, tried, ours); v !== undefined; steps++) {
        assert.notInclude(tried, v)
        tried.push(v)
        v = Negotiation.retryVersion(offered, tried, ours)
      }
      assert.isAtMost(steps, ours.length)
    }
  )
})
