/**
 * The behaviour suite run against each real server, whatever the transport:
 * the seed's operations, progress, server requests, logs and resource
 * updates, in the era under test.
 */
import { assert } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import { Elicitation, type Mcp, McpClient, Roots, Sampling, type Transport } from "../../src/index.ts"

export const textOf = (result: { readonly content: ReadonlyArray<Mcp.ContentBlock> }) =>
  result.content.map((block) => (block.type === "text" && "text" in block ? block.text : "")).join("")

/** A user who fills every field of a form with a plausible value. */
export const fillForm = (schema: { readonly [key: string]: unknown }): { [key: string]: string | number | boolean } => {
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

/** The page the URL-mode elicitation tests send the user to; the handler opens no other. */
export const consentPage = "https://example.com/consent"

/** Handler services that answer everything a server may ask. */
export const Handlers = Layer.mergeAll(
  Sampling.layer({
    createMessage: (params) =>
      Effect.succeed({
        role: "assistant",
        content: { type: "text", text: `sampled ${params.messages.length} message(s)` },
        model: "test-model"
      })
  }),
  Elicitation.layer({
    form: (params) => Effect.succeed({ action: "accept", content: fillForm(params.requestedSchema) }),
    // A user who opens the links they expect, and no others.
    url: (params) => Effect.succeed({ action: params.url.startsWith(consentPage) ? "accept" : "decline" })
  }),
  Roots.layerStatic([{ uri: "file:///workspace", name: "workspace" }])
)

/** A session in `era` over `transport`, with the handlers. */
export const session = <E, R>(
  transport: Layer.Layer<Transport.Transport, E, R>,
  era: "auto" | "legacy" | "modern"
) =>
  McpClient.layer({ name: "peer-tests", version: "1.0.0", era }).pipe(
    Layer.provide(Layer.merge(transport, Handlers))
  )

const client = Effect.service(McpClient.McpClient)

/** Repeats `poke` until `fiber` has finished (for notifications that need a subscription in place first). */
const pokeUntilDone = <A, E>(fiber: Fiber.Fiber<A, E>, poke: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 50 && fiber.pollUnsafe() === undefined; i++) yield* Effect.ignore(poke)
    return yield* Fiber.join(fiber)
  })

/**
 * The suite for the official-SDK-v2 and Effect servers (one surface, both eras).
 * `subscriptions` is false where the server does not offer resource subscriptions.
 */
export const benchServer = (
  it: Vitest.MethodsNonLive<McpClient.McpClient>,
  era: "legacy" | "modern",
  options: { readonly subscriptions?: boolean } = {}
) => {
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
      assert.deepStrictEqual(events.map((e) => (e._tag === "Progress" ? e.progress : "result")), [1, 2, 3, "result"])
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
      const log = yield* pokeUntilDone(logs, c.callTool("log", { message: "hello", level: "warning" }))
      assert.strictEqual(log._tag === "Some" ? log.value.data : undefined, "hello")
    }))

  if (options.subscriptions !== false) {
    it.effect("delivers resource updates while subscribed", () =>
      Effect.gen(function*() {
        const c = yield* client
        const updates = yield* Effect.forkChild(Stream.runHead(c.resourceUpdates("bench://static/hello")))
        const update = yield* pokeUntilDone(updates, c.callTool("touch", { uri: "bench://static/hello" }))
        assert.strictEqual(update._tag === "Some" ? update.value.uri : undefined, "bench://static/hello")
      }))
  }
}

/** The suite for the reference `everything` server. */
export const everything = (it: Vitest.MethodsNonLive<McpClient.McpClient>) => {
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
      assert.strictEqual(events.filter((e) => e._tag === "Progress").length, 3)
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

  it.effect("URL-mode elicitation end to end: the handler sees the URL, the server sees the answer", () =>
    Effect.gen(function*() {
      const c = yield* client
      const { tools } = yield* c.listTools()
      assert.include(tools.map((t) => t.name), "trigger-url-elicitation")
      const accepted = textOf(
        yield* c.callTool("trigger-url-elicitation", { url: `${consentPage}?step=1`, elicitationId: "consent-1" })
      )
      assert.include(accepted, "User completed the URL elicitation flow")
      assert.include(accepted, "Elicitation ID: consent-1")
      // A URL the user does not expect is declined by the handler, and the server is told so.
      const declined = textOf(yield* c.callTool("trigger-url-elicitation", { url: "https://elsewhere.example/" }))
      assert.include(declined, "User declined to open the URL")
    }))

  it.effect("URL-mode elicitation as a -32042 error: the URLs to visit are typed, the retry goes through", () =>
    Effect.gen(function*() {
      const c = yield* client
      const args = { url: `${consentPage}?step=2`, elicitationId: "consent-2", errorPath: true }
      const required = yield* Effect.flip(c.callTool("trigger-url-elicitation", args))
      assert.strictEqual(required._tag, "UrlElicitationRequired")
      if (required._tag !== "UrlElicitationRequired") return
      assert.deepStrictEqual(required.elicitations.map((e) => e.url), ["https://modelcontextprotocol.io"])
      assert.include(required.message, "https://modelcontextprotocol.io")
      // The prerequisite done, the same call again goes the request way.
      assert.include(textOf(yield* c.callTool("trigger-url-elicitation", args)), "Elicitation ID: consent-2")
    }))

  it.effect("resource updates from toggle-subscriber-updates while subscribed", () =>
    Effect.gen(function*() {
      const c = yield* client
      const { resources } = yield* c.listResources()
      const uri = resources[0]!.uri
      // The subscription is in place (resources/subscribe answered) before updates are switched on.
      yield* c.subscribeResource(uri)
      const update = yield* Effect.forkChild(Stream.runHead(c.resourceUpdates(uri)))
      yield* Effect.yieldNow
      // Switching on sends one update at once, then one every 5 seconds.
      assert.include(textOf(yield* c.callTool("toggle-subscriber-updates", {})), "Started")
      const first = yield* Fiber.join(update)
      assert.strictEqual(first._tag === "Some" ? first.value.uri : undefined, uri)
      assert.include(textOf(yield* c.callTool("toggle-subscriber-updates", {})), "Stopped")
      yield* c.unsubscribeResource(uri)
    }))
}
