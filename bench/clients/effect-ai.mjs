// effect/ai's own McpClient.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as McpClient from "effect/ai/McpClient"
import * as McpProtocol from "effect/ai/McpProtocol"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ChildProcess from "effect/process/ChildProcess"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { main, serverScript } from "./harness.mjs"

const connect = async (config) => {
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
        env: { ...process.env, BENCH_TOOLS: String(config.tools ?? 1) }
      })
    }).pipe(Layer.provide(NodeServices.layer))
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const client = context.mapUnsafe.get(McpClient.McpClient.key)
  const tools = await Effect.runPromise(client.listTools())
  const byName = (name) => tools.find((tool) => tool.name === name) ?? { ...tools[0], name }
  return {
    call: (name, args) => Effect.runPromise(client.callTool({ tool: byName(name), arguments: args })),
    list: () => Effect.runPromise(Effect.map(client.listTools(), (t) => t.length)),
    toolkit: () =>
      Effect.runPromise(
        Effect.flatMap(
          McpClient.toolkit(client),
          (toolkit) => Effect.flatMap(toolkit.handle("echo", { text: "hello" }), Stream.runDrain)
        )
      ),
    // The harness's pool in Effect: `concurrency` fibers, each taking the next call until n are done.
    run: (n, concurrency) => {
      let next = 0
      const worker = Effect.suspend(function loop() {
        return next++ < n ? Effect.flatMap(client.callTool({ tool: byName("echo"), arguments: { text: "hello" } }), loop) : Effect.void
      })
      return Effect.runPromise(
        Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true })
      )
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

main({ connect })
