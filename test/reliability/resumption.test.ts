/** A response stream that breaks mid-event is resumed with Last-Event-ID, each message delivered once. */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { HttpTransport, McpClient, Resumption } from "../../src/index.ts"
import * as CuttingProxy from "../support/CuttingProxy.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Peers from "../support/Peers.ts"

const connectWith = (driver: Driver) => (url: string, transport: Partial<HttpTransport.Options> = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(driver.layer({ url, defaultRetry: 10, ...transport }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
      Effect.provideContext(context)
    )
  })

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  (result.content as ReadonlyArray<{ readonly text?: string }>).map((block) => block.text ?? "").join("")

describe.each(drivers)("resumption after a broken stream over $name", (driver) => {
  const connect = connectWith(driver)

  it.live("a socket reset mid-event is resumed after the last complete event", () =>
    Effect.gen(function*() {
      const gets: Array<string> = []
      let call: { readonly id: number; readonly token: unknown } | undefined
      const progress = (value: number) =>
        JSON.stringify({
          jsonrpc: "2.0",
          method: "notifications/progress",
          params: { progressToken: call!.token, progress: value }
        })
      const server = yield* Faults.start((exchange) => {
        if (exchange.method === "GET" && exchange.headers["last-event-id"] !== undefined) {
          gets.push(String(exchange.headers["last-event-id"]))
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          // What follows event 1: event 2, which was cut, then the reply.
          const reply = JSON.stringify({ jsonrpc: "2.0", id: call!.id, result: { content: [] } })
          exchange.response.end(`id: 2\ndata: ${progress(2)}\n\nid: 3\ndata: ${reply}\n\n`)
          return
        }
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "tools/call") {
          call = { id: exchange.body.id, token: exchange.body.params._meta.progressToken }
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          const cutAt = `id: 2\ndata: ${progress(2)}`
          exchange.response.write(
            `retry: 20\nid: 1\ndata: ${progress(1)}\n\n${cutAt.slice(0, cutAt.length - 10)}`,
            () => exchange.response.socket?.resetAndDestroy()
          )
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const client = yield* connect(server.url)
      const seen: Array<number> = []
      const result = yield* client.callTool("t", {}, { onProgress: (p) => void seen.push(p.progress) })
      assert.deepStrictEqual(result.content, [])
      assert.deepStrictEqual(gets, ["1"])
      assert.deepStrictEqual(seen, [1, 2])
    }).pipe(Effect.scoped))

  it.live("a stream that keeps breaking fails with the TransportError of the break, after the bounded attempts", () =>
    Effect.gen(function*() {
      let gets = 0
      const cut = (exchange: Faults.Exchange, id: number) => {
        exchange.response.writeHead(200, { "content-type": "text/event-stream" })
        const complete = JSON.stringify({
          jsonrpc: "2.0",
          method: "notifications/message",
          params: { level: "info", data: "x" }
        })
        exchange.response.write(
          `id: ${id}\ndata: ${complete}\n\nid: ${id + 1}\ndata: {"jsonrpc":"2.0","id"`,
          () => exchange.response.socket?.resetAndDestroy()
        )
      }
      const server = yield* Faults.start((exchange) => {
        if (exchange.method === "GET" && exchange.headers["last-event-id"] !== undefined) {
          gets++
          return cut(exchange, 1)
        }
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "tools/list") return cut(exchange, 1)
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const client = yield* connect(server.url, { maxResumptions: 3 })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(gets, 3)
      yield* client.ping()
    }).pipe(Effect.scoped))

  it.live("the resumption schedule of the application's bounds the GETs", () =>
    Effect.gen(function*() {
      let gets = 0
      const server = yield* Faults.start((exchange) => {
        if (exchange.method === "GET" && exchange.headers["last-event-id"] !== undefined) {
          gets++
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write(
            `retry: 5\nid: 1\ndata: {"jsonrpc"`,
            () => exchange.response.socket?.resetAndDestroy()
          )
          return
        }
        if (Faults.lifecycle(exchange, "s")) return
        if (exchange.body?.method === "tools/list") {
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write(`retry: 5\nid: 1\ndata: \n\n`, () => exchange.response.socket?.resetAndDestroy())
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: {} })
      })
      const client = yield* connect(server.url, {
        maxResumptions: 10,
        resumption: Schedule.recurs(2).pipe(Schedule.addDelay(() => Effect.succeed("1 millis")))
      })
      const error = yield* Effect.flip(client.listTools())
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(gets, 2)
    }).pipe(Effect.scoped))

  it.live(
    "through a proxy that cuts the socket mid-event, in front of the real everything server",
    () =>
      Effect.gen(function*() {
        const url = yield* Peers.http("everything")
        const proxy = yield* CuttingProxy.start(url)
        const client = yield* connect(proxy.url)
        assert.strictEqual(textOf(yield* client.callTool("echo", { message: "warm" })), "Echo: warm")
        proxy.arm()
        const progress: Array<number> = []
        const result = yield* client.callTool("trigger-long-running-operation", { duration: 1, steps: 2 }, {
          onProgress: (p) => void progress.push(p.progress)
        })
        assert.strictEqual(proxy.cuts(), 1)
        assert.include(textOf(result), "completed")
        // Each progress event delivered once, in order, none lost.
        assert.deepStrictEqual(progress, [1, 2])
        assert.strictEqual(yield* client.pendingRequests, 0)
      }).pipe(Effect.scoped),
    60_000
  )
})

describe("the resumption schedule", () => {
  const attempt = (retry: number, serverRetry: boolean): Resumption.Attempt => ({
    retry: Duration.millis(retry),
    serverRetry,
    lastEventId: "7",
    broken: undefined
  })

  /** Runs one step in a fiber and reports after how many milliseconds of TestClock it ended. */
  const waited = (next: (attempt: Resumption.Attempt) => Effect.Effect<boolean>, input: Resumption.Attempt) =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(next(input))
      let elapsed = 0
      while (fiber.pollUnsafe() === undefined) {
        yield* TestClock.adjust("1 millis")
        elapsed++
        if (elapsed > 100_000) throw new Error("never ended")
      }
      return { elapsed, resumed: yield* Fiber.join(fiber) }
    })

  it.effect("the default waits retry × the attempt (at most × 4), for five attempts, then stops", () =>
    Effect.gen(function*() {
      const next = yield* Resumption.stepper(Resumption.schedule())
      const seen: Array<number> = []
      for (let i = 0; i < 5; i++) {
        const { elapsed, resumed } = yield* waited(next, attempt(100, true))
        assert.isTrue(resumed)
        seen.push(elapsed)
      }
      assert.deepStrictEqual(seen, [100, 200, 300, 400, 400])
      // Done: no wait, no further GET.
      assert.isFalse(yield* next(attempt(100, true)))
    }))

  it.effect("the server's retry: is a floor under any schedule; the default retry is not", () =>
    Effect.gen(function*() {
      const quick = Schedule.spaced("10 millis")
      const next = yield* Resumption.stepper(quick)
      assert.strictEqual((yield* waited(next, attempt(500, true))).elapsed, 500)
      assert.strictEqual((yield* waited(next, attempt(500, false))).elapsed, 10)
      const slow = yield* Resumption.stepper(Schedule.spaced("2 seconds"))
      assert.strictEqual((yield* waited(slow, attempt(500, true))).elapsed, 2000)
    }))

  it.effect("bounded: maxAttempts GETs", () =>
    Effect.gen(function*() {
      const next = yield* Resumption.stepper(Resumption.schedule({ maxAttempts: 2, maxFactor: 1 }))
      assert.strictEqual((yield* waited(next, attempt(50, false))).elapsed, 50)
      assert.strictEqual((yield* waited(next, attempt(50, false))).elapsed, 50)
      assert.isFalse(yield* next(attempt(50, false)))
    }))
})
