import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Schema, Stream } from "effect"
import { TestClock } from "effect/testing"
import { FaultTransport, JsonRpc, McpError, MemoryTransport } from "../../src/index.ts"

const notification = (n: number) => JsonRpc.notification(`notifications/n${n}`, { n })

/** Sends `count` notifications through a faulty client side and returns what the server side received. */
const throughSend = (count: number, options: FaultTransport.Options) =>
  Effect.gen(function*() {
    const { client, peer } = yield* MemoryTransport.makePair
    const faulty = yield* FaultTransport.make(client, options)
    const received: Array<unknown> = []
    yield* peer.incoming.pipe(Stream.runForEach((m) => Effect.sync(() => received.push(m))), Effect.forkScoped)
    for (let n = 0; n < count; n++) yield* Effect.ignore(faulty.transport.send(notification(n)))
    yield* TestClock.adjust("1 second")
    return { faulty, received: received.map((m: any) => m?.params?.n ?? JSON.stringify(m)) }
  })

/** Sends `count` messages from the server side and returns what the faulty client side received. */
const throughReceive = (count: number, options: FaultTransport.Options) =>
  Effect.gen(function*() {
    const { client, peer } = yield* MemoryTransport.makePair
    const faulty = yield* FaultTransport.make(client, options)
    const received: Array<unknown> = []
    const reader = yield* faulty.transport.incoming.pipe(
      Stream.runForEach((m) => Effect.sync(() => received.push(m))),
      Effect.exit,
      Effect.forkScoped
    )
    for (let n = 0; n < count; n++) yield* peer.send(notification(n))
    yield* TestClock.adjust("1 second")
    return { faulty, reader, received }
  })

describe("FaultTransport", () => {
  it.effect("passes everything through when no fault is asked for", () =>
    Effect.gen(function*() {
      const { received, faulty } = yield* throughSend(5, { seed: 1 })
      assert.deepStrictEqual(received, [0, 1, 2, 3, 4])
      assert.isTrue(faulty.decisions.every((d) => d.fault === "pass"))
    }))

  it.effect("drops, duplicates and reorders messages to the server", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual((yield* throughSend(3, { seed: 1, send: { drop: 1 } })).received, [])
      assert.deepStrictEqual((yield* throughSend(2, { seed: 1, send: { duplicate: 1 } })).received, [0, 0, 1, 1])
      assert.deepStrictEqual((yield* throughSend(4, { seed: 1, send: { reorder: 1 } })).received, [1, 0, 3, 2])
    }))

  it.effect("a held message is released after maxDelay when nothing follows it", () =>
    Effect.gen(function*() {
      const { received } = yield* throughSend(3, { seed: 1, send: { reorder: 1 }, maxDelay: "50 millis" })
      assert.deepStrictEqual(received, [1, 0, 2])
    }))

  it.effect("delays messages from the server on the clock", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* MemoryTransport.makePair
      const faulty = yield* FaultTransport.make(client, { seed: 3, receive: { delay: 1 }, maxDelay: "10 seconds" })
      const first = yield* faulty.transport.incoming.pipe(Stream.runHead, Effect.forkScoped)
      yield* peer.send(notification(0))
      yield* TestClock.adjust("1 millis")
      assert.isUndefined(first.pollUnsafe())
      const delay = faulty.decisions[0]!.delayMillis!
      assert.isTrue(delay >= 1 && delay <= 10_000)
      yield* TestClock.adjust("10 seconds")
      const head = yield* Fiber.join(first)
      assert.deepStrictEqual((head as any).value.params, { n: 0 })
    }))

  it.effect("corrupts messages from the server, recording the damage", () =>
    Effect.gen(function*() {
      const { received, faulty } = yield* throughReceive(12, { seed: 5, receive: { corrupt: 1 } })
      assert.strictEqual(received.length, 12)
      for (const [i, decision] of faulty.decisions.entries()) {
        assert.strictEqual(decision.fault, "corrupt")
        const message = received[i] as any
        switch (decision.corruption) {
          case "jsonrpc 1.0":
            assert.strictEqual(message.jsonrpc, "1.0")
            break
          case "method changed":
            assert.strictEqual(message.method, `notifications/n${i}/corrupted`)
            break
          case "payload removed":
            assert.isUndefined(message.params)
            break
          default:
            assert.strictEqual(message, "corrupted")
        }
      }
    }))

  it.effect("cuts the connection after N messages, naming the seed", () =>
    Effect.gen(function*() {
      const { reader, received } = yield* throughReceive(5, { seed: 11, cutAfter: 2 })
      assert.strictEqual(received.length, 2)
      const exit = yield* Fiber.join(reader)
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause : undefined
      assert.match(String(error), /FaultTransport cut the connection at receive message 2 \(seed 11\)/)
    }))

  it.effect("after a cut, sending fails with a TransportError", () =>
    Effect.gen(function*() {
      const { client } = yield* MemoryTransport.makePair
      const faulty = yield* FaultTransport.make(client, { seed: 2, cutAfter: 1 })
      yield* faulty.transport.send(notification(0))
      const error = yield* Effect.flip(faulty.transport.send(notification(1)))
      assert.instanceOf(error, McpError.TransportError)
      assert.match(error.message, /seed 2/)
      assert.deepStrictEqual(faulty.decisions.map((d) => d.fault), ["pass", "cut"])
    }))

  it.effect("slows reads: each message from the server waits readDelay before it is read", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* MemoryTransport.makePair
      const faulty = yield* FaultTransport.make(client, { seed: 1, readDelay: "1 second" })
      const two = yield* faulty.transport.incoming.pipe(Stream.take(2), Stream.runCollect, Effect.forkScoped)
      yield* peer.send(notification(0))
      yield* peer.send(notification(1))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(faulty.decisions.length, 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(two)).length, 2)
    }))

  it.effect.prop(
    "the same seed and the same messages give the same decisions and the same delivery",
    [Schema.Int, Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 30 }))],
    ([seed, count]) =>
      Effect.gen(function*() {
        const options: FaultTransport.Options = {
          seed,
          send: { drop: 0.15, duplicate: 0.15, reorder: 0.15, delay: 0.15, corrupt: 0.1 },
          cutProbability: 0.02
        }
        const first = yield* throughSend(count, options)
        const second = yield* throughSend(count, options)
        assert.deepStrictEqual(second.faulty.decisions, first.faulty.decisions)
        assert.deepStrictEqual(second.received, first.received)
        // One decision a message until a cut, which is the last decision.
        const cutAt = first.faulty.decisions.findIndex((d) => d.fault === "cut")
        assert.strictEqual(first.faulty.decisions.length, cutAt === -1 ? count : cutAt + 1)
      }).pipe(Effect.scoped),
    { arbitrary: { runs: 40 } }
  )

  it("describe renders one decision a line", () => {
    assert.strictEqual(
      FaultTransport.describe([
        { seed: 1, direction: "send", index: 0, fault: "drop", method: "ping", id: 3 },
        { seed: 1, direction: "receive", index: 4, fault: "delay", delayMillis: 20 }
      ]),
      "seed 1 send #0 drop ping id=3\nseed 1 receive #4 delay 20ms"
    )
  })
})
