// effect-mcp-client, through its public API, with Effect's own concurrency.
// The package is imported by its name, so Node loads the compiled JavaScript
// that users get (bench/run.ts builds it first); modules are imported one by
// one, as an application that cares for its start-up does.
import * as NodeServices from "@effect/platform-node/NodeServices"
import { HttpTransport, McpClient, StdioTransport } from "effect-mcp-client"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
// @ts-expect-error: plain JavaScript module
import { main, serverScript } from "./harness.mjs"

const connect = async (config: any) => {
  const scope = Effect.runSync(Scope.make())
  const transport = config.transport === "http"
    ? HttpTransport.layerNode({ url: config.url })
    : StdioTransport.layer({
      command: process.execPath,
      args: [serverScript, "stdio"],
      env: { BENCH_TOOLS: String(config.tools ?? 1) },
      stderr: "ignore"
    }).pipe(Layer.provide(NodeServices.layer))
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      McpClient.layer({ name: "bench", version: "1", era: "legacy" }).pipe(Layer.provide(transport)),
      scope
    )
  )
  const client = context.mapUnsafe.get(McpClient.McpClient.key) as McpClient.McpClientShape
  return {
    call: (name: string, args: Record<string, unknown>) => Effect.runPromise(client.callTool(name, args)),
    list: () => Effect.runPromise(Effect.map(client.listTools(), (r) => r.tools.length)),
    run: (n: number, concurrency: number) =>
      Effect.runPromise(
        Effect.forEach(Array.from({ length: n }), () => client.callTool("echo", { text: "hello" }), {
          concurrency,
          discard: true
        })
      ),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

main({ connect })
