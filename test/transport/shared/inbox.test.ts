import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema, Stream } from "effect"
import { TransportError } from "../../../src/McpError.ts"
import { Inbox } from "../../../src/transport/Inbox.ts"
import type { ConnectionError } from "../../../src/transport/Transport.ts"

const recorder = () => {
  const messages: Array<unknown> = []
  const ends: Array<ConnectionError> = []
  return {
    messages,
    ends,
    listener: { message: (v: unknown) => messages.push(v), end: (e: ConnectionError) => ends.push(e) }
  }
}

describe("transport inbox", () => {
  it.prop(
    "a listener gets every message once, in order, whenever it attaches, and nothing after the end",
    [Schema.Array(Schema.Int), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 20 })), Schema.Boolean],
    ([values, attachAt, ends]) => {
      const inbox = new Inbox()
      const { ends: seenEnds, listener, messages } = recorder()
      const at = Math.min(attachAt, values.length)
      values.slice(0, at).forEach((v) => inbox.deliver(v))
      inbox.listen(listener)
      values.slice(at).forEach((v) => inbox.deliver(v))
      const error = new TransportError({ description: "closed" })
      if (ends) {
        inbox.end(error)
        inbox.end(new TransportError({ description: "second" }))
        inbox.deliver("after the end")
      }
      assert.deepStrictEqual(messages, [...values])
      assert.deepStrictEqual(seenEnds, ends ? [error] : [])
    }
  )

  it.effect("without a listener, incoming carries what arrived before and after it was read, then the failure", () =>
    Effect.gen(function*() {
      const inbox = new Inbox()
      inbox.deliver(1)
      const incoming = inbox.incoming
      inbox.deliver(2)
      inbox.end(new TransportError({ description: "closed" }))
      const collected: Array<unknown> = []
      const exit = yield* Effect.exit(Stream.runForEach(incoming, (v) => Effect.sync(() => collected.push(v))))
      assert.deepStrictEqual(collected, [1, 2])
      assert.isTrue(Exit.isFailure(exit))
    }))

  it("an end that comes before the listener still reaches it, after the earlier messages", () => {
    const inbox = new Inbox()
    inbox.deliver("a")
    inbox.end(new TransportError({ description: "closed" }))
    const { ends, listener, messages } = recorder()
    inbox.listen(listener)
    assert.deepStrictEqual(messages, ["a"])
    assert.strictEqual(ends.length, 1)
  })

  it("a second reader is refused: a connection serves one session", () => {
    const inbox = new Inbox()
    inbox.listen(recorder().listener)
    assert.throws(() => inbox.listen(recorder().listener), /one session/)
    // Nor can the stream be read beside the listener: it would never get a message.
    assert.throws(() => inbox.incoming, /one session/)
    const read = new Inbox()
    assert.isDefined(read.incoming)
    assert.throws(() => read.listen(recorder().listener), /one session/)
  })
})
