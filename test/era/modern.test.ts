import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Queue, Stream } from "effect"
import { Elicitation, type Mcp, McpClient, type McpError, Roots, Sampling, Transport } from "../../src/index.ts"
import * as FeatureServer from "../support/FeatureServer.ts"
import * as Scripted from "../support/Scripted.ts"

const textOf = (result: Mcp.CallToolResult) =>
  result.content.map((block) => (block.type === "text" && "text" in block ? block.text : "")).join("")

/** A transport to the dual-era server that records what the client sends. */
const recording = Effect.gen(function*() {
  const transport = yield* FeatureServer.makeDualEraTransport
  const sent = yield* Queue.unbounded<any>()
  const recorded: Transport.TransportShape = {
    ...transport,
    send: (message) => Effect.andThen(Queue.offer(sent, message), transport.send(message))
  }
  return { transport: recorded, sent }
})

const connect = <R>(handlers: Layer.Layer<R>, options: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const { sent, transport } = yield* recording
    const client = yield* McpClient.make({ name: "test", version: "1.0.0", ...options }).pipe(
      Effect.provideService(Transport.Transport, transport),
      Effect.provide(handlers)
    )
    return { client, sent }
  })

describe("2026-07-28 against a dual-era server (in-process)", () => {
  it.effect("auto-detection picks 2026-07-28, with the server's info and capabilities from server/discover", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Layer.empty)
      assert.strictEqual(client.era, "modern")
      assert.strictEqual(client.protocolVersion, "2026-07-28")
      assert.strictEqual(client.serverInfo.name, "features")
      assert.isDefined(client.serverCapabilities.tools)
      const messages = yield* Queue.takeAll(sent)
      assert.deepStrictEqual(messages.map((m) => m.method), ["server/discover"])
    }))

  it.effect("every request carries the protocol version, client info and capabilities in _meta; no initialize", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Elicitation.layer({ form: () => Effect.succeed({ action: "decline" }) }))
      const sum = yield* client.callTool("add", { a: 2, b: 3 })
      assert.strictEqual(textOf(sum), "5")
      yield* client.listTools()
      const messages = yield* Queue.takeAll(sent)
      assert.isFalse(messages.some((m) => m.method === "initialize" || m.method === "notifications/initialized"))
      for (const message of messages) {
        assert.strictEqual(message.params._meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28")
        assert.deepStrictEqual(message.params._meta["io.modelcontextprotocol/clientInfo"], {
          name: "test",
          version: "1.0.0"
        })
        assert.deepStrictEqual(message.params._meta["io.modelcontextprotocol/clientCapabilities"], {
          elicitation: { form: {} }
        })
      }
    }))

  it.effect("input_required is answered by the same handler services, and requestState is echoed", () =>
    Effect.gen(function*() {
      const handlers = Layer.mergeAll(
        Elicitation.layer({ form: () => Effect.succeed({ action: "accept", content: { ok: true } }) }),
        Sampling.layer({
          createMessage: () => Effect.succeed({ role: "assistant", content: { type: "text", text: "yes" }, model: "m" })
        }),
        Roots.layerStatic([{ uri: "file:///srv", name: "srv" }])
      )
      const { client, sent } = yield* connect(handlers)
      const confirmed = yield* client.callTool("confirm", { question: "Deploy?" })
      assert.strictEqual(textOf(confirmed), `accept: {"ok":true,"note":"none"} (asked:Deploy?)`)
      const sampled = yield* client.callTool("sample", { prompt: "?" })
      assert.include(textOf(sampled), `"model":"m"`)
      const roots = yield* client.callTool("roots", {})
      assert.deepStrictEqual(JSON.parse(textOf(roots)), { roots: [{ uri: "file:///srv", name: "srv" }] })
      // The retry is a new request (new id) with inputResponses and the exact requestState.
      const calls = (yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/call" && m.params.name === "confirm")
      assert.strictEqual(calls.length, 2)
      assert.notStrictEqual(calls[0].id, calls[1].id)
      assert.isUndefined(calls[0].params.requestState)
      assert.strictEqual(calls[1].params.requestState, "asked:Deploy?")
      assert.deepStrictEqual(calls[1].params.inputResponses.confirm, {
        action: "accept",
        content: { ok: true, note: "none" }
      })
      assert.deepStrictEqual(calls[1].params.arguments, { question: "Deploy?" })
    }))

  it.effect("an input of a kind the client did not declare is refused by the server with MissingClientCapability", () =>
    Effect.gen(function*() {
      const { client } = yield* connect(Layer.empty)
      const error = yield* Effect.flip(client.callTool("sample", { prompt: "?" }))
      assert.strictEqual(error._tag, "MissingClientCapability")
    }))

  it.effect("what 2026-07-28 removed fails with CapabilityNotSupported and sends nothing", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Layer.empty)
      const before = yield* Queue.size(sent)
      assert.strictEqual((yield* Effect.flip(client.ping()))._tag, "CapabilityNotSupported")
      assert.strictEqual(
        (yield* Effect.flip(client.subscribeResource("features://static/hello")))._tag,
        "CapabilityNotSupported"
      )
      assert.strictEqual(yield* Queue.size(sent), before)
    }))

  it.effect("logging is requested per request through _meta", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Layer.empty)
      yield* client.setLoggingLevel("info")
      const logs = yield* Effect.forkChild(Stream.runHead(client.logs))
      yield* Effect.yieldNow
      yield* client.callTool("log", { message: "hello", level: "warning" })
      const log = yield* Fiber.join(logs)
      assert.strictEqual(log._tag === "Some" ? log.value.data : undefined, "hello")
      const call = (yield* Queue.takeAll(sent)).find((m) => m.method === "tools/call")
      assert.strictEqual(call.params._meta["io.modelcontextprotocol/logLevel"], "info")
    }))

  it.effect("resource updates arrive on a subscriptions/listen stream", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Layer.empty)
      const updates = yield* Effect.forkChild(Stream.runHead(client.resourceUpdates("features://static/hello")))
      const listen = yield* Scripted.takeUntil(sent, (m) => m.method === "subscriptions/listen")
      assert.deepStrictEqual(listen.params.notifications, { resourceSubscriptions: ["features://static/hello"] })
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      let head = updates.pollUnsafe()
      for (let i = 0; i < 100 && head === undefined; i++) {
        yield* client.callTool("touch", { uri: "features://static/hello" })
        head = updates.pollUnsafe()
      }
      const update = yield* Fiber.join(updates)
      assert.strictEqual(update._tag === "Some" ? update.value.uri : undefined, "features://static/hello")
      // Ending the stream cancels the listen request.
      const cancelled = yield* Scripted.takeUntil(sent, (m) => m.method === "notifications/cancelled")
      assert.strictEqual(cancelled.params.requestId, listen.id)
    }))

  it.effect("pinning the legacy era speaks 2025-11-25 to the same server", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* connect(Layer.empty, { era: "legacy" })
      assert.strictEqual(client.era, "legacy")
      assert.strictEqual(client.protocolVersion, "2025-11-25")
      yield* client.ping()
      assert.strictEqual((yield* Queue.take(sent)).method, "initialize")
    }))

  it.effect("requiring 2026-07-28 from an older server fails with UnsupportedProtocolVersion", () =>
    Effect.gen(function*() {
      const error = yield* McpClient.make({ name: "c", version: "1", era: "modern" }).pipe(
        Effect.provideServiceEffect(Transport.Transport, FeatureServer.makeTransport),
        Effect.flip
      )
      assert.strictEqual((error as McpError.McpError)._tag, "UnsupportedProtocolVersion")
    }))
})

describe("2026-07-28 against scripted servers", () => {
  const discover = (supportedVersions: ReadonlyArray<string>) => ({
    supportedVersions,
    capabilities: { tools: { listChanged: true } },
    _meta: { "io.modelcontextprotocol/serverInfo": { name: "modern", version: "9" } },
    ttlMs: 0,
    cacheScope: "public",
    resultType: "complete"
  })

  it.effect("-32022 proves a 2026-07-28 server: with no version in common it fails, without falling back", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.start({
        modern: true,
        onRequest: (message, peer) =>
          peer.send({
            jsonrpc: "2.0",
            id: message.id,
            error: {
              code: -32022,
              message: "Unsupported",
              data: { supported: ["2027-01-01"], requested: "2026-07-28" }
            }
          })
      })
      const error = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server.transport),
        Effect.flip
      )
      assert.strictEqual((error as McpError.McpError)._tag, "UnsupportedProtocolVersion")
      const methods = (yield* Queue.takeAll(server.sent)).map((m) => m.method)
      assert.deepStrictEqual(methods, ["server/discover"])
    }))

  it.effect("a discovery that offers no version in common falls back to initialize", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        modern: true,
        onRequest: (message, peer) => Scripted.reply(peer, message, discover(["2030-01-01"]))
      })
      assert.strictEqual(client.era, "legacy")
    }))

  it.effect("a server that never answers the probe is treated as an older one after the probe timeout", () =>
    Effect.gen(function*() {
      const { TestClock } = yield* Effect.promise(() => import("effect/testing"))
      const connecting = yield* Effect.forkChild(Scripted.client({
        modern: true,
        onRequest: () => undefined
      }, { discoverTimeout: "2 seconds" }))
      for (let i = 0; i < 10; i++) yield* TestClock.adjust("250 millis")
      const { client, sent } = yield* Fiber.join(connecting)
      assert.strictEqual(client.era, "legacy")
      const methods = (yield* Queue.takeAll(sent)).map((m) => m.method)
      // The probe was not cancelled: an older server may not expect anything before initialize.
      assert.deepStrictEqual(methods, ["server/discover", "initialize", "notifications/initialized"])
    }))

  it.effect("an unknown resultType is a ProtocolError; a missing one means complete", () =>
    Effect.gen(function*() {
      let resultType: string | undefined = "task"
      const { client } = yield* Scripted.client({
        modern: true,
        onRequest: (message, peer) =>
          message.method === "server/discover"
            ? Scripted.reply(peer, message, discover(["2026-07-28"]))
            : Scripted.reply(peer, message, { tools: [], ...(resultType === undefined ? {} : { resultType }) })
      })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "ProtocolError")
      resultType = undefined
      assert.deepStrictEqual((yield* client.listTools()).tools, [])
    }))

  it.effect("an input nobody can give fails the call with InputDeclined, without a retry", () =>
    Effect.gen(function*() {
      let calls = 0
      const { client } = yield* Scripted.client({
        modern: true,
        onRequest: (message, peer) => {
          if (message.method === "server/discover") return Scripted.reply(peer, message, discover(["2026-07-28"]))
          calls++
          return Scripted.reply(peer, message, {
            resultType: "input_required",
            inputRequests: { answer: { method: "sampling/createMessage", params: { messages: [], maxTokens: 5 } } }
          })
        }
      })
      const error = yield* Effect.flip(client.callTool("needs-a-model"))
      assert.strictEqual(error._tag, "InputDeclined")
      if (error._tag === "InputDeclined") {
        assert.strictEqual(error.inputMethod, "sampling/createMessage")
        assert.strictEqual(error.key, "answer")
      }
      assert.strictEqual(calls, 1)
    }))

  it.effect("input rounds are bounded", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        modern: true,
        onRequest: (message, peer) =>
          message.method === "server/discover"
            ? Scripted.reply(peer, message, discover(["2026-07-28"]))
            : Scripted.reply(peer, message, { resultType: "input_required", requestState: "again" })
      }, { maxInputRounds: 3 })
      const error = yield* Effect.flip(client.callTool("loop"))
      assert.strictEqual(error._tag, "ProtocolError")
    }))
})
