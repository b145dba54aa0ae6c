/**
 * The real MCP servers the tests talk to, all from this repository: the
 * reference `everything` server (a devDependency) and the project's own test
 * servers under test/servers (one on the official TypeScript SDK v2, one on
 * `effect/ai`'s McpServer), over stdio or HTTP, on 127.0.0.1 only.
 */
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { HttpTransport, StdioTransport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

export type Peer = "everything" | "ts-v2" | "ts-v1-tasks" | "effect"

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The preload that rebinds host-less `listen()` calls to 127.0.0.1 (for servers we do not write). */
export const loopbackGuard = file("../servers/loopback.cjs")

const everythingEntry = file("../../node_modules/@modelcontextprotocol/server-everything/dist/index.js")
const servers: Record<Exclude<Peer, "everything">, string> = {
  "ts-v2": file("../servers/ts-sdk-v2.ts"),
  "ts-v1-tasks": file("../servers/ts-sdk-v1-tasks.ts"),
  effect: file("../servers/effect.ts")
}

/** Node 22 (the one running the tests), quiet about type stripping being experimental. */
const node = [process.execPath, "--disable-warning=ExperimentalWarning"]

/**
 * The `everything` server's environment: scrubbed, since its `get-env` tool
 * returns the whole environment and `gzip-file-as-resource` fetches URLs
 * unless `GZIP_ALLOWED_DOMAINS` restricts them.
 */
const scrubbed = (extra: ReadonlyArray<string> = []) => [
  "-i",
  "PATH=/usr/bin:/bin",
  `HOME=${process.env.TMPDIR ?? "/tmp"}`,
  "GZIP_ALLOWED_DOMAINS=127.0.0.1",
  ...extra
]

/** The full command line of a peer in a transport mode (`everything` runs under `/usr/bin/env`). */
export const commandLine = (
  peer: Peer,
  mode: "stdio" | "http" | "sse",
  port: number | undefined,
  extra: ReadonlyArray<string>
): ReadonlyArray<string> => {
  if (peer !== "everything") {
    return [...node, servers[peer], mode, ...(port === undefined ? [] : [String(port)]), ...extra]
  }
  const server = [...node, "--require", loopbackGuard, everythingEntry]
  if (mode === "stdio") {
    // --inherit-env: exactly the environment the client gives (to test a client's environment policy).
    return extra.includes("--inherit-env")
      ? ["/usr/bin/env", "GZIP_ALLOWED_DOMAINS=127.0.0.1", ...server, "stdio"]
      : ["/usr/bin/env", ...scrubbed(), ...server, "stdio"]
  }
  return ["/usr/bin/env", ...scrubbed([`PORT=${port}`]), ...server, mode === "http" ? "streamableHttp" : "sse"]
}

/**
 * The command line that starts a peer over stdio (for configuration files
 * and the CLI). `extra`: `--protocols 2026-07-28,2025-11-25` for `effect`
 * (the adapters to serve, preferred first); `--inherit-env` for `everything`
 * (keep the environment the client passes instead of a scrubbed one).
 */
export const stdioCommand = (
  peer: Peer,
  extra: ReadonlyArray<string> = []
): { readonly command: string; readonly args: ReadonlyArray<string> } => {
  const [command, ...args] = commandLine(peer, "stdio", undefined, extra)
  return { command: command!, args }
}

/** A stdio transport to a peer, checked against the official schemas. */
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

/** Whether something accepts connections on the port. */
export const reachable = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

/**
 * Runs a peer over HTTP (or, for `everything`, the legacy 2024-11-05 SSE
 * transport) on a free port for the current scope; yields its endpoint URL.
 * The server is stopped (SIGTERM, by pid) when the scope closes.
 */
export const http = (peer: Peer, mode: "http" | "sse" = "http", extra: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    if (mode === "sse" && peer !== "everything") {
      return yield* Effect.die(new Error(`only the everything server offers the SSE transport, not ${peer}`))
    }
    const port = yield* freePort
    const [command, ...args] = commandLine(peer, mode, port, extra)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(command!, args, { stdio: "ignore" })),
      (child) =>
        Effect.callback<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          child.once("exit", () => resume(Effect.void))
          child.kill("SIGTERM")
        }).pipe(Effect.timeout("5 seconds"), Effect.ignore)
    )
    for (let i = 0;; i++) {
      if (yield* reachable(port)) break
      if (child.exitCode !== null || i >= 300) {
        return yield* Effect.die(new Error(`${peer} (${mode}) did not listen on 127.0.0.1:${port}`))
      }
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
    }
    return mode === "sse" ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`
  })

/**
 * A checked transport to a peer: over stdio, or over Streamable HTTP to the
 * peer started for the layer's lifetime (one server process per use).
 */
export const transport = (peer: Peer, mode: "stdio" | "http") =>
  mode === "stdio"
    ? stdio(peer)
    : Layer.unwrap(Effect.map(http(peer), (url) => Oracle.layer(HttpTransport.layerNode({ url }))))
