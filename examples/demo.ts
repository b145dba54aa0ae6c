/**
 * The walk-through of the user's guide, against an embedded server:
 * connect, list and call tools, list and read resources, render a prompt,
 * catch an unknown tool, cancel a slow call, and shut down cleanly.
 *
 * Run it with `npm start`. With `npm start -- --stdio <command> [args…]` it
 * connects to that server instead, over stdio, and shows what it offers.
 */
import { Console, Deferred, Effect, Fiber, Layer } from "effect"
import { Mcp, McpClient, MemoryTransport, StdioTransport } from "../src/index.ts"
import * as SeedServer from "./SeedServer.ts"

const textOf = (content: ReadonlyArray<Mcp.ContentBlock>) =>
  content.map((block) => block.type === "text" && "text" in block ? block.text : `[${block.type}]`).join("\n")

const walkThrough = (cancelled: Deferred.Deferred<string>, started: Deferred.Deferred<void>) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    yield* Console.log(
      `Connected to ${client.serverInfo.name} ${client.serverInfo.version} (protocol ${client.protocolVersion})`
    )

    // Tool invocation
    const { tools } = yield* client.listTools()
    yield* Console.log(`Available tools: ${JSON.stringify(tools.map((tool) => tool.name))}`)
    const sum = yield* client.callTool("calculator", { operation: "add", a: 5, b: 3 })
    yield* Console.log(`calculator add 5 3 = ${textOf(sum.content)}`)
    const summary = yield* client.callTool("text_summarizer", {
      text:
        "The Model Context Protocol lets applications talk to tool servers. It defines tools, resources and prompts."
    })
    yield* Console.log(`Summary: ${textOf(summary.content)}`)

    // Resource access
    const { resources } = yield* client.listResources()
    yield* Console.log(`Available resources: ${JSON.stringify(resources.map((resource) => resource.uri))}`)
    const data = yield* client.readResource("resource://examples/dataset")
    for (const content of data.contents) {
      yield* Console.log(
        `${content.uri}: ${"text" in content ? content.text : `${content.blob.length} bytes of base64`}`
      )
    }

    // Prompt rendering
    const prompt = yield* client.getPrompt("greeting", { name: "Alice" })
    yield* Console.log(`Prompt greeting: ${prompt.messages.map((message) => textOf([message.content])).join("\n")}`)

    // Error handling
    yield* client.callTool("unknown_tool", {}).pipe(
      Effect.flatMap(() => Console.log("unknown_tool unexpectedly succeeded")),
      Effect.catchTag("ToolNotFound", (error) => Console.log(`An error occurred: ${error._tag}: ${error.message}`))
    )

    // Cancellation: interrupting the call's fiber cancels it on the server
    const call = yield* Effect.forkChild(client.callTool("slow_tool", {}))
    yield* Deferred.await(started)
    yield* Console.log("slow_tool is running; cancelling it")
    yield* Fiber.interrupt(call)
    const confirmation = yield* Deferred.await(cancelled)
    yield* Console.log(`Server confirmed: ${confirmation}`)
    yield* Console.log(`Requests still pending: ${yield* client.pendingRequests}`)
  })

const program = Effect.gen(function*() {
  const cancelled = yield* Deferred.make<string>()
  const started = yield* Deferred.make<void>()
  const server = MemoryTransport.layerServer({
    name: "seed-server",
    version: "1.0.0",
    registrations: SeedServer.registrations({
      onStarted: () => Deferred.succeed(started, undefined).pipe(Effect.asVoid),
      onCancelled: (tool) => Deferred.succeed(cancelled, `${tool} was cancelled`).pipe(Effect.asVoid)
    })
  })
  const Session = McpClient.layer({ name: "seed-demo", version: "1.0.0" }).pipe(Layer.provide(server))
  yield* walkThrough(cancelled, started).pipe(Effect.provide(Session))
  yield* Console.log("Session closed cleanly")
})

/** The walk-through against any stdio server: what it offers, and a ping. */
const explore = (command: string, args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    yield* Console.log(
      `Connected to ${client.serverInfo.name} ${client.serverInfo.version} (protocol ${client.protocolVersion})`
    )
    if (client.instructions !== undefined) yield* Console.log(`Instructions: ${client.instructions}`)
    // A server that does not offer a feature says so in its capabilities; nothing is sent then.
    const optional = <A>(effect: Effect.Effect<A, McpClient.FeatureError>) =>
      effect.pipe(
        Effect.map((a): A | undefined => a),
        Effect.catchTag("CapabilityNotSupported", () => Effect.succeed(undefined))
      )
    const tools = yield* optional(client.listTools())
    yield* Console.log(`Tools: ${tools === undefined ? "(none offered)" : tools.tools.map((t) => t.name).join(", ")}`)
    const resources = yield* optional(client.listResources())
    yield* Console.log(
      `Resources: ${resources === undefined ? "(none offered)" : resources.resources.map((r) => r.uri).join(", ")}`
    )
    const prompts = yield* optional(client.listPrompts())
    yield* Console.log(
      `Prompts: ${prompts === undefined ? "(none offered)" : prompts.prompts.map((p) => p.name).join(", ")}`
    )
  }).pipe(
    Effect.provide(
      McpClient.layer({ name: "seed-demo", version: "1.0.0" }).pipe(
        Layer.provide(StdioTransport.layerNode({ command, args }))
      )
    ),
    Effect.andThen(Console.log("Session closed cleanly"))
  )

const stdioFlag = process.argv.indexOf("--stdio")
const main = stdioFlag >= 0 && process.argv[stdioFlag + 1] !== undefined
  ? explore(process.argv[stdioFlag + 1]!, process.argv.slice(stdioFlag + 2))
  : program

Effect.runPromiseExit(main).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(exit.cause)
    process.exitCode = 1
  }
})
