// What every client runner shares: the workload definitions, timing, and the
// one line of JSON a runner prints for the orchestrator.
//
// A runner calls main(adapter). The adapter connects (stdio or HTTP, to the
// benchmark server) and exposes the operations; the harness warms up, runs the
// workload, and measures wall time, CPU time and heap.
import { fileURLToPath } from "node:url"

// A runner bundled into another folder (the start-up row measured bundled) is told where the server is.
export const serverScript = process.env.BENCH_SERVER_SCRIPT ?? fileURLToPath(new URL("../server.mjs", import.meta.url))

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export const pool = async (n, concurrency, task) => {
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}

const measure = async (ops, body) => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await body()
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { ops, ms, cpuUs: used.user + used.system }
}

/**
 * adapter: {
 *   connect(config) -> Promise<session>, where session has
 *   call(name, args) -> Promise, list() -> Promise<number of tools>, close() -> Promise,
 *   and optionally run(n, concurrency, name, args) -> Promise (a native loop)
 *   and toolkit() -> Promise (lists the tools, builds an effect/ai toolkit of them, calls echo through it)
 * }
 */
export const main = async (adapter) => {
  const config = JSON.parse(process.argv[2])
  const { workload, n } = config
  let result
  if (workload === "startup") {
    const session = await adapter.connect(config)
    await session.list()
    // A runner started inside an application that has already loaded its libraries (clients/effect-app.mjs)
    // counts from the moment those were loaded.
    result = { ops: 1, ms: performance.now() - (globalThis.benchStartedAt ?? 0), cpuUs: process.cpuUsage().user + process.cpuUsage().system }
    await session.close()
  } else if (workload === "sessions") {
    // A few sessions first, so that what every session shares (compiled code,
    // caches, connection pools) is not counted as the cost of one.
    const first = []
    for (let i = 0; i < 10; i++) first.push(await adapter.connect(config))
    globalThis.gc?.()
    const before = process.memoryUsage().heapUsed
    const sessions = []
    for (let i = 0; i < n; i++) sessions.push(await adapter.connect(config))
    globalThis.gc?.()
    const after = process.memoryUsage().heapUsed
    result = { ops: n, ms: 0, cpuUs: 0, heapPerSession: (after - before) / n }
    for (const session of [...first, ...sessions]) await session.close()
  } else {
    const session = await adapter.connect(config)
    const concurrency = config.concurrency ?? 1
    const once = workload === "list"
      ? () => session.list()
      : workload === "toolkit"
      ? () => session.toolkit()
      : workload === "big"
      ? () => session.call("big", { text: "" })
      : workload === "big16"
      ? () => session.call("big16", { text: config.sse === true ? "sse" : "json" })
      : () => session.call("echo", { text: "hello" })
    const loop = async (count) =>
      session.run !== undefined && workload === "echo"
        ? session.run(count, concurrency)
        : pool(count, concurrency, once)
    await loop(workload === "big16" ? 2 : Math.max(10, Math.floor(n / 10)))
    result = await measure(n, () => loop(n))
    await session.close()
  }
  process.stdout.write(JSON.stringify(result) + "\n")
  process.exit(0)
}
