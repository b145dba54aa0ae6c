import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Queue, Schema, Stream } from "effect"
import { TestClock } from "effect/testing"
import { McpClient, Transport } from "../../src/index.ts"
import * as FeatureServer from "../support/FeatureServer.ts"
import * as Scripted from "../support/Scripted.ts"

/** Moves the clock forward one step at a time, so work scheduled along the way runs in order. */
const advance = (seconds: number, step = 0.5) =>
  Effect.gen(function*() {
    for (let t = 0; t < seconds; t += step) yield* TestClock.adjust(`${step * 1000} millis`)
  })

const connect = McpClient.make({ name: "test", version: "1.0.0" }).pipe(
  Effect.provideServiceEffect(Transport.Transport, FeatureServer.makeTransport)
)

describe("progress", () => {
  it.effect("a call with progress streams every step, in order, then the result (in-process server)", () =>
    Effect.gen(function*() {
      const client = yield* connect
      const events = yield* client.callToolWithProgress("slow", { steps: 4, delayMs: 10 }).pipe(
        Stream.runCollect,
        Effect.forkChild
      )
      yield* advance(1, 0.01)
      const collected = yield* Fiber.join(events)
      assert.deepStrictEqual(
        collected.map((event) => event._tag === "Progress" ? `${event.progress}/${event.total}` : "result"),
        ["1/4", "2/4", "3/4", "4/4", "result"]
      )
      const last = collected[collected.length - 1]!
      assert.deepStrictEqual(last._tag === "Result" ? last.result.content : undefined, [
        { type: "text", text: "done after 4 steps" }
      ])
    }))

  it.effect("the progress token is unique per request and progress is not invited otherwise", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, { content: [] })
      })
      yield* client.callTool("a")
      yield* Stream.runDrain(client.callToolWithProgress("b"))
      yield* Stream.runDrain(client.callToolWithProgress("c"))
      const calls = (yield* Queue.takeAll(sent)).filter((m) => m.method === "tools/call")
      assert.isUndefined(calls[0]!.params._meta)
      const tokens = calls.slice(1).map((m) => m.params._meta.progressToken)
      assert.strictEqual(new Set(tokens).size, 2)
      assert.deepStrictEqual(tokens, calls.slice(1).map((m) => m.id))
    }))

  it.effect.prop(
    "for any interleaving on the wire, all progress arrives in order, then the result",
    [Schema.Array(Schema.Boolean).check(Schema.isMaxLength(30))],
    ([plan]) =>
      Effect.gen(function*() {
        // plan: for each step, true = a progress notification for our call, false = noise (another token, a log)
        const { client } = yield* Scripted.client({
          onRequest: (message, peer) =>
            Effect.gen(function*() {
              if (message.method !== "tools/call") return yield* Scripted.reply(peer, message, {})
              const token = message.params._meta.progressToken
              let n = 0
              for (const mine of plan) {
                yield* mine
                  ? peer.send({
                    jsonrpc: "2.0",
                    method: "notifications/progress",
                    params: { progressToken: token, progress: ++n }
                  })
                  : peer.send({
                    jsonrpc: "2.0",
                    method: "notifications/progress",
                    params: { progressToken: "someone-else", progress: 1 }
                  })
              }
              yield* Scripted.reply(peer, message, { content: [{ type: "text", text: "done" }] })
            })
        })
        const events = yield* Stream.runCollect(client.callToolWithProgress("x"))
        const expected = plan.filter((mine) => mine).map((_, i) => i + 1)
        assert.deepStrictEqual(
          events.filter((e) => e._tag === "Progress").map((e) => (e._tag === "Progress" ? e.progress : 0)),
          expected
        )
        assert.strictEqual(events.length, expected.length + 1)
        assert.strictEqual(events[events.length - 1]!._tag, "Result")
      }).pipe(Effect.scoped),
    { arbitrary: { runs: 50 } }
  )
})

describe("deadlines that respect progress", () => {
  /** A server that sends progress for tools/call every `every` seconds, `steps` times, then never answers. */
  const progressing = (steps: number) =>
    Scripted.client({
      onRequest: (message, peer) => {
        if (message.method !== "tools/call") return Scripted.reply(peer, message, {})
        const token = message.params._meta?.progressToken
        return Effect.forkDetach(Effect.gen(function*() {
          for (let i = 1; i <= steps; i++) {
            yield* Effect.sleep("4 seconds")
            yield* peer.send({
              jsonrpc: "2.0",
              method: "notifications/progress",
              params: { progressToken: token, progress: i }
            })
          }
        })).pipe(Effect.asVoid)
      }
    })

  it.effect("without reset, the deadline counts from the start", () =>
    Effect.gen(function*() {
      const { client } = yield* progressing(10)
      const call = yield* Effect.forkChild(
        Effect.flip(client.callTool("x", {}, { timeout: "5 seconds", onProgress: () => {} }))
      )
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual((yield* Fiber.join(call))._tag, "RequestTimeout")
    }))

  it.effect("with reset, each progress notification restarts the deadline", () =>
    Effect.gen(function*() {
      const { client } = yield* progressing(3)
      const seen: Array<number> = []
      const call = yield* Effect.forkChild(Effect.flip(client.callTool("x", {}, {
        timeout: "5 seconds",
        resetTimeoutOnProgress: true,
        onProgress: (p) => void seen.push(p.progress)
      })))
      // Progress every 4 s keeps the call alive past 5 s, 10 s, 15 s; after the third, silence.
      let now = 0
      let thirdAt = -1
      let doneAt = -1
      while (doneAt < 0 && now < 60) {
        yield* advance(0.5)
        now += 0.5
        if (thirdAt < 0 && seen.length === 3) thirdAt = now
        if (call.pollUnsafe() !== undefined) doneAt = now
      }
      assert.deepStrictEqual(seen, [1, 2, 3])
      assert.isAbove(thirdAt, 10)
      // It timed out 5 s after the last progress, not 5 s after the start.
      assert.isAtLeast(doneAt - thirdAt, 4.5)
      assert.isAtMost(doneAt - thirdAt, 5.5)
      assert.strictEqual((yield* Fiber.join(call))._tag, "RequestTimeout")
    }))

  it.effect("maxTotalTimeout bounds the call even while progress keeps coming", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* progressing(100)
      const call = yield* Effect.forkChild(Effect.flip(client.callTool("x", {}, {
        timeout: "5 seconds",
        resetTimeoutOnProgress: true,
        maxTotalTimeout: "30 seconds",
        onProgress: () => {}
      })))
      yield* advance(29.5)
      assert.isUndefined(call.pollUnsafe())
      yield* advance(0.5)
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "RequestTimeout")
      if (error._tag === "RequestTimeout") assert.strictEqual(error.timeoutMillis, 30_000)
      const cancelled = yield* Scripted.takeUntil(sent, (m) => m.method === "notifications/cancelled")
      assert.strictEqual(cancelled.params.reason, "Request timed out")
    }))
})
