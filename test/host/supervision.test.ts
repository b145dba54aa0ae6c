/**
 * Supervision with real processes: a killed server is restarted and calls
 * made meanwhile wait for it (or fail with `ServerUnavailable` past their
 * timeout); a paused one is found out by keepalive and restarted. Real
 * processes force real time, so each step waits for a state, not a duration.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Metric, Stream } from "effect"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HostConfig, McpHost, Metrics, Supervisor } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"
import * as Restartable from "../support/Restartable.ts"

/** The pids of this process's children whose command line contains `match`. */
const childPids = (match: string): ReadonlyArray<number> =>
  readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8")
      return ppid === process.pid && cmdline.includes(match) ? [Number(entry)] : []
    } catch {
      return []
    }
  })

const serverPid = Effect.suspend(() => {
  const pids = childPids("server-everything")
  return pids.length === 1 ? Effect.succeed(pids[0]!) : Effect.die(new Error(`expected one server, found ${pids}`))
})

const untilState = (supervisor: Supervisor.Supervisor, status: Supervisor.ServerState["status"]) =>
  supervisor.changes.pipe(
    Stream.filter((state) => state.status === status),
    Stream.runHead,
    Effect.map((s) => s._tag === "Some" ? s.value : undefined)
  )

/** The value of one of the host's counters for the `everything` server. */
const counted = (metric: Metric.Counter<number>, cause?: string) =>
  Effect.map(
    Metric.value(
      Metric.withAttributes(
        metric,
        cause === undefined ? { "mcp.server.name": "everything" } : { "mcp.server.name": "everything", cause }
      )
    ),
    (state) => state.count
  )

const text = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { text?: string }).text ?? "").join("")

describe("supervision of real servers", () => {
  it.live(
    "a killed server is restarted; calls wait for it, or fail with ServerUnavailable past their timeout",
    () =>
      Effect.gen(function*() {
        // The server starts only while the flag file exists; otherwise its process hangs without answering.
        const folder = mkdtempSync(join(tmpdir(), "host-kill-"))
        const flag = join(folder, "flag")
        writeFileSync(flag, "")
        const everything = Peers.stdioCommand("everything")
        const script = `test -f "$1" && exec "$0" ${everything.args.join(" ")}; exec sleep 600`
        const config = yield* HostConfig.fromObject({
          mcpServers: {
            everything: {
              command: "/bin/sh",
              args: ["-c", script, everything.command, flag],
              timeout: 3000,
              restart: { initialDelay: 50, maxDelay: 200 }
            }
          }
        })
        const host = yield* McpHost.make(config, { stderr: "ignore" }).pipe(Effect.provide(Metrics.layer))
        const supervisor = yield* host.supervisor("everything")
        assert.strictEqual((yield* host.state("everything")).status, "ready")
        const exitsBefore = yield* counted(Supervisor.restarts, "exit")
        const before = yield* host.listTools
        assert.isTrue(before.some((tool) => tool.name === "everything__echo"))

        // The catalog loses the server's part while it restarts, and gets it back.
        const catalogServers = yield* host.catalog.changes.pipe(
          Stream.map((snapshot) => snapshot.servers.includes("everything")),
          Stream.changes,
          Stream.take(3),
          Stream.runCollect,
          Effect.forkChild
        )
        yield* Effect.yieldNow

        const first = yield* serverPid
        process.kill(first, "SIGKILL")
        const restarting = yield* untilState(supervisor, "restarting")
        assert.include(restarting?.status === "restarting" ? restarting.lastError : "", "SIGKILL")
        const echoed = yield* host.callTool("everything__echo", { message: "during the restart" }, {
          timeout: "30 seconds"
        })
        assert.strictEqual(text(echoed), "Echo: during the restart")
        const state = yield* host.state("everything")
        assert.strictEqual(state.status, "ready")
        if (state.status === "ready") assert.strictEqual(state.generation, 2)
        assert.notStrictEqual(yield* serverPid, first)
        assert.deepStrictEqual(yield* Fiber.join(catalogServers), [true, false, true])
        assert.strictEqual((yield* supervisor.counters).restarts, 1)
        // The restart is counted as a metric, with the server and why its session ended.
        assert.strictEqual((yield* counted(Supervisor.restarts, "exit")) - exitsBefore, 1)

        // Without the flag the next start hangs: a call gives up after its own timeout.
        rmSync(flag)
        process.kill(yield* serverPid, "SIGKILL")
        yield* untilState(supervisor, "restarting")
        const unavailable = yield* Effect.flip(
          host.callTool("everything__echo", { message: "x" }, { timeout: "300 millis" })
        )
        assert.strictEqual(unavailable._tag, "ServerUnavailable")
        if (unavailable._tag === "ServerUnavailable") {
          assert.strictEqual(unavailable.server, "everything")
          assert.strictEqual(unavailable.state, "restarting")
        }
        // With the flag back, the hung start times out and the next one works.
        writeFileSync(flag, "")
        const back = yield* host.callTool("everything__echo", { message: "back" }, { timeout: "30 seconds" })
        assert.strictEqual(text(back), "Echo: back")
        assert.isTrue(existsSync(flag))
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "an HTTP server that goes away is found dead on the next request, and reconnected once it is back",
    () =>
      Effect.gen(function*() {
        const peer = yield* Restartable.http("ts-v2")
        const config = yield* HostConfig.fromObject({
          mcpServers: {
            remote: { type: "http", url: peer.url, restart: { initialDelay: 50, maxDelay: 200, maxAttempts: 1000 } }
          }
        })
        const host = yield* McpHost.make(config, { client: { name: "test", version: "1.0.0", era: "legacy" } }).pipe(
          Effect.provide(Metrics.layer)
        )
        const supervisor = yield* host.supervisor("remote")
        assert.strictEqual(text(yield* host.callTool("remote__add", { a: 1, b: 2 })), "3")
        const lostBefore = yield* Effect.map(
          Metric.value(
            Metric.withAttributes(Supervisor.restarts, { "mcp.server.name": "remote", cause: "connection" })
          ),
          (state) => state.count
        )

        yield* peer.stop
        // The request that finds the endpoint gone fails; the session is dead, and the server restarting.
        const refused = yield* Effect.flip(host.callTool("remote__add", { a: 1, b: 2 }))
        assert.strictEqual(refused._tag, "TransportError")
        assert.include(refused.message, "ECONNREFUSED")
        const restarting = yield* untilState(supervisor, "restarting")
        assert.include(restarting?.status === "restarting" ? restarting.lastError : "", "ECONNREFUSED")
        // While it is down, a call waits for it up to its timeout, then fails with ServerUnavailable.
        const unavailable = yield* Effect.flip(host.callTool("remote__add", { a: 1, b: 2 }, { timeout: "300 millis" }))
        assert.strictEqual(unavailable._tag, "ServerUnavailable")

        // Back on the same port: a waiting call goes through once the host has reconnected.
        const waiting = yield* Effect.forkChild(
          host.callTool("remote__add", { a: 2, b: 40 }, { timeout: "30 seconds" })
        )
        yield* peer.start
        assert.strictEqual(text(yield* Fiber.join(waiting)), "42")
        const state = yield* host.state("remote")
        assert.strictEqual(state.status, "ready")
        if (state.status === "ready") assert.strictEqual(state.generation, 2)
        const lostAfter = yield* Effect.map(
          Metric.value(
            Metric.withAttributes(Supervisor.restarts, { "mcp.server.name": "remote", cause: "connection" })
          ),
          (state) => state.count
        )
        assert.strictEqual(lostAfter - lostBefore, 1)
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("a paused server misses its keepalives and is restarted", () =>
    Effect.gen(function*() {
      const config = yield* HostConfig.fromObject({
        mcpServers: {
          everything: {
            ...Peers.stdioCommand("everything"),
            keepalive: { interval: 200, timeout: 200, misses: 2 },
            restart: { initialDelay: 50 }
          }
        }
      })
      const host = yield* McpHost.make(config, { stderr: "ignore" }).pipe(Effect.provide(Metrics.layer))
      const supervisor = yield* host.supervisor("everything")
      const missesBefore = yield* counted(Supervisor.keepaliveMisses)
      const keepaliveRestartsBefore = yield* counted(Supervisor.restarts, "keepalive")
      const paused = yield* serverPid
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          try {
            process.kill(paused, "SIGCONT")
            process.kill(paused, "SIGKILL")
          } catch {
            // Already gone.
          }
        })
      )
      process.kill(paused, "SIGSTOP")
      const restarting = yield* untilState(supervisor, "restarting")
      assert.include(restarting?.status === "restarting" ? restarting.lastError : "", "missed 2 keepalives")
      yield* untilState(supervisor, "ready")
      assert.isAtLeast((yield* supervisor.counters).keepaliveMisses, 2)
      assert.isAtLeast((yield* counted(Supervisor.keepaliveMisses)) - missesBefore, 2)
      assert.strictEqual((yield* counted(Supervisor.restarts, "keepalive")) - keepaliveRestartsBefore, 1)
      assert.strictEqual(text(yield* host.callTool("everything__echo", { message: "awake" })), "Echo: awake")
      assert.notStrictEqual(yield* serverPid, paused)
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
