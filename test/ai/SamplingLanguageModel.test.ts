/**
 * Sampling answered by the application's LanguageModel: the everything
 * server's trigger-sampling-request, and the policy and conversions.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { LanguageModel } from "effect/ai"
import * as SamplingLanguageModel from "../../src/ai/SamplingLanguageModel.ts"
import { Sampling } from "../../src/handlers/Sampling.ts"
import { McpClient } from "../../src/index.ts"
import type { Mcp } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"
import * as ScriptedModel from "./ScriptedModel.ts"

const textOf = (result: Mcp.CallToolResult) =>
  result.content.flatMap((block) => block.type === "text" ? [(block as Mcp.TextContent).text] : []).join("\n")

const userText = (options: LanguageModel.ProviderOptions) =>
  options.prompt.content.flatMap((message) =>
    message.role === "user" ? message.content.flatMap((part) => part.type === "text" ? [part.text] : []) : []
  ).join("\n")

const everythingScript = ScriptedModel.make([
  (options) =>
    Effect.succeed([ScriptedModel.text(`sampled answer to: ${userText(options)}`), ScriptedModel.finish("stop")])
])

describe("Sampling.layerLanguageModel with the everything server", () => {
  layer(
    McpClient.layer({ name: "agent", version: "1.0.0" }).pipe(
      Layer.provide([
        Peers.stdio("everything"),
        SamplingLanguageModel.layerLanguageModel({ modelName: "scripted-model" }).pipe(
          Layer.provide(everythingScript.layer)
        )
      ])
    ),
    { timeout: "60 seconds" }
  )((it) => {
    it.effect("answers trigger-sampling-request with the scripted model's reply", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const result = yield* client.callTool("trigger-sampling-request", { prompt: "What is MCP?", maxTokens: 50 })
        const text = textOf(result)
        // The server wraps its prompt; the model's reply comes back whole, with the model's name.
        assert.include(text, "sampled answer to:")
        assert.include(text, "What is MCP?")
        assert.include(text, `"model": "scripted-model"`)
        assert.include(text, `"stopReason": "endTurn"`)
        assert.strictEqual(everythingScript.calls.length, 1)
      }))
  })
})

const request = (extra: Partial<Mcp.CreateMessageParams> = {}): Mcp.CreateMessageParams => ({
  messages: [{ role: "user", content: { type: "text", text: "Hello" } }],
  maxTokens: 100,
  ...extra
})

const handler = (script: ScriptedModel.Script, options: SamplingLanguageModel.Options = {}) =>
  Effect.service(Sampling).pipe(
    Effect.provide(SamplingLanguageModel.layerLanguageModel(options).pipe(Layer.provide(script.layer)))
  )

describe("Sampling.layerLanguageModel", () => {
  it.effect("gives the model the system prompt, images and tool history, and cuts at a stop sequence", () =>
    Effect.gen(function*() {
      const script = ScriptedModel.make([
        () => Effect.succeed([ScriptedModel.text("one two STOP three"), ScriptedModel.finish("stop")])
      ])
      const sampling = yield* handler(script)
      const result = yield* sampling.createMessage(request({
        systemPrompt: "Be brief",
        stopSequences: ["STOP"],
        messages: [
          {
            role: "user",
            content: [{ type: "text", text: "Look" }, { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" }]
          },
          { role: "assistant", content: { type: "tool_use", id: "u1", name: "lookup", input: { q: "x" } } },
          {
            role: "user",
            content: { type: "tool_result", toolUseId: "u1", content: [{ type: "text", text: "found" }] }
          }
        ]
      }))
      assert.deepStrictEqual(result.content, { type: "text", text: "one two " })
      assert.strictEqual(result.stopReason, "stopSequence")
      const roles = script.calls[0]!.prompt.content.map((message) => message.role)
      assert.deepStrictEqual(roles, ["system", "user", "assistant", "tool"])
      const user = script.calls[0]!.prompt.content[1]!
      assert.isTrue(user.role === "user" && user.content.some((part) => part.type === "file"))
    }))

  it.effect("offers the server's tools and returns the model's calls as tool_use, unrun", () =>
    Effect.gen(function*() {
      const script = ScriptedModel.make([
        (options) => {
          assert.deepStrictEqual(options.tools.map((tool) => tool.name), ["weather"])
          return Effect.succeed([
            ScriptedModel.toolCall("t1", "weather", { city: "Paris" }),
            ScriptedModel.finish("tool-calls")
          ])
        }
      ])
      const sampling = yield* handler(script)
      const result = yield* sampling.createMessage(request({
        tools: [{ name: "weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } }],
        toolChoice: { mode: "required" }
      }))
      assert.deepStrictEqual(result.content, { type: "tool_use", id: "t1", name: "weather", input: { city: "Paris" } })
      assert.strictEqual(result.stopReason, "toolUse")
      assert.strictEqual(script.calls[0]!.toolChoice, "required")
    }))

  it.effect("chooses a model by the server's hints, and reports its name", () =>
    Effect.gen(function*() {
      const small = ScriptedModel.make([
        () => Effect.succeed([ScriptedModel.text("small"), ScriptedModel.finish("stop")])
      ])
      const inContext = ScriptedModel.make([])
      const model = yield* LanguageModel.LanguageModel.pipe(Effect.provide(small.layer))
      const sampling = yield* handler(inContext, { models: [{ name: "claude-haiku", model }] })
      const result = yield* sampling.createMessage(
        request({ modelPreferences: { hints: [{ name: "gpt" }, { name: "haiku" }] } })
      )
      assert.strictEqual(result.model, "claude-haiku")
      assert.deepStrictEqual(result.content, { type: "text", text: "small" })
      assert.strictEqual(inContext.calls.length, 0)
    }))

  it.effect("refuses requests once the token budget is spent, and when the user declines", () =>
    Effect.gen(function*() {
      const script = ScriptedModel.make([
        () => Effect.succeed([ScriptedModel.text("ok"), ScriptedModel.finish("stop")])
      ])
      const budgeted = yield* handler(script, { tokenBudget: 15 })
      const settings: Array<SamplingLanguageModel.Settings> = []
      yield* budgeted.createMessage(request())
      // The scripted model reports 15 tokens a reply.
      const refused = yield* Effect.flip(budgeted.createMessage(request()))
      assert.strictEqual(refused.code, -1)
      assert.include(refused.message, "budget")

      const declining = yield* handler(ScriptedModel.make([]), {
        approve: () => Effect.succeed(false),
        configure: (s) => (effect) => Effect.andThen(Effect.sync(() => settings.push(s)), effect)
      })
      const declined = yield* Effect.flip(declining.createMessage(request()))
      assert.strictEqual(declined.code, -1)
      assert.strictEqual(settings.length, 0)
    }))

  it.effect("gives the request's settings to configure, with maxTokens within the policy", () =>
    Effect.gen(function*() {
      const script = ScriptedModel.make([
        () => Effect.succeed([ScriptedModel.text("ok"), ScriptedModel.finish("length")])
      ])
      const settings: Array<SamplingLanguageModel.Settings> = []
      const sampling = yield* handler(script, {
        modelName: "local",
        maxTokensPerRequest: 64,
        configure: (s) => (effect) => Effect.andThen(Effect.sync(() => settings.push(s)), effect)
      })
      const result = yield* sampling.createMessage(request({ temperature: 0.2, stopSequences: ["\n\n"] }))
      assert.deepStrictEqual(settings, [{ model: "local", maxTokens: 64, temperature: 0.2, stopSequences: ["\n\n"] }])
      assert.strictEqual(result.stopReason, "maxTokens")
    }))
})
