import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Queue, Schema, Stream } from "effect"
import { McpClient, Transport } from "../../src/index.ts"
import * as FeatureServer from "../support/FeatureServer.ts"
import * as Scripted from "../support/Scripted.ts"

const connect = McpClient.make({ name: "test", version: "1.0.0" }).pipe(
  Effect.provideServiceEffect(Transport.Transport, FeatureServer.makeTransport)
)

describe("notifications as streams (in-process server)", () => {
  it.effect("log messages arrive on `logs` after setLoggingLevel", () =>
    Effect.gen(function*() {
      const client = yield* connect
      yield* client.setLoggingLevel("debug")
      const logs = yield* Effect.forkChild(Stream.runCollect(Stream.take(client.logs, 2)))
      yield* Effect.yieldNow
      yield* client.callTool("log", { message: "first", level: "info" })
      yield* client.callTool("log", { message: "second", level: "error" })
      const collected = yield* Fiber.join(logs)
      assert.deepStrictEqual(collected.map((log) => [log.level, log.data]), [["info", "first"], ["error", "second"]])
    }))

  it.effect("resourceUpdates subscribes while it runs", () =>
    Effect.gen(function*() {
      const client = yield* connect
      const updates = yield* Effect.forkChild(
        Stream.runCollect(Stream.take(client.resourceUpdates("features://static/hello"), 2))
      )
      // Wait until the subscription is in place: the server only notifies subscribers.
      for (let i = 0; i < 50; i++) yield* Effect.yieldNow
      yield* client.callTool("touch", { uri: "features://items/1" })
      yield* client.callTool("touch", { uri: "features://static/hello" })
      yield* client.callTool("touch", { uri: "features://static/hello" })
      const collected = yield* Fiber.join(updates)
      assert.deepStrictEqual(collected.map((update) => update.uri), [
        "features://static/hello",
        "features://static/hello"
      ])
    }))
})

describe("notifications as streams (scripted server)", () => {
  it.effect("one subscription per resource however many streams watch it; unsubscribed when the last one ends", () =>
    Effect.gen(function*() {
      const { client, peer, sent } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, {})
      })
      const first = yield* Effect.forkChild(Stream.runCollect(Stream.take(client.resourceUpdates("file:///a"), 1)))
      const second = yield* Effect.forkChild(Stream.runCollect(Stream.take(client.resourceUpdates("file:///a"), 2)))
      yield* Scripted.takeUntil(sent, (m) => m.method === "resources/subscribe")
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      const update = { jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: "file:///a" } }
      yield* peer.send(update)
      yield* peer.send({ ...update, params: { uri: "file:///other" } })
      yield* peer.send(update)
      assert.strictEqual((yield* Fiber.join(first)).length, 1)
      assert.strictEqual((yield* Fiber.join(second)).length, 2)
      const unsubscribe = yield* Scripted.takeUntil(
        sent,
        (m) => m.method === "resources/unsubscribe" || m.method === "resources/subscribe"
      )
      assert.strictEqual(unsubscribe.method, "resources/unsubscribe")
      assert.deepStrictEqual(unsubscribe.params, { uri: "file:///a" })
    }))

  it.effect("list changes are reported by kind", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, {})
      })
      const changes = yield* Effect.forkChild(Stream.runCollect(Stream.take(client.listChanges, 3)))
      yield* Effect.yieldNow
      for (const kind of ["tools", "prompts", "resources"]) {
        yield* peer.send({ jsonrpc: "2.0", method: `notifications/${kind}/list_changed` })
      }
      assert.deepStrictEqual(yield* Fiber.join(changes), ["tools", "prompts", "resources"])
    }))

  it.effect("a subscriber that never reads does not block the session (oldest notifications are dropped for it)", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* Scripted.client(
        { onRequest: (message, peer) => Scripted.reply(peer, message, {}) },
        { notificationBuffer: 16 }
      )
      const stuck = yield* Queue.unbounded<unknown>()
      // Reads one notification, then blocks forever.
      yield* Effect.forkChild(
        Stream.runForEach(client.notifications, (n) => Queue.offer(stuck, n).pipe(Effect.andThen(Effect.never)))
      )
      yield* Effect.yieldNow
      for (let i = 0; i < 5000; i++) {
        yield* peer.send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: i } })
      }
      yield* client.ping()
      // A new subscriber still gets what comes next.
      const latest = yield* Effect.forkChild(Stream.runHead(client.logs))
      for (let i = 0; i < 1000 && latest.pollUnsafe() === undefined; i++) {
        yield* peer.send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "after" } })
        yield* Effect.yieldNow
      }
      const head = yield* Fiber.join(latest)
      assert.strictEqual(head._tag === "Some" ? head.value.data : undefined, "after")
    }))
})

describe("tool output", () => {
  it.effect("structuredContent that contradicts the tool's outputSchema fails with OutputValidationError", () =>
    Effect.gen(function*() {
      const client = yield* connect
      const good = yield* client.callTool("weather", { city: "Lisbon" })
      assert.deepStrictEqual(good.structuredContent, { city: "Lisbon", celsius: 21 })
      const bad = yield* Effect.flip(client.callTool("weather", { city: "Lisbon", lie: true }))
      assert.strictEqual(bad._tag, "OutputValidationError")
      if (bad._tag === "OutputValidationError") assert.strictEqual(bad.path, "/celsius")
    }))

  it.effect("callToolTyped decodes structuredContent with the caller's schema", () =>
    Effect.gen(function*() {
      const client = yield* connect
      const Weather = Schema.Struct({ city: Schema.String, celsius: Schema.Number })
      const weather = yield* client.callToolTyped("weather", { city: "Porto" }, Weather)
      assert.deepStrictEqual(weather, { city: "Porto", celsius: 21 })
      const wrong = yield* Effect.flip(
        client.callToolTyped("weather", { city: "Porto" }, Schema.Struct({ city: Schema.Number }))
      )
      assert.strictEqual(wrong._tag, "OutputValidationError")
    }))

  it.effect("isError results are not validated; missing structuredContent for a declared schema is an error", () =>
    Effect.gen(function*() {
      const tools = {
        tools: [{
          name: "t",
          inputSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
          outputSchema: { type: "object", properties: { v: { type: "number" } }, required: ["v"] }
        }]
      }
      let reply: unknown = { content: [{ type: "text", text: "boom" }], isError: true }
      const { client, sent } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, message.method === "tools/list" ? tools : reply)
      })
      const failed = yield* client.callTool("t", { n: 1 })
      assert.strictEqual(failed.isError, true)
      reply = { content: [] }
      const missing = yield* Effect.flip(client.callTool("t", { n: 1 }))
      assert.strictEqual(missing._tag, "OutputValidationError")
      // Arguments are checked before sending when asked.
      const invalid = yield* Effect.flip(client.callTool("t", { n: "one" }, { validateArguments: true }))
      assert.strictEqual(invalid._tag, "InvalidToolArguments")
      if (invalid._tag === "InvalidToolArguments") assert.strictEqual(invalid.path, "/n")
      const calls = (yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/call")
      assert.strictEqual(calls.length, 2)
    }))

  it.effect("JSON Schema 2020-12 keywords are honoured and the tool's schema is kept untouched", () =>
    Effect.gen(function*() {
      const outputSchema = {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $defs: { temp: { $anchor: "temp", type: "number", minimum: -100 } },
        type: "object",
        properties: { c: { $ref: "#/$defs/temp" }, unit: { enum: ["C", "F"] } },
        if: { properties: { unit: { const: "F" } } },
        then: { required: ["c"] },
        unevaluatedProperties: false
      }
      const original = JSON.stringify(outputSchema)
      let structured: unknown = { c: 20, unit: "F" }
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          Scripted.reply(
            peer,
            message,
            message.method === "tools/list"
              ? { tools: [{ name: "t", inputSchema: { type: "object" }, outputSchema }] }
              : { content: [], structuredContent: structured }
          )
      })
      const { tools } = yield* client.listTools()
      yield* client.callTool("t")
      structured = { unit: "F" }
      assert.strictEqual((yield* Effect.flip(client.callTool("t")))._tag, "OutputValidationError")
      structured = { c: 1, extra: true }
      assert.strictEqual((yield* Effect.flip(client.callTool("t")))._tag, "OutputValidationError")
      assert.strictEqual(JSON.stringify(tools[0]!.outputSchema), original)
    }))

  it.effect("a schema with a remote $ref is refused, never fetched", () =>
    Effect.gen(function*() {
      const outputSchema = { type: "object", properties: { x: { $ref: "https://example.com/schemas/x.json" } } }
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          Scripted.reply(
            peer,
            message,
            message.method === "tools/list"
              ? { tools: [{ name: "t", inputSchema: { type: "object" }, outputSchema }] }
              : { content: [], structuredContent: { x: 1 } }
          )
      })
      const error = yield* Effect.flip(client.callTool("t"))
      assert.strictEqual(error._tag, "OutputValidationError")
      assert.include(error.message, "Unusable schema")
    }))
})
