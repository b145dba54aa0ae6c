/** The real MCP servers of ../shared/tools/peers, started over stdio. */
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { StdioTransport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

/** The peers' start script (shared/ sits beside the repository). */
export const runScript = fileURLToPath(new URL("../../../shared/tools/peers/run.sh", import.meta.url))

/** Whether the peers are there (they are on every machine of this project). */
export const available = existsSync(runScript)

export type Peer = "everything" | "ts-v2" | "effect"

/** The command line that starts a peer over stdio (for configuration files and the CLI). */
export const stdioCommand = (
  peer: Peer,
  extra: ReadonlyArray<string> = []
): { readonly command: string; readonly args: ReadonlyArray<string> } => ({
  command: runScript,
  args: [peer, "stdio", ...extra]
})

/** A stdio transport to a peer. */
export const stdio = (peer: Peer, extra: ReadonlyArray<string> = [], options: Partial<StdioTransport.Options> = {}) =>
  Oracle.layer(StdioTransport.layerNode({
    ...stdioCommand(peer, extra),
    name: peer,
    stderr: "ignore",
    ...options
  }))

/** A free TCP port on 127.0.0.1. */
export const freePort = Effect.callback<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Waits until something accepts connections on the port. */
const reachable = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

/**
 * Runs a peer over HTTP (or the legacy SSE transport) on a free port for the
 * current scope; yields its endpoint URL. The server is stopped (SIGTERM, by
 * pid) when the scope closes.
 */
export const http = (peer: Peer, mode: "http" | "sse" = "http", extra: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const port = yield* freePort
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(runScript, [peer, mode, String(port), ...extra], { stdio: "ignore" })),
      (child) =>
        Effect.callback<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          child.once("exit", () => resume(Effect.void))
          child.kill("SIGTERM")
        }).pipe(Effect.timeout("5 seconds"), Effect.ignore)
    )
    for (let i = 0; i < 300; i++) {
      if (yield* reachable(port)) break
      if (child.exitCode !== null) return yield* Effect.die(new Error(`${peer} exited with ${child.exitCode}`))
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
    }
    return mode === "sse" ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`
  })
