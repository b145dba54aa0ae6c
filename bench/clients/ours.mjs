// effect-mcp-client, through its public API, with Effect's own concurrency.
// The package is imported by its name, so Node loads the compiled JavaScript
// that users get (bench/run.ts builds it first). Modules are imported one by
// one (`effect-mcp-client/McpClient`, `effect/Effect`), as an application that
// cares for its start-up does, and only the transport in use is loaded.
import * as McpClient from "effect-mcp-client/McpClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { main, serverScript } from "./harness.mjs"

const connect = async (config) => {
  const scope = Effect.runSync(Scope.make())
  const transport = config.transport === "http"
    ? (await import("effect-mcp-client/HttpTransport")).layerNode({ url: config.url })
    : (await import("effect-mcp-client/StdioTransport")).layerNode({
      command: process.execPath,
      args: [serverScript, "stdio"],
      env: { BENCH_TOOLS: String(config.tools ?? 1) },
      stderr: "ignore"
    })
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      McpClient.layer({ name: "bench", version: "1", era: "legacy" }).pipe(Layer.provide(transport)),
      scope
    )
  )
  const client = context.mapUnsafe.get(McpClient.McpClient.key)
  return {
    call: (name, args) => Effect.runPromise(client.callTool(name, args)),
    list: () => Effect.runPromise(Effect.map(client.listTools(), (r) => r.tools.length)),
    // The harness's pool in Effect: `concurrency` fibers, each taking the next call until n are done.
    run: (n, concurrency) => {
      let next = 0
      const worker = Effect.suspend(function loop() {
        return next++ < n ? Effect.flatMap(client.callTool("echo", { text: "hello" }), loop) : Effect.void
      })
      return Effect.runPromise(
        Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true })
      )
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

main({ connect })
