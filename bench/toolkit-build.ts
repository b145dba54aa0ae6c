/**
 * Building an `effect/ai` toolkit alone, in this process: no server, no
 * listing, no call. A source lists `n` tools shaped like bench/server.mjs's
 * at once, and `McpToolkit.snapshot` builds the toolkit `builds` times. CPU
 * time (not wall time, which other processes on the machine distort) of the
 * first build, the one a process pays when it starts, and the median of the
 * last 20 builds (process CPU time counts the compiler's and the garbage
 * collector's threads: the builds before are compiled while they run).
 *
 *   node bench/toolkit-build.ts [n=1000] [schemaTarget=none] [builds=60]
 *
 * Prints one line of JSON.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as McpToolkit from "../src/ai/McpToolkit.ts"
import type * as ToolSchemas from "../src/ai/ToolSchemas.ts"
import type { SourceTool, ToolSource } from "../src/ai/ToolSource.ts"

const n = Number(process.argv[2] ?? 1000)
const target = (process.argv[3] ?? "none") as ToolSchemas.Target
const builds = Math.max(1, Number(process.argv[4] ?? 60))

const tools: ReadonlyArray<SourceTool> = Array.from({ length: n }, (_, i) => {
  const name = i === 0 ? "echo" : `tool_${i}`
  return {
    name,
    tool: {
      name,
      description: `Tool number ${i}, which echoes its text.`,
      inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] }
    }
  }
})
const source: ToolSource<never> = { list: Effect.succeed(tools), call: () => Stream.empty, changes: Stream.empty }
const build = McpToolkit.snapshot(source, { needsApproval: () => false, schemaTarget: target })

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}
const times: Array<number> = []
await Effect.runPromise(Effect.gen(function*() {
  for (let i = 0; i < builds; i++) {
    const start = process.cpuUsage()
    yield* build
    times.push(cpuMs(start))
  }
}))
const warm = times.slice(-20).sort((a, b) => a - b)
const median = warm[warm.length >> 1]!
console.log(JSON.stringify({
  tools: n,
  target,
  firstMs: Number(times[0]!.toFixed(2)),
  warmMedianMs: Number(median.toFixed(3)),
  firstPer100Ms: Number((times[0]! / n * 100).toFixed(3)),
  warmPer100Ms: Number((median / n * 100).toFixed(3))
}))
