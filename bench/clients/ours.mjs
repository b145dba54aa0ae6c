// effect-mcp-client, through its public API, with Effect's own concurrency.
// The package is imported by its name, so Node loads the compiled JavaScript
// that users get (bench/run.ts builds it first). Modules are imported one by
// one (`effect-mcp-client/McpClient`, `effect/Effect`), as an application that
// cares for its start-up does, and only the transport in use is loaded.
// Sessions are opened as the guide says to open several at once: with
// `McpClient.make` in a scope of their own, the transport provided to each
// (`makeNode`). With `layers: true` in the configuration they are opened as
// layers instead (`McpClient.layer` over the transport's `layerNode`, built
// in a scope). With `spawner: true`, stdio sessions run on effect/process's spawner (`StdioTransport.make` and
// `layer`, given Node's spawner) instead of Node's child_process (`makeNode` and `layerNode`). With `httpClient: true`,
// HTTP sessions run on effect/http's `HttpClient` (`HttpTransport.make` and `layer`, given the undici client on the
// shared dispatcher) instead of node:http (`makeNode` and `layerNode`). The effect/ai toolkit (`McpToolkit`,
// `ToolSource`, and effect/ai's modules under them) is loaded by the toolkit workload only, as an application that
// uses no toolkit never loads it.
import * as McpClient from "effect-mcp-client/McpClient"
import * as Metrics from "effect-mcp-client/Metrics"
import { Transport } from "effect-mcp-client/Transport"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { main, serverScript } from "./harness.mjs"

// With `tracing: true`, every call runs under a tracer (one that keeps Effect's native spans and exports nothing: the
// cost of the instrumentation itself); with `metrics: true`, sessions and calls record `Metrics`.
const instrumented = (config) => (effect) => {
  const traced = config.tracing === true
    ? Effect.withTracer(effect, Tracer.make({ span: (options) => Tracer.nativeTracer.span(options) }))
    : effect
  return config.metrics === true ? Effect.provideService(traced, Metrics.Enabled, true) : traced
}

/** The toolkit's modules, loaded by the first toolkit call. */
let toolkitLoaded
const toolkitModules = () =>
  toolkitLoaded ??= Promise.all([import("effect-mcp-client/McpToolkit"), import("effect-mcp-client/ToolSource")])
    .then(([McpToolkit, ToolSource]) => ({ McpToolkit, ToolSource }))

/** Node's process spawner and the services it needs, built once (as an application provides them). */
let spawnerContext
const spawnerServices = async () => {
  if (spawnerContext !== undefined) return spawnerContext
  const [Spawner, FileSystem, Path] = await Promise.all([
    import("@effect/platform-node/NodeChildProcessSpawner"),
    import("@effect/platform-node/NodeFileSystem"),
    import("@effect/platform-node/NodePath")
  ])
  const layer = Spawner.layer.pipe(Layer.provide(Layer.merge(FileSystem.layer, Path.layer)))
  return spawnerContext = await Effect.runPromise(Effect.scoped(Layer.build(layer)))
}

const connect = async (config) => {
  const scope = Effect.runSync(Scope.make())
  const around = instrumented(config)
  const module = config.transport === "http"
    ? await import("effect-mcp-client/HttpTransport")
    : await import("effect-mcp-client/StdioTransport")
  const transportOptions = config.transport === "http" ? { url: config.url } : {
    command: process.execPath,
    args: [serverScript, "stdio"],
    env: { BENCH_TOOLS: String(config.tools ?? 1) },
    stderr: "ignore"
  }
  // `wireLog` in the configuration turns the wire log on; it is written only with `wireLogDebug` (Debug level,
  // to a logger that discards), so `wireLog` alone measures the option left on below Debug.
  const clientOptions = {
    name: "bench",
    version: "1",
    era: "legacy",
    ...(config.wireLog === undefined ? {} : { wireLog: config.wireLog })
  }
  // The logger's modules are loaded only for the rows that write the log.
  const [Logger, References] = config.wireLogDebug === true
    ? await Promise.all([import("effect/Logger"), import("effect/References")])
    : []
  const atLevel = config.wireLogDebug === true
    ? (effect) =>
      effect.pipe(
        Effect.provideService(References.MinimumLogLevel, "Debug"),
        Effect.provide(Logger.layer([Logger.make(() => {})]))
      )
    : (effect) => effect
  const spawner = config.spawner === true && config.transport !== "http" ? await spawnerServices() : undefined
  const shared = config.httpClient === true && config.transport === "http"
    ? await import("effect-mcp-client/SharedDispatcher")
    : undefined
  const transportLayer = shared !== undefined
    ? Layer.provide(module.layer(transportOptions), shared.layerHttpClient)
    : spawner === undefined
    ? module.layerNode(transportOptions)
    : Layer.provide(module.layer(transportOptions), Layer.succeedContext(spawner))
  const transportEffect = shared !== undefined
    ? shared.provideHttpClient(module.make(transportOptions))
    : spawner === undefined
    ? module.makeNode(transportOptions)
    : Effect.provideContext(module.make(transportOptions), spawner)
  const client = config.layers === true
    ? (await Effect.runPromise(
      Layer.buildWithScope(
        McpClient.layer(clientOptions).pipe(Layer.provide(transportLayer)),
        scope
      )
    )).mapUnsafe.get(McpClient.McpClient.key)
    : await Effect.runPromise(
      McpClient.make(clientOptions).pipe(
        Effect.provideServiceEffect(Transport, transportEffect),
        atLevel,
        Scope.provide(scope),
        around
      )
    )
  return {
    call: (name, args) => Effect.runPromise(around(client.callTool(name, args))),
    list: () => Effect.runPromise(Effect.map(client.listTools(), (r) => r.tools.length)),
    toolkit: async () => {
      const { McpToolkit, ToolSource } = await toolkitModules()
      return Effect.runPromise(
        Effect.flatMap(
          McpToolkit.snapshot(ToolSource.fromClient(client), { needsApproval: () => false }),
          (snapshot) => Effect.flatMap(snapshot.toolkit.handle("echo", { text: "hello" }), Stream.runDrain)
        )
      )
    },
    // The harness's pool in Effect: `concurrency` fibers, each taking the next call until n are done.
    run: (n, concurrency) => {
      let next = 0
      const worker = Effect.suspend(function loop() {
        return next++ < n ? Effect.flatMap(client.callTool("echo", { text: "hello" }), loop) : Effect.void
      })
      return Effect.runPromise(around(
        Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true })
      ))
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

main({ connect })
