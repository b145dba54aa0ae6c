/** The wire log: one Debug line per JSON-RPC message, each way, redacted and bounded; nothing when off. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted, References } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as SeedServer from "../../examples/SeedServer.ts"
import {
  HttpTransport,
  McpClient,
  MemoryTransport,
  Redaction,
  StdioTransport,
  Transport,
  WireLog
} from "../../src/index.ts"
import * as HttpFaultServer from "../support/HttpFaultServer.ts"

interface Entry {
  readonly level: string
  readonly text: string
}

/** A logger that keeps what it is given, and the minimum level for the test. */
const capture = (minimum: "Debug" | "Info") => {
  const entries: Array<Entry> = []
  const logger = Logger.make((options) => {
    const message = options.message
    entries.push({
      level: options.logLevel,
      text: Array.isArray(message) ? message.map(String).join(" ") : String(message)
    })
  })
  const layer = Layer.mergeAll(
    Logger.layer([logger]),
    Layer.succeed(References.MinimumLogLevel, minimum)
  )
  const wire = () => entries.filter((entry) => /^(→|←) /.test(entry.text))
  return { entries, wire, layer }
}

const seedServer = MemoryTransport.layerServer({
  name: "seed-server",
  version: "1.0.0",
  registrations: SeedServer.registrations({ onCancelled: () => Effect.void })
})

const session = (options: Partial<McpClient.Options>, transport: Layer.Layer<Transport.Transport, any> = seedServer) =>
  McpClient.layer({ name: "test", version: "1.0.0", era: "legacy", ...options }).pipe(Layer.provide(transport))

const withClient = <A, E>(
  layer: Layer.Layer<McpClient.McpClient, any>,
  logs: Layer.Layer<never>,
  body: (client: McpClient.McpClientShape) => Effect.Effect<A, E>
) => Effect.flatMap(Effect.service(McpClient.McpClient), body).pipe(Effect.provide(layer), Effect.provide(logs))

const line = /^(→|←) (request \S+|notification \S+|response( to \S+)?|error( to \S+)?) (#\S+ )?\((\d+) bytes\)( .*)?$/s

describe("WireLog", () => {
  it.effect("logs each message of an exchange with a memory server, in order, at Debug", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      yield* withClient(session({ wireLog: true }), logs.layer, (client) =>
        Effect.gen(function*() {
          yield* client.listTools()
          yield* client.callTool("calculator", { operation: "add", a: 5, b: 3 })
        }))
      const wire = logs.wire()
      assert.isTrue(wire.every((entry) => entry.level === "Debug"))
      for (const entry of wire) assert.match(entry.text, line)
      const heads = wire.map((entry) => entry.text.replace(/ \(\d+ bytes\).*$/s, ""))
      assert.deepStrictEqual(heads, [
        "→ request initialize #1",
        "← response to initialize #1",
        "→ notification notifications/initialized",
        "→ request tools/list #2",
        "← response to tools/list #2",
        "→ request tools/call #3",
        "← response to tools/call #3"
      ])
      const call = wire[5]!
      // The size is the message's, and the body is the message itself when nothing is hidden or cut.
      const [, bytes, body] = /^.*? \((\d+) bytes\) (.*)$/s.exec(call.text)!
      assert.deepStrictEqual(JSON.parse(body!), {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "calculator", arguments: { operation: "add", a: 5, b: 3 } }
      })
      assert.strictEqual(Number(bytes), Buffer.byteLength(body!))
      assert.include(wire[6]!.text, `"text":"8"`)
    }))

  it.effect("hides credentials in either direction", () =>
    Effect.gen(function*() {
      const secret = "planted-9f8e7d6c5b4a"
      const logs = capture("Debug")
      yield* withClient(session({ wireLog: true }), logs.layer, (client) =>
        client.callTool("text_summarizer", { text: `Send Authorization: Bearer ${secret} with password=${secret}.` }))
      const wire = logs.wire()
      assert.isTrue(wire.length > 0)
      for (const entry of wire) {
        assert.notInclude(entry.text, secret)
      }
      const sent = wire.find((entry) =>
        entry.text.startsWith("→ request tools/call")
      )!
      const received = wire.find((entry) =>
        entry.text.startsWith("← response to tools/call")
      )!
      assert.include(sent.text, "Bearer <redacted> with password=<redacted>")
      assert.include(received.text, "Bearer <redacted> with password=<redacted>")
    }))

  it("hides members under secret keys and Redacted values, keeps progressToken", () => {
    const text = Redaction.stringify({
      params: {
        _meta: { progressToken: 7 },
        arguments: { apiKey: "k-1", access_token: "t-2", headers: { Authorization: "x" }, vault: Redacted.make("v-3") }
      }
    })
    assert.strictEqual(
      text,
      `{"params":{"_meta":{"progressToken":7},"arguments":{"apiKey":"<redacted>","access_token":"<redacted>",` +
        `"headers":{"Authorization":"<redacted>"},"vault":"<redacted>"}}}`
    )
  })

  it.effect("cuts bodies to the bound and says how much was left out", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      yield* withClient(session({ wireLog: { maxBodyChars: 40 } }), logs.layer, (client) => client.listTools())
      const wire = logs.wire()
      const list = wire.find((entry) => entry.text.startsWith("← response to tools/list"))!
      const match = /\((\d+) bytes\) (.*)… \((\d+) more characters\)$/s.exec(list.text)
      assert.isNotNull(match)
      assert.strictEqual(match![2]!.length, 40)
      // Tool lists are ASCII here: characters and bytes agree.
      assert.strictEqual(Number(match![1]), 40 + Number(match![3]))
      assert.isTrue(wire.every((entry) => entry.text.length < 120))
    }))

  it.effect("logs nothing below Debug, and leaves the transport unwrapped", () =>
    Effect.gen(function*() {
      const logs = capture("Info")
      yield* withClient(session({ wireLog: true }), logs.layer, (client) => client.listTools())
      assert.deepStrictEqual(logs.wire(), [])
      const shape: Transport.TransportShape = { send: () => Effect.void, incoming: undefined as never }
      assert.strictEqual(yield* WireLog.wrap(shape).pipe(Effect.provide(logs.layer)), shape)
      const debug = capture("Debug")
      assert.notStrictEqual(yield* WireLog.wrap(shape).pipe(Effect.provide(debug.layer)), shape)
    }))

  it.effect("logs nothing when the option is off, even at Debug", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      yield* withClient(session({}), logs.layer, (client) => client.listTools())
      assert.deepStrictEqual(logs.wire(), [])
    }))

  it.effect("WireLog.layer puts the log on the transport below it", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      yield* withClient(
        session({}, WireLog.layer().pipe(Layer.provide(seedServer))),
        logs.layer,
        (client) => client.ping()
      )
      assert.deepStrictEqual(logs.wire().map((entry) => entry.text.split(" (")[0]).slice(-2), [
        "→ request ping #2",
        "← response to ping #2"
      ])
    }))

  it.live("logs a stdio exchange with the reference memory server", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      const server = fileURLToPath(
        new URL("../../node_modules/@modelcontextprotocol/server-memory/dist/index.js", import.meta.url)
      )
      const transport = StdioTransport.layerNode({
        command: process.execPath,
        args: [server],
        env: { MEMORY_FILE_PATH: join(mkdtempSync(join(tmpdir(), "mcp-wire-")), "memory.jsonl") },
        stderr: "ignore"
      })
      yield* withClient(session({ wireLog: true }, transport), logs.layer, (client) =>
        client.callTool("create_entities", {
          entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }]
        }))
      const heads = logs.wire().map((entry) =>
        entry.text.replace(/ \(\d+ bytes\).*$/s, "")
      )
      assert.includeMembers(heads, [
        "→ request initialize #1",
        "← response to initialize #1",
        "→ notification notifications/initialized",
        "→ request tools/call #2",
        "← response to tools/call #2"
      ])
      const reply = logs.wire().find((entry) =>
        entry.text.startsWith("← response to tools/call")
      )!
      assert.include(reply.text, "wrote the first program")
    }))

  it.live("logs an HTTP session's messages, replies handed over by the transport included", () =>
    Effect.gen(function*() {
      const logs = capture("Debug")
      const server = yield* HttpFaultServer.start((exchange) => {
        if (HttpFaultServer.lifecycle(exchange, "s-1")) return
        HttpFaultServer.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      yield* withClient(
        McpClient.layer({ name: "test", version: "1.0.0", era: "legacy", wireLog: true }).pipe(
          Layer.provide(HttpTransport.layerNode({ url: server.url, serverStream: false }))
        ),
        logs.layer,
        (client) => client.listTools()
      )
      const heads = logs.wire().map((entry) => entry.text.replace(/ \(\d+ bytes\).*$/s, ""))
      assert.deepStrictEqual(heads, [
        "→ request initialize #1",
        "← response to initialize #1",
        "→ notification notifications/initialized",
        "→ request tools/list #2",
        "← response to tools/list #2"
      ])
    }).pipe(Effect.scoped))
})
