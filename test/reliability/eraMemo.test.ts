/** The era of an HTTP server is remembered for the process: a legacy server is not probed on every session. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { EraMemo, HttpTransport, McpClient } from "../../src/index.ts"
import * as CuttingProxy from "../support/CuttingProxy.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Peers from "../support/Peers.ts"

/** One session, opened and closed. */
const session = (url: string, options: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(HttpTransport.layerNode({ url }))
    const client = yield* McpClient.make({ name: "test", version: "1.0.0", ...options }).pipe(
      Effect.provideContext(context)
    )
    // ping is not a 2026-07-28 method
    if (client.era === "legacy") yield* client.ping()
    return client.era
  }).pipe(Effect.scoped)

const legacyServer = Faults.start((exchange) => {
  if (Faults.lifecycle(exchange, "s")) return
  Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
})

const count = (server: { readonly seen: ReadonlyArray<Faults.Exchange> }, method: string) =>
  server.seen.filter((exchange) => exchange.body?.method === method).length

describe("the era memo", () => {
  it.live("a second session to a legacy HTTP server sends no server/discover", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      const server = yield* legacyServer
      assert.strictEqual(yield* session(server.url), "legacy")
      assert.strictEqual(EraMemo.recall(new URL(server.url).href), "legacy")
      assert.strictEqual(yield* session(server.url), "legacy")
      assert.strictEqual(yield* session(server.url), "legacy")
      assert.strictEqual(count(server, "server/discover"), 1)
      assert.strictEqual(count(server, "initialize"), 3)
    }).pipe(Effect.scoped))

  it.live("the same against the real everything server, counted on the wire", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      const proxy = yield* CuttingProxy.start(yield* Peers.http("everything"))
      assert.strictEqual(yield* session(proxy.url), "legacy")
      assert.strictEqual(yield* session(proxy.url), "legacy")
      const methods = proxy.requests().map((r) => r.method)
      assert.strictEqual(methods.filter((m) => m === "server/discover").length, 1)
      assert.strictEqual(methods.filter((m) => m === "initialize").length, 2)
    }).pipe(Effect.scoped), 60_000)

  it.live("a server that was only silent to the probe (maybe slow) is not remembered as legacy", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      const server = yield* Faults.start((exchange) => {
        if (exchange.body?.method === "server/discover") return // never answered
        if (Faults.lifecycle(exchange, "s")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      assert.strictEqual(yield* session(server.url, { discoverTimeout: "100 millis" }), "legacy")
      assert.isUndefined(EraMemo.recall(new URL(server.url).href))
      yield* session(server.url, { discoverTimeout: "100 millis" })
      assert.strictEqual(count(server, "server/discover"), 2)
    }).pipe(Effect.scoped))

  it.live("rememberEra: false probes on every session", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      const server = yield* legacyServer
      yield* session(server.url, { rememberEra: false })
      yield* session(server.url, { rememberEra: false })
      assert.strictEqual(count(server, "server/discover"), 2)
      assert.isUndefined(EraMemo.recall(new URL(server.url).href))
    }).pipe(Effect.scoped))

  it.live("clear and forget make the next session probe again", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      const server = yield* legacyServer
      const key = new URL(server.url).href
      yield* session(server.url)
      EraMemo.clear()
      yield* session(server.url)
      EraMemo.forget(key)
      yield* session(server.url)
      assert.strictEqual(count(server, "server/discover"), 3)
    }).pipe(Effect.scoped))

  it.live("a server remembered as legacy that now refuses initialize is probed, and its new era remembered", () =>
    Effect.gen(function*() {
      EraMemo.clear()
      let modern = false
      const server = yield* Faults.start((exchange) => {
        const method = exchange.body?.method
        if (!modern) {
          if (Faults.lifecycle(exchange, "s")) return
          return Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
        }
        if (exchange.method !== "POST") return void exchange.response.writeHead(405).end()
        if (method === "initialize") {
          exchange.response.writeHead(400, { "content-type": "application/json" })
          return void exchange.response.end(JSON.stringify({
            jsonrpc: "2.0",
            id: exchange.body.id,
            error: { code: -32602, message: "Unsupported protocol version", data: { supported: ["2026-07-28"] } }
          }))
        }
        if (method === "server/discover") {
          return Faults.json(exchange, {
            jsonrpc: "2.0",
            id: exchange.body.id,
            result: {
              supportedVersions: ["2026-07-28"],
              capabilities: {},
              _meta: { "io.modelcontextprotocol/serverInfo": { name: "modern", version: "1" } },
              ttlMs: 0,
              cacheScope: "public",
              resultType: "complete"
            }
          })
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { resultType: "complete" } })
      })
      assert.strictEqual(yield* session(server.url), "legacy")
      modern = true
      assert.strictEqual(yield* session(server.url), "modern")
      assert.strictEqual(EraMemo.recall(new URL(server.url).href), "modern")
      assert.strictEqual(count(server, "server/discover"), 2)
    }).pipe(Effect.scoped))
})
