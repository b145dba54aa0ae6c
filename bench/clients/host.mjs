// McpHost over many stdio servers (bench/server.mjs), through the compiled
// package. Workloads:
//   host-start    one server's start, then `servers` at once: time until all are
//                 ready and listed, and the heap each server's session holds; and
//                 that time over the same processes started and listed at once
//                 by a bare client; and the heap of twice as many servers over it
//   host-catalog  `servers` servers of `tools` tools each: the aggregated listing,
//                 and a call routed by qualified name against the same call made
//                 on the server's own session, in this process's CPU time per call
import * as HostConfig from "effect-mcp-client/HostConfig"
import * as McpHost from "effect-mcp-client/McpHost"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { stdio } from "./bare-stdio.mjs"
import { serverScript } from "./harness.mjs"

const config = JSON.parse(process.argv[2])

const open = async (count, tools) => {
  const mcpServers = {}
  for (let i = 0; i < count; i++) {
    mcpServers[`s${i}`] = { command: process.execPath, args: [serverScript, "stdio"], env: { BENCH_TOOLS: String(tools) } }
  }
  const decoded = await Effect.runPromise(HostConfig.fromObject({ mcpServers }))
  const scope = Effect.runSync(Scope.make())
  const start = performance.now()
  const host = await Effect.runPromise(
    Scope.provide(McpHost.make(decoded, { stderr: "ignore", client: { name: "bench", version: "1", era: "legacy" } }), scope)
  )
  const ms = performance.now() - start
  return { host, ms, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

// The floor of starting many servers at once: the same processes, each sent initialize and tools/list by a
// bare NDJSON client, all at once; the time until every one has answered its list. On a machine with fewer
// cores than servers, this is what the processes' own start-up costs, whoever the client.
const bareStart = async (count) => {
  const start = performance.now()
  const sessions = await Promise.all(Array.from({ length: count }, async () => {
    const session = await stdio({ tools: 1 })
    await session.list()
    return session
  }))
  const ms = performance.now() - start
  // Every process gone before the host's turn, so that neither measurement pays for the other's.
  await Promise.all(sessions.map((session) => session.close()))
  return ms
}

const time = async (n, body) => {
  const start = performance.now()
  for (let i = 0; i < n; i++) await body()
  return ((performance.now() - start) * 1000) / n
}

let result
if (config.workload === "host-start") {
  await (await open(1, 1)).close()
  const one = await open(1, 1)
  await one.close()
  const bareMs = await bareStart(config.servers)
  globalThis.gc?.()
  const before = process.memoryUsage().heapUsed
  const cpu = process.cpuUsage()
  const many = await open(config.servers, 1)
  const used = process.cpuUsage(cpu)
  globalThis.gc?.()
  const heapPerSession = (process.memoryUsage().heapUsed - before) / config.servers
  const ready = (await Promise.all(many.host.servers.map((s) => Effect.runPromise(many.host.state(s)))))
    .filter((state) => state.status === "ready").length
  await many.close()
  if (ready !== config.servers) throw new Error(`only ${ready} of ${config.servers} servers became ready`)
  // What one more server costs: a host of twice as many over this one, from the same baseline, so that what a
  // host holds once (its catalog, code compiled on first use) is not divided among its servers.
  globalThis.gc?.()
  const beforeDouble = process.memoryUsage().heapUsed
  const double = await open(config.servers * 2, 1)
  globalThis.gc?.()
  const heapDouble = process.memoryUsage().heapUsed - beforeDouble
  await double.close()
  const heapPerServerMarginal = (heapDouble - heapPerSession * config.servers) / config.servers
  result = {
    heapPerServerMarginal,
    ops: config.servers,
    ms: many.ms,
    cpuUs: used.user + used.system,
    heapPerSession,
    ratio: many.ms / one.ms,
    bareRatio: many.ms / bareMs
  }
} else {
  const { close, host } = await open(config.servers, config.tools)
  const tools = await Effect.runPromise(host.listTools)
  if (tools.length !== config.servers * config.tools) throw new Error(`listed ${tools.length} tools`)
  const list = () => Effect.runPromise(host.listTools)
  await time(Math.max(10, config.n / 10), list)
  const listUs = await time(config.n, list)
  // The server's own session, as McpClient.make gives it, against the host's routing. Each block runs its calls in
  // one Effect loop, and is measured in this process's CPU time: the server's work (in its own process) and the
  // machine's scheduling stay out of it. Blocks alternate, so that load affects both alike; the overhead is the
  // median of the blocks' differences, and the least of them beside it.
  const session = (await Effect.runPromise(host.supervisor("s7"))).latest()
  const args = { text: "hello" }
  const direct = session.callTool("echo", args)
  const routed = host.callTool("s7__echo", args)
  const cpuPerCall = async (call, calls) => {
    const loop = Effect.gen(function*() {
      for (let i = 0; i < calls; i++) yield* call
    })
    const cpu = process.cpuUsage()
    await Effect.runPromise(loop)
    const used = process.cpuUsage(cpu)
    return (used.user + used.system) / calls
  }
  await cpuPerCall(direct, 2000)
  await cpuPerCall(routed, 2000)
  const blockCalls = 200
  const differences = []
  const directs = []
  for (let block = 0; block < Math.max(10, Math.round(config.n / blockCalls)); block++) {
    const d = await cpuPerCall(direct, blockCalls)
    const r = await cpuPerCall(routed, blockCalls)
    directs.push(d)
    differences.push(r - d)
  }
  await close()
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
  result = {
    ops: config.n,
    ms: 0,
    cpuUs: 0,
    listUs,
    overheadUs: median(differences),
    leastOverheadUs: Math.min(...differences),
    directUs: median(directs)
  }
}
process.stdout.write(JSON.stringify(result) + "\n")
process.exit(0)
