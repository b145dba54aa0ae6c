import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Result } from "effect"
import { McpServer } from "effect/ai"
import { TestClock } from "effect/testing"
import { readFileSync } from "node:fs"
import {
  Conversation,
  HttpTransport,
  McpClient,
  McpError,
  MemoryTransport,
  Recorder,
  Recording,
  ReplayTransport,
  Transport
} from "../../src/index.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import { clientOptions, fixture, flow } from "../support/recordEverything.ts"

const ping = `
# A server that answers one ping.
> {"method": "initialize"}
< {"result": {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
    "serverInfo": {"name": "hand-written", "version": "1.0.0"}}}
> {"method": "notifications/initialized"}
> {"method": "tools/call", "params": {"name": "greet", "arguments": {"who": "ada"}}}
< {"result": {"content": [{"type": "text", "text": "hello ada"}]}}
`

const sessionOver = (transport: Transport.TransportShape, options: Partial<McpClient.Options> = {}) =>
  McpClient.make({ name: "replay-test", version: "1.0.0", era: "legacy", ...options }).pipe(
    Effect.provideService(Transport.Transport, transport)
  )

describe("record and replay", () => {
  it.effect("replays a session recorded against the everything server, with no server running", () =>
    Effect.gen(function*() {
      const replayed = yield* flow.pipe(
        Effect.provide(
          McpClient.layer(clientOptions).pipe(
            Layer.provide(ReplayTransport.layerNdjson(readFileSync(fixture, "utf8")))
          )
        )
      )
      assert.isTrue(replayed.tools.includes("echo"))
      assert.deepStrictEqual(replayed.echo, [{ type: "text", text: "Echo: recorded hello" }])
      assert.deepStrictEqual(replayed.sum, [{ type: "text", text: "The sum of 2 and 3 is 5." }])
    }))

  it.effect("a recording of an in-process server replays to the same results, and verify passes", () =>
    Effect.gen(function*() {
      const registrations = McpServer.resource({ uri: "memo://a", name: "a", content: Effect.succeed("alpha") })
      const live = yield* MemoryTransport.makeServer({ name: "live", version: "1.0.0", registrations })
      const recorder = yield* Recorder.make(live)
      const run = (client: McpClient.McpClientShape) =>
        Effect.gen(function*() {
          const resources = yield* client.listResources()
          const read = yield* client.readResource("memo://a")
          return { resources: resources.resources.map((r) => r.uri), read: read.contents }
        })
      const recorded = yield* Effect.scoped(Effect.flatMap(sessionOver(recorder.transport), run))
      const entries = Result.getOrThrow(Recording.fromNdjson(recorder.ndjson()))
      assert.deepStrictEqual(entries, recorder.entries)
      const replay = yield* ReplayTransport.make(entries)
      const replayed = yield* Effect.flatMap(sessionOver(replay.transport), run)
      assert.deepStrictEqual(replayed, recorded)
      yield* replay.verify
    }))

  it.effect("a hand-written conversation plays as the server; replies without ids answer the request above", () =>
    Effect.gen(function*() {
      const replay = yield* ReplayTransport.make(Result.getOrThrow(Conversation.parse(ping)))
      const client = yield* sessionOver(replay.transport)
      const result = yield* client.callTool("greet", { who: "ada" })
      assert.deepStrictEqual(result.content, [{ type: "text", text: "hello ada" }])
      yield* replay.verify
    }))

  it.effect("a client that deviates fails with the difference, and verify reports it", () =>
    Effect.gen(function*() {
      const replay = yield* ReplayTransport.make(Result.getOrThrow(Conversation.parse(ping)))
      const client = yield* sessionOver(replay.transport)
      const error = yield* Effect.flip(client.callTool("greet", { who: "bob" }))
      assert.instanceOf(error, McpError.TransportError)
      assert.include(error.message, `params.arguments.who: expected "ada", got "bob"`)
      const mismatch = yield* Effect.flip(replay.verify)
      assert.instanceOf(mismatch, Recording.ReplayMismatch)
      assert.deepStrictEqual(mismatch.differences, [`params.arguments.who: expected "ada", got "bob"`])
    }))

  it.effect("verify reports what the client did not send", () =>
    Effect.gen(function*() {
      const replay = yield* ReplayTransport.make(Result.getOrThrow(Conversation.parse(ping)))
      yield* sessionOver(replay.transport)
      const mismatch = yield* Effect.flip(replay.verify)
      assert.match(mismatch.message, /The client stopped; the recording expected next: .*"greet"/)
    }))

  it.effect("secrets are redacted in the recording, and a redacted value matches anything on replay", () =>
    Effect.gen(function*() {
      const { client: transport, peer } = yield* MemoryTransport.makePair
      const recorder = yield* Recorder.make(transport, { redact: ["pin"] })
      yield* recorder.transport.send({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "login", arguments: { password: "hunter2", pin: 1234, user: "ada", note: "Bearer abc" } }
      })
      yield* peer.close
      const sent = recorder.entries[0]!.message as any
      assert.deepStrictEqual(sent.params.arguments, {
        password: "[REDACTED]",
        pin: "[REDACTED]",
        user: "ada",
        note: "[REDACTED]"
      })
      assert.notInclude(recorder.ndjson(), "hunter2")
      assert.deepStrictEqual(
        ReplayTransport.differences(sent, {
          jsonrpc: "2.0",
          id: 99,
          method: "tools/call",
          params: { name: "login", arguments: { password: "other", pin: 1, user: "ada", note: "x" } }
        }),
        []
      )
    }))

  it.effect("the recorded pace is kept on the clock when asked for", () =>
    Effect.gen(function*() {
      const entries = Result.getOrThrow(Conversation.parse(ping)).map((entry, i) => ({ ...entry, t: i * 1000 }))
      const replay = yield* ReplayTransport.make(entries, { pace: "recorded" })
      const session = yield* Effect.forkChild(sessionOver(replay.transport))
      yield* TestClock.adjust("999 millis")
      assert.isUndefined(session.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const client = yield* Fiber.join(session)
      const call = yield* Effect.forkChild(client.callTool("greet", { who: "ada" }))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual((yield* Fiber.join(call)).content, [{ type: "text", text: "hello ada" }])
    }))

  it("unreadable recordings and conversations name the line", () => {
    const ndjson = Recording.fromNdjson(`{"t":0,"direction":"send","message":{}}\n\n{oops`)
    assert.isTrue(Result.isFailure(ndjson))
    assert.strictEqual(
      Result.isFailure(ndjson) && ndjson.failure.message.startsWith("Recording line 3: not JSON"),
      true
    )
    const wrongShape = Recording.fromNdjson(`{"t":"soon","direction":"send","message":{}}`)
    assert.match(Result.isFailure(wrongShape) ? wrongShape.failure.message : "", /line 1: expected/)
    const conversation = Conversation.parse(`> {"method": "ping"}\n? {}`)
    assert.match(Result.isFailure(conversation) ? conversation.failure.message : "", /line 2: expected "> "/)
    const notObject = Conversation.parse(`\n< [1, 2]`)
    assert.match(Result.isFailure(notObject) ? notObject.failure.message : "", /line 2: a message is a JSON object/)
  })

  it("format and parse round-trip", () => {
    const entries = Result.getOrThrow(Conversation.parse(ping))
    assert.deepStrictEqual(Result.getOrThrow(Conversation.parse(Conversation.format(entries))), entries)
  })

  it.live("an HTTP session records as it runs, and its recording replays", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "recorded")) return
        Faults.json(exchange, {
          jsonrpc: "2.0",
          id: exchange.body.id,
          result: { tools: [{ name: "a", inputSchema: {} }] }
        })
      })
      const lines: Array<string> = []
      const list = Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        return yield* client.listTools()
      })
      const session = (transport: Layer.Layer<Transport.Transport, unknown>) =>
        list.pipe(Effect.provide(McpClient.layer({ name: "test", version: "1.0.0" }).pipe(Layer.provide(transport))))
      const live = yield* session(
        Recorder.layer({ onLine: (line) => lines.push(line) }).pipe(
          Layer.provide(HttpTransport.layerNode({ url: server.url }))
        )
      )
      assert.deepStrictEqual(live.tools.map((tool) => tool.name), ["a"])
      const replayed = yield* session(ReplayTransport.layerNdjson(lines.join("\n")))
      assert.deepStrictEqual(replayed, live)
    }).pipe(Effect.scoped))
})
