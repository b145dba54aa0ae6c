// effect/ai's own McpClient.
import { NodeHttpClient, NodeServices } from "@effect/platform-node"
import { Effect, Exit, Layer, Scope } from "effect"
import { McpClient, McpProtocol } from "effect/ai"
import { ChildProcess } from "effect/process"
// @ts-expect-error: plain JavaScript module
import { main, serverScript } from "./harness.mjs"

const connect = async (config: any) => {
  const scope = Effect.runSync(Scope.make())
  const layer = config.transport === "http"
    ? McpClient.layerHttp({ name: "bench", version: "1", url: config.url, protocol: McpProtocol.v2025_11_25 }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
    : McpClient.layerStdio({
      name: "bench",
      version: "1",
      protocol: McpProtocol.v2025_11_25,
      command: ChildProcess.make(process.execPath, [serverScript, "stdio"], {
        env: { ...process.env, BENCH_TOOLS: String(config.tools ?? 1) } as Record<string, string>
      })
    }).pipe(Layer.provide(NodeServices.layer))
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const client = context.mapUnsafe.get(McpClient.McpClient.key) as McpClient.McpClient
  const tools = await Effect.runPromise(client.listTools())
  const byName = (name: string) => tools.find((tool) => tool.name === name) ?? { ...tools[0]!, name }
  return {
    call: (name: string, args: Record<string, unknown>) =>
      Effect.runPromise(client.callTool({ tool: byName(name) as any, arguments: args as any })),
    list: () => Effect.runPromise(Effect.map(client.listTools(), (t) => t.length)),
    run: (n: number, concurrency: number) =>
      Effect.runPromise(
        Effect.forEach(
          Array.from({ length: n }),
          () => client.callTool({ tool: byName("echo") as any, arguments: { text: "hello" } as any }),
          { concurrency, discard: true }
        )
      ),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

main({ connect })
