import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import * as Scripted from "../support/Scripted.ts"

const toolList = { tools: [{ name: "known", inputSchema: { type: "object" } }] }

describe("typed errors from a scripted server", () => {
  it.effect("-32602 for a listed tool is the server's error; for an unlisted one, ToolNotFound", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/list") return Scripted.reply(peer, message, toolList)
          if (message.method === "tools/call") {
            return Scripted.replyError(peer, message, -32602, `Invalid params for ${message.params.name}`)
          }
        }
      })
      const invalid = yield* Effect.flip(client.callTool("known", { wrong: 1 }))
      assert.strictEqual(invalid._tag, "McpServerError")
      if (invalid._tag === "McpServerError") {
        assert.strictEqual(invalid.code, -32602)
        assert.strictEqual(invalid.description, "Invalid params for known")
      }
      const missing = yield* Effect.flip(client.callTool("missing", {}))
      assert.strictEqual(missing._tag, "ToolNotFound")
    }))

  it.effect("an isError result naming a tool the server does not list is ToolNotFound", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/list") return Scripted.reply(peer, message, toolList)
          if (message.method === "tools/call") {
            return Scripted.reply(peer, message, {
              content: [{ type: "text", text: `Tool ${message.params.name} not found` }],
              isError: true
            })
          }
        }
      })
      const missing = yield* Effect.flip(client.callTool("ghost"))
      assert.strictEqual(missing._tag, "ToolNotFound")
      if (missing._tag === "ToolNotFound") assert.strictEqual(missing.description, "Tool ghost not found")
      // A listed tool that reports isError is a result.
      const result = yield* client.callTool("known")
      assert.strictEqual(result.isError, true)
    }))

  it.effect("the tool list used to tell 'not found' is refreshed on tools/list_changed", () =>
    Effect.gen(function*() {
      let tools: Array<string> = ["a"]
      const { client, peer } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/list") {
            return Scripted.reply(peer, message, {
              tools: tools.map((name) => ({ name, inputSchema: { type: "object" } }))
            })
          }
          if (message.method === "tools/call") {
            return Scripted.replyError(peer, message, -32602, "bad arguments")
          }
          return Scripted.reply(peer, message, {})
        }
      })
      yield* client.listTools()
      assert.strictEqual((yield* Effect.flip(client.callTool("b")))._tag, "ToolNotFound")
      tools = ["a", "b"]
      yield* peer.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })
      yield* client.ping() // the notification has been processed once ping returns
      assert.strictEqual((yield* Effect.flip(client.callTool("b")))._tag, "McpServerError")
    }))

  it.effect("-32002 and -32602 on resources/read are ResourceNotFound; other codes stay server errors", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          const uri: string = message.params?.uri ?? ""
          if (uri.endsWith("old")) return Scripted.replyError(peer, message, -32002, "Resource not found")
          if (uri.endsWith("new")) return Scripted.replyError(peer, message, -32602, "Unknown resource")
          return Scripted.replyError(peer, message, -32603, "disk on fire")
        }
      })
      const old = yield* Effect.flip(client.readResource("file:///old"))
      assert.strictEqual(old._tag, "ResourceNotFound")
      const modern = yield* Effect.flip(client.readResource("file:///new"))
      assert.strictEqual(modern._tag, "ResourceNotFound")
      const other = yield* Effect.flip(client.readResource("file:///other"))
      assert.strictEqual(other._tag, "McpServerError")
      if (other._tag === "McpServerError") {
        assert.strictEqual(other.message, "resources/read failed with -32603: disk on fire")
      }
    }))

  it.effect("McpServerError keeps the server's code, message and data", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          peer.send({ jsonrpc: "2.0", id: message.id, error: { code: -32000, message: "busy", data: { retry: 5 } } })
      })
      const error = yield* Effect.flip(client.ping())
      assert.strictEqual(error._tag, "McpServerError")
      if (error._tag === "McpServerError") {
        assert.strictEqual(error.code, -32000)
        assert.strictEqual(error.description, "busy")
        assert.deepStrictEqual(error.data, { retry: 5 })
      }
    }))

  it.effect("a method the server did not declare fails with CapabilityNotSupported and sends nothing", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({
        capabilities: { tools: {} },
        onRequest: (message, peer) => Scripted.reply(peer, message, {})
      })
      for (
        const [effect, capability] of [
          [client.listPrompts(), "prompts"],
          [client.getPrompt("x"), "prompts"],
          [client.listResources(), "resources"],
          [client.readResource("file:///x"), "resources"],
          [client.subscribeResource("file:///x"), "resources.subscribe"],
          [client.setLoggingLevel("info"), "logging"],
          [client.complete({ type: "ref/prompt", name: "p" }, { name: "a", value: "" }), "completions"]
        ] as const
      ) {
        const error = yield* Effect.flip(effect as Effect.Effect<unknown, { readonly _tag: string }>)
        assert.strictEqual(error._tag, "CapabilityNotSupported")
        assert.strictEqual((error as unknown as { capability: string }).capability, capability)
      }
      yield* client.ping()
      const methods: Array<string | undefined> = []
      while (true) {
        const message = yield* Queue.poll(sent)
        if (message._tag === "None") break
        methods.push(message.value.method)
      }
      assert.deepStrictEqual(methods, ["server/discover", "initialize", "notifications/initialized", "ping"])
    }))

  it.effect("on 2024-11-05, completion/complete needs no capability (it had none then)", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        protocolVersion: "2024-11-05",
        capabilities: { prompts: {} },
        onRequest: (message, peer) => Scripted.reply(peer, message, { completion: { values: ["x"] } })
      })
      const result = yield* client.complete({ type: "ref/prompt", name: "p" }, { name: "a", value: "" })
      assert.deepStrictEqual(result.completion.values, ["x"])
    }))

  it.effect("a result that does not match its schema is a ProtocolError with the path, and the session goes on", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          message.method === "tools/list"
            ? Scripted.reply(peer, message, { tools: [{ name: "ok", inputSchema: {} }, { name: 7 }] })
            : Scripted.reply(peer, message, {})
      })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "ProtocolError")
      if (error._tag === "ProtocolError") {
        assert.strictEqual(error.path, "tools[1].name")
        assert.strictEqual(error.method, "tools/list")
      }
      yield* client.ping()
    }))

  it.effect("unknown result fields and unknown content types are kept as sent", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          Scripted.reply(peer, message, {
            content: [{ type: "text", text: "hi", extra: 1 }, { type: "hologram", frames: 3 }],
            futureField: { nested: true }
          })
      })
      const result = yield* client.callTool("anything")
      assert.deepStrictEqual(result.content as unknown, [{ type: "text", text: "hi", extra: 1 }, {
        type: "hologram",
        frames: 3
      }])
      assert.deepStrictEqual((result as unknown as { futureField: unknown }).futureField, { nested: true })
    }))

  it.effect("a known content type with missing fields is a ProtocolError", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, { content: [{ type: "text" }] })
      })
      const error = yield* Effect.flip(client.callTool("anything"))
      assert.strictEqual(error._tag, "ProtocolError")
    }))
})
