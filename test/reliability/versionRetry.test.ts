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
  it.effect("a refused version the server lists as supported is tried once more, then negotiation fails typed", () =>
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
      // Bounded, and no fallback to initialize: a -32022 proves a 2026-07-28 server.
      assert.deepStrictEqual(methods, ["server/discover", "server/discover"])
    }))

  it.effect("a server that refuses once and then answers is spoken to", () =>
    Effect.gen(function*() {
      let refusals = 0
      const server = yield* Scripted.start({
        modern: true,
        onRequest: (message, peer) =>
          refusals++ === 0 ? peer.send(unsupported(message, ["2026-07-28"])) : Scripted.reply(peer, message, discovered)
      })
      const client = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server.transport)
      )
      assert.strictEqual(client.protocolVersion, "2026-07-28")
    }))
})

describe("-32022 for a request of a 2026-07-28 session", () => {
  /** A 2026-07-28 server that refuses every request but discovery with -32022, listing `supported`. */
  const refusing = (supported: ReadonlyArray<string>) =>
    Scripted.client({
      modern: true,
      onRequest: (message, peer) =>
        message.method === "server/discover"
          ? Scripted.reply(peer, message, discovered)
          : peer.send(unsupported(message, supported))
    })

  it.effect("is retried once, not in a loop: then the caller gets the server's error", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* refusing(["2026-07-28"])
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "McpServerError")
      assert.strictEqual((error as McpError.McpServerError).code, -32022)
      const lists = (yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/list")
      assert.strictEqual(lists.length, 2)
    }))

  it.effect("with nothing in common it is not retried", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* refusing(["2027-01-01"])
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual((error as McpError.McpServerError).code, -32022)
      assert.strictEqual((yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/list").length, 1)
    }))
})

describe("the retry version", () => {
  const Version = Schema.Literals(["2026-07-28", "2027-01-01", "2027-06-30", "2028-01-01", "other"])
  it.prop(
    "one both sides speak, untried ones first, none three times; retrying ends within twice the client's versions",
    [Schema.Array(Version), Schema.Array(Version), Schema.Array(Version)],
    ([offered, ours0, tried0]) => {
      const ours = [...new Set(ours0)]
      const tried = [...tried0]
      const times = (v: string) => tried.filter((t) => t === v).length
      const next = Negotiation.retryVersion(offered, tried, ours)
      const common = ours.filter((v) => offered.includes(v))
      const untried = common.filter((v) => times(v) === 0)
      const once = common.filter((v) => times(v) === 1)
      if (next === undefined) assert.strictEqual(untried.length + once.length, 0)
      else assert.strictEqual(next, untried[0] ?? once[0])
      // A server that refuses every version: the client stops after trying each common one at most twice.
      let steps = 0
      for (let v = Negotiation.retryVersion(offered, tried, ours); v !== undefined; steps++) {
        tried.push(v)
        assert.isAtMost(times(v), 2 + tried0.filter((t) => t === v).length)
        v = Negotiation.retryVersion(offered, tried, ours)
      }
      assert.isAtMost(steps, 2 * ours.length)
    }
  )
})
