/** The HTTP transport against a scripted server: sessions, resumption, expiry, bad bodies, secrets. */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Redacted } from "effect"
import { HttpTransport, McpClient } from "../../../src/index.ts"
import { type Driver, drivers } from "../../support/HttpDrivers.ts"
import * as Faults from "../../support/HttpFaultServer.ts"

/** A session in the current scope over HTTP. */
const connectWith = (driver: Driver) =>
(
  url: string,
  options: Partial<McpClient.Options> = {},
  transport: Partial<HttpTransport.Options> = {}
) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(driver.layer({ url, ...transport }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", ...options }).pipe(Effect.provideContext(context))
  })

const sse = (events: ReadonlyArray<{ readonly id?: string; readonly data: unknown }>, retry?: number) =>
  (retry === undefined ? "" : `retry: ${retry}\n\n`) +
  events.map((e) => `${e.id === undefined ? "" : `id: ${e.id}\n`}data: ${JSON.stringify(e.data)}\n\n`).join("")

describe.each(drivers)("HttpTransport against a scripted server over $name", (driver) => {
  const connect = connectWith(driver)

  it.live("captures the session id and sends it, with the negotiated version, on later requests", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "session-1")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const client = yield* connect(server.url)
      yield* client.listTools()
      const list = server.seen.find((e) => e.body?.method === "tools/list")!
      assert.strictEqual(list.headers["mcp-session-id"], "session-1")
      assert.strictEqual(list.headers["mcp-protocol-version"], "2025-11-25")
      assert.include(String(list.headers.accept), "text/event-stream")
      const init = server.seen.find((e) => e.body?.method === "initialize")!
      assert.isUndefined(init.headers["mcp-session-id"])
    }).pipe(Effect.scoped))

  it.live("resumes a response stream cut before its reply, delivering each event once", () =>
    Effect.gen(function*() {
      let resumedWith: string | undefined
      const server = yield* Faults.start((exchange) => {
        if (exchange.method === "GET" && exchange.headers["last-event-id"] !== undefined) {
          resumedWith = String(exchange.headers["last-event-id"])
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          // Repeats event 2 (already seen), then the rest.
          exchange.response.end(sse([
            {
              id: "2",
              data: {
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken: call!.id, progress: 2 }
              }
            },
            {
              id: "3",
              data: {
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken: call!.id, progress: 3 }
              }
            },
            { id: "4", data: { jsonrpc: "2.0", id: call!.id, result: { content: [{ type: "text", text: "done" }] } } }
          ]))
          return
        }
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "tools/call") {
          call = exchange.body
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          // Two progress events, then the connection drops.
          exchange.response.end(sse([
            {
              id: "1",
              data: {
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken: call.id, progress: 1 }
              }
            },
            {
              id: "2",
              data: {
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken: call.id, progress: 2 }
              }
            }
          ], 10))
          return
        }
        Faults.json(exchange, {
          jsonrpc: "2.0",
          id: exchange.body.id,
          result: { tools: [{ name: "t", inputSchema: {} }] }
        })
      })
      let call: any
      const client = yield* connect(server.url)
      const seen: Array<number> = []
      const result = yield* client.callTool("t", {}, { onProgress: (p) => void seen.push(p.progress) })
      assert.deepStrictEqual(result.content, [{ type: "text", text: "done" }])
      assert.deepStrictEqual(seen, [1, 2, 3])
      assert.strictEqual(resumedWith, "2")
    }).pipe(Effect.scoped))

  it.live("a 404 for the session is SessionExpired; with recovery, safe requests are repeated in a new session", () =>
    Effect.gen(function*() {
      let sessions = 0
      const expired = new Set<string>()
      const current = () => `s${sessions}`
      const server = yield* Faults.start((exchange) => {
        if (exchange.body?.method === "initialize") {
          sessions++
          Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: Faults.initializeResult }, {
            "mcp-session-id": current()
          })
          return
        }
        if (expired.has(String(exchange.headers["mcp-session-id"]))) {
          exchange.response.writeHead(404).end()
          return
        }
        if (Faults.lifecycle(exchange, current())) return
        if (exchange.body?.method === "tools/list") {
          Faults.json(exchange, {
            jsonrpc: "2.0",
            id: exchange.body.id,
            result: {
              tools: [
                { name: "write", inputSchema: {} },
                { name: "read", inputSchema: {}, annotations: { readOnlyHint: true } }
              ]
            }
          })
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { content: [] } })
      })
      const plain = yield* connect(server.url, { recoverSessions: false })
      expired.add(current())
      assert.strictEqual((yield* Effect.flip(plain.listTools()))._tag, "SessionExpired")

      const recovering = yield* connect(server.url, { trustToolAnnotations: true })
      yield* recovering.listTools()
      expired.add(current())
      assert.strictEqual((yield* recovering.listTools()).tools.length, 2)
      expired.add(current())
      // A tool annotated read-only is repeated in a new session, when annotations are trusted…
      assert.deepStrictEqual((yield* recovering.callTool("read")).content, [])
      expired.add(current())
      // …any other tool call is not, but the session is renewed for what follows.
      assert.strictEqual((yield* Effect.flip(recovering.callTool("write")))._tag, "SessionExpired")
      yield* recovering.listTools()
      const initializes = server.seen.filter((e) => e.body?.method === "initialize").length
      assert.strictEqual(initializes, 5)
    }).pipe(Effect.scoped))

  it.live("a body past the limit fails with MessageTooLarge; a garbage body with TransportError; the session goes on", () =>
    Effect.gen(function*() {
      let mode = "big"
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "ping") {
          if (mode === "big") {
            Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { pad: "x".repeat(200_000) } })
          } else if (mode === "garbage") {
            exchange.response.writeHead(200, { "content-type": "application/json" })
            exchange.response.end("<html>not json</html>")
          } else {
            Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
          }
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const client = yield* connect(server.url, {}, { maxMessageBytes: 100_000 })
      assert.strictEqual((yield* Effect.flip(client.ping()))._tag, "MessageTooLarge")
      mode = "garbage"
      assert.strictEqual((yield* Effect.flip(client.ping()))._tag, "TransportError")
      mode = "ok"
      yield* client.ping()
    }).pipe(Effect.scoped))

  it.live("secret header values reach the server but never an error message", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "s")) return
        exchange.response.writeHead(500).end()
      })
      const client = yield* connect(server.url, {}, {
        headers: { authorization: Redacted.make("Bearer top-secret-token") },
        headerProvider: Effect.succeed({ "x-api-key": Redacted.make("another-secret") })
      })
      const error = yield* Effect.flip(client.ping())
      assert.strictEqual(error._tag, "TransportError")
      assert.notInclude(error.message, "top-secret-token")
      assert.notInclude(JSON.stringify(error), "top-secret-token")
      assert.notInclude(String(error), "another-secret")
      const ping = server.seen.find((e) => e.body?.method === "ping")!
      assert.strictEqual(ping.headers.authorization, "Bearer top-secret-token")
      assert.strictEqual(ping.headers["x-api-key"], "another-secret")
    }).pipe(Effect.scoped))

  it.live("interrupting a call aborts its POST (and, before 2026-07-28, posts notifications/cancelled)", () =>
    Effect.gen(function*() {
      const aborted = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "tools/call") {
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write(": keep-alive\n\n")
          exchange.response.on("close", () => Deferred.doneUnsafe(aborted, Effect.void))
          Deferred.doneUnsafe(started, Effect.void)
          return
        }
        Faults.json(exchange, {
          jsonrpc: "2.0",
          id: exchange.body.id,
          result: { tools: [{ name: "slow", inputSchema: {} }] }
        })
      })
      const client = yield* connect(server.url)
      const call = yield* Effect.forkChild(client.callTool("slow"))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(call)
      yield* Deferred.await(aborted)
      for (let i = 0; i < 50 && !server.seen.some((e) => e.body?.method === "notifications/cancelled"); i++) {
        yield* Effect.sleep("10 millis")
      }
      assert.isTrue(server.seen.some((e) => e.body?.method === "notifications/cancelled"))
    }).pipe(Effect.scoped))

  it.live("a server whose event stream cannot be reopened, the connection refused each time, ends the session", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (exchange.method === "GET") {
          // The stream opens, then the server goes away.
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write(": open\n\n")
          return
        }
        if (Faults.lifecycle(exchange, "session-gone")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const client = yield* connect(server.url, { era: "legacy" }, { maxResumptions: 2, defaultRetry: "10 millis" })
      yield* client.ping()
      yield* Effect.callback<void>((resume) => {
        server.server.closeAllConnections()
        server.server.close(() => resume(Effect.void))
      })
      // Pings fail (refused) until the stream's last reopening is refused too; then the session has ended with it.
      let ended = yield* Effect.flip(client.ping())
      for (let i = 0; i < 100 && !ended.message.includes("event stream"); i++) {
        ended = yield* Effect.flip(client.ping().pipe(Effect.delay("50 millis")))
      }
      assert.strictEqual(ended._tag, "TransportError")
      assert.include(ended.message, "event stream could not be reopened")
      assert.include(ended.message, "ECONNREFUSED")
    }).pipe(Effect.scoped))

  it.live("closing the session sends DELETE", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "to-delete")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      yield* Effect.scoped(Effect.flatMap(connect(server.url), (client) => client.ping()))
      const deleted = server.seen.find((e) => e.method === "DELETE")
      assert.strictEqual(deleted?.headers["mcp-session-id"], "to-delete")
    }).pipe(Effect.scoped))
  it.live("sessions share connections, and closing the last session closes every socket", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "shared")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const sockets: Array<Promise<void>> = []
      server.server.on("connection", (socket) => sockets.push(new Promise((resolve) => socket.on("close", resolve))))
      yield* Effect.gen(function*() {
        const clients = yield* Effect.all(Array.from({ length: 4 }, () => connect(server.url)))
        for (const client of clients) yield* client.listTools()
        // Sessions reuse each other's idle connections instead of each opening its own.
        assert.isAbove(sockets.length, 0)
        assert.isBelow(sockets.length, clients.length)
      }).pipe(Effect.scoped)
      // Closing the last session destroys the dispatcher: the server sees every connection end.
      yield* Effect.promise(() => Promise.all(sockets)).pipe(Effect.timeout("5 seconds"))
    }).pipe(Effect.scoped))
})
