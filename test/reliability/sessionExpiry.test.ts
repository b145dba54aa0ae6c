/** Sessions that a restarted server forgot are renewed, with only safe requests repeated. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { McpClient } from "../../src/index.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Restartable from "../support/Restartable.ts"

const connectWith = (driver: Driver) => (url: string, options: Partial<McpClient.Options> = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(driver.layer({ url }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", ...options }).pipe(Effect.provideContext(context))
  })

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  (result.content as ReadonlyArray<{ readonly text?: string }>).map((block) => block.text ?? "").join("")

describe.each(drivers)("session expiry over $name", (driver) => {
  const connect = connectWith(driver)

  it.live("the answers servers give for an unknown session renew it; concurrent callers share one initialize", () =>
    Effect.gen(function*() {
      let sessions = 0
      let answer: "404" | "400-no-valid" | "400-not-initialized" | "400-other" = "404"
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
          const message = answer === "400-no-valid"
            ? "Bad Request: No valid session ID provided"
            : answer === "400-not-initialized"
            ? "Bad Request: Server not initialized"
            : "Bad Request: malformed arguments"
          if (answer === "404") exchange.response.writeHead(404).end()
          else {
            exchange.response.writeHead(400, { "content-type": "application/json" })
            exchange.response.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message } }))
          }
          return
        }
        if (Faults.lifecycle(exchange, current())) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const client = yield* connect(server.url)
      yield* client.listTools()
      const initializes = () => server.seen.filter((e) => e.body?.method === "initialize").length
      for (const kind of ["404", "400-no-valid", "400-not-initialized"] as const) {
        answer = kind
        expired.add(current())
        const before = initializes()
        yield* Effect.all([client.listTools(), client.listTools(), client.ping(), client.listTools()], {
          concurrency: "unbounded"
        })
        assert.strictEqual(initializes(), before + 1, kind)
      }
      // Another 400 is the server's answer to the request, not an expiry.
      answer = "400-other"
      expired.add(current())
      const other = yield* Effect.flip(client.listTools())
      assert.strictEqual(other._tag, "McpServerError")
      // With recovery turned off, the session stays expired.
      answer = "404"
      const plain = yield* connect(server.url, { recoverSessions: false })
      expired.add(current())
      assert.strictEqual((yield* Effect.flip(plain.listTools()))._tag, "SessionExpired")
    }).pipe(Effect.scoped))

  it.live("a server that keeps forgetting fails the request with SessionExpired, after one renewal", () =>
    Effect.gen(function*() {
      let renewing = false
      const server = yield* Faults.start((exchange) => {
        if (exchange.body?.method === "initialize") {
          Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: Faults.initializeResult }, {
            "mcp-session-id": `s${server.seen.length}`
          })
          return
        }
        if (renewing && exchange.headers["mcp-session-id"] !== undefined && exchange.body?.method === "tools/list") {
          exchange.response.writeHead(404).end()
          return
        }
        if (Faults.lifecycle(exchange, "s")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const client = yield* connect(server.url)
      yield* client.listTools()
      renewing = true
      assert.strictEqual((yield* Effect.flip(client.listTools()))._tag, "SessionExpired")
      assert.strictEqual(server.seen.filter((e) => e.body?.method === "initialize").length, 2)
      yield* client.ping()
    }).pipe(Effect.scoped))

  it.live("a late 404 for a request of the replaced session leaves the new session alone", () =>
    Effect.gen(function*() {
      let sessions = 0
      const expired = new Set<string>()
      const held: Array<Faults.Exchange> = []
      const server = yield* Faults.start((exchange) => {
        if (exchange.body?.method === "initialize") {
          sessions++
          Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: Faults.initializeResult }, {
            "mcp-session-id": `s${sessions}`
          })
          return
        }
        if (exchange.body?.method === "tools/call") return void held.push(exchange)
        if (exchange.headers["mcp-session-id"] === undefined && exchange.method === "POST") {
          exchange.response.writeHead(400, { "content-type": "application/json" })
          return void exchange.response.end(
            JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "Bad Request: no session" } })
          )
        }
        if (expired.has(String(exchange.headers["mcp-session-id"]))) return void exchange.response.writeHead(404).end()
        if (Faults.lifecycle(exchange, `s${sessions}`)) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const client = yield* connect(server.url)
      yield* client.listTools()
      const late = yield* Effect.forkChild(Effect.flip(client.callTool("slow")), { startImmediately: true })
      while (held.length === 0) yield* Effect.yieldNow
      expired.add("s1")
      yield* client.listTools()
      assert.strictEqual(sessions, 2)
      // The server now answers the call sent in the first session.
      held[0]!.response.writeHead(404).end()
      assert.strictEqual((yield* Fiber.join(late))._tag, "SessionExpired")
      yield* client.listTools()
      yield* client.ping()
      assert.strictEqual(sessions, 2)
    }).pipe(Effect.scoped))

  describe("real servers restarted mid-session", () => {
    it.live(
      "everything (HTTP 400 'No valid session ID'): safe requests recover; echo is not repeated unless trusted",
      () =>
        Effect.gen(function*() {
          const peer = yield* Restartable.http("everything")
          const client = yield* connect(peer.url)
          const trusting = yield* connect(peer.url, { trustToolAnnotations: true })
          assert.strictEqual(textOf(yield* client.callTool("echo", { message: "before" })), "Echo: before")
          yield* trusting.listTools()
          const inFlight = yield* Effect.forkChild(
            Effect.flip(client.callTool("trigger-long-running-operation", { duration: 30, steps: 3 })),
            { startImmediately: true }
          )
          yield* peer.restart
          // The call in flight when the server stopped fails with a typed error instead of waiting on.
          const lost = yield* Fiber.join(inFlight)
          assert.oneOf(lost._tag, ["TransportError", "SessionExpired"])
          // echo claims to be read-only; that claim alone does not repeat it.
          assert.strictEqual((yield* Effect.flip(client.callTool("echo", { message: "after" })))._tag, "SessionExpired")
          const [tools] = yield* Effect.all([client.listTools(), client.ping(), client.listTools()], {
            concurrency: "unbounded"
          })
          assert.isAbove(tools.tools.length, 0)
          assert.strictEqual(textOf(yield* client.callTool("echo", { message: "again" })), "Echo: again")
          // A client that trusts annotations repeats echo in the new session.
          assert.strictEqual(textOf(yield* trusting.callTool("echo", { message: "trusted" })), "Echo: trusted")
          assert.strictEqual(yield* client.pendingRequests, 0)
        }).pipe(Effect.scoped),
      120_000
    )

    it.live(
      "ts-v2 (HTTP 404): calls in flight fail typed, the next ones run in a new session",
      () =>
        Effect.gen(function*() {
          const peer = yield* Restartable.http("ts-v2")
          const client = yield* connect(peer.url, { era: "legacy" })
          assert.strictEqual(textOf(yield* client.callTool("add", { a: 1, b: 2 })), "3")
          const inFlight = yield* Effect.forkChild(
            Effect.flip(client.callTool("slow", { steps: 100, delayMs: 1000 })),
            { startImmediately: true }
          )
          yield* peer.restart
          assert.oneOf((yield* Fiber.join(inFlight))._tag, ["TransportError", "SessionExpired"])
          yield* Effect.all([client.listTools(), client.ping()], { concurrency: "unbounded" })
          assert.strictEqual(textOf(yield* client.callTool("add", { a: 2, b: 40 })), "42")
          assert.strictEqual(yield* client.pendingRequests, 0)
        }).pipe(Effect.scoped),
      120_000
    )
  })
})
