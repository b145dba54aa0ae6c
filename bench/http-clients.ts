/**
 * `npm run bench:http-clients`: which Node HTTP client should
 * `HttpTransport.layerNode` provide? Small MCP `tools/call` echo POSTs to the
 * fixed benchmark server (bench/server.mjs, JSON responses) through Effect's
 * `HttpClient` with each candidate layer, used as the transport uses it
 * (`HttpClient.withScope`, one scope per POST, the body read as a stream),
 * this library's own driver on `node:http` (`src/transport/http/NodeDriver.ts`,
 * what `HttpTransport.makeNode` uses: a request through `Driver.request` in a
 * scope, the JSON body read whole by the driver), and raw `node:http` with a
 * keep-alive agent, without Effect, as the floor.
 *
 * - Throughput: sequential calls/s and 64-in-flight calls/s, with the client
 *   process's CPU time per call (`process.cpuUsage`). Every run is a fresh
 *   process (1 s warm-up, then a 2 s window); candidates are interleaved across
 *   rounds; results are medians with their range. `--quick` runs one short round.
 * - Correctness, per candidate: echoed bodies parse and match (also unicode
 *   and 64 KiB), connections used by 50 sequential POSTs, an SSE body is
 *   delivered incrementally (two events 200 ms apart: the first must arrive
 *   before the second is sent), and interrupting a request, while it waits
 *   for its response or while its SSE body streams, closes it on the server.
 *
 * Writes bench/results/http-clients-<time>/results.json and results.md, and
 * prints the tables.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import * as os from "node:os"
import { fileURLToPath } from "node:url"
import type * as Driver from "../src/transport/http/Driver.ts"
import * as NodeDriver from "../src/transport/http/NodeDriver.ts"
import { format, freePort, median, runJson } from "./shared.ts"

// -----------------------------------------------------------------------------
// Candidates
// -----------------------------------------------------------------------------
const candidates = [
  { id: "fetch", label: "fetch (`FetchHttpClient.layer`)" },
  { id: "undici", label: "undici (`NodeHttpClient.layerUndici`)" },
  { id: "node-http", label: "node:http, default agent (`NodeHttpClient.layerNodeHttp`)" },
  {
    id: "node-http-keepalive",
    label: "node:http, keep-alive agent (`NodeHttpClient.layerNodeHttpOptions({ keepAlive: true })`)"
  },
  { id: "node-driver", label: "this library's node:http driver (`HttpTransport.makeNode`)" },
  { id: "raw", label: "floor: raw node:http, keep-alive agent, no Effect" }
] as const
type CandidateId = (typeof candidates)[number]["id"]

const layerOf = (id: Exclude<CandidateId, "raw" | "node-driver">): Layer.Layer<HttpClient.HttpClient> => {
  switch (id) {
    case "fetch":
      return FetchHttpClient.layer
    case "undici":
      return NodeHttpClient.layerUndici
    case "node-http":
      return NodeHttpClient.layerNodeHttp
    case "node-http-keepalive":
      return NodeHttpClient.layerNodeHttpOptions({ keepAlive: true })
  }
}

const workloads = [
  { id: "seq", title: "sequential", concurrency: 1 },
  { id: "c64", title: "64 in flight", concurrency: 64 }
] as const
type WorkloadId = (typeof workloads)[number]["id"]

const accept = "application/json, text/event-stream"
const callMessage = (id: number, text: string) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { text } } })

/** Whether a body is the echo reply to request `id` with `text`. */
const isEcho = (body: string, id: number, text: string): boolean => {
  try {
    const reply = JSON.parse(body) as { id?: unknown; result?: { content?: Array<{ text?: unknown }> } }
    return reply.id === id && reply.result?.content?.[0]?.text === text
  } catch {
    return false
  }
}

// -----------------------------------------------------------------------------
// A client, as seen by the benchmark and the checks
// -----------------------------------------------------------------------------
type Outcome = "ok" | "mismatch" | "error"

interface Streaming {
  /** Settles when the body ended, failed or was cancelled. */
  readonly done: Promise<void>
  readonly cancel: () => Promise<void>
}

interface Probe {
  /** Runs `concurrency` loops of echo calls until `deadline` (performance.now()). */
  readonly loop: (url: string, concurrency: number, deadline: number, tally: Tally) => Promise<void>
  readonly call: (url: string, id: number, text: string) => Promise<Outcome>
  /** POSTs a body and hands each chunk of the response body to `onChunk`. */
  readonly stream: (url: string, body: string, onChunk: (chunk: Uint8Array) => void) => Streaming
  readonly close: () => Promise<void>
}

class Tally {
  next = 1
  ok = 0
  mismatches = 0
  errors = 0
  firstError: string | undefined = undefined
  add(outcome: Outcome) {
    if (outcome === "ok") this.ok++
    else if (outcome === "mismatch") this.mismatches++
    else this.errors++
  }
}

/**
 * What the Effect candidates share: a call's failure counted as an outcome (the first one kept for the report),
 * and the loop of `concurrency` fibers calling until `deadline`, run by `run` (a runtime's, or Effect's own).
 */
const effectCalls = <R>(
  run: (effect: Effect.Effect<void, never, R>) => Promise<void>,
  call: (url: string, id: number, text: string) => Effect.Effect<Outcome, unknown, R>
) => {
  let firstError: string | undefined
  const counted = (url: string, id: number, text: string): Effect.Effect<Outcome, never, R> =>
    call(url, id, text).pipe(
      Effect.catchCause((cause) =>
        Effect.sync(() => {
          firstError ??= String(Cause.squash(cause))
          return "error" as const
        })
      )
    )
  const loop: Probe["loop"] = (url, concurrency, deadline, tally) =>
    run(
      Effect.forEach(
        Array.from({ length: concurrency }),
        () =>
          Effect.gen(function*() {
            while (performance.now() < deadline) {
              const id = tally.next++
              tally.add(yield* counted(url, id, `hello ${id}`))
            }
          }),
        { concurrency: "unbounded", discard: true }
      )
    ).then(() => {
      tally.firstError ??= firstError
    })
  return { counted, loop }
}

const effectProbe = (layer: Layer.Layer<HttpClient.HttpClient>): Probe => {
  const runtime = ManagedRuntime.make(layer)

  // As HttpTransport posts: a scope per POST, the body read as a stream.
  const call = (url: string, id: number, text: string) =>
    Effect.gen(function*() {
      const client = HttpClient.withScope(yield* HttpClient.HttpClient)
      const response = yield* client.execute(
        HttpClientRequest.post(url, { headers: { accept } }).pipe(
          HttpClientRequest.bodyText(callMessage(id, text), "application/json")
        )
      )
      const parts = yield* response.stream.pipe(
        Stream.runFold(() => [] as Array<Uint8Array>, (acc, chunk) => {
          acc.push(chunk)
          return acc
        })
      )
      return isEcho(Buffer.concat(parts).toString("utf8"), id, text) ? "ok" as const : "mismatch" as const
    }).pipe(Effect.scoped)
  const { counted, loop } = effectCalls((effect) => runtime.runPromise(effect), call)

  return {
    loop,
    call: (url, id, text) => runtime.runPromise(counted(url, id, text)),
    stream: (url, body, onChunk) => {
      const fiber = runtime.runFork(
        Effect.gen(function*() {
          const client = HttpClient.withScope(yield* HttpClient.HttpClient)
          const response = yield* client.execute(
            HttpClientRequest.post(url, { headers: { accept } }).pipe(
              HttpClientRequest.bodyText(body, "application/json")
            )
          )
          yield* response.stream.pipe(Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk))))
        }).pipe(Effect.scoped)
      )
      return {
        done: runtime.runPromise(Fiber.await(fiber)).then(() => undefined),
        cancel: () => runtime.runPromise(Fiber.interrupt(fiber))
      }
    },
    close: () => runtime.dispose()
  }
}

const rawProbe = (): Probe => {
  const agent = new http.Agent({ keepAlive: true })
  const request = (url: string, body: string, onResponse: (response: http.IncomingMessage) => void) => {
    const target = new URL(url)
    const req = http.request({
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: { "content-type": "application/json", accept, "content-length": Buffer.byteLength(body) }
    }, onResponse)
    req.end(body)
    return req
  }
  const post = (url: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(url, body, (response) => {
        const parts: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => parts.push(chunk))
        response.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
        response.on("error", reject)
      })
      req.on("error", reject)
    })
  let firstError: string | undefined
  const call = (url: string, id: number, text: string): Promise<Outcome> =>
    post(url, callMessage(id, text)).then(
      (body) => isEcho(body, id, text) ? "ok" : "mismatch",
      (error: unknown) => {
        firstError ??= String(error)
        return "error"
      }
    )
  return {
    loop: async (url, concurrency, deadline, tally) => {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const id = tally.next++
          tally.add(await call(url, id, `hello ${id}`))
        }
      }))
      tally.firstError ??= firstError
    },
    call,
    stream: (url, body, onChunk) => {
      let req: http.ClientRequest | undefined
      const done = new Promise<void>((resolve) => {
        req = request(url, body, (response) => {
          response.on("data", (chunk: Buffer) => onChunk(chunk))
          response.on("close", () => resolve())
        })
        req.on("error", () => resolve())
        req.on("close", () => resolve())
      })
      return {
        done,
        cancel: async () => {
          req?.destroy()
        }
      }
    },
    close: async () => agent.destroy()
  }
}

/** The driver of `HttpTransport.makeNode`, used as the transport uses it: one scope per POST. */
const nodeDriverProbe = (): Probe => {
  const scope = Scope.makeUnsafe()
  const driver = Effect.runSync(Scope.provide(NodeDriver.withDriver(Effect.succeed<Driver.Driver>), scope))
  // A session posts to one URL object; the driver works out its options once per URL.
  const urls = new Map<string, URL>()
  const urlOf = (url: string) => {
    let parsed = urls.get(url)
    if (parsed === undefined) urls.set(url, parsed = new URL(url))
    return parsed
  }
  const maxBytes = 16 * 1024 * 1024
  const call = (url: string, id: number, text: string) =>
    driver.request({ method: "POST", url: urlOf(url), headers: { accept }, body: callMessage(id, text) }, maxBytes)
      .pipe(
        Effect.flatMap((response) => response.text),
        Effect.map((body) => isEcho(body, id, text) ? "ok" as const : "mismatch" as const),
        Effect.scoped
      )
  const { counted, loop } = effectCalls(Effect.runPromise, call)
  return {
    loop,
    call: (url, id, text) => Effect.runPromise(counted(url, id, text)),
    stream: (url, body, onChunk) => {
      const fiber = Effect.runFork(
        driver.request({ method: "POST", url: urlOf(url), headers: { accept }, body }, maxBytes).pipe(
          Effect.flatMap((response) =>
            response.read((chunk) => {
              onChunk(chunk)
              return undefined
            }, () => false)
          ),
          Effect.scoped
        )
      )
      return {
        done: Effect.runPromise(Fiber.await(fiber)).then(() => undefined),
        cancel: () => Effect.runPromise(Fiber.interrupt(fiber))
      }
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const probeOf = (id: CandidateId): Probe =>
  id === "raw" ? rawProbe() : id === "node-driver" ? nodeDriverProbe() : effectProbe(layerOf(id))

// -----------------------------------------------------------------------------
// Worker: one timed run, or the correctness checks, of one candidate
// -----------------------------------------------------------------------------
interface RunResult {
  readonly candidate: CandidateId
  readonly workload: WorkloadId
  readonly ops: number
  readonly ms: number
  readonly cpuUs: number
  readonly mismatches: number
  readonly errors: number
  readonly firstError?: string | undefined
}

const runWorkload = async (
  candidate: CandidateId,
  workload: WorkloadId,
  url: string,
  seconds: number,
  warmupSeconds: number
): Promise<RunResult> => {
  const probe = probeOf(candidate)
  const concurrency = workloads.find((w) => w.id === workload)!.concurrency
  const warmup = new Tally()
  await probe.loop(url, concurrency, performance.now() + warmupSeconds * 1000, warmup)
  const tally = new Tally()
  tally.next = warmup.next
  const cpu = process.cpuUsage()
  const start = performance.now()
  await probe.loop(url, concurrency, start + seconds * 1000, tally)
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  await probe.close()
  return {
    candidate,
    workload,
    ops: tally.ok,
    ms,
    cpuUs: used.user + used.system,
    mismatches: tally.mismatches + warmup.mismatches,
    errors: tally.errors + warmup.errors,
    firstError: tally.firstError ?? warmup.firstError
  }
}

interface Check {
  readonly ok: boolean
  readonly detail: string
}

interface CheckResult {
  readonly candidate: CandidateId
  readonly bodies: Check
  readonly connections: Check
  readonly sse: Check
  readonly abortWaiting: Check
  readonly abortStreaming: Check
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const withTimeout = (what: string, ms: number, promise: Promise<Check>): Promise<Check> =>
  Promise.race([
    promise.catch((error: unknown) => ({ ok: false, detail: `${what} failed: ${String(error)}` })),
    sleep(ms).then(() => ({ ok: false, detail: `${what} timed out after ${ms} ms` }))
  ])

const sseEvent = (value: unknown) => `event: message\ndata: ${JSON.stringify(value)}\n\n`

/** The checks' own server: JSON answers, a slow SSE answer, and answers that never end. */
const startCheckServer = async () => {
  let connections = 0
  let sseSecondSentAt = Number.POSITIVE_INFINITY
  const held: Array<{ readonly received: number; closedAt: number | undefined }> = []
  const heldListeners: Array<() => void> = []
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    let body = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => body += chunk)
    request.on("end", () => {
      const message = JSON.parse(body) as { id: number }
      if (request.url === "/json") {
        const text = JSON.stringify({ jsonrpc: "2.0", id: message.id, result: {} })
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
        response.end(text)
      } else if (request.url === "/sse") {
        response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
        response.write(sseEvent({ jsonrpc: "2.0", method: "notifications/progress", params: { progress: 1 } }))
        setTimeout(() => {
          sseSecondSentAt = performance.now()
          response.end(sseEvent({ jsonrpc: "2.0", id: message.id, result: {} }))
        }, 200)
      } else {
        // /hold and /hold-stream: never finish; record when the client closes the connection.
        const entry = { received: performance.now(), closedAt: undefined as number | undefined }
        held.push(entry)
        request.socket.once("close", () => entry.closedAt = performance.now())
        if (request.url === "/hold-stream") {
          response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
          response.write(sseEvent({ jsonrpc: "2.0", method: "notifications/progress", params: { progress: 1 } }))
        }
        for (const listener of heldListeners.splice(0)) listener()
      }
    })
  })
  server.on("connection", () => connections++)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    connections: () => connections,
    sseSecondSentAt: () => sseSecondSentAt,
    held,
    /** Resolves once the server holds one more request. */
    nextHeld: () => new Promise<void>((resolve) => heldListeners.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const runChecks = async (candidate: CandidateId, benchUrl: string): Promise<CheckResult> => {
  const server = await startCheckServer()
  const probe = probeOf(candidate)

  // 1. Bodies: 300 echo calls, 16 in flight, with unicode and 64 KiB texts, against the benchmark server.
  const bodies = await withTimeout(
    "bodies",
    20_000,
    (async () => {
      const outcomes: Array<Outcome> = []
      let id = 0
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (id < 300) {
          const n = ++id
          const text = n % 50 === 0 ? "y".repeat(64 * 1024) : n % 2 === 0 ? `héllo wörld ✓ 🚀 ${n}` : `hello ${n}`
          outcomes.push(await probe.call(benchUrl, n, text))
        }
      }))
      const bad = outcomes.filter((o) => o !== "ok").length
      return { ok: bad === 0, detail: `${outcomes.length - bad}/${outcomes.length} echoed correctly` }
    })()
  )

  // 2. Connections: how many 50 sequential POSTs open (keep-alive reuses one).
  const connections = await withTimeout(
    "connections",
    20_000,
    (async () => {
      const before = server.connections()
      const url = server.url("/json")
      for (let n = 1; n <= 50; n++) {
        let body = ""
        const streaming = probe.stream(url, JSON.stringify({ jsonrpc: "2.0", id: n, method: "ping" }), (chunk) => {
          body += Buffer.from(chunk).toString("utf8")
        })
        await streaming.done
        if (!body.includes(`"id":${n}`)) return { ok: false, detail: `POST ${n} got ${JSON.stringify(body)}` }
      }
      const used = server.connections() - before
      return { ok: true, detail: `${used} connection${used === 1 ? "" : "s"} for 50 sequential POSTs` }
    })()
  )

  // 3. SSE: the first event must arrive before the second is sent, 200 ms later.
  const sse = await withTimeout(
    "sse",
    5_000,
    (async () => {
      let text = ""
      let firstAt: number | undefined
      const start = performance.now()
      const streaming = probe.stream(server.url("/sse"), callMessage(1, "sse"), (chunk) => {
        text += Buffer.from(chunk).toString("utf8")
        if (firstAt === undefined && text.includes("\n\n")) firstAt = performance.now()
      })
      await streaming.done
      const events = text.split("\n\n").filter((e) => e.trim() !== "").length
      const secondAt = server.sseSecondSentAt()
      if (firstAt === undefined || events !== 2) return { ok: false, detail: `got ${events} events` }
      const ok = firstAt < secondAt
      return {
        ok,
        detail: `first event at ${(firstAt - start).toFixed(0)} ms, second sent at ${(secondAt - start).toFixed(0)} ms${
          ok ? "" : " (buffered)"
        }`
      }
    })()
  )

  // 4. Interruption: the server must see the connection close.
  const abort = (path: "/hold" | "/hold-stream") =>
    withTimeout(
      `abort ${path}`,
      5_000,
      (async () => {
        const held = server.nextHeld()
        let firstChunk: () => void = () => undefined
        const gotChunk = new Promise<void>((resolve) => firstChunk = resolve)
        const streaming = probe.stream(server.url(path), callMessage(1, "hold"), () => firstChunk())
        await held
        if (path === "/hold-stream") await gotChunk
        const entry = server.held[server.held.length - 1]!
        const cancelledAt = performance.now()
        await streaming.cancel()
        for (let waited = 0; entry.closedAt === undefined && waited < 1000; waited += 10) await sleep(10)
        if (entry.closedAt === undefined) return { ok: false, detail: "still open 1 s after the interruption" }
        return { ok: true, detail: `closed ${Math.max(0, entry.closedAt - cancelledAt).toFixed(1)} ms after` }
      })()
    )
  const abortWaiting = await abort("/hold")
  const abortStreaming = await abort("/hold-stream")

  await Promise.race([probe.close(), sleep(2000)])
  await server.close()
  return { candidate, bodies, connections, sse, abortWaiting, abortStreaming }
}

// -----------------------------------------------------------------------------
// Parent: the server, the rounds, the tables
// -----------------------------------------------------------------------------
const here = fileURLToPath(new URL(".", import.meta.url))
const self = fileURLToPath(import.meta.url)
const node = process.execPath

const inWorker = <A>(job: Record<string, unknown>, timeoutMs: number) =>
  runJson<A>([self, "--worker", JSON.stringify(job)], `worker ${JSON.stringify(job)}`, timeoutMs)

const parent = async () => {
  const quick = process.argv.includes("--quick")
  const rounds = quick ? 1 : 5
  const seconds = quick ? 0.5 : 2
  const warmupSeconds = quick ? 0.3 : 1
  const loadBefore = os.loadavg()

  const port = await freePort()
  const server = spawn(node, [`${here}server.mjs`, "http", String(port)], { stdio: ["ignore", "ignore", "pipe"] })
  const stopServer = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM")
  }
  process.on("exit", stopServer)
  await new Promise<void>((resolve, reject) => {
    server.stderr.on("data", (chunk) => String(chunk).includes("listening") && resolve())
    server.on("exit", () => reject(new Error("the benchmark server exited")))
  })
  const url = `http://127.0.0.1:${port}/mcp`

  try {
    const checks: Array<CheckResult> = []
    for (const candidate of candidates) {
      const result = await inWorker<CheckResult>({ mode: "check", candidate: candidate.id, url }, 90_000)
      const failed = { ok: false, detail: "no result" }
      checks.push(
        result ?? {
          candidate: candidate.id,
          bodies: failed,
          connections: failed,
          sse: failed,
          abortWaiting: failed,
          abortStreaming: failed
        }
      )
      process.stderr.write(`checks: ${candidate.id}\n`)
    }

    const runs: Array<RunResult> = []
    for (let round = 0; round < rounds; round++) {
      for (const workload of workloads) {
        // Interleaved: the order of candidates changes every round.
        const order = candidates.map((candidate, i) => ({ candidate, key: (i + round * 2) % candidates.length }))
          .sort((a, b) => a.key - b.key)
          .map(({ candidate }) => candidate)
        for (const candidate of order) {
          const result = await inWorker<RunResult>({
            mode: "run",
            candidate: candidate.id,
            workload: workload.id,
            url,
            seconds,
            warmupSeconds
          }, 60_000)
          if (result !== undefined) runs.push(result)
        }
        process.stderr.write(`round ${round + 1}/${rounds}: ${workload.id}\n`)
      }
    }

    const summary = candidates.map((candidate) => {
      const stats = Object.fromEntries(workloads.map((workload) => {
        const list = runs.filter((r) => r.candidate === candidate.id && r.workload === workload.id)
        const rates = list.map((r) => (r.ops / r.ms) * 1000)
        return [workload.id, {
          runs: list.length,
          median: list.length === 0 ? undefined : median(rates),
          min: list.length === 0 ? undefined : Math.min(...rates),
          max: list.length === 0 ? undefined : Math.max(...rates),
          cpuUsPerCall: list.length === 0 ? undefined : median(list.map((r) => r.cpuUs / Math.max(1, r.ops))),
          mismatches: list.reduce((n, r) => n + r.mismatches, 0),
          errors: list.reduce((n, r) => n + r.errors, 0),
          firstError: list.find((r) => r.firstError !== undefined)?.firstError
        }]
      })) as Record<
        WorkloadId,
        {
          runs: number
          median: number | undefined
          min: number | undefined
          max: number | undefined
          cpuUsPerCall: number | undefined
          mismatches: number
          errors: number
          firstError: string | undefined
        }
      >
      const check = checks.find((c) => c.candidate === candidate.id)!
      const benchClean = workloads.every((w) =>
        stats[w.id].runs > 0 && stats[w.id].errors + stats[w.id].mismatches === 0
      )
      const correct = benchClean && check.bodies.ok && check.sse.ok && check.abortWaiting.ok && check.abortStreaming.ok
      return { candidate: candidate.id, label: candidate.label, stats, check, correct }
    })

    const floor = summary.find((s) => s.candidate === "raw")!
    const cell = (value: number | undefined) => value === undefined ? "–" : format(value)
    const ofFloor = (value: number | undefined, workload: WorkloadId) => {
      const base = floor.stats[workload].median
      return value === undefined || base === undefined ? "" : ` (${((value / base) * 100).toFixed(0)}%)`
    }
    const throughput = [
      `| client | sequential calls/s | range | 64 in flight calls/s | range | CPU µs/call seq | CPU µs/call 64 | errors | correct |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
      ...summary.map((s) =>
        `| ${s.label} | ${cell(s.stats.seq.median)}${ofFloor(s.stats.seq.median, "seq")} | ${cell(s.stats.seq.min)}–${
          cell(s.stats.seq.max)
        } | ${cell(s.stats.c64.median)}${ofFloor(s.stats.c64.median, "c64")} | ${cell(s.stats.c64.min)}–${
          cell(s.stats.c64.max)
        } | ${cell(s.stats.seq.cpuUsPerCall)} | ${cell(s.stats.c64.cpuUsPerCall)} | ${
          s.stats.seq.errors + s.stats.seq.mismatches + s.stats.c64.errors + s.stats.c64.mismatches
        } | ${s.correct ? "yes" : "**no**"} |`
      )
    ]
    const mark = (c: Check) => `${c.ok ? "ok" : "**FAIL**"}: ${c.detail}`
    const correctness = [
      `| client | bodies | connections | SSE streamed | interrupt while waiting | interrupt while streaming |`,
      `| --- | --- | --- | --- | --- | --- |`,
      ...summary.map((s) =>
        `| ${s.label} | ${mark(s.check.bodies)} | ${s.check.connections.detail} | ${mark(s.check.sse)} | ${
          mark(s.check.abortWaiting)
        } | ${mark(s.check.abortStreaming)} |`
      )
    ]
    const correctEffect = summary.filter((s) => s.candidate !== "raw" && s.correct)
    const rank = (workload: WorkloadId) =>
      [...correctEffect].sort((a, b) => (b.stats[workload].median ?? 0) - (a.stats[workload].median ?? 0))
        .map((s) => s.candidate).join(" > ")
    const load = (values: ReadonlyArray<number>) => values.map((v) => v.toFixed(2)).join(" ")
    const header = `Node ${process.version}, ${os.availableParallelism()} cores (load average ${
      load(loadBefore)
    } before, ${load(os.loadavg())} after); ${rounds} round${
      rounds === 1 ? "" : "s"
    } of ${seconds} s per run (after ${warmupSeconds} s warm-up), medians with min–max; % of the floor in parentheses.`
    const markdown = [
      header,
      "",
      ...throughput,
      "",
      ...correctness,
      "",
      `Correct Effect clients by median, sequential: ${rank("seq")}; 64 in flight: ${rank("c64")}`
    ].join("\n")

    const stamp = new Date().toISOString().replace(/[:.]/g, "-")
    const dir = `${here}results/http-clients-${stamp}`
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      `${dir}/results.json`,
      JSON.stringify({ quick, rounds, seconds, warmupSeconds, node: process.version, summary, runs, checks }, null, 2)
    )
    writeFileSync(`${dir}/results.md`, `${markdown}\n`)
    process.stdout.write(`${markdown}\n\nresults: bench/results/http-clients-${stamp}\n`)
    for (const s of summary) {
      const error = s.stats.seq.firstError ?? s.stats.c64.firstError
      if (error !== undefined) process.stderr.write(`${s.candidate}: first error: ${error}\n`)
    }
  } finally {
    stopServer()
  }
}

const worker = async (job: {
  readonly mode: "run" | "check"
  readonly candidate: CandidateId
  readonly workload: WorkloadId
  readonly url: string
  readonly seconds: number
  readonly warmupSeconds: number
}) => {
  const result = job.mode === "check"
    ? await runChecks(job.candidate, job.url)
    : await runWorkload(job.candidate, job.workload, job.url, job.seconds, job.warmupSeconds)
  process.stdout.write(`${JSON.stringify(result)}\n`)
  // Interrupted requests may leave handles behind: the result is out, so leave.
  process.exit(0)
}

const workerIndex = process.argv.indexOf("--worker")
if (workerIndex !== -1) await worker(JSON.parse(process.argv[workerIndex + 1]!))
else await parent()
