/**
 * `npm run bench`: the same workloads with this client, the official SDKs
 * (v1 and v2), effect/ai's McpClient, and a minimal hand-written client (the
 * floor), against one fixed server of our own (bench/server.mjs). Each client
 * runs in a fresh process; clients are interleaved across rounds; results are
 * medians with their range. `--quick` runs one short round. Start-up is
 * measured twice: with each runner loading its libraries' modules as
 * installed, and with each runner bundled into one program.
 *
 * Writes bench/results/<time>/results.json (each client's figure of every
 * round beside its median and range) and results.md, and prints the table,
 * followed by the paired comparison: per round, ours against the best SDK
 * of the same round (how many rounds ahead, and the range of the ratio).
 */
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { fileURLToPath } from "node:url"
import { format, freePort, median, runJson } from "./shared.ts"

/** `--only=<id,…>` and `--clients=<id,…>` narrow a run to some workloads or clients; `--rounds=<n>` sets the rounds. */
const listArg = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3).split(",")
const onlyWorkloads = listArg("only")
const onlyClients = listArg("clients")
const quick = process.argv.includes("--quick")
const rounds = Number(listArg("rounds")?.[0] ?? (quick ? 1 : 5))
const scale = quick ? 0.05 : 1
const here = fileURLToPath(new URL(".", import.meta.url))

interface Client {
  readonly id: string
  readonly label: string
  /** The runner, relative to this folder. */
  readonly file: string
  /** Added to every run's configuration. */
  readonly config?: Record<string, unknown>
  /** The workloads it runs, when not all. */
  readonly workloads?: ReadonlyArray<string>
}

const allClients: ReadonlyArray<Client> = [
  { id: "floor", label: "floor (hand-written)", file: "clients/floor.mjs" },
  { id: "ours", label: "effect-mcp-client", file: "clients/ours.mjs" },
  // The same client with each session opened as layers (McpClient.layer over layerNode): what a session costs
  // an application that builds a layer per session, rather than McpClient.make in a scope.
  {
    id: "ours-layers",
    label: "effect-mcp-client, a layer per session",
    file: "clients/ours.mjs",
    config: { layers: true },
    workloads: ["sessions", "sessions-stdio"]
  },
  // The stdio driver on effect/process's spawner (`StdioTransport.make`), beside Node's child_process (`makeNode`).
  {
    id: "ours-spawner",
    label: "effect-mcp-client, effect/process spawner",
    file: "clients/ours.mjs",
    config: { spawner: true },
    workloads: ["stdio-seq", "stdio-64", "sessions-stdio"]
  },
  // The HTTP transport on effect/http's HttpClient (`HttpTransport.make`), beside node:http (`makeNode`).
  {
    id: "ours-httpclient",
    label: "effect-mcp-client, effect/http HttpClient",
    file: "clients/ours.mjs",
    config: { httpClient: true },
    workloads: ["http-seq", "http-64", "sessions"]
  },
  // The wire log: the option on below Debug must cost nothing (the transport is not wrapped); on at Debug, what
  // formatting and redacting each message costs, with a logger that discards the lines.
  {
    id: "ours-wirelog-off",
    label: "effect-mcp-client, wireLog: true below Debug",
    file: "clients/ours.mjs",
    config: { wireLog: true },
    workloads: ["stdio-seq", "stdio-64"]
  },
  {
    id: "ours-wirelog-on",
    label: "effect-mcp-client, wire log written at Debug",
    file: "clients/ours.mjs",
    config: { wireLog: true, wireLogDebug: true },
    workloads: ["stdio-seq", "stdio-64"]
  },
  // The same client with tracing on (a tracer that exports nothing: what the spans, attributes and traceparent cost)
  // and with metrics on; beside "ours", they show what each costs per call.
  {
    id: "ours-traced",
    label: "effect-mcp-client, tracing on",
    file: "clients/ours.mjs",
    config: { tracing: true },
    workloads: ["stdio-seq", "stdio-64", "http-seq"]
  },
  {
    id: "ours-metrics",
    label: "effect-mcp-client, metrics on",
    file: "clients/ours.mjs",
    config: { metrics: true },
    workloads: ["stdio-seq", "stdio-64", "http-seq"]
  },
  { id: "sdk-v1", label: "@modelcontextprotocol/sdk (v1)", file: "clients/sdk-v1.mjs" },
  { id: "sdk-v2", label: "@modelcontextprotocol/client (v2)", file: "clients/sdk-v2.mjs" },
  { id: "effect-ai", label: "effect/ai McpClient", file: "clients/effect-ai.mjs" }
]
const clients = onlyClients === undefined ? allClients : allClients.filter((c) => onlyClients.includes(c.id))

interface Workload {
  readonly id: string
  readonly title: string
  readonly unit: string
  readonly higherIsBetter: boolean
  readonly config: Record<string, unknown>
  readonly metric: (r: RunResult) => number
  /** Runs each client's runner bundled into one program (see `bundle`) instead of from its modules. */
  readonly bundled?: boolean
  /** A workload of this library alone: only our client runs it, with this runner (relative to this folder). */
  readonly oursOnly?: string
  /** The clients that run it, when not all. */
  readonly clients?: ReadonlyArray<string>
}

interface RunResult {
  readonly ops: number
  readonly ms: number
  readonly cpuUs: number
  readonly heapPerSession?: number
  /** Host rows: all servers' start over one server's; listing time; routed call's overhead over a direct one. */
  readonly ratio?: number
  /** Host start: all servers' start over the same processes started at once by a bare client. */
  readonly bareRatio?: number
  /** Host start: the heap each server adds to a host of as many. */
  readonly heapPerServerMarginal?: number
  readonly listUs?: number
  readonly overheadUs?: number
}

const perSecond = (r: RunResult) => (r.ops / r.ms) * 1000
const allWorkloads: ReadonlyArray<Workload> = [
  {
    id: "stdio-seq",
    title: "stdio, sequential echo",
    unit: "calls/s",
    higherIsBetter: true,
    config: { workload: "echo", transport: "stdio", n: Math.round(20000 * scale), concurrency: 1 },
    metric: perSecond
  },
  {
    id: "stdio-64",
    title: "stdio, 64 in flight",
    unit: "calls/s",
    higherIsBetter: true,
    config: { workload: "echo", transport: "stdio", n: Math.round(60000 * scale), concurrency: 64 },
    metric: perSecond
  },
  {
    id: "stdio-1mib",
    title: "stdio, 1 MiB text result",
    unit: "MiB/s",
    higherIsBetter: true,
    config: { workload: "big", transport: "stdio", n: Math.round(300 * scale), concurrency: 1 },
    metric: perSecond
  },
  {
    id: "list-1000",
    title: "tools/list of 1000 tools",
    unit: "ms",
    higherIsBetter: false,
    config: { workload: "list", transport: "stdio", n: Math.round(200 * scale), concurrency: 1, tools: 1000 },
    metric: (r) => r.ms / r.ops
  },
  {
    id: "toolkit-1000",
    title: "effect/ai toolkit of 1000 tools: list, build, one call",
    unit: "ms",
    higherIsBetter: false,
    config: { workload: "toolkit", transport: "stdio", n: Math.round(100 * scale), concurrency: 1, tools: 1000 },
    metric: (r) => r.ms / r.ops,
    clients: ["ours", "effect-ai"]
  },
  {
    id: "http-16mib-sse",
    title: "HTTP, 16 MiB text result as one SSE event",
    unit: "MiB/s",
    higherIsBetter: true,
    config: { workload: "big16", transport: "http", n: Math.max(3, Math.round(40 * scale)), concurrency: 1, sse: true },
    metric: (r) => perSecond(r) * 16,
    clients: ["ours", "sdk-v1", "sdk-v2", "effect-ai"]
  },
  {
    id: "http-16mib-json",
    title: "HTTP, 16 MiB text result as a JSON body",
    unit: "MiB/s",
    higherIsBetter: true,
    config: { workload: "big16", transport: "http", n: Math.max(3, Math.round(40 * scale)), concurrency: 1 },
    metric: (r) => perSecond(r) * 16,
    clients: ["ours", "sdk-v1", "sdk-v2", "effect-ai"]
  },
  {
    id: "http-seq",
    title: "HTTP, sequential echo",
    unit: "calls/s",
    higherIsBetter: true,
    config: { workload: "echo", transport: "http", n: Math.round(5000 * scale), concurrency: 1 },
    metric: perSecond
  },
  {
    id: "http-64",
    title: "HTTP, 64 in flight",
    unit: "calls/s",
    higherIsBetter: true,
    config: { workload: "echo", transport: "http", n: Math.round(20000 * scale), concurrency: 64 },
    metric: perSecond
  },
  {
    id: "sessions",
    title: "heap per open session (100, HTTP)",
    unit: "KiB",
    higherIsBetter: false,
    config: { workload: "sessions", transport: "http", n: 100 },
    metric: (r) => (r.heapPerSession ?? 0) / 1024
  },
  {
    id: "sessions-stdio",
    title: "heap per open session (100, stdio)",
    unit: "KiB",
    higherIsBetter: false,
    config: { workload: "sessions", transport: "stdio", n: 100 },
    metric: (r) => (r.heapPerSession ?? 0) / 1024
  },
  {
    id: "startup",
    title: "process start to first tools/list",
    unit: "ms",
    higherIsBetter: false,
    config: { workload: "startup", transport: "stdio", n: 1 },
    metric: (r) => r.ms
  },
  {
    id: "startup-bundled",
    title: "process start to first tools/list, bundled",
    unit: "ms",
    higherIsBetter: false,
    config: { workload: "startup", transport: "stdio", n: 1 },
    metric: (r) => r.ms,
    bundled: true
  },
  {
    id: "startup-in-effect-app",
    title: "start to first tools/list in an Effect application (Effect and platform-node already loaded)",
    unit: "ms",
    higherIsBetter: false,
    config: { workload: "startup", transport: "stdio", n: 1 },
    metric: (r) => r.ms,
    oursOnly: "clients/effect-app.mjs"
  },
  {
    id: "host-start",
    title: "host over 20 stdio servers, all ready (× one server's start)",
    unit: "×",
    higherIsBetter: false,
    config: { workload: "host-start", servers: 20 },
    metric: (r) => r.ratio ?? 0,
    oursOnly: "clients/host.mjs"
  },
  {
    id: "host-start-bare",
    title: "host over 20 stdio servers, all ready (× the same 20 processes started at once by a bare client)",
    unit: "×",
    higherIsBetter: false,
    config: { workload: "host-start", servers: 20 },
    metric: (r) => r.bareRatio ?? 0,
    oursOnly: "clients/host.mjs"
  },
  {
    id: "host-heap",
    title: "host over 20 stdio servers, heap per server",
    unit: "KiB",
    higherIsBetter: false,
    config: { workload: "host-start", servers: 20 },
    metric: (r) => (r.heapPerSession ?? 0) / 1024,
    oursOnly: "clients/host.mjs"
  },
  {
    id: "host-heap-marginal",
    title: "host over 20 stdio servers, heap each of 20 more adds",
    unit: "KiB",
    higherIsBetter: false,
    config: { workload: "host-start", servers: 20 },
    metric: (r) => (r.heapPerServerMarginal ?? 0) / 1024,
    oursOnly: "clients/host.mjs"
  },
  {
    id: "host-list",
    title: "host catalog of 20×100 tools, aggregated listing",
    unit: "µs",
    higherIsBetter: false,
    config: { workload: "host-catalog", servers: 20, tools: 100, n: Math.round(20000 * scale) },
    metric: (r) => r.listUs ?? 0,
    oursOnly: "clients/host.mjs"
  },
  {
    id: "host-route",
    title: "host catalog of 20×100 tools, routed call's overhead over a direct call",
    unit: "µs",
    higherIsBetter: false,
    config: { workload: "host-catalog", servers: 20, tools: 100, n: Math.round(20000 * scale) },
    metric: (r) => r.overheadUs ?? 0,
    oursOnly: "clients/host.mjs"
  }
]
const workloads = onlyWorkloads === undefined ? allWorkloads : allWorkloads.filter((w) => onlyWorkloads.includes(w.id))

const node = process.execPath
const runOnce = (file: string, config: Record<string, unknown>) =>
  runJson<RunResult>(["--expose-gc", file, JSON.stringify(config)], `${file} ${config.workload}`, 120_000)

// Our client runs from the compiled package, as users get it.
execFileSync(process.execPath, [`${here}../node_modules/typescript/bin/tsc`, "-p", `${here}../tsconfig.build.json`], {
  stdio: "inherit"
})

/**
 * Bundles each client's runner with its libraries into one program (tree-shaken and minified, with rolldown), as
 * an application that cares for its start-up ships: Node then loads a few files instead of hundreds of modules.
 * Returns the bundled runners by client id.
 */
const bundle = async (into: string) => {
  const { build } = await import("rolldown")
  const files = new Map<string, string>()
  for (const client of clients) {
    if (client.workloads !== undefined && !client.workloads.includes("startup-bundled")) continue
    const out = `${into}/${client.id}`
    const { output } = await build({
      input: `${here}${client.file}`,
      platform: "node",
      logLevel: "silent",
      output: { dir: out, format: "esm", minify: true, entryFileNames: "[name].mjs" }
    })
    // The entry chunk comes first.
    files.set(client.id, `${out}/${output[0].fileName}`)
  }
  return files
}
const bundleDir = workloads.some((w) => w.bundled === true) ? mkdtempSync(`${tmpdir()}/mcp-bench-`) : undefined
const bundled = bundleDir === undefined ? new Map<string, string>() : await bundle(bundleDir)
// The bundled runners are elsewhere: they are told where the server is.
process.env.BENCH_SERVER_SCRIPT = `${here}server.mjs`

const port = await freePort()
const server = spawn(node, [`${here}server.mjs`, "http", String(port)], { stdio: "ignore", env: { ...process.env } })
await new Promise((resolve) => setTimeout(resolve, 500))
const url = `http://127.0.0.1:${port}/mcp`

const samples = new Map<string, Array<{ round: number; value: number; cpuPerOp: number }>>()
for (let round = 0; round < rounds; round++) {
  for (const workload of workloads) {
    // Interleaved: the order of clients changes every round.
    const order = clients.map((client, i) => ({ client, key: (i + round * 2) % clients.length }))
      .sort((a, b) => a.key - b.key)
      .map(({ client }) => client)
    for (const client of order) {
      if (client.workloads !== undefined && !client.workloads.includes(workload.id)) continue
      if (workload.oursOnly !== undefined && client.id !== "ours") continue
      if (workload.clients !== undefined && !workload.clients.includes(client.id)) continue
      const file = workload.bundled === true
        ? bundled.get(client.id)!
        : `${here}${workload.oursOnly ?? client.file}`
      const result = await runOnce(file, { ...workload.config, ...client.config, url })
      if (result === undefined) continue
      const key = `${workload.id} ${client.id}`
      const list = samples.get(key) ?? []
      list.push({ round: round + 1, value: workload.metric(result), cpuPerOp: result.cpuUs / Math.max(1, result.ops) })
      samples.set(key, list)
    }
    process.stderr.write(`round ${round + 1}/${rounds}: ${workload.id}\n`)
  }
}
server.kill("SIGTERM")
if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true })

const results = workloads.map((workload) => {
  const floor = samples.get(`${workload.id} floor`)
  const floorMedian = floor === undefined ? undefined : median(floor.map((s) => s.value))
  return {
    workload: workload.id,
    title: workload.title,
    unit: workload.unit,
    higherIsBetter: workload.higherIsBetter,
    clients: clients.filter((c) =>
      (c.workloads === undefined || c.workloads.includes(workload.id)) &&
      (workload.oursOnly === undefined || c.id === "ours") &&
      (workload.clients === undefined || workload.clients.includes(c.id))
    ).map((client) => {
      const list = samples.get(`${workload.id} ${client.id}`) ?? []
      if (list.length === 0) return { client: client.id, label: client.label, runs: 0 }
      const values = list.map((s) => s.value)
      const value = median(values)
      return {
        client: client.id,
        label: client.label,
        runs: list.length,
        median: value,
        min: Math.min(...values),
        max: Math.max(...values),
        cpuUsPerOp: median(list.map((s) => s.cpuPerOp)),
        ratioToFloor: floorMedian === undefined || floorMedian === 0 ? undefined : value / floorMedian,
        // Each round's figure, so that clients can be compared round by round.
        rounds: list.map(({ round, value, cpuPerOp }) => ({ round, value, cpuUsPerOp: cpuPerOp }))
      }
    })
  }
})

/**
 * Paired comparisons, round by round: within one round every client runs once, interleaved, so a ratio of two
 * figures of the same round is not moved by what the machine did between rounds. `lead` is how far ours is ahead
 * (above 1: ahead; for a lower-is-better row, the other's figure over ours), against the best SDK of that round and
 * against the floor. The start-up in an Effect application is paired with SDK v2's whole start-up minus the floor's
 * in the same round (its target).
 */
const sdkIds = ["sdk-v1", "sdk-v2"]
const byRound = (key: string) => new Map((samples.get(key) ?? []).map((s) => [s.round, s]))
interface Summary {
  readonly rounds: number
  readonly ahead: number
  readonly median: number
  readonly min: number
  readonly max: number
}
interface Paired extends Summary {
  readonly workload: string
  readonly title: string
  readonly against: string
  readonly perRound: ReadonlyArray<
    { round: number; ours: number; against: string; other: number; lead: number; cpuRatio?: number | undefined }
  >
  readonly ofFloor?: Summary | undefined
  /** Ours' CPU per operation over the SDK's, the median of the rounds (for the rows that measure CPU per call). */
  readonly cpuRatio?: number | undefined
}
const summary = (leads: ReadonlyArray<number>): Summary | undefined =>
  leads.length === 0 ? undefined : {
    rounds: leads.length,
    ahead: leads.filter((lead) => lead > 1).length,
    median: median(leads),
    min: Math.min(...leads),
    max: Math.max(...leads)
  }
const measuresCpu = (id: string) => !id.startsWith("sessions") && !id.startsWith("startup") && !id.startsWith("host")
const paired = workloads.flatMap((workload): Array<Paired> => {
  const ours = byRound(`${workload.id} ours`)
  if (ours.size === 0) return []
  const lead = (mine: number, other: number) => workload.higherIsBetter ? mine / other : other / mine
  if (workload.id === "startup-in-effect-app") {
    const v2 = byRound("startup sdk-v2")
    const floor = byRound("startup floor")
    const perRound = [...ours.values()].flatMap(({ round, value }) => {
      const whole = v2.get(round)
      const bare = floor.get(round)
      if (whole === undefined || bare === undefined) return []
      const allowance = whole.value - bare.value
      return [{ round, ours: value, against: "sdk-v2 − floor", other: allowance, lead: allowance / value }]
    })
    const total = summary(perRound.map((r) => r.lead))
    return total === undefined
      ? []
      : [{ workload: workload.id, title: workload.title, against: "sdk-v2 − floor", perRound, ...total }]
  }
  const sdks = sdkIds.map((id) => byRound(`${workload.id} ${id}`))
  const floor = byRound(`${workload.id} floor`)
  const perRound = [...ours.values()].flatMap(({ round, value, cpuPerOp }) => {
    const candidates = sdks.flatMap((sdk, i) => {
      const sample = sdk.get(round)
      return sample === undefined ? [] : [{ id: sdkIds[i]!, value: sample.value, cpuPerOp: sample.cpuPerOp }]
    })
    if (candidates.length === 0) return []
    const best = candidates.reduce((a, b) => lead(a.value, b.value) >= 1 ? a : b)
    const bare = floor.get(round)
    return [{
      round,
      ours: value,
      against: best.id,
      other: best.value,
      lead: lead(value, best.value),
      cpuRatio: best.cpuPerOp > 0 ? cpuPerOp / best.cpuPerOp : undefined,
      ofFloor: bare === undefined ? undefined : lead(value, bare.value)
    }]
  })
  const total = summary(perRound.map((r) => r.lead))
  if (total === undefined) return []
  const ofFloor = perRound.flatMap((r) => r.ofFloor === undefined ? [] : [r.ofFloor])
  const cpuRatios = perRound.flatMap((r) => r.cpuRatio === undefined ? [] : [r.cpuRatio])
  return [{
    workload: workload.id,
    title: workload.title,
    against: "best SDK",
    perRound,
    ...total,
    ofFloor: summary(ofFloor),
    cpuRatio: cpuRatios.length === 0 || !measuresCpu(workload.id) ? undefined : median(cpuRatios)
  }]
})

const lines = [
  `| workload | client | median | range | CPU µs/op | vs floor |`,
  `| --- | --- | ---: | ---: | ---: | ---: |`
]
for (const row of results) {
  for (const c of row.clients) {
    if (!("median" in c) || c.median === undefined) continue
    const cpu = measuresCpu(row.workload) ? format(c.cpuUsPerOp!) : ""
    lines.push(
      `| ${row.title} (${row.unit}, ${row.higherIsBetter ? "higher" : "lower"} is better) | ${c.label} | ${
        format(c.median)
      } | ${format(c.min!)}–${format(c.max!)} | ${cpu} | ${
        c.ratioToFloor === undefined ? "" : `${(c.ratioToFloor * 100).toFixed(0)}%`
      } |`
    )
  }
}
const ratio = (value: number) => `${value.toFixed(2)}×`
const pairedLines = paired.length === 0 ? [] : [
  "",
  "Paired, round by round (ours against the best SDK of the same round; above 1× is ahead):",
  "",
  "| workload | against | rounds ahead | lead, median | lead, range | of the floor, range | CPU/op vs it | each round |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ...paired.map((row) =>
    `| ${row.title} | ${row.against} | ${row.ahead} of ${row.rounds} | ${ratio(row.median)} | ${ratio(row.min)}–${
      ratio(row.max)
    } | ${
      row.ofFloor !== undefined
        ? `${(row.ofFloor.min * 100).toFixed(0)}–${(row.ofFloor.max * 100).toFixed(0)}%`
        : ""
    } | ${row.cpuRatio === undefined ? "" : ratio(row.cpuRatio)} | ${
      row.perRound.map((r) => `${r.round}: ${format(r.ours)} / ${format(r.other)} (${r.against})`).join("; ")
    } |`
  )
]
const table = [...lines, ...pairedLines].join("\n")
const stamp = new Date().toISOString().replace(/[:.]/g, "-")
const dir = `${here}results/${stamp}`
mkdirSync(dir, { recursive: true })
writeFileSync(`${dir}/results.json`, JSON.stringify({ quick, rounds, node: process.version, results, paired }, null, 2))
writeFileSync(`${dir}/results.md`, `${table}\n`)
process.stdout.write(`${table}\n\nresults: bench/results/${stamp}\n`)
