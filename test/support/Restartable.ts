/**
 * A real peer over HTTP on a fixed port that the test can restart: the
 * process is stopped (SIGTERM, awaited) and started again on the same port,
 * so that a session opened before meets a server that has forgotten it.
 */
import { Effect } from "effect"
import type { ChildProcess } from "node:child_process"
import { spawn } from "node:child_process"
import * as Peers from "./Peers.ts"

const stopped = (child: ChildProcess) =>
  Effect.callback<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
    child.kill("SIGTERM")
  }).pipe(Effect.timeout("10 seconds"), Effect.orDie)

/**
 * Starts `peer` over HTTP for the current scope; `restart` stops it and starts it again on the same port, `stop` and
 * `start` do each half (the port stays free meanwhile: connections to it are refused).
 */
export const http = (peer: Peers.Peer) =>
  Effect.gen(function*() {
    const port = yield* Peers.freePort
    let child: ChildProcess | undefined
    const start = Effect.gen(function*() {
      const [command, ...args] = Peers.commandLine(peer, "http", port, [])
      const started = spawn(command!, args, { stdio: "ignore" })
      child = started
      for (let i = 0; i < 300; i++) {
        if (yield* Peers.reachable(port)) return
        if (started.exitCode !== null) return yield* Effect.die(new Error(`${peer} exited with ${started.exitCode}`))
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
      }
      return yield* Effect.die(new Error(`${peer} did not listen on ${port}`))
    })
    const stop = Effect.suspend(() => child === undefined ? Effect.void : stopped(child))
    yield* Effect.acquireRelease(start, () => stop)
    return { url: `http://127.0.0.1:${port}/mcp`, restart: Effect.andThen(stop, start), stop, start }
  })
