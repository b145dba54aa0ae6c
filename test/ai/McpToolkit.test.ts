/**
 * MCP tools in front of a model: a scripted LanguageModel drives
 * `LanguageModel.generateText` over the toolkit of real servers.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Context, Deferred, Effect, Layer, Option, Stream } from "effect"
import { LanguageModel, McpSchema, McpServer, Prompt, Tool } from "effect/ai"
import type { Response } from "effect/ai"
import * as McpToolkit from "../../src/ai/McpToolkit.ts"
import * as ToolSource from "../../src/ai/ToolSource.ts"
import { HttpTransport, McpClient, MemoryTransport, Transport } from "../../src/index.ts"
import * as Oracle from "../support/Oracle.ts"
import * as Peers from "../support/Peers.ts"
import * as Scripted from "../support/Scripted.ts"
import * as ScriptedModel from "./ScriptedModel.ts"

const toolResults = ScriptedModel.toolResults

const session = Effect.service(McpClient.McpClient)

describe("McpToolkit over the everything server", () => {
  layer(McpClient.layer({ name: "agent", version: "1.0.0" }).pipe(Layer.provide(Peers.stdio("everything"))), {
    timeout: "60 seconds"
  })((it) => {
    it.effect("a multi-step exchange: text, an image, an isError result, and a tool stopped for approval", () =>
      Effect.gen(function*() {
        const tools = yield* McpToolkit.make(ToolSource.fromClient(yield* session))
        const script = ScriptedModel.make([
          (options) => {
            const offered = options.tools.map((tool) => tool.name)
            assert.include(offered, "echo")
            assert.include(offered, "get-tiny-image")
            return Effect.succeed([
              ScriptedModel.toolCall("c1", "echo", { message: "hello" }),
              ScriptedModel.toolCall("c2", "get-tiny-image", {}),
              ScriptedModel.toolCall("c3", "get-sum", { a: "two", b: 1 }),
              ScriptedModel.toolCall("c4", "gzip-file-as-resource", { name: "x.gz", data: "data:text/plain,hi" }),
              ScriptedModel.finish("tool-calls")
            ])
          },
          () => Effect.succeed([ScriptedModel.text("The echo said hello."), ScriptedModel.finish("stop")]),
          () => Effect.succeed([ScriptedModel.text("Compressed."), ScriptedModel.finish("stop")])
        ])
        const first = yield* LanguageModel.generateText({ prompt: "Use the tools", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        const results = toolResults(first.content)

        const echo = results.get("c1")!
        assert.isFalse(echo.isFailure)
        assert.include((echo.result as McpToolkit.ToolResults.ToolOutput).text, "Echo: hello")

        const image = results.get("c2")!
        assert.isFalse(image.isFailure)
        const files = (image.result as McpToolkit.ToolResults.ToolOutput).parts.filter((part) => part.type === "file")
        assert.strictEqual(files.length, 1)
        assert.strictEqual(files[0]!.type === "file" && files[0]!.mediaType, "image/png")

        const sum = results.get("c3")!
        assert.isTrue(sum.isFailure)
        assert.instanceOf(sum.result, McpToolkit.McpToolFailure)
        assert.strictEqual((sum.result as McpToolkit.McpToolFailure).reason, "tool-error")
        assert.include((sum.result as McpToolkit.McpToolFailure).message, "expected number")

        // Open-world: stopped for approval, not run.
        assert.isFalse(results.has("c4"))
        assert.isTrue(
          first.content.some((part) => part.type === "tool-approval-request" && part.toolCallId === "c4")
        )

        // The next step: the model reads the results, the image as a file part.
        const second = yield* LanguageModel.generateText({
          prompt: Prompt.concat(Prompt.make("Use the tools"), Prompt.fromResponseParts(first.content)),
          toolkit: tools.toolkit
        }).pipe(Effect.provide(script.layer))
        assert.strictEqual(second.text, "The echo said hello.")
        const given = script.calls[1]!.prompt.content.flatMap((message) =>
          message.role === "tool" ? message.content : []
        )
        const imageResult = given.find((part) => part.type === "tool-result" && part.id === "c2")
        assert.isTrue(
          imageResult !== undefined && imageResult.type === "tool-result" &&
            imageResult.modelOutput?.some((part) => part.type === "file" && part.mediaType === "image/png") === true
        )
        const sumResult = given.find((part) => part.type === "tool-result" && part.id === "c3")
        assert.isTrue(sumResult !== undefined && sumResult.type === "tool-result" && sumResult.isFailure)

        // The user approves the open-world call: it runs before the model is asked again.
        const request = first.content.find((part) => part.type === "tool-approval-request")!
        const approved = yield* LanguageModel.generateText({
          prompt: Prompt.concat(
            Prompt.concat(Prompt.make("Use the tools"), Prompt.fromResponseParts(first.content)),
            Prompt.fromMessages([
              Prompt.toolMessage({
                content: [
                  Prompt.toolApprovalResponsePart({
                    approvalId: request.type === "tool-approval-request" ? request.approvalId : "",
                    approved: true
                  })
                ]
              })
            ])
          ),
          toolkit: tools.toolkit
        }).pipe(Effect.provide(script.layer))
        const gzip = toolResults(approved.content).get("c4")!
        assert.isFalse(gzip.isFailure, JSON.stringify(gzip.result))
        assert.strictEqual(approved.text, "Compressed.")
      }))

    it.effect("a result beyond the budget is cut, and read in full through read_tool_result", () =>
      Effect.gen(function*() {
        const tools = yield* McpToolkit.make(ToolSource.fromClient(yield* session), { resultBudget: 40 })
        const long = "x".repeat(50) + "END"
        const script = ScriptedModel.make([
          () =>
            Effect.succeed([
              ScriptedModel.toolCall("c1", "echo", { message: long }),
              ScriptedModel.finish("tool-calls")
            ]),
          () =>
            Effect.succeed([
              ScriptedModel.toolCall("c2", McpToolkit.readResultToolName, { id: "result-1", offset: 0, length: 1000 }),
              ScriptedModel.finish("tool-calls")
            ])
        ])
        const first = yield* LanguageModel.generateText({ prompt: "echo", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        const output = toolResults(first.content).get("c1")!.result as McpToolkit.ToolResults.ToolOutput
        assert.isTrue(output.truncated)
        assert.include(output.text, "characters omitted")
        assert.include(output.text, "result-1")
        assert.isTrue(output.text.endsWith("END"))
        const second = yield* LanguageModel.generateText({ prompt: "read", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        assert.strictEqual(toolResults(second.content).get("c2")!.result, `Echo: ${long}`)
        assert.deepStrictEqual(yield* tools.fullResult("result-1"), Option.some(`Echo: ${long}`))
      }))

    it.effect("progress reaches onProgress and the tool's preliminary results", () =>
      Effect.gen(function*() {
        const seen: Array<McpToolkit.ToolProgress> = []
        const snapshot = yield* McpToolkit.snapshot(ToolSource.fromClient(yield* session), {
          onProgress: (progress) => Effect.sync(() => void seen.push(progress))
        })
        const stream = yield* snapshot.toolkit.handle("trigger-long-running-operation", { duration: 0.2, steps: 2 })
        const outputs = yield* Stream.runCollect(stream)
        assert.strictEqual(outputs.filter((output) => output.preliminary).length, 2)
        assert.deepStrictEqual(seen.map((progress) => [progress.progress, progress.total]), [[1, 2], [2, 2]])
        assert.isFalse(outputs[outputs.length - 1]!.preliminary)
      }))

    it.effect("deferred tools: the model finds a tool with search_tools and runs it with call_tool", () =>
      Effect.gen(function*() {
        const tools = yield* McpToolkit.make(ToolSource.fromClient(yield* session), { deferred: true })
        const script = ScriptedModel.make([
          (options) => {
            assert.deepStrictEqual(options.tools.map((tool) => tool.name).sort(), [
              "call_tool",
              McpToolkit.readResultToolName,
              "search_tools"
            ])
            return Effect.succeed([
              ScriptedModel.toolCall("s1", "search_tools", { query: "tiny image", limit: 3 }),
              ScriptedModel.finish("tool-calls")
            ])
          },
          () =>
            Effect.succeed([
              ScriptedModel.toolCall("c1", "call_tool", { name: "get-tiny-image", arguments: {} }),
              ScriptedModel.toolCall("c2", "call_tool", { name: "gzip-file-as-resource", arguments: {} }),
              ScriptedModel.toolCall("c3", "call_tool", { name: "no-such-tool" }),
              ScriptedModel.finish("tool-calls")
            ])
        ])
        const found = yield* LanguageModel.generateText({ prompt: "find", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        const listed = toolResults(found.content).get("s1")!.result as ReadonlyArray<
          { name: string; inputSchema: unknown }
        >
        assert.strictEqual(listed[0]!.name, "get-tiny-image")
        assert.isAtMost(listed.length, 3)
        const called = yield* LanguageModel.generateText({ prompt: "call", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        const results = toolResults(called.content)
        const image = results.get("c1")!.result as McpToolkit.ToolResults.ToolOutput
        assert.isTrue(image.parts.some((part) => part.type === "file" && part.mediaType === "image/png"))
        // The called tool's own approval policy applies (gzip-file-as-resource is open-world).
        assert.isFalse(results.has("c2"))
        assert.isTrue(called.content.some((part) => part.type === "tool-approval-request" && part.toolCallId === "c2"))
        assert.isTrue(results.get("c3")!.isFailure)
        assert.include((results.get("c3")!.result as McpToolkit.McpToolFailure).message, "search_tools")
      }))

    it.effect("a tool with an outputSchema gives its structuredContent; embedded resources and links as text", () =>
      Effect.gen(function*() {
        const snapshot = yield* McpToolkit.snapshot(ToolSource.fromClient(yield* session))
        const run = (name: string, params: unknown) =>
          Effect.flatMap(snapshot.toolkit.handle(name, params as never), Stream.runCollect).pipe(
            Effect.map((outputs) => outputs[outputs.length - 1]!.result as McpToolkit.ToolResults.ToolOutput)
          )
        const weather = yield* run("get-structured-content", { location: "Chicago" })
        assert.isNumber((weather.structuredContent as { temperature: number }).temperature)
        assert.deepStrictEqual(JSON.parse(JSON.stringify(weather)), {
          text: weather.text,
          structuredContent: weather.structuredContent
        })
        const reference = yield* run("get-resource-reference", { resourceType: "Text", resourceId: 1 })
        assert.include(reference.text, "Resource <demo://resource/dynamic/text/1>:")
        assert.isUndefined(reference.structuredContent)
        const links = yield* run("get-resource-links", { count: 2 })
        assert.include(links.text, "Resource link: ")
        assert.include(links.text, "<demo://resource/dynamic/")
      }))

    it.effect("approval follows the per-tool setting and the predicate", () =>
      Effect.gen(function*() {
        const snapshot = yield* McpToolkit.snapshot(ToolSource.fromClient(yield* session), {
          needsApproval: (tool) => tool.tool.annotations?.idempotentHint !== true,
          tools: { echo: { needsApproval: true } }
        })
        const tools = snapshot.toolkit.tools
        assert.strictEqual(tools["echo"]!.needsApproval, true)
        assert.strictEqual(tools["get-sum"]!.needsApproval, false)
        assert.strictEqual(tools["toggle-simulated-logging"]!.needsApproval, true)
      }))
  })
})

const textTool = (server: McpServer.McpServer["Service"], name: string, reply: string) =>
  server.addTool({
    tool: new McpSchema.Tool({ name, inputSchema: { type: "object", properties: {} } }),
    annotations: Context.empty(),
    handle: () => Effect.succeed(new McpSchema.CallToolResult({ content: [{ type: "text", text: reply }] }))
  })

const offers = (name: string) => (snapshot: McpToolkit.Snapshot) => snapshot.byModelName.has(name)

describe("McpToolkit and tool list changes", () => {
  it.effect("a tool the server adds is offered after list_changed, and runs (effect/ai McpServer)", () =>
    Effect.gen(function*() {
      const serverReady = yield* Deferred.make<McpServer.McpServer["Service"]>()
      const transport = yield* MemoryTransport.makeServer({
        name: "growing",
        version: "1.0.0",
        registrations: Layer.effectDiscard(
          Effect.gen(function*() {
            const server = yield* McpServer.McpServer
            yield* textTool(server, "first", "one")
            yield* Deferred.succeed(serverReady, server)
          })
        )
      }).pipe(Effect.flatMap(Oracle.check))
      const client = yield* McpClient.make({ name: "agent", version: "1.0.0" }).pipe(
        Effect.provideService(Transport.Transport, transport)
      )
      const tools = yield* McpToolkit.make(ToolSource.fromClient(client), { needsApproval: () => false })
      assert.deepStrictEqual([...(yield* tools.current).byModelName.keys()], ["first"])

      yield* textTool(yield* Deferred.await(serverReady), "second", "two")
      yield* tools.changes.pipe(Stream.filter(offers("second")), Stream.runHead)

      const script = ScriptedModel.make([
        (options) => {
          assert.deepStrictEqual(options.tools.map((tool) => tool.name).sort(), [
            "first",
            McpToolkit.readResultToolName,
            "second"
          ])
          return Effect.succeed([ScriptedModel.toolCall("c1", "second", {}), ScriptedModel.finish("tool-calls")])
        }
      ])
      const response = yield* LanguageModel.generateText({ prompt: "go", toolkit: tools.toolkit }).pipe(
        Effect.provide(script.layer)
      )
      assert.strictEqual(
        (toolResults(response.content).get("c1")!.result as McpToolkit.ToolResults.ToolOutput).text,
        "two"
      )
    }))

  it.effect("a tool removed while the model was choosing fails clearly for the model", () =>
    Effect.gen(function*() {
      let listed = ["stay", "go.away"]
      const tool = (name: string) => ({
        name,
        inputSchema: { type: "object" },
        annotations: { readOnlyHint: true, openWorldHint: false }
      })
      const { client, peer } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/list") return Scripted.reply(peer, message, { tools: listed.map(tool) })
          if (message.method === "tools/call") {
            return Scripted.reply(peer, message, { content: [{ type: "text", text: `ran ${message.params.name}` }] })
          }
          return undefined
        }
      })
      const tools = yield* McpToolkit.make(ToolSource.fromClient(client))
      const removed = (yield* tools.current).modelName.get("go.away")!
      assert.match(removed, /^go_away_[0-9a-z]{7}$/)

      const script = ScriptedModel.make([
        () =>
          Effect.gen(function*() {
            // While the model works, the server drops a tool and says so.
            listed = ["stay"]
            yield* peer.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })
            yield* tools.changes.pipe(Stream.filter((snapshot) => !snapshot.byModelName.has(removed)), Stream.runHead)
            return [
              ScriptedModel.toolCall("c1", removed, {}),
              ScriptedModel.toolCall("c2", "stay", {}),
              ScriptedModel.finish("tool-calls")
            ]
          })
      ])
      const response = yield* LanguageModel.generateText({ prompt: "go", toolkit: tools.toolkit }).pipe(
        Effect.provide(script.layer)
      )
      const results = toolResults(response.content)
      const failure = results.get("c1")!
      assert.isTrue(failure.isFailure)
      assert.strictEqual((failure.result as McpToolkit.McpToolFailure).reason, "removed")
      assert.include(
        (failure.result as McpToolkit.McpToolFailure).message,
        "no longer offers this tool; the tools now are: stay"
      )
      assert.strictEqual((results.get("c2")!.result as McpToolkit.ToolResults.ToolOutput).text, "ran stay")
    }))
})

describe("McpToolkit over the TS SDK v2 server over HTTP", () => {
  const transport = Layer.unwrap(
    Effect.map(Peers.http("ts-v2"), (url) => Oracle.layer(HttpTransport.layerNode({ url })))
  )
  layer(McpClient.layer({ name: "agent", version: "1.0.0" }).pipe(Layer.provide(transport)), {
    timeout: "60 seconds"
  })((it) => {
    it.effect("two model steps: add, then slow with its progress, and the final answer", () =>
      Effect.gen(function*() {
        const seen: Array<number> = []
        const tools = yield* McpToolkit.make(ToolSource.fromClient(yield* session), {
          needsApproval: () => false,
          schemaTarget: "openai-strict",
          onProgress: (progress) => Effect.sync(() => void seen.push(progress.progress))
        })
        const script = ScriptedModel.make([
          () =>
            Effect.succeed([ScriptedModel.toolCall("c1", "add", { a: 2, b: 3 }), ScriptedModel.finish("tool-calls")]),
          // Strict mode: the model sends every property, null for those it leaves out.
          () =>
            Effect.succeed([
              ScriptedModel.toolCall("c2", "slow", { steps: 2, delayMs: null }),
              ScriptedModel.finish("tool-calls")
            ]),
          () => Effect.succeed([ScriptedModel.text("2 + 3 = 5"), ScriptedModel.finish("stop")])
        ])
        let prompt = Prompt.make("Add 2 and 3, then wait")
        const contents: Array<ReadonlyArray<Response.AnyPart>> = []
        for (let step = 0; step < 3; step++) {
          const response = yield* LanguageModel.generateText({ prompt, toolkit: tools.toolkit }).pipe(
            Effect.provide(script.layer)
          )
          contents.push(response.content)
          prompt = Prompt.concat(prompt, Prompt.fromResponseParts(response.content))
        }
        assert.strictEqual((toolResults(contents[0]!).get("c1")!.result as McpToolkit.ToolResults.ToolOutput).text, "5")
        assert.include(
          (toolResults(contents[1]!).get("c2")!.result as McpToolkit.ToolResults.ToolOutput).text,
          "counted to 2"
        )
        assert.deepStrictEqual(seen, [1, 2])
        assert.strictEqual(contents[2]!.find((part) => part.type === "text")?.type, "text")
        assert.strictEqual(script.calls.length, 3)
        const addSchema = script.calls[0]!.tools.find((tool) => tool.name === "add")!
        assert.isTrue(Tool.getStrictMode(addSchema))
      }))
  })
})
