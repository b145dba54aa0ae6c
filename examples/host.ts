/**
 * A host over a configuration file: opens every server it names, prints each
 * server's state and the catalog of their tools, prompts and resources, and
 * closes them all.
 *
 * Run it with `npm start -- --config <config>` (or `node examples/host.ts
 * <config>`), where `<config>` is a Claude
 * Desktop / Claude Code / Cursor `mcpServers` file or a VS Code `mcp.json`.
 * `${VAR}` references read this process's environment; `${input:id}` takes
 * each input's `default` (an interactive application would ask instead).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import type { ServerUnavailable } from "../src/host/HostError.ts"
import { HostConfig, HostInputs, McpHost, type Supervisor } from "../src/index.ts"

const describeState = (state: Supervisor.ServerState): string => {
  switch (state.status) {
    case "ready":
      return `ready: ${state.session.serverInfo.name} ${state.session.serverInfo.version} (${state.session.protocolVersion})`
    case "failed":
      return `failed: ${state.lastError}`
    case "restarting":
      return `restarting (attempt ${state.attempt}): ${state.lastError}`
    case "starting":
      return `starting (attempt ${state.attempt})`
    default:
      return state.status
  }
}

const report = Effect.gen(function*() {
  const host = yield* McpHost.McpHost
  yield* Console.log("Servers:")
  for (const server of host.servers) yield* Console.log(`  ${server}: ${describeState(yield* host.state(server))}`)
  const tools = yield* host.listTools
  yield* Console.log(`Tools (${tools.length}):`)
  for (const tool of tools) {
    yield* Console.log(
      `  ${tool.name}${tool.tool.description === undefined ? "" : ` - ${tool.tool.description.split("\n")[0]}`}`
    )
  }
  const prompts = yield* host.listPrompts
  yield* Console.log(`Prompts (${prompts.length}):`)
  for (const prompt of prompts) yield* Console.log(`  ${prompt.name}`)
  const resources = yield* host.listResources
  const templates = yield* host.listResourceTemplates
  yield* Console.log(`Resources (${resources.length}) and templates (${templates.length}):`)
  for (const resource of resources) yield* Console.log(`  ${resource.resource.uri} (${resource.server})`)
  for (const template of templates) yield* Console.log(`  ${template.template.uriTemplate} (${template.server})`)
})

/** Opens a host over the configuration file at `path`, prints each server's state and the catalog, and closes it. */
export const run = (path: string): Effect.Effect<void, ServerUnavailable> =>
  report.pipe(
    Effect.provide(
      McpHost.layer(HostConfig.fromFile(path), { stderr: "ignore", startTimeout: "20 seconds" }).pipe(
        Layer.provide(HostInputs.layer((input) => Effect.succeed(input.default))),
        Layer.provide(HostInputs.layerProcessEnvironment)
      )
    ),
    // A configuration that cannot be read or decoded: its message names the file, the JSON path, line and column.
    Effect.catchTag("HostConfigError", (error) =>
      Console.error(error.message).pipe(Effect.andThen(Effect.sync(() => {
        process.exitCode = 1
      }))))
  )

if (import.meta.main) {
  const path = process.argv[2]
  if (path === undefined) {
    console.error("usage: node examples/host.ts <config file>")
    process.exitCode = 2
  } else {
    NodeRuntime.runMain(run(path))
  }
}
