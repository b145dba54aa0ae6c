/** SSE events past the size limit are refused as their bytes arrive, without keeping them. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { McpClient, SseParser } from "../../src/index.ts"
import { drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"

const encoder = new TextEncoder()
const limit = 1024 * 1024
const chunk = new Uint8Array(64 * 1024).fill(0x61)

describe.each(drivers)("SSE size limit over $name", (driver) => {
  it("an event without a line end stops the parser once it passes the limit, not at its end", () => {
    const parser = SseParser.make({ maxEventBytes: limit })
    assert.deepStrictEqual(parser.push(encoder.encode("id: 1\ndata: {\"ok\":true}\n\n")), [
      { event: "message", data: "{\"ok\":true}", id: "1" }
    ])
    parser.push(encoder.encode("data: "))
    let sent = 6
    while (parser.exceeded() === undefined && sent < 20 * limit) {
      parser.push(chunk)
      sent += chunk.length
    }
    assert.isAbove(parser.exceeded()!, limit)
    assert.isAtMost(sent, limit + chunk.length)
    // Nothing more is kept or returned.
    assert.deepStrictEqual(parser.push(encoder.encode("\n\ndata: late\n\n")), [])
  })

  it("data lines count together: many short lines of one event pass the limit as well", () => {
    const parser = SseParser.make({ maxEventBytes: 1000 })
    const line = encoder.encode(`data: ${"b".repeat(90)}\n`)
    let pushed = 0
    while (parser.exceeded() === undefined && pushed < 100) {
      assert.deepStrictEqual(parser.push(line), [])
      pushed++
    }
    assert.strictEqual(pushed, 11)
    // Below the limit, events and the blank lines between them reset the count.
    const fine = SseParser.make({ maxEventBytes: 1000 })
    for (let i = 0; i < 50; i++) {
      assert.strictEqual(fine.push(encoder.encode(`data: ${"c".repeat(500)}\n\n`)).length, 1)
    }
    assert.isUndefined(fine.exceeded())
  })

  it("a byte order mark is removed from the start of the stream only", () => {
    const parser = SseParser.make()
    const events = parser.push(encoder.encode("\uFEFFdata: one\n\n\uFEFFdata: two\n\ndata: \uFEFFthree\n\n"))
    assert.deepStrictEqual(events.map((e) => e.data), ["one", "\uFEFFthree"])
  })

  it.live("over HTTP, an endless event fails the call with MessageTooLarge near the limit; the session goes on", () =>
    Effect.gen(function*() {
      let mode: "endless" | "ok" = "endless"
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "ping" && mode === "endless") {
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write("id: 1\ndata: ")
          const pump = () => {
            while (!exchange.response.destroyed && exchange.response.write(chunk)) {
              // keep writing until the socket pushes back
            }
            if (!exchange.response.destroyed) exchange.response.once("drain", pump)
          }
          pump()
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const context = yield* Layer.build(driver.layer({ url: server.url, maxMessageBytes: limit }))
      const client = yield* McpClient.make({ name: "test", version: "1.0.0" }).pipe(Effect.provideContext(context))
      const error = yield* Effect.flip(client.ping())
      assert.strictEqual(error._tag, "MessageTooLarge")
      if (error._tag === "MessageTooLarge") {
        assert.isAbove(error.receivedBytes ?? 0, limit)
        assert.isAtMost(error.receivedBytes ?? Infinity, limit + 1024 * 1024)
      }
      mode = "ok"
      yield* client.ping()
    }).pipe(Effect.scoped))
})
