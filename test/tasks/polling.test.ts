/**
 * Following a task against a scripted 2025-11-25 server, on the test clock:
 * polls no faster than `pollInterval`, backoff without one, status
 * notifications used when sent, failures and cancellation typed, and
 * `tasks/cancel` (never `notifications/cancelled`) when the caller gives up.
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Exit, Fiber, Queue, Ref, Schema, Stream } from "effect"
import { TestClock } from "effect/testing"
import { PollSchedule } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const capabilities = { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }

const task = (status: string, pollInterval: number | undefined, statusMessage?: string) => ({
  taskId: "task-1",
  status,
  createdAt: "2025-11-25T00:00:00Z",
  lastUpdatedAt: "2025-11-25T00:00:00Z",
  ttl: 60000,
  ...(pollInterval === undefined ? {} : { pollInterval }),
  ...(statusMessage === undefined ? {} : { statusMessage })
})

const tool = (taskSupport: string) => ({ name: "slow", inputSchema: { type: "object" }, execution: { taskSupport } })

/**
 * A server whose task stays `working` for `workingPolls` polls, then ends in
 * `end`; it records the clock time of every `tasks/get`.
 */
const server = (options: {
  readonly pollInterval?: number
  readonly workingPolls: number
  readonly end?: "completed" | "failed"
  readonly taskSupport?: string
}) =>
  Effect.gen(function*() {
    const polls = yield* Ref.make<ReadonlyArray<number>>([])
    const { client, peer, sent } = yield* Scripted.client({
      capabilities,
      onRequest: (message, peer) => {
        switch (message.method) {
          case "tools/list":
            return Scripted.reply(peer, message, { tools: [tool(options.taskSupport ?? "required")] })
          case "tools/call":
            return message.params.task === undefined
              ? Scripted.reply(peer, message, { content: [{ type: "text", text: "plain" }] })
              : Scripted.reply(peer, message, { task: task("working", options.pollInterval) })
          case "tasks/get":
            return Effect.gen(function*() {
              const now = yield* Clock.currentTimeMillis
              const count = (yield* Ref.updateAndGet(polls, (times) => [...times, now])).length
              const status = count > options.workingPolls ? options.end ?? "completed" : "working"
              yield* Scripted.reply(peer, message, task(status, options.pollInterval, `poll ${count}`))
            })
          case "tasks/result":
            return options.end === "failed"
              ? Scripted.reply(peer, message, { content: [{ type: "text", text: "disk full" }], isError: true })
              : Scripted.reply(peer, message, { content: [{ type: "text", text: "done" }] })
          case "tasks/cancel":
            return Scripted.reply(peer, message, task("cancelled", options.pollInterval))
        }
        return undefined
      }
    })
    return { client, peer, sent, polls }
  })

/** Moves the test clock forward in small steps until `fiber` is done. */
const runClock = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    for (let step = 0; step < 400 && fiber.pollUnsafe() === undefined; step++) {
      yield* TestClock.adjust("250 millis")
      yield* Effect.yieldNow
    }
    return yield* Fiber.await(fiber)
  })

const gaps = (times: ReadonlyArray<number>, start: number) =>
  times.map((time, index) => time - (index === 0 ? start : times[index - 1]!))

describe("task polling", () => {
  it.effect("polls no faster than the task's pollInterval, then reads the result", () =>
    Effect.gen(function*() {
      const { client, polls } = yield* server({ pollInterval: 3000, workingPolls: 3 })
      const start = yield* Clock.currentTimeMillis
      const fiber = yield* Effect.forkChild(client.callTool("slow", {}))
      const exit = yield* runClock(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value.content, [{ type: "text", text: "done" }])
      const times = yield* Ref.get(polls)
      assert.strictEqual(times.length, 4)
      for (const gap of gaps(times, start)) assert.isAtLeast(gap, 3000)
    }))

  it.effect("backs off when the task gives no pollInterval", () =>
    Effect.gen(function*() {
      const { client, polls } = yield* server({ workingPolls: 4 })
      const start = yield* Clock.currentTimeMillis
      const exit = yield* runClock(yield* Effect.forkChild(client.callTool("slow", {})))
      assert.isTrue(Exit.isSuccess(exit))
      const observed = gaps(yield* Ref.get(polls), start)
      const expected = [0, 1, 2, 3, 4].map((attempt) => PollSchedule.delayMillis(undefined, attempt))
      assert.strictEqual(observed.length, expected.length)
      observed.forEach((gap, index) => assert.isAtLeast(gap, expected[index]!))
      assert.isAbove(observed[4]!, observed[0]!)
    }))

  it.effect("streams every status in order, then the result", () =>
    Effect.gen(function*() {
      const { client } = yield* server({ pollInterval: 1000, workingPolls: 2 })
      const fiber = yield* Effect.forkChild(Stream.runCollect(client.callToolAsTask("slow", {})))
      const exit = yield* runClock(fiber)
      if (!Exit.isSuccess(exit)) return assert.fail(String(exit.cause))
      const shown = exit.value.map((event) =>
        event._tag === "Status" ? `${event.task.status}${event.task.statusMessage ?? ""}` : "result"
      )
      assert.deepStrictEqual(shown, ["working", "workingpoll 1", "workingpoll 2", "completedpoll 3", "result"])
    }))

  it.effect("an optional tool runs as a task only when asked", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* server({ pollInterval: 1000, workingPolls: 0, taskSupport: "optional" })
      const plain = yield* client.callTool("slow", {})
      assert.deepStrictEqual(plain.content, [{ type: "text", text: "plain" }])
      const exit = yield* runClock(yield* Effect.forkChild(client.callTool("slow", {}, { task: { ttl: 5000 } })))
      if (!Exit.isSuccess(exit)) return assert.fail(String(exit.cause))
      assert.deepStrictEqual(exit.value.content, [{ type: "text", text: "done" }])
      const calls = (yield* Queue.takeAll(sent)).filter((message) => message.method === "tools/call")
      assert.deepStrictEqual(calls.map((message) => message.params.task), [undefined, { ttl: 5000 }])
    }))

  it.effect("a forbidden tool never runs as a task", () =>
    Effect.gen(function*() {
      const { client } = yield* server({ pollInterval: 1000, workingPolls: 0, taskSupport: "forbidden" })
      const result = yield* client.callTool("slow", {}, { task: {} })
      assert.deepStrictEqual(result.content, [{ type: "text", text: "plain" }])
    }))

  it.effect("a failed task is TaskFailed with the tool's error content", () =>
    Effect.gen(function*() {
      const { client } = yield* server({ pollInterval: 1000, workingPolls: 1, end: "failed" })
      const exit = yield* runClock(yield* Effect.forkChild(client.callTool("slow", {})))
      if (!Exit.isFailure(exit)) return assert.fail("expected a failure")
      const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error
      assert.strictEqual(error?._tag, "TaskFailed")
      if (error?._tag === "TaskFailed") {
        assert.deepStrictEqual(error.content, [{ type: "text", text: "disk full" }])
        assert.include(error.message, "task-1")
      }
    }))

  it.effect("a status notification ends the wait before the next poll is due", () =>
    Effect.gen(function*() {
      const { client, peer, polls } = yield* server({ pollInterval: 60000, workingPolls: 100 })
      const fiber = yield* Effect.forkChild(client.callTool("slow", {}))
      // Sent until the follower, once subscribed, sees one; well before the first poll is due.
      for (let attempt = 0; attempt < 30 && fiber.pollUnsafe() === undefined; attempt++) {
        yield* peer.send({ jsonrpc: "2.0", method: "notifications/tasks/status", params: task("completed", 60000) })
        yield* TestClock.adjust("1 second")
        yield* Effect.yieldNow
      }
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(yield* Ref.get(polls), [])
    }))

  it.effect("a status older than the one shown is not shown (a notification that arrives late)", () =>
    Effect.gen(function*() {
      const at = (second: number) => `2025-11-25T00:00:0${second}.000Z`
      const polls = yield* Ref.make(0)
      const { client } = yield* Scripted.client({
        capabilities,
        onRequest: (message, peer) => {
          switch (message.method) {
            case "tools/list":
              return Scripted.reply(peer, message, { tools: [tool("required")] })
            case "tools/call":
              return Scripted.reply(peer, message, { task: { ...task("working", 1000), lastUpdatedAt: at(0) } })
            case "tasks/get":
              return Effect.gen(function*() {
                const count = yield* Ref.updateAndGet(polls, (n) => n + 1)
                if (count > 1) {
                  return yield* Scripted.reply(peer, message, { ...task("completed", 1000), lastUpdatedAt: at(3) })
                }
                yield* Scripted.reply(peer, message, { ...task("working", 1000, "continuing"), lastUpdatedAt: at(2) })
                // A notification of an earlier change, delivered after the reply that superseded it.
                yield* peer.send({
                  jsonrpc: "2.0",
                  method: "notifications/tasks/status",
                  params: { ...task("input_required", 1000, "asking"), lastUpdatedAt: at(1) }
                })
              })
            case "tasks/result":
              return Scripted.reply(peer, message, { content: [{ type: "text", text: "done" }] })
          }
          return undefined
        }
      })
      const exit = yield* runClock(yield* Effect.forkChild(Stream.runCollect(client.callToolAsTask("slow", {}))))
      if (!Exit.isSuccess(exit)) return assert.fail(String(exit.cause))
      const shown = exit.value.map((event) =>
        event._tag === "Status" ? `${event.task.status} ${event.task.statusMessage ?? ""}`.trim() : "result"
      )
      assert.deepStrictEqual(shown, ["working", "working continuing", "completed", "result"])
    }))

  it.effect("interrupting the caller sends tasks/cancel, not notifications/cancelled", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* server({ pollInterval: 1000, workingPolls: 100 })
      const fiber = yield* Effect.forkChild(client.callTool("slow", {}))
      yield* Scripted.takeUntil(sent, (message) => message.method === "tools/call")
      yield* TestClock.adjust("1 second")
      yield* Scripted.takeUntil(sent, (message) => message.method === "tasks/get")
      yield* Fiber.interrupt(fiber)
      const methods = (yield* Queue.takeAll(sent)).map((message) => message.method)
      assert.include(methods, "tasks/cancel")
      assert.notInclude(methods, "notifications/cancelled")
    }))

  it.prop(
    "the wait is never shorter than the task's pollInterval, and backoff stays within its bounds",
    [
      Schema.Number.check(Schema.isBetween({ minimum: 0.001, maximum: 1e7 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))
    ],
    ([interval, attempt]) => {
      assert.isAtLeast(PollSchedule.delayMillis(interval, attempt), interval)
      const backoff = PollSchedule.delayMillis(undefined, attempt)
      assert.isAtLeast(backoff, PollSchedule.initialBackoffMillis)
      assert.isAtMost(backoff, PollSchedule.maxBackoffMillis)
    }
  )
})
