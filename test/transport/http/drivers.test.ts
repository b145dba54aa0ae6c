/**
 * The two HTTP drivers under the transport, through their common interface:
 * bodies read whole within the limit, event streams read as they arrive,
 * requests destroyed when interrupted or when their scope closes mid-stream.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as Scope from "effect/Scope"
import { SharedDispatcher } from "../../../src/index.ts"
import type * as Driver from "../../../src/transport/http/Driver.ts"
import * as HttpClientDriver from "../../../src/transport/http/HttpClientDriver.ts"
import * as NodeDriver from "../../../src/transport/http/NodeDriver.ts"
import * as Faults from "../../support/HttpFaultServer.ts"

const drivers: ReadonlyArray<{
  readonly name: string
  readonly driver: Effect.Effect<Driver.Driver, never, Scope.Scope>
}> = [
  { name: "node:http", driver: NodeDriver.withDriver(Effect.succeed) },
  {
    name: "effect/http HttpClient",
    driver: SharedDispatcher.provideHttpClient(Effect.map(Effect.service(HttpClient.HttpClient), HttpClientDriver.of))
  }
]

const post = (url: string, body: unknown = {}): Driver.Request => ({
  method: "POST",
  url: new URL(url),
  headers: { accept: "application/json, text/event-stream" },
  body: JSON.stringify(body)
})

describe.each(drivers)("the HTTP driver on $name", ({ driver: acquire }) => {
  it.live("reads a JSON body whole, unicode split across chunks included, and sends the body as JSON", () =>
    Effect.gen(function*() {
      const text = `héllo wörld ✓ 🚀 ${"y".repeat(64 * 1024)}`
      const server = yield* Faults.start((exchange) => {
        exchange.response.writeHead(200, { "content-type": "application/json" })
        const reply = Buffer.from(JSON.stringify({ echoed: exchange.body.text }))
        // Cut inside the multi-byte characters.
        exchange.response.write(reply.subarray(0, 12))
        exchange.response.end(reply.subarray(12))
      })
      const driver = yield* acquire
      const response = yield* Effect.scoped(Effect.flatMap(
        driver.request(post(server.url, { text }), 1024 * 1024),
        (response) => Effect.map(response.text, (body) => ({ status: response.status, body }))
      ))
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(JSON.parse(response.body), { echoed: text })
      assert.strictEqual(server.seen[0]!.headers["content-type"], "application/json")
    }).pipe(Effect.scoped))

  it.live("a body past the limit fails with MessageTooLarge, counting what arrived", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        exchange.response.writeHead(200, { "content-type": "application/json" })
        exchange.response.end(JSON.stringify({ text: "x".repeat(10_000) }))
      })
      const driver = yield* acquire
      const error = yield* Effect.flip(
        Effect.scoped(Effect.flatMap(driver.request(post(server.url), 1_000), (response) => response.text))
      )
      assert.strictEqual(error._tag, "MessageTooLarge")
      if (error._tag === "MessageTooLarge") {
        assert.strictEqual(error.limitBytes, 1_000)
        assert.isAbove(error.receivedBytes ?? 0, 1_000)
      }
    }).pipe(Effect.scoped))

  it.live("an event stream's chunks arrive while the stream is still open", () =>
    Effect.gen(function*() {
      let stream: Faults.Exchange | undefined
      const opened = yield* Deferred.make<void>()
      const server = yield* Faults.start((exchange) => {
        stream = exchange
        exchange.response.writeHead(200, { "content-type": "text/event-stream" })
        exchange.response.write("data: first\n\n")
        Deferred.doneUnsafe(opened, Effect.void)
      })
      const driver = yield* acquire
      const first = yield* Deferred.make<string>()
      const chunks: Array<string> = []
      const reading = yield* Effect.forkChild(Effect.scoped(Effect.flatMap(
        driver.request(post(server.url), 1024),
        (response) =>
          response.read((chunk) => {
            chunks.push(Buffer.from(chunk).toString("utf8"))
            Deferred.doneUnsafe(first, Effect.succeed(chunks[0]!))
            return undefined
          }, () => false)
      )))
      yield* Deferred.await(opened)
      // The first event is handed over before the server sends anything more.
      assert.strictEqual(yield* Deferred.await(first), "data: first\n\n")
      stream!.response.end("data: second\n\n")
      yield* Fiber.join(reading)
      assert.strictEqual(chunks.join(""), "data: first\n\ndata: second\n\n")
    }).pipe(Effect.scoped))

  it.live("interrupting a request that waits for its head closes its connection", () =>
    Effect.gen(function*() {
      const received = yield* Deferred.make<void>()
      const closed = yield* Deferred.make<void>()
      const server = yield* Faults.start((exchange) => {
        exchange.request.socket.once("close", () => Deferred.doneUnsafe(closed, Effect.void))
        Deferred.doneUnsafe(received, Effect.void)
      })
      const driver = yield* acquire
      const waiting = yield* Effect.forkChild(Effect.scoped(driver.request(post(server.url), 1024)))
      yield* Deferred.await(received)
      yield* Fiber.interrupt(waiting)
      yield* Deferred.await(closed)
    }).pipe(Effect.scoped))

  it.live("an event stream still open when its request's scope closes is closed", () =>
    Effect.gen(function*() {
      let stream: Faults.Exchange | undefined
      const closed = yield* Deferred.make<void>()
      const server = yield* Faults.start((exchange) => {
        stream = exchange
        exchange.request.socket.once("close", () => Deferred.doneUnsafe(closed, Effect.void))
        exchange.response.writeHead(200, { "content-type": "text/event-stream" })
        exchange.response.write("data: one\n\n")
      })
      const driver = yield* acquire
      const first = yield* Deferred.make<void>()
      let seen = 0
      // Stops once it has what it waited for (and the chunk after); the server never ends the stream.
      const reading = yield* Effect.forkChild(Effect.scoped(Effect.flatMap(
        driver.request(post(server.url), 1024),
        (response) =>
          response.read(() => {
            seen++
            Deferred.doneUnsafe(first, Effect.void)
            return undefined
          }, () => seen >= 1)
      )))
      yield* Deferred.await(first)
      stream!.response.write("data: two\n\n")
      yield* Fiber.join(reading)
      yield* Deferred.await(closed)
      assert.strictEqual(seen, 2)
    }).pipe(Effect.scoped))
})

describe("the node:http driver's agent", () => {
  it.live("50 sequential POSTs use one connection", () =>
    Effect.gen(function*() {
      let connections = 0
      const server = yield* Faults.start((exchange) => {
        exchange.response.writeHead(200, { "content-type": "application/json" })
        exchange.response.end(JSON.stringify({ id: exchange.body.id }))
      })
      server.server.on("connection", () => connections++)
      const driver = yield* NodeDriver.withDriver(Effect.succeed)
      const url = new URL(server.url)
      for (let id = 1; id <= 50; id++) {
        const body = yield* Effect.scoped(Effect.flatMap(
          driver.request({ method: "POST", url, headers: {}, body: JSON.stringify({ id }) }, 1024),
          (response) => response.text
        ))
        assert.deepStrictEqual(JSON.parse(body), { id })
      }
      assert.strictEqual(connections, 1)
    }).pipe(Effect.scoped))

  it.live("a request on a kept-alive connection the server closes as it arrives is sent again on a new one", () =>
    Effect.gen(function*() {
      // Each connection answers its first request; a second one on it finds the connection closed, as when the
      // server's idle timeout ends a connection just as the client reuses it.
      const answered = new WeakSet<object>()
      let connections = 0
      const server = yield* Faults.start((exchange) => {
        const socket = exchange.request.socket
        if (answered.has(socket)) {
          socket.destroy()
          return
        }
        answered.add(socket)
        exchange.response.writeHead(200, { "content-type": "application/json" })
        exchange.response.end(JSON.stringify({ id: exchange.body.id }))
      })
      server.server.on("connection", () => connections++)
      const driver = yield* NodeDriver.withDriver(Effect.succeed)
      const url = new URL(server.url)
      const call = (id: number) =>
        Effect.scoped(Effect.flatMap(
          driver.request({ method: "POST", url, headers: {}, body: JSON.stringify({ id }) }, 1024),
          (response) => response.text
        ))
      assert.deepStrictEqual(JSON.parse(yield* call(1)), { id: 1 })
      assert.deepStrictEqual(JSON.parse(yield* call(2)), { id: 2 })
      assert.deepStrictEqual(server.seen.map((exchange) => exchange.body.id), [1, 2, 2])
      assert.strictEqual(connections, 2)
    }).pipe(Effect.scoped))

  it.live("a request whose new connection is reset is not sent again, and fails naming the reset", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        exchange.request.socket.destroy()
      })
      const driver = yield* NodeDriver.withDriver(Effect.succeed)
      const error = yield* Effect.flip(Effect.scoped(
        driver.request({ method: "POST", url: new URL(server.url), headers: {}, body: "{}" }, 1024)
      ))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "ECONNRESET")
      assert.strictEqual(server.seen.length, 1)
    }).pipe(Effect.scoped))
})
