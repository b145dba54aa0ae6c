import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Metric, Stream } from "effect"
import { HttpTransport, McpClient, Metrics } from "../../src/index.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Scripted from "../support/Scripted.ts"

const tag = (attributes: Record<string, string>) => ({ "mcp.method.name": "tools/call", ...attributes })
const duration = (attributes: Record<string, string>) =>
  Effect.map(Metric.value(Metric.withAttributes(Metrics.operationDuration, attributes)), (state) => state.count)
const count = (metric: typeof Metrics.messages, attributes: Record<string, string> = {}) =>
  Effect.map(Metric.value(Metric.withAttributes(metric, attributes)), (state) => state.count)

/** A server that answers `ok` tools, fails `bad` ones with -32603, and holds `held` ones. */
const server = (held: Deferred.Deferred<void>) =>
  Scripted.client({
    onRequest: (message, peer) => {
      if (message.method === "tools/list") return Scripted.reply(peer, message, { tools: [] })
      if (message.params?.name === "bad") return Scripted.replyError(peer, message, -32603, "broken")
      if (message.params?.name === "held") {
        return Deferred.await(held).pipe(Effect.andThen(Scripted.reply(peer, message, { content: [] })))
      }
      return Scripted.reply(peer, message, { content: [{ type: "text", text: "fine" }] })
    }
  }, { notificationBuffer: 2 })

describe("metrics", () => {
  it.effect("request durations by method and outcome, requests in flight, messages and bytes each way", () =>
    Effect.gen(function*() {
      const ok = yield* duration(tag({}))
      const failed = yield* duration(tag({ "error.type": "-32603" }))
      const transmitted = yield* count(Metrics.messages, { "network.io.direction": "transmit" })
      const received = yield* count(Metrics.bytes, { "network.io.direction": "receive" })
      const inFlight = yield* count(Metrics.inFlight)

      const held = yield* Deferred.make<void>()
      const { client } = yield* server(held)
      yield* client.callTool("ok")
      yield* client.callTool("ok")
      yield* Effect.flip(client.callTool("bad"))
      const waiting = yield* Effect.forkChild(client.callTool("held"))
      yield* Effect.yieldNow
      assert.strictEqual((yield* count(Metrics.inFlight)) - inFlight, 1)
      yield* Deferred.succeed(held, undefined)
      yield* Fiber.join(waiting)

      assert.strictEqual((yield* duration(tag({}))) - ok, 3)
      assert.strictEqual((yield* duration(tag({ "error.type": "-32603" }))) - failed, 1)
      assert.strictEqual((yield* count(Metrics.inFlight)) - inFlight, 0)
      // initialize, notifications/initialized, four calls, and tools/list (the failed call looks the tool up)
      assert.strictEqual(
        (yield* count(Metrics.messages, { "network.io.direction": "transmit" })) - transmitted,
        7
      )
      assert.isAbove((yield* count(Metrics.bytes, { "network.io.direction": "receive" })) - received, 100)
    }).pipe(Effect.scoped, Effect.provide(Metrics.layer)))

  it.effect("notifications a subscriber lost are counted", () =>
    Effect.gen(function*() {
      const before = yield* count(Metrics.droppedNotifications)
      const { client, peer } = yield* server(yield* Deferred.make<void>())
      const first = yield* Deferred.make<void>()
      // A subscriber that reads one notification and then stops reading.
      yield* client.notifications.pipe(
        Stream.runForEach(() => Deferred.succeed(first, undefined).pipe(Effect.andThen(Effect.never))),
        Effect.forkScoped
      )
      const log = { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "x" } }
      while (!(yield* Deferred.isDone(first))) {
        yield* peer.send(log)
        yield* Effect.yieldNow
      }
      const droppedBefore = (yield* count(Metrics.droppedNotifications)) - before
      for (let i = 0; i < 10; i++) yield* peer.send(log)
      yield* client.ping()
      // The buffer holds 2: of the 10 sent while the subscriber is stuck, at least 8 were lost.
      assert.isAtLeast((yield* count(Metrics.droppedNotifications)) - before - droppedBefore, 8)
    }).pipe(Effect.scoped, Effect.provide(Metrics.layer)))

  it.effect("nothing is recorded without the layer", () =>
    Effect.gen(function*() {
      const ok = yield* duration(tag({}))
      const transmitted = yield* count(Metrics.messages, { "network.io.direction": "transmit" })
      const { client } = yield* server(yield* Deferred.make<void>())
      yield* client.callTool("ok")
      assert.strictEqual(yield* duration(tag({})), ok)
      assert.strictEqual(yield* count(Metrics.messages, { "network.io.direction": "transmit" }), transmitted)
    }).pipe(Effect.scoped))

  it.live("over HTTP, where replies are handed to the session, messages both ways are counted", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "metered")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const transmitted = yield* count(Metrics.messages, { "network.io.direction": "transmit" })
      const received = yield* count(Metrics.messages, { "network.io.direction": "receive" })
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.listTools()
      }).pipe(
        Effect.provide(
          McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
            Layer.provide(HttpTransport.layerNode({ url: server.url }))
          )
        )
      )
      // initialize, notifications/initialized and tools/list out; the two replies in.
      assert.strictEqual((yield* count(Metrics.messages, { "network.io.direction": "transmit" })) - transmitted, 3)
      assert.strictEqual((yield* count(Metrics.messages, { "network.io.direction": "receive" })) - received, 2)
    }).pipe(Effect.scoped, Effect.provide(Metrics.layer)))
})
