import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema, Stream } from "effect"
import * as Elicitations from "../../src/client/Elicitations.ts"
import * as Scripted from "../support/Scripted.ts"

/** One step of a session's life with one elicitation: what the server said, in wire order. */
const Step = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("refused"), id: Schema.Literals(["a", "b", "c"]) }),
  Schema.Struct({ kind: Schema.Literal("asked"), id: Schema.Literals(["a", "b", "c"]) }),
  Schema.Struct({ kind: Schema.Literal("reported"), id: Schema.Literals(["a", "b", "c", "unknown"]) })
])

/** Runs steps through a tracker; returns the ids its stream told. */
const told = (steps: ReadonlyArray<typeof Step.Type>) =>
  Effect.gen(function*() {
    const tracker = new Elicitations.Tracker()
    const ids: Array<string> = []
    const listener = yield* Effect.forkChild(
      Stream.runForEach(tracker.completions, (id) => Effect.sync(() => ids.push(id)))
    )
    yield* Effect.yieldNow
    for (const step of steps) {
      if (step.kind === "refused") tracker.refused(step.id)
      else if (step.kind === "asked") tracker.expect(step.id)
      else tracker.reported(step.id)
    }
    yield* Effect.yieldNow
    yield* Fiber.interrupt(listener)
    return ids
  })

describe("URL elicitation completions", () => {
  it.effect.prop(
    "an id is reported complete once per time it was named, never when unnamed, and early only after a refusal",
    [Schema.Array(Step)],
    ([steps]) =>
      Effect.gen(function*() {
        const tracker = new Elicitations.Tracker()
        const told: Array<string> = []
        const queue = yield* Effect.forkChild(
          Stream.runForEach(tracker.completions, (id) => Effect.sync(() => told.push(id)))
        )
        yield* Effect.yieldNow
        // A model of the rules: what is named is pending; a report of a pending id completes it; a report of an
        // unnamed id is kept only for a later refusal (within the last `earlyReports` reports).
        const pending = new Set<string>()
        const early: Array<string> = []
        const done = new Set<string>()
        const expected: Array<string> = []
        for (const step of steps) {
          if (step.kind === "reported") {
            const known = tracker.isPending(step.id)
            assert.strictEqual(tracker.reported(step.id), known)
            if (pending.delete(step.id)) {
              expected.push(step.id)
              done.add(step.id)
            } else if (!early.includes(step.id) && !done.has(step.id)) early.push(step.id)
          } else if (step.kind === "asked") {
            tracker.expect(step.id)
            pending.add(step.id)
          } else {
            tracker.refused(step.id)
            const at = early.indexOf(step.id)
            if (at === -1) pending.add(step.id)
            else {
              early.splice(at, 1)
              expected.push(step.id)
              done.add(step.id)
            }
          }
          for (const id of ["a", "b", "c"]) assert.strictEqual(tracker.isPending(id), pending.has(id))
        }
        yield* Effect.yieldNow
        yield* Fiber.interrupt(queue)
        assert.deepStrictEqual(told, expected)
        assert.notInclude(told, "unknown")
      })
  )

  it.effect("a report before the refusal that names it counts; before an elicitation/create it does not", () =>
    Effect.gen(function*() {
      const ids = yield* told([
        { kind: "reported", id: "a" },
        { kind: "refused", id: "a" },
        { kind: "reported", id: "b" },
        { kind: "asked", id: "b" }
      ])
      assert.deepStrictEqual(ids, ["a"])
    }))

  it.effect("a repeated report of a completed step does not complete a later refusal of it", () =>
    Effect.gen(function*() {
      const ids = yield* told([
        { kind: "refused", id: "a" },
        { kind: "reported", id: "a" },
        { kind: "reported", id: "a" },
        { kind: "refused", id: "a" }
      ])
      assert.deepStrictEqual(ids, ["a"])
    }))

  it.effect("only the last reports of unknown ids are kept", () =>
    Effect.gen(function*() {
      const tracker = new Elicitations.Tracker()
      tracker.reported("old")
      for (let i = 0; i < Elicitations.earlyReports; i++) tracker.reported(`other-${i}`)
      tracker.refused("old")
      assert.isTrue(tracker.isPending("old"))
    }))

  it.effect("the server reports the step complete right after the -32042: every open stream hears it", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) =>
          message.method === "tools/call"
            ? Effect.andThen(
              peer.send({
                jsonrpc: "2.0",
                id: message.id,
                error: {
                  code: -32042,
                  message: "Connect your account first",
                  data: {
                    elicitations: [{
                      mode: "url",
                      elicitationId: "fast-1",
                      url: "https://example.com/connect",
                      message: "Connect"
                    }]
                  }
                }
              }),
              // In the same breath: before the caller has read the refusal.
              peer.send({
                jsonrpc: "2.0",
                method: "notifications/elicitation/complete",
                params: { elicitationId: "fast-1" }
              })
            )
            : Scripted.reply(peer, message, {})
      })
      const first = yield* Effect.forkChild(Stream.runHead(client.elicitationCompletions))
      const second = yield* Effect.forkChild(Stream.runHead(client.elicitationCompletions))
      yield* Effect.yieldNow
      const error = yield* Effect.flip(client.callTool("private_data"))
      assert.strictEqual(error._tag, "UrlElicitationRequired")
      const one = yield* Fiber.join(first)
      const two = yield* Fiber.join(second)
      assert.strictEqual(one._tag === "Some" ? one.value : undefined, "fast-1")
      assert.strictEqual(two._tag === "Some" ? two.value : undefined, "fast-1")
    }))
})
