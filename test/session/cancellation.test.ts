import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Queue, Stream } from "effect"
import { TestClock } from "effect/testing"
import { McpClient, MemoryTransport, Transport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"
import * as Seed from "../support/Seed.ts"

describe("cancellation is interruption", () => {
  it.effect("interrupting a call cancels it on the real server, whose handler observes the interruption", () =>
    Effect.gen(function*() {
      const seed = yield* Seed.make()
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const call = yield* Effect.forkChild(client.callTool("slow_tool", {}))
        yield* Deferred.await(seed.started)
        assert.strictEqual(yield* client.pendingRequests, 1)
        yield* Fiber.interrupt(call)
        assert.strictEqual(yield* client.pendingRequests, 0)
        assert.strictEqual(yield* Queue.take(seed.cancelled), "slow_tool")
        // The session is still usable.
        const sum = yield* client.callTool("calculator", { operation: "add", a: 2, b: 2 })
        assert.deepStrictEqual(sum.content, [{ type: "text", text: "4" }])
      }).pipe(Effect.provide(seed.layer))
    }))

  it.effect("sends notifications/cancelled with the request's id, and drops the late response", () =>
    Effect.gen(function*() {
      const held: Array<Scripted.Received> = []
      const { client, peer, sent } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/call") {
            held.push(message)
            return Effect.void
          }
          return Scripted.reply(peer, message, {})
        }
      })
      const call = yield* Effect.forkChild(client.callTool("slow"))
      const request = yield* Scripted.takeUntil(sent, (m) => m.method === "tools/call")
      yield* Fiber.interrupt(call)
      const cancelled = yield* Scripted.takeUntil(sent, (m) => m.method === "notifications/cancelled")
      assert.strictEqual(cancelled.params.requestId, request.id)
      assert.isString(cancelled.params.reason)
      assert.strictEqual(yield* client.pendingRequests, 0)
      // The response crosses the cancellation: it is ignored.
      yield* Scripted.reply(peer, held[0]!, { content: [{ type: "text", text: "too late" }] })
      yield* client.ping()
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("initialize is never cancelled", () =>
    Effect.gen(function*() {
      // A server that never answers.
      const { client: transport, peer } = yield* MemoryTransport.makePair
      const sent = yield* Queue.unbounded<Scripted.Received>()
      yield* Effect.forkScoped(Stream.runForEach(peer.incoming, (m) => Queue.offer(sent, m as Scripted.Received)))
      const connecting = yield* McpClient.make({ name: "c", version: "1", era: "legacy" }).pipe(
        Effect.provideService(Transport.Transport, transport),
        Effect.scoped,
        Effect.forkChild
      )
      const init = yield* Queue.take(sent)
      assert.strictEqual(init.method, "initialize")
      yield* Fiber.interrupt(connecting)
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      assert.isTrue((yield* Queue.poll(sent))._tag === "None")
    }))
})

describe("deadlines", () => {
  it.effect("a per-call timeout fails with RequestTimeout and cancels the request on the server", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({
        onRequest: (message, peer) => (message.method === "tools/call" ? undefined : Scripted.reply(peer, message, {}))
      })
      const call = yield* Effect.forkChild(Effect.flip(client.callTool("slow", {}, { timeout: "5 seconds" })))
      const request = yield* Scripted.takeUntil(sent, (m) => m.method === "tools/call")
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual(yield* client.pendingRequests, 1)
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "RequestTimeout")
      if (error._tag === "RequestTimeout") {
        assert.strictEqual(error.method, "tools/call")
        assert.strictEqual(error.timeoutMillis, 5000)
      }
      const cancelled = yield* Scripted.takeUntil(sent, (m) => m.method === "notifications/cancelled")
      assert.strictEqual(cancelled.params.requestId, request.id)
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("the session's default timeout applies to every request", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({ onRequest: () => undefined }, { timeout: "30 seconds" })
      const call = yield* Effect.forkChild(Effect.flip(client.ping()))
      yield* TestClock.adjust("30 seconds")
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "RequestTimeout")
    }))

  it.effect("an infinite timeout waits for the answer", () =>
    Effect.gen(function*() {
      const held: Array<Scripted.Received> = []
      const { client, peer } = yield* Scripted.client({
        onRequest: (message) => {
          held.push(message)
          return Effect.void
        }
      }, { timeout: "1 second" })
      const call = yield* Effect.forkChild(client.ping({ timeout: "Infinity" }))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(held.length, 1)
      yield* Scripted.reply(peer, held[0]!, {})
      yield* Fiber.join(call)
    }))

  it.effect("deadlines still fire after the session was idle, and a shorter one overtakes a longer one", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => (message.method === "tools/call" ? undefined : Scripted.reply(peer, message, {}))
      }, { timeout: "1 minute" })
      yield* client.ping()
      // A turn of the event loop with nothing pending: the session stops watching deadlines.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      const long = yield* Effect.forkChild(Effect.flip(client.callTool("slow", {})))
      yield* TestClock.adjust("1 second")
      // Sent while the session sleeps until the first call's deadline, 59 seconds away.
      const short = yield* Effect.forkChild(Effect.flip(client.callTool("slow", {}, { timeout: "5 seconds" })))
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual((yield* Fiber.join(short))._tag, "RequestTimeout")
      assert.strictEqual(yield* client.pendingRequests, 1)
      yield* TestClock.adjust("54 seconds")
      assert.strictEqual((yield* Fiber.join(long))._tag, "RequestTimeout")
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))
})
