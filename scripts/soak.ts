/**
 * The soak run: many calls over stdio and HTTP with faults injected from a
 * fixed seed, counting what came back. Not part of `npm test`.
 *
 *   npm run soak                      200,000 calls, seed 17
 *   npm run soak -- --calls 20000 --seed 3
 *
 * Over stdio (bench/server.mjs, an echo server) 5% of the calls are
 * interrupted by the caller after a random number of turns. Over HTTP (a
 * stateful echo server in this process) the client asks the server, per call,
 * for a fault: HTTP 500 (2%), a body that is not JSON (2%), or forgetting the
 * session (404, 0.05%); and 5% are interrupted. A call that succeeds must return its own
 * text: anything else is a wrong answer. At the end nothing may be pending,
 * and the heap after a full collection is compared with the one after the
 * warm-up. The results go to bench/results/soak-<time>.json and, as a table,
 * to standard output (for docs/reliability.md).
 */
import { Cause, Effect, Exit, Fiber, Layer } from "effect"
import { mkdirSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import { fileURLToPath } from "node:url"
import { HttpTransport, McpClient, StdioTransport } from "../src/index.ts"
import * as Seeded from "../src/testing/Seeded.ts"

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}
const totalCalls = argument("calls", 200_000)
const seed = argument("seed", 17)
const concurrency = 64
const gc = (globalThis as { gc?: () => void }).gc

/** The testing kit's seeded generator, so that a run can be repeated exactly. */
const random = Seeded.generator(seed)

type Fault = "none" | "interrupt" | "http-500" | "not-json" | "expire"

interface Tally {
  calls: number
  succeeded: number
  wrongAnswers: number
  interrupted: number
  readonly faults: Record<string, number>
  readonly failures: Record<string, number>
}

const newTally = (): Tally => ({ calls: 0, succeeded: 0, wrongAnswers: 0, interrupted: 0, faults: {}, failures: {} })

const memory = () => {
  gc?.()
  gc?.()
  const usage = process.memoryUsage()
  return { heapUsed: usage.heapUsed, rss: usage.rss }
}

/** A stateful echo server that performs the fault each call asks for. */
const startHttpServer = () =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly server: http.Server }>((resume) => {
      let sessions = 0
      const live = new Set<string>()
      const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          if (request.method === "GET") return void response.writeHead(405).end()
          const session = request.headers["mcp-session-id"] as string | undefined
          if (request.method === "DELETE") {
            if (session !== undefined) live.delete(session)
            return void response.writeHead(200).end()
          }
          const message = JSON.parse(Buffer.concat(chunks).toString("utf8"))
          const json = (body: unknown, headers: Record<string, string> = {}) => {
            response.writeHead(200, { "content-type": "application/json", ...headers })
            response.end(JSON.stringify(body))
          }
          if (message.method === "initialize") {
            const id = `s${++sessions}`
            live.add(id)
            return json({
              jsonrpc: "2.0",
              id: message.id,
              result: {
                protocolVersion: "2025-11-25",
                capabilities: { tools: {} },
                serverInfo: { name: "soak", version: "1.0.0" }
              }
            }, { "mcp-session-id": id })
          }
          if (session === undefined || !live.has(session)) return void response.writeHead(404).end()
          if (message.id === undefined) return void response.writeHead(202).end()
          const fault = message.params?.arguments?.fault as Fault | undefined
          if (fault === "http-500") return void response.writeHead(500).end()
          if (fault === "not-json") {
            response.writeHead(200, { "content-type": "application/json" })
            return void response.end("<html>busy</html>")
          }
          if (fault === "expire") {
            live.delete(session)
            return void response.writeHead(404).end()
          }
          if (message.method === "tools/call") {
            return json({
              jsonrpc: "2.0",
              id: message.id,
              result: { content: [{ type: "text", text: String(message.params.arguments.text) }] }
            })
          }
          if (message.method === "tools/list") {
            return json({ jsonrpc: "2.0", id: message.id, result: { tools: [{ name: "echo", inputSchema: {} }] } })
          }
          json({ jsonrpc: "2.0", id: message.id, result: {} })
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/mcp`, server }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** One call with its fault; returns nothing, counts everything. */
const oneCall = (
  client: McpClient.McpClientShape,
  tally: Tally,
  index: number,
  faults: ReadonlyArray<readonly [Fault, number]>
) =>
  Effect.gen(function*() {
    const roll = random()
    let fault: Fault = "none"
    let bound = 0
    for (const [candidate, share] of faults) {
      bound += share
      if (roll < bound) {
        fault = candidate
        break
      }
    }
    const turns = Math.floor(random() * 4)
    const text = `call-${index}`
    tally.calls++
    tally.faults[fault] = (tally.faults[fault] ?? 0) + 1
    const args = fault === "none" || fault === "interrupt" ? { text } : { text, fault }
    const fiber = yield* Effect.forkChild(client.callTool("echo", args), { startImmediately: true })
    if (fault === "interrupt") {
      for (let i = 0; i < turns; i++) yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
    }
    const exit = yield* Fiber.await(fiber)
    if (Exit.isSuccess(exit)) {
      tally.succeeded++
      const block = exit.value.content[0]
      const answered = block !== undefined && block.type === "text" && "text" in block ? block.text : undefined
      if (answered !== text) tally.wrongAnswers++
      return
    }
    if (Cause.hasInterruptsOnly(exit.cause)) {
      tally.interrupted++
      return
    }
    const error = Cause.squash(exit.cause) as { readonly _tag?: string }
    const tag = error._tag ?? "defect"
    tally.failures[tag] = (tally.failures[tag] ?? 0) + 1
  })

const run = (
  name: string,
  transport: Layer.Layer<any, any>,
  calls: number,
  faults: ReadonlyArray<readonly [Fault, number]>
) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(transport)
    const client = yield* McpClient.make({ name: "soak", version: "1.0.0", era: "legacy" }).pipe(
      Effect.provideContext(context)
    )
    const warmup = newTally()
    yield* Effect.forEach(Array.from({ length: 1000 }, (_, i) => i), (i) => oneCall(client, warmup, i, []), {
      concurrency,
      discard: true
    })
    const before = memory()
    const started = performance.now()
    const tally = newTally()
    yield* Effect.forEach(Array.from({ length: calls }, (_, i) => i), (i) => oneCall(client, tally, i, faults), {
      concurrency,
      discard: true
    })
    const seconds = (performance.now() - started) / 1000
    const pending = yield* client.pendingRequests
    const after = memory()
    return { name, ...tally, pending, seconds, before, after }
  }).pipe(Effect.scoped)

const program = Effect.gen(function*() {
  const server = fileURLToPath(new URL("../bench/server.mjs", import.meta.url))
  const stdio = yield* run(
    "stdio",
    StdioTransport.layerNode({ command: process.execPath, args: [server, "stdio"], stderr: "ignore" }),
    Math.floor(totalCalls / 2),
    [["interrupt", 0.05]]
  )
  const { url } = yield* startHttpServer()
  const httpRun = yield* run(
    "http",
    HttpTransport.layerNode({ url }),
    totalCalls - Math.floor(totalCalls / 2),
    [["interrupt", 0.05], ["http-500", 0.02], ["not-json", 0.02], ["expire", 0.0005]]
  )
  return [stdio, httpRun]
}).pipe(Effect.scoped)

const rows = await Effect.runPromise(program)
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const table = [
  `Seed ${seed}, ${totalCalls.toLocaleString("en")} calls, ${concurrency} at a time, Node ${process.version}` +
  (gc === undefined ? " (no --expose-gc: heap figures without a full collection)" : "") + ".",
  "",
  "| transport | calls | faults injected | succeeded | interrupted | failures by tag | wrong answers | pending at the end | heap before → after (MiB) | RSS before → after (MiB) | seconds |",
  "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | --- | --- | ---: |",
  ...rows.map((row) =>
    `| ${row.name} | ${row.calls.toLocaleString("en")} | ${
      Object.entries(row.faults).filter(([fault]) => fault !== "none").map(([fault, count]) => `${fault} ${count}`)
        .join(
          ", "
        )
    } | ${row.succeeded.toLocaleString("en")} | ${row.interrupted} | ${
      Object.entries(row.failures).map(([tag, count]) => `${tag} ${count}`).join(", ") || "none"
    } | ${row.wrongAnswers} | ${row.pending} | ${mib(row.before.heapUsed)} → ${mib(row.after.heapUsed)} | ${
      mib(row.before.rss)
    } → ${mib(row.after.rss)} | ${row.seconds.toFixed(1)} |`
  )
].join("\n")
const directory = fileURLToPath(new URL("../bench/results/", import.meta.url))
mkdirSync(directory, { recursive: true })
const file = `${directory}soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`
writeFileSync(file, JSON.stringify({ seed, totalCalls, concurrency, node: process.version, rows }, null, 2))
process.stdout.write(`${table}\n\nResults: ${file}\n`)
const failed = rows.some((row) => row.wrongAnswers > 0 || row.pending > 0)
process.exitCode = failed ? 1 : 0
