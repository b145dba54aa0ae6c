/**
 * A program outside the repository, as a user writes it: it imports the
 * package installed from its tarball, hosts an `effect/ai` server with one
 * tool in memory, lists the tools and calls one. The pack test type-checks
 * it (strict, `nodenext` and `bundler` resolution) and runs it under Node.
 */
import { Effect, Layer, Schema } from "effect"
import { Mcp, McpClient, MemoryTransport } from "effect-mcp-client"
import * as McpError from "effect-mcp-client/McpError"
import { McpServer, Tool, Toolkit } from "effect/ai"

const Greet = Tool.make("greet", {
  description: "Greets someone by name",
  parameters: Schema.Struct({ name: Schema.String }),
  success: Schema.String
})
const Tools = Toolkit.make(Greet)

const Session = McpClient.layer({ name: "consumer", version: "1.0.0" }).pipe(
  Layer.provide(MemoryTransport.layerServer({
    name: "greeter",
    version: "1.0.0",
    registrations: McpServer.toolkit(Tools).pipe(
      Layer.provide(Tools.toLayer({ greet: ({ name }) => Effect.succeed(`Hello, ${name}!`) }))
    )
  }))
)

/** The lines the program prints. */
export const main = Effect.gen(
  function*() {
    const client = yield* McpClient.McpClient
    const { tools } = yield* client.listTools()
    const result = yield* client.callTool("greet", { name: "Ada" })
    const missing = yield* client.callTool("farewell").pipe(
      Effect.as("found"),
      // The root index and the subpath export are one module: the class is the same.
      Effect.catchTag("ToolNotFound", (error) => Effect.succeed(String(error instanceof McpError.ToolNotFound)))
    )
    return [
      `server: ${client.serverInfo.name}`,
      `tools: ${tools.map((tool) => tool.name).join(", ")}`,
      `greet: ${Mcp.textOf(result)}`,
      `farewell is ToolNotFound: ${missing}`
    ]
  }
).pipe(Effect.provide(Session))
