// What an idle open stdio session holds, layer by layer: heap growth per session (100 sessions, after 10 warm-up
// sessions and a GC), opened against bench/server.mjs with the compiled package (build it first: `npm run build`
// or `npm run bench`). Run with `node --expose-gc bench/stdio-heap.mjs <what>`, where <what> is
//   spawn      Node's child_process.spawn alone, the pipes read and written by listeners (a floor)
//   spawner    effect/process's spawner alone, the child's stdout, stderr and stdin left unread, with the spawner's
//              layer built for each session (as StdioTransport.makeNode does)
//   spawner-once  the same with the spawner's layer built once for all sessions
//   transport  StdioTransport.makeNode, its incoming stream not read
//   transport-read  the same with its incoming stream drained by a fiber (as the engine reads it)
//   transport-reply  the same after one message sent and its reply read
//   session    McpClient.make over it (the handshake done: one request)
//   listed     the same after one tools/list
import { spawn } from "node:child_process"
import * as McpClient from "effect-mcp-client/McpClient"
import * as StdioTransport from "effect-mcp-client/StdioTransport"
import { Transport } from "effect-mcp-client/Transport"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ChildProcess from "effect/process/ChildProcess"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as NodeChildProcessSpawner from "@effect/platform-node/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { fileURLToPath } from "node:url"

const what = process.argv[2] ?? "session"
const server = fileURLToPath(new URL("./server.mjs", import.meta.url))
const options = { command: process.execPath, args: [server, "stdio"], stderr: "ignore" }
const spawnerLayer = NodeChildProcessSpawner.layer.pipe(Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer)))

let shared
const sharedSpawner = async () =>
  shared ??= await Effect.runPromise(Effect.scoped(Layer.build(spawnerLayer)))

const open = async () => {
  if (what === "spawn") {
    const child = spawn(process.execPath, [server, "stdio"], { stdio: ["pipe", "pipe", "pipe"] })
    child.stdout.on("data", () => {})
    child.stderr.on("data", () => {})
    return async () => {
      child.stdin.end()
      await new Promise((resolve) => child.on("exit", resolve))
    }
  }
  const scope = Effect.runSync(Scope.make())
  const program = what === "spawner"
    ? Effect.flatMap(
      Effect.service(ChildProcessSpawner.ChildProcessSpawner),
      (spawner) => spawner.spawn(ChildProcess.make(process.execPath, [server, "stdio"]))
    ).pipe(Effect.provide(spawnerLayer))
    : what === "spawner-once"
    ? Effect.flatMap(
      Effect.service(ChildProcessSpawner.ChildProcessSpawner),
      (spawner) => spawner.spawn(ChildProcess.make(process.execPath, [server, "stdio"]))
    ).pipe(Effect.provideContext(await sharedSpawner()))
    : what === "transport"
    ? StdioTransport.makeNode(options)
    : what === "transport-reply"
    ? Effect.flatMap(StdioTransport.makeNode(options), (transport) =>
      Effect.flatMap(
        Effect.forkScoped(Stream.runHead(transport.incoming)),
        (fiber) =>
          Effect.andThen(
            transport.send({ jsonrpc: "2.0", id: 1, method: "ping" }),
            Effect.andThen(Fiber.join(fiber), Effect.forkScoped(Stream.runDrain(transport.incoming)))
          )
      ))
    : what === "transport-read"
    ? Effect.flatMap(StdioTransport.makeNode(options), (transport) =>
      Effect.forkScoped(Stream.runDrain(transport.incoming)))
    : McpClient.make({ name: "heap", version: "1", era: "legacy" }).pipe(
      Effect.provideServiceEffect(Transport, StdioTransport.makeNode(options)),
      Effect.tap((client) => what === "listed" ? client.listTools() : Effect.void)
    )
  await Effect.runPromise(Scope.provide(program, scope))
  return () => Effect.runPromise(Scope.close(scope, Exit.void))
}

const first = []
for (let i = 0; i < 10; i++) first.push(await open())
globalThis.gc()
const before = process.memoryUsage().heapUsed
const sessions = []
for (let i = 0; i < 100; i++) sessions.push(await open())
globalThis.gc()
const after = process.memoryUsage().heapUsed
process.stdout.write(`${what}: ${((after - before) / 100 / 1024).toFixed(1)} KiB per session\n`)
for (const close of [...first, ...sessions]) await close()
process.exit(0)
