/**
 * The walk-through of the user's guide, against an embedded server:
 * connect, list and call tools, list and read resources, render a prompt,
 * catch an unknown tool, cancel a slow call, and shut down cleanly.
 *
 * Run it with `npm start`. With `npm start -- --stdio <command> [args…]` it
 * starts that server instead (no shell; the command is looked up on `PATH`)
 * and shows what it offers: its name and version, the protocol revision
 * negotiated, its capabilities, then the tools, resources, resource
 * templates and prompts it declares, saying in one line what it does not
 * offer. `--wire` before `--stdio` also prints every JSON-RPC message (the
 * wire log, at Debug level).
 *
 * With `npm start -- --config <file>` it opens a host over an `mcpServers`
 * (or VS Code) configuration file instead: every server's state, then the
 * one catalog of their tools, prompts and resources (`examples/host.ts`).
 *
 * A failure of the connection prints one paragraph naming its cause (the
 * command and `ENOENT`, the exit code and stderr, …) and exits with 1.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Deferred, Effect, Fiber, Layer, References } from "effect"
import { Mcp, McpClient, McpError, MemoryTransport, StdioTransport } from "../src/index.ts"
import * as SeedServer from "./SeedServer.ts"

const textOf = (content: ReadonlyArray<Mcp.ContentBlock>) =>
  content.map((block) => block.type === "text" && "text" in block ? block.text : `[${block.type}]`).join("\n")

const walkThrough = (cancelled: Deferred.Deferred<string>, started: Deferred.Deferred<void>) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    yield* Console.log(
      `Connected to ${client.serverInfo.name} ${client.serverInfo.version} (protocol ${client.protocolVersion})`
    )
    yield* Console.log(`Capabilities: ${describeCapabilities(client.serverCapabilities)}`)

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

/** The first line of a description, cut to fit a terminal line. */
const summary = (text: string | undefined) => {
  const line = (text ?? "").trim().split("\n")[0] ?? ""
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

/** The capabilities a server declared, one word each, with their flags. */
const describeCapabilities = (capabilities: Mcp.ServerCapabilities) =>
  Object.entries(capabilities).map(([name, value]) => {
    const flags = typeof value === "object" && value !== null
      ? Object.entries(value).filter(([, on]) => on === true).map(([flag]) => flag)
      : []
    return flags.length > 0 ? `${name} (${flags.join(", ")})` : name
  }).join(", ") || "none"

/**
 * A feature the server may offer: listed when its capability is declared,
 * otherwise one line saying it is not offered. A `CapabilityNotSupported`
 * (the revision in use has no such method) is reported the same way, and a
 * declared feature whose method is not found gets a line of its own.
 */
const feature = <A>(
  declared: boolean,
  title: string,
  list: Effect.Effect<ReadonlyArray<A>, McpClient.FeatureError>,
  show: (item: A) => string
) =>
  declared
    ? list.pipe(
      Effect.flatMap((items) =>
        Console.log(
          items.length === 0
            ? `${title}: none listed`
            : [`${title} (${items.length}):`, ...items.map((item) => `  - ${show(item)}`)].join("\n")
        )
      ),
      Effect.catchTag("CapabilityNotSupported", () => Console.log(`The server does not offer ${title.toLowerCase()}.`)),
      // Declared, but its list method is not implemented (-32601): said so, and the walk-through goes on.
      Effect.catchIf(
        (error) => error._tag === "McpServerError" && error.code === -32601,
        (error) => Console.log(`The server declares ${title.toLowerCase()} but does not answer: ${error.message}`)
      )
    )
    : Console.log(`The server does not offer ${title.toLowerCase()}.`)

/** The walk-through against any stdio server: what it declares, and nothing it does not. */
const explore = (command: string, args: ReadonlyArray<string>, wire: boolean) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const capabilities = client.serverCapabilities
    yield* Console.log(`Connected to ${client.serverInfo.name} ${client.serverInfo.version}`)
    yield* Console.log(`Protocol revision: ${client.protocolVersion} (${client.era} era)`)
    yield* Console.log(`Capabilities: ${describeCapabilities(capabilities)}`)
    if (client.instructions !== undefined) yield* Console.log(`Instructions: ${summary(client.instructions)}`)
    yield* feature(
      capabilities.tools !== undefined,
      "Tools",
      Effect.map(client.listTools(), (r) => r.tools),
      (tool) => `${tool.name}${tool.description === undefined ? "" : `: ${summary(tool.description)}`}`
    )
    yield* feature(
      capabilities.resources !== undefined,
      "Resources",
      Effect.map(client.listResources(), (r) => r.resources),
      (resource) => `${resource.uri}${resource.name === resource.uri ? "" : ` (${resource.name})`}`
    )
    yield* feature(
      capabilities.resources !== undefined,
      "Resource templates",
      Effect.map(client.listResourceTemplates(), (r) => r.resourceTemplates),
      (template) => `${template.uriTemplate} (${template.name})`
    )
    yield* feature(
      capabilities.prompts !== undefined,
      "Prompts",
      Effect.map(client.listPrompts(), (r) => r.prompts),
      (prompt) =>
        `${prompt.name}${
          prompt.arguments === undefined || prompt.arguments.length === 0
            ? ""
            : `(${prompt.arguments.map((a) => `${a.name}${a.required === true ? "" : "?"}`).join(", ")})`
        }${prompt.description === undefined ? "" : `: ${summary(prompt.description)}`}`
    )
    if (capabilities.completions === undefined) yield* Console.log("The server does not offer completions.")
    if (capabilities.logging === undefined) yield* Console.log("The server does not offer logging.")
    yield* client.ping()
    yield* Console.log("Ping: answered")
  }).pipe(
    Effect.provide(
      McpClient.layer({ name: "seed-demo", version: "1.0.0", wireLog: wire }).pipe(
        Layer.provide(StdioTransport.layerNode({ command, args }))
      )
    ),
    Effect.andThen(Console.log("Session closed cleanly")),
    wire ? Effect.provideService(References.MinimumLogLevel, "Debug") : (effect) => effect
  )

const usage = "Usage: npm start [-- [--wire] --stdio <command> [args…] | --config <file>]"

const argv = process.argv.slice(2)
const stdioFlag = argv.indexOf("--stdio")
const wire = argv.includes("--wire") && (stdioFlag < 0 || argv.indexOf("--wire") < stdioFlag)
const command = stdioFlag < 0 ? undefined : argv[stdioFlag + 1]
const configFlag = stdioFlag < 0 ? argv.indexOf("--config") : -1
const configFile = configFlag < 0 ? undefined : argv[configFlag + 1]

/** An expected failure (the server could not start, died, refused, …): one paragraph naming its cause. */
const report = (error: McpError.McpError) =>
  Console.error(`Error (${error._tag}): ${error.message}`).pipe(
    Effect.andThen(Effect.sync(() => {
      process.exitCode = 1
    }))
  )

if ((stdioFlag >= 0 && command === undefined) || (configFlag >= 0 && configFile === undefined)) {
  console.error(usage)
  process.exitCode = 2
} else if (configFile !== undefined) {
  const { run } = await import("./host.ts")
  NodeRuntime.runMain(run(configFile))
} else {
  const main = command === undefined ? program : explore(command, argv.slice(stdioFlag + 2), wire)
  // Anything else is a defect, printed in full by `runMain`, with a non-zero exit.
  NodeRuntime.runMain(
    main.pipe(Effect.catch((error) => McpError.isMcpError(error) ? report(error) : Effect.fail(error)))
  )
}
