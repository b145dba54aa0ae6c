import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import * as SeedServer from "../../examples/SeedServer.ts"
import { McpClient, MemoryTransport, Transport } from "../../src/index.ts"
import * as Seed from "../support/Seed.ts"

const withSeed = <A, E>(
  body: (client: McpClient.McpClientShape) => Effect.Effect<A, E, never>,
  clientOptions: Partial<McpClient.Options> = {}
) =>
  Effect.gen(function*() {
    const seed = yield* Seed.make(clientOptions)
    return yield* Effect.flatMap(Effect.service(McpClient.McpClient), body).pipe(Effect.provide(seed.layer))
  })

describe("McpClient against the in-process Effect server", () => {
  it.effect("negotiates and exposes the server's info, capabilities and instructions", () =>
    withSeed((client) =>
      Effect.sync(() => {
        assert.strictEqual(client.protocolVersion, "2025-11-25")
        assert.strictEqual(client.serverInfo.name, "seed-server")
        assert.strictEqual(client.serverInfo.version, "1.0.0")
        assert.strictEqual(client.instructions, "Use calculator for arithmetic.")
        assert.isDefined(client.serverCapabilities.tools)
        assert.isDefined(client.serverCapabilities.resources)
        assert.isDefined(client.serverCapabilities.prompts)
      })
    ))

  for (const version of ["2025-06-18", "2025-03-26", "2024-11-05"] as const) {
    it.effect(`speaks ${version} when offered`, () =>
      withSeed((client) =>
        Effect.gen(function*() {
          assert.strictEqual(client.protocolVersion, version)
          const result = yield* client.callTool("calculator", { operation: "multiply", a: 6, b: 7 })
          assert.deepStrictEqual(result.content, [{ type: "text", text: "42" }])
        }), { protocolVersion: version }))
  }

  it.effect("pings", () => withSeed((client) => client.ping()))

  it.effect("lists tools with their schemas", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const { tools } = yield* client.listTools()
        assert.deepStrictEqual(tools.map((tool) => tool.name), ["calculator", "text_summarizer", "slow_tool"])
        const calculator = tools[0]!
        assert.strictEqual(calculator.inputSchema.type, "object")
        assert.deepStrictEqual(calculator.inputSchema.required, ["operation", "a", "b"])
        const pages = yield* Stream.runCollect(client.listToolsPages())
        assert.strictEqual(pages.length, 1)
        assert.strictEqual(pages[0]!.tools.length, 3)
      })
    ))

  it.effect("calls tools: the seed's calculator and summarizer", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const sum = yield* client.callTool("calculator", { operation: "add", a: 5, b: 3 })
        assert.deepStrictEqual(sum.content, [{ type: "text", text: "8" }])
        assert.notStrictEqual(sum.isError, true)
        const summary = yield* client.callTool("text_summarizer", { text: "One two three. Four five." })
        assert.deepStrictEqual(summary.content, [{
          type: "text",
          text: SeedServer.summarize("One two three. Four five.")
        }])
      })
    ))

  it.effect("a tool that ran and failed is a result; callToolOrFail turns it into ToolExecutionError", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const result = yield* client.callTool("calculator", { operation: "divide", a: 1, b: 0 })
        assert.strictEqual(result.isError, true)
        assert.deepStrictEqual(result.content, [{ type: "text", text: "Division by zero" }])
        const error = yield* Effect.flip(client.callToolOrFail("calculator", { operation: "divide", a: 1, b: 0 }))
        assert.strictEqual(error._tag, "ToolExecutionError")
        if (error._tag === "ToolExecutionError") {
          assert.strictEqual(error.name, "calculator")
          assert.strictEqual(error.text, "Division by zero")
        }
      })
    ))

  it.effect("an unknown tool fails with ToolNotFound, and the session goes on", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(client.callTool("unknown_tool", {}))
        assert.strictEqual(error._tag, "ToolNotFound")
        if (error._tag === "ToolNotFound") assert.strictEqual(error.name, "unknown_tool")
        const caught = yield* client.callTool("unknown_tool").pipe(
          Effect.as("no error"),
          Effect.catchTag("ToolNotFound", (e) => Effect.succeed(e.message))
        )
        assert.strictEqual(caught, "Tool 'unknown_tool' not found")
        const sum = yield* client.callTool("calculator", { operation: "subtract", a: 5, b: 3 })
        assert.deepStrictEqual(sum.content, [{ type: "text", text: "2" }])
      })
    ))

  it.effect("lists and reads resources; an unknown resource is ResourceNotFound", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const { resources } = yield* client.listResources()
        assert.deepStrictEqual(resources.map((resource) => resource.uri), ["resource://examples/dataset"])
        const templates = yield* client.listResourceTemplates()
        assert.deepStrictEqual(templates.resourceTemplates, [])
        const read = yield* client.readResource("resource://examples/dataset")
        const content = read.contents[0]!
        assert.strictEqual(content.uri, "resource://examples/dataset")
        assert.deepStrictEqual(JSON.parse("text" in content ? content.text : ""), SeedServer.dataset)
        const missing = yield* Effect.flip(client.readResource("resource://nowhere"))
        assert.strictEqual(missing._tag, "ResourceNotFound")
        if (missing._tag === "ResourceNotFound") assert.strictEqual(missing.uri, "resource://nowhere")
      })
    ))

  it.effect("renders prompts; an unknown prompt is PromptNotFound", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const { prompts } = yield* client.listPrompts()
        assert.deepStrictEqual(prompts.map((prompt) => prompt.name), ["greeting"])
        assert.deepStrictEqual(prompts[0]!.arguments?.map((argument) => argument.name), ["name"])
        const rendered = yield* client.getPrompt("greeting", { name: "Alice" })
        assert.deepStrictEqual(rendered.messages, [{ role: "user", content: { type: "text", text: "Hello, Alice!" } }])
        const missing = yield* Effect.flip(client.getPrompt("farewell", { name: "Alice" }))
        assert.strictEqual(missing._tag, "PromptNotFound")
      })
    ))

  it.effect("completes prompt arguments", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const result = yield* client.complete({ type: "ref/prompt", name: "greeting" }, { name: "name", value: "Al" })
        assert.deepStrictEqual(result.completion.values, ["Alice", "Alan"])
      })
    ))

  it.effect("sets the logging level and subscribes to resources", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        yield* client.setLoggingLevel("warning")
        yield* client.subscribeResource("resource://examples/dataset")
        yield* client.unsubscribeResource("resource://examples/dataset")
      })
    ))

  it.effect("sends custom requests with a caller's result schema", () =>
    withSeed((client) =>
      Effect.gen(function*() {
        const result = yield* client.request(
          "tools/call",
          { name: "calculator", arguments: { operation: "add", a: 1, b: 2 } },
          Schema.Struct({ content: Schema.Array(Schema.Struct({ type: Schema.String, text: Schema.String })) })
        )
        assert.deepStrictEqual(result.content, [{ type: "text", text: "3" }])
        const unknown = yield* Effect.flip(client.request("no/such/method", {}, Schema.Struct({})))
        assert.strictEqual(unknown._tag, "McpServerError")
        if (unknown._tag === "McpServerError") assert.strictEqual(unknown.code, -32601)
      })
    ))

  it.effect("one call connects a client to a server (the seed's create_connected_server_and_client_session)", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make({ name: "app", version: "1.0.0" }).pipe(
        Effect.provideServiceEffect(
          Transport.Transport,
          MemoryTransport.makeServer({
            name: "s",
            version: "1",
            registrations: SeedServer.registrations({ onCancelled: () => Effect.void })
          })
        )
      )
      const result = yield* client.callTool("calculator", { operation: "add", a: 5, b: 3 })
      assert.deepStrictEqual(result.content, [{ type: "text", text: "8" }])
    }))

  it.effect("several sessions to one server definition are independent", () =>
    Effect.gen(function*() {
      const transport = MemoryTransport.makeServer({
        name: "s",
        version: "1",
        registrations: SeedServer.registrations({ onCancelled: () => Effect.void })
      })
      const a = yield* McpClient.make({ name: "a", version: "1" }).pipe(
        Effect.provideServiceEffect(Transport.Transport, transport)
      )
      const b = yield* McpClient.make({ name: "b", version: "1" }).pipe(
        Effect.provideServiceEffect(Transport.Transport, transport)
      )
      const [x, y] = yield* Effect.all([
        a.callTool("calculator", { operation: "add", a: 1, b: 1 }),
        b.callTool("calculator", { operation: "add", a: 2, b: 2 })
      ], { concurrency: 2 })
      assert.deepStrictEqual([x.content, y.content], [[{ type: "text", text: "2" }], [{ type: "text", text: "4" }]])
    }))
})
