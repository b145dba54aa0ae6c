/**
 * The same behaviour suite against real servers over stdio: the reference
 * `everything` server (stateful revisions only), and the official-SDK-v2 and
 * Effect servers in both eras.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import { Elicitation, type Mcp, McpClient, Roots, Sampling } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

const textOf = (result: { readonly content: ReadonlyArray<Mcp.ContentBlock> }) =>
  result.content.map((block) => (block.type === "text" && "text" in block ? block.text : "")).join("")

/** A user who fills every field of a form with a plausible value. */
const fillForm = (schema: { readonly [key: string]: unknown }): { [key: string]: string | number | boolean } => {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, any>>
  const content: { [key: string]: string | number | boolean } = {}
  for (const [name, property] of Object.entries(properties)) {
    if (property.default !== undefined) continue
    const choices = property.enum ?? property.oneOf?.map((choice: { const: string }) => choice.const)
    if (choices !== undefined) content[name] = choices[0]
    else if (property.type === "boolean") content[name] = true
    else if (property.type === "number" || property.type === "integer") content[name] = property.minimum ?? 1
    else if (property.format === "email") content[name] = "ada@example.com"
    else if (property.format === "uri") content[name] = "https://example.com"
    else if (property.format === "date") content[name] = "2026-01-01"
    else if (property.format === "date-time") content[name] = "2026-01-01T00:00:00Z"
    else content[name] = "x".repeat(Math.max(1, property.minLength ?? 1))
  }
  return content
}

const Handlers = Layer.mergeAll(
  Sampling.layer({
    createMessage: (params) =>
      Effect.succeed({
        role: "assistant",
        content: { type: "text", text: `sampled ${params.messages.length} message(s)` },
        model: "test-model"
      })
  }),
  Elicitation.layer({
    form: (params) => Effect.succeed({ action: "accept", content: fillForm(params.requestedSchema) })
  }),
  Roots.layerStatic([{ uri: "file:///workspace", name: "workspace" }])
)

const session = (peer: Peers.Peer, era: "legacy" | "modern", extra: ReadonlyArray<string> = []) =>
  McpClient.layer({ name: "peer-tests", version: "1.0.0", era }).pipe(
    Layer.provide(Layer.merge(Peers.stdio(peer, extra), Handlers))
  )

const client = Effect.service(McpClient.McpClient)

describe.runIf(Peers.available)("real servers over stdio", () => {
  for (
    const [peer, era] of [["ts-v2", "legacy"], ["ts-v2", "modern"], ["effect", "legacy"], ["effect", "modern"]] as const
  ) {
    layer(session(peer, era), { timeout: "30 seconds" })(`${peer} (${era})`, (it) => {
      it.effect("negotiates the expected era", () =>
        Effect.gen(function*() {
          const c = yield* client
          assert.strictEqual(c.era, era)
          assert.strictEqual(c.protocolVersion, era === "modern" ? "2026-07-28" : "2025-11-25")
        }))

      it.effect("lists and calls tools", () =>
        Effect.gen(function*() {
          const c = yield* client
          const { tools } = yield* c.listTools()
          for (const name of ["add", "slow", "log", "confirm", "sample", "roots", "touch"]) {
            assert.include(tools.map((tool) => tool.name), name)
          }
          assert.strictEqual(textOf(yield* c.callTool("add", { a: 2, b: 40 })), "42")
          assert.strictEqual((yield* Effect.flip(c.callTool("no_such_tool", {})))._tag, "ToolNotFound")
        }))

      it.effect("lists and reads resources, lists templates", () =>
        Effect.gen(function*() {
          const c = yield* client
          const { resources } = yield* c.listResources()
          assert.include(resources.map((r) => r.uri), "bench://static/hello")
          const read = yield* c.readResource("bench://static/hello")
          assert.isTrue(read.contents.length === 1 && "text" in read.contents[0]!)
          const { resourceTemplates } = yield* c.listResourceTemplates()
          assert.include(resourceTemplates.map((t) => t.uriTemplate), "bench://items/{id}")
          assert.strictEqual((yield* Effect.flip(c.readResource("bench://nowhere")))._tag, "ResourceNotFound")
        }))

      it.effect("renders prompts and completes their arguments", () =>
        Effect.gen(function*() {
          const c = yield* client
          const { prompts } = yield* c.listPrompts()
          assert.include(prompts.map((p) => p.name), "greet")
          const prompt = yield* c.getPrompt("greet", { name: "Ada" })
          assert.include(JSON.stringify(prompt.messages), "Ada")
          const completion = yield* c.complete({ type: "ref/prompt", name: "greet" }, { name: "name", value: "a" })
          assert.includeMembers([...completion.completion.values], ["ada", "alan"])
        }))

      it.effect("pings (only where the era has ping)", () =>
        Effect.gen(function*() {
          const c = yield* client
          const outcome = yield* c.ping().pipe(
            Effect.as("pong"),
            Effect.catchTag("CapabilityNotSupported", () => Effect.succeed("none"))
          )
          assert.strictEqual(outcome, era === "modern" ? "none" : "pong")
        }))

      it.effect("streams progress in order, then the result", () =>
        Effect.gen(function*() {
          const c = yield* client
          const events = yield* Stream.runCollect(c.callToolWithProgress("slow", { steps: 3, delayMs: 5 }))
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "Progress" ? e.progress : "result")),
            [1, 2, 3, "result"]
          )
        }))

      it.effect("answers the server's sampling, elicitation and roots requests with the handler services", () =>
        Effect.gen(function*() {
          const c = yield* client
          assert.include(textOf(yield* c.callTool("sample", { prompt: "hi" })), "test-model")
          assert.include(textOf(yield* c.callTool("confirm", { question: "go?" })), "true")
          assert.include(textOf(yield* c.callTool("roots", {})), "file:///workspace")
        }))

      it.effect("delivers log messages", () =>
        Effect.gen(function*() {
          const c = yield* client
          yield* c.setLoggingLevel("debug")
          const logs = yield* Effect.forkChild(Stream.runHead(c.logs))
          let head = logs.pollUnsafe()
          for (let i = 0; i < 50 && head === undefined; i++) {
            yield* c.callTool("log", { message: "hello", level: "warning" })
            head = logs.pollUnsafe()
          }
          const log = yield* Fiber.join(logs)
          assert.strictEqual(log._tag === "Some" ? log.value.data : undefined, "hello")
        }))

      it.effect("delivers resource updates while subscribed", () =>
        Effect.gen(function*() {
          const c = yield* client
          const updates = yield* Effect.forkChild(Stream.runHead(c.resourceUpdates("bench://static/hello")))
          let head = updates.pollUnsafe()
          for (let i = 0; i < 50 && head === undefined; i++) {
            yield* c.callTool("touch", { uri: "bench://static/hello" })
            head = updates.pollUnsafe()
          }
          const update = yield* Fiber.join(updates)
          assert.strictEqual(update._tag === "Some" ? update.value.uri : undefined, "bench://static/hello")
        }))
    })
  }

  layer(session("everything", "legacy"), { timeout: "30 seconds" })("everything (legacy)", (it) => {
    it.effect("the seed's operations", () =>
      Effect.gen(function*() {
        const c = yield* client
        yield* c.ping()
        const { tools } = yield* c.listTools()
        assert.include(tools.map((t) => t.name), "echo")
        assert.strictEqual(textOf(yield* c.callTool("echo", { message: "hi" })), "Echo: hi")
        const { resources } = yield* c.listResources()
        assert.isAbove(resources.length, 0)
        const read = yield* c.readResource(resources[0]!.uri)
        assert.strictEqual(read.contents[0]!.uri, resources[0]!.uri)
        const prompt = yield* c.getPrompt("simple-prompt")
        assert.isAbove(prompt.messages.length, 0)
        const completion = yield* c.complete(
          { type: "ref/prompt", name: "completable-prompt" },
          { name: "department", value: "E" }
        )
        assert.include(completion.completion.values, "Engineering")
      }))

    it.effect("image and embedded-resource results", () =>
      Effect.gen(function*() {
        const c = yield* client
        const image = yield* c.callTool("get-tiny-image", {})
        assert.isTrue(image.content.some((block) => block.type === "image"))
        const reference = yield* c.callTool("get-resource-reference", { resourceType: "Text", resourceId: 1 })
        assert.isTrue(reference.content.some((block) => block.type === "resource"))
      }))

    it.effect("progress from trigger-long-running-operation", () =>
      Effect.gen(function*() {
        const c = yield* client
        const events = yield* Stream.runCollect(
          c.callToolWithProgress("trigger-long-running-operation", { duration: 0.3, steps: 3 })
        )
        assert.deepStrictEqual(events.filter((e) => e._tag === "Progress").length, 3)
        assert.strictEqual(events[events.length - 1]!._tag, "Result")
      }))

    it.effect("structured content is checked against the tool's outputSchema", () =>
      Effect.gen(function*() {
        const c = yield* client
        const result = yield* c.callTool("get-structured-content", { location: "New York" })
        assert.isDefined(result.structuredContent)
      }))

    it.effect("sampling, elicitation and roots through the everything server's triggers", () =>
      Effect.gen(function*() {
        const c = yield* client
        assert.include(
          textOf(yield* c.callTool("trigger-sampling-request", { prompt: "hi", maxTokens: 10 })),
          "test-model"
        )
        const elicited = yield* c.callTool("trigger-elicitation-request", {})
        assert.notStrictEqual(elicited.isError, true, textOf(elicited))
        assert.include(textOf(yield* c.callTool("get-roots-list", {})), "file:///workspace")
      }))
  })

  layer(
    McpClient.layer({ name: "env-test", version: "1.0.0" }).pipe(
      Layer.provide(Peers.stdio("everything", ["--inherit-env"], { env: { GIVEN_VARIABLE: "given" } }))
    ),
    { timeout: "30 seconds" }
  )("everything's get-env", (it) => {
    it.effect("does not see variables outside the allow-list", () =>
      Effect.gen(function*() {
        process.env.EFFECT_MCP_CLIENT_PRIVATE = "secret"
        const c = yield* client
        const env = textOf(yield* c.callTool("get-env", {}))
        assert.include(env, "GIVEN_VARIABLE")
        assert.notInclude(env, "EFFECT_MCP_CLIENT_PRIVATE")
        assert.notInclude(env, "secret")
      }))
  })
})
