import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema, Stream } from "effect"
import * as Outbox from "../../../src/transport/stdio/Outbox.ts"

const decoder = new TextDecoder()
const linesOf = (writes: ReadonlyArray<Uint8Array | string>) =>
  writes.map((write) => (typeof write === "string" ? write : decoder.decode(write)).split("\n").slice(0, -1))

describe("stdio outbox", () => {
  it.effect.prop(
    "lines offered in any grouping are written in order, whole, at most N per write",
    [
      Schema.Array(Schema.Array(Schema.String.check(Schema.isPattern(/^[^\n]*$/)))),
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 }))
    ],
    ([groups, perWrite]) =>
      Effect.gen(function*() {
        const outbox = Outbox.make(perWrite)
        const writer = yield* Stream.runCollect(outbox.writes).pipe(Effect.forkChild({ startImmediately: true }))
        // Each group is offered in one synchronous run; groups are separated by a turn.
        for (const group of groups) {
          for (const line of group) assert.isTrue(outbox.offer(line))
          yield* Effect.yieldNow
        }
        outbox.end()
        const writes = linesOf(yield* Fiber.join(writer))
        assert.deepStrictEqual(writes.flat(), groups.flat())
        for (const write of writes) {
          assert.isAtLeast(write.length, 1)
          assert.isAtMost(write.length, perWrite)
        }
      })
  )

  it.effect("lines offered in one run are joined into as few writes as the limit allows", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make(16)
      const writer = yield* Stream.runCollect(outbox.writes).pipe(Effect.forkChild({ startImmediately: true }))
      for (let i = 0; i < 40; i++) outbox.offer(JSON.stringify({ id: i }))
      outbox.end()
      const writes = linesOf(yield* Fiber.join(writer))
      assert.deepStrictEqual(writes.map((write) => write.length), [16, 16, 8])
    }))

  it.effect("a full write goes out at once; the rest waits for the end of the turn", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make(4)
      const written: Array<ReadonlyArray<string>> = []
      yield* Stream.runForEach(outbox.writes, (bytes) => Effect.sync(() => written.push(...linesOf([bytes])))).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      for (let i = 0; i < 6; i++) outbox.offer(String(i))
      // Still in the same turn: the first four lines are written already, the last two are not.
      assert.deepStrictEqual(written, [["0", "1", "2", "3"]])
      yield* Effect.yieldNow
      assert.deepStrictEqual(written, [["0", "1", "2", "3"], ["4", "5"]])
    }))

  it.effect("after end, lines already queued are written and new ones are refused", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make(16)
      outbox.offer("a")
      outbox.end()
      assert.isFalse(outbox.offer("b"))
      const writes = linesOf(yield* Stream.runCollect(outbox.writes))
      assert.deepStrictEqual(writes, [["a"]])
    }))

  it.effect("a writer interrupted while it waits leaves the outbox usable", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make(16)
      const first = yield* Stream.runCollect(outbox.writes).pipe(Effect.forkChild({ startImmediately: true }))
      yield* Fiber.interrupt(first)
      outbox.offer("after")
      outbox.end()
      assert.deepStrictEqual(linesOf(yield* Stream.runCollect(outbox.writes)), [["after"]])
    }))

  it.prop(
    "attached to a target, lines are written in order, whole, never while it waits for its drain",
    [
      Schema.Array(Schema.Array(Schema.String.check(Schema.isPattern(/^[^\n]*$/)))),
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
      Schema.Array(Schema.Boolean)
    ],
    async ([groups, perWrite, accepts]) => {
      const outbox = Outbox.make(perWrite)
      const writes: Array<string> = []
      let drain: (() => void) | undefined
      let waiting = false
      let ended = false
      let turn = 0
      outbox.attach({
        // Each write's answer comes from `accepts` in turn: false asks the outbox to wait for the drain.
        write: (text) => {
          assert.isFalse(waiting, "written while the target waits for its drain")
          assert.isFalse(ended, "written after the end")
          writes.push(text)
          const accepted = accepts[turn++ % Math.max(accepts.length, 1)] ?? true
          if (!accepted) waiting = true
          return accepted
        },
        once: (_event, listener) => {
          drain = listener
        },
        end: () => {
          ended = true
        }
      })
      const settle = async () => {
        await Promise.resolve()
        while (waiting) {
          waiting = false
          const resume = drain!
          drain = undefined
          resume()
          await Promise.resolve()
        }
      }
      for (const group of groups) {
        for (const line of group) assert.isTrue(outbox.offer(line))
        await settle()
      }
      outbox.end()
      await settle()
      assert.isTrue(ended)
      const written = linesOf(writes)
      assert.deepStrictEqual(written.flat(), groups.flat())
      for (const write of written) assert.isAtMost(write.length, perWrite)
    }
  )

  it("attached, a full write goes out at once and the rest at the end of the turn", async () => {
    const outbox = Outbox.make(4)
    const written: Array<ReadonlyArray<string>> = []
    outbox.attach({
      write: (text) => written.push(...linesOf([text])) > 0,
      once: () => undefined,
      end: () => undefined
    })
    for (let i = 0; i < 6; i++) outbox.offer(String(i))
    assert.deepStrictEqual(written, [["0", "1", "2", "3"]])
    await Promise.resolve()
    assert.deepStrictEqual(written, [["0", "1", "2", "3"], ["4", "5"]])
  })
})
