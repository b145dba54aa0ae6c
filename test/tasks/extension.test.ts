/**
 * The 2026-07-28 Tasks extension against a scripted server built from the
 * extension's schema (test/spec/ext-tasks/draft/schema.json): every task
 * message either side sends is validated against its definition there.
 */
import { assert, describe, it } from "@effect/vitest"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Clock, Effect, Exit, Fiber, Queue, Ref, Stream } from "effect"
import { TestClock } from "effect/testing"
import { readFileSync } from "node:fs"
import { Elicitation, McpClient, Transport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const schema = JSON.parse(
  readFileSync(new URL("../spec/ext-tasks/draft/schema.json", import.meta.url), "utf8")
)
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false })
ajv.addSchema({ ...schema, $id: "ext-tasks" })
const violations: Array<string> = []
const check = (definition: string, value: unknown) => {
  const validate = ajv.compile({ $ref: `ext-tasks#/$defs/${definition}` })
  if (!validate(value)) {
    violations.push(`${definition}: ${JSON.stringify(validate.errors?.slice(0, 2))} in ${JSON.stringify(value)}`)
  }
}

/** The request definitions of the client's task messages, and the result definitions of the server's answers. */
const requests: Record<string, string> = {
  "tasks/get": "GetTaskRequest",
  "tasks/update": "UpdateTaskRequest",
  "tasks/cancel": "CancelTaskRequest"
}
const results: Record<string, string> = {
  "tasks/get": "GetTaskResult",
  "tasks/update": "UpdateTaskResult",
  "tasks/cancel": "CancelTaskResult"
}

const discover = {
  supportedVersions: ["2026-07-28"],
  capabilities: { tools: {}, extensions: { "io.modelcontextprotocol/tasks": {} } },
  _meta: { "io.modelcontextprotocol/serverInfo": { name: "ext-tasks", version: "1" } },
  resultType: "complete"
}

const task = (status: string, extra: Record<string, unknown> = {}) => ({
  taskId: "ext-1",
  status,
  createdAt: "2026-07-28T00:00:00Z",
  lastUpdatedAt: "2026-07-28T00:00:00Z",
  ttlMs: 60000,
  pollIntervalMs: 2000,
  ...extra
})

const elicitation = {
  method: "elicitation/create",
  params: {
    mode: "form",
    message: "Which region?",
    requestedSchema: { type: "object", properties: { region: { type: "string" } }, required: ["region"] }
  }
}

/**
 * A server that answers `tools/call` with a task (or with `immediate`, a
 * result, when given); `tasks/get` walks through `script` (one state per
 * poll, the last repeated), and it records the clock time of each poll and
 * every `tasks/update`.
 */
const server = (script: ReadonlyArray<Record<string, unknown>>, immediate?: Record<string, unknown>) =>
  Effect.gen(function*() {
    const polls = yield* Ref.make<ReadonlyArray<number>>([])
    const updates = yield* Ref.make<ReadonlyArray<unknown>>([])
    const started = yield* Scripted.start({
      modern: true,
      onRequest: (message, peer) =>
        Effect.gen(function*() {
          const answer = (result: Record<string, unknown>) => {
            const definition = results[message.method!]
            if (definition !== undefined) check(definition, result)
            return Scripted.reply(peer, message, result)
          }
          const request = requests[message.method!]
          if (request !== undefined) check(request, message)
          switch (message.method) {
            case "server/discover":
              return yield* Scripted.reply(peer, message, discover)
            case "tools/call": {
              check(
                "TasksExtensionCapability",
                message.params._meta["io.modelcontextprotocol/clientCapabilities"]
                  .extensions["io.modelcontextprotocol/tasks"]
              )
              if (immediate !== undefined) return yield* Scripted.reply(peer, message, immediate)
              const created = { ...task("working"), resultType: "task" }
              check("CreateTaskResult", created)
              return yield* Scripted.reply(peer, message, created)
            }
            case "tasks/get": {
              const now = yield* Clock.currentTimeMillis
              const count = (yield* Ref.updateAndGet(polls, (times) => [...times, now])).length
              return yield* answer({ ...script[Math.min(count, script.length) - 1]!, resultType: "complete" })
            }
            case "tasks/update":
              yield* Ref.update(updates, (all) => [...all, message.params.inputResponses])
              return yield* answer({ resultType: "complete" })
            case "tasks/cancel":
              return yield* answer({ resultType: "complete" })
          }
        })
    })
    const client = yield* McpClient.make({ name: "c", version: "1", tasksExtension: true }).pipe(
      Effect.provideService(Transport.Transport, started.transport),
      Effect.provide(
        Elicitation.layer({ form: () => Effect.succeed({ action: "accept", content: { region: "eu" } }) })
      )
    )
    return { client, sent: started.sent, polls, updates }
  })

const runClock = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    for (let step = 0; step < 200 && fiber.pollUnsafe() === undefined; step++) {
      yield* TestClock.adjust("500 millis")
      yield* Effect.yieldNow
    }
    return yield* Fiber.await(fiber)
  })

const done = { content: [{ type: "text", text: "report" }] }

describe("the 2026-07-28 Tasks extension (scripted server)", () => {
  it.effect("callTool follows a task the server chose, no faster than pollIntervalMs, to the result in tasks/get", () =>
    Effect.gen(function*() {
      violations.length = 0
      const { client, polls } = yield* server([task("working"), task("working"), task("completed", { result: done })])
      assert.strictEqual(client.era, "modern")
      const exit = yield* runClock(yield* Effect.forkChild(client.callTool("research", { topic: "tides" })))
      if (!Exit.isSuccess(exit)) return assert.fail(String(exit.cause))
      assert.deepStrictEqual(exit.value.content, done.content)
      const times = yield* Ref.get(polls)
      assert.strictEqual(times.length, 3)
      times.forEach((time, index) => assert.isAtLeast(time - (index === 0 ? 0 : times[index - 1]!), 2000))
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("answers a task's inputRequests once each with the handlers, through tasks/update", () =>
    Effect.gen(function*() {
      violations.length = 0
      const asking = task("input_required", { inputRequests: { region: elicitation } })
      const { client, updates } = yield* server([asking, asking, task("completed", { result: done })])
      const fiber = yield* Effect.forkChild(Stream.runCollect(client.callToolAsTask("research", {})))
      const exit = yield* runClock(fiber)
      if (!Exit.isSuccess(exit)) return assert.fail(String(exit.cause))
      const statuses = exit.value.flatMap((event) => event._tag === "Status" ? [event.task.status] : [])
      assert.deepStrictEqual(statuses, ["working", "input_required", "completed"])
      assert.deepStrictEqual(yield* Ref.get(updates), [{ region: { action: "accept", content: { region: "eu" } } }])
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("an isError result completes the task; a failed one is TaskFailed with its error", () =>
    Effect.gen(function*() {
      violations.length = 0
      const toolError = { content: [{ type: "text", text: "no such topic" }], isError: true }
      const completed = yield* server([task("completed", { result: toolError })])
      const ok = yield* runClock(yield* Effect.forkChild(completed.client.callTool("research", {})))
      if (!Exit.isSuccess(ok)) return assert.fail(String(ok.cause))
      assert.strictEqual(ok.value.isError, true)

      const failed = yield* server([task("failed", { error: { code: -32603, message: "worker lost" } })])
      const exit = yield* runClock(yield* Effect.forkChild(failed.client.callTool("research", {})))
      if (!Exit.isFailure(exit)) return assert.fail("expected a failure")
      const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error
      assert.strictEqual(error?._tag, "TaskFailed")
      if (error?._tag === "TaskFailed") assert.include(error.message, "worker lost")
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("interrupting the caller sends tasks/cancel, never notifications/cancelled", () =>
    Effect.gen(function*() {
      violations.length = 0
      const { client, sent } = yield* server([task("working")])
      const fiber = yield* Effect.forkChild(client.callTool("research", {}))
      yield* Scripted.takeUntil(sent, (message) => message.method === "tools/call")
      yield* TestClock.adjust("2 seconds")
      yield* Scripted.takeUntil(sent, (message) => message.method === "tasks/get")
      yield* Fiber.interrupt(fiber)
      const methods = (yield* Queue.takeAll(sent)).map((message) => message.method)
      assert.include(methods, "tasks/cancel")
      assert.notInclude(methods, "notifications/cancelled")
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("a task resumed by id gives the same result as its caller got", () =>
    Effect.gen(function*() {
      violations.length = 0
      const { client } = yield* server([task("working"), task("completed", { result: done })])
      const original = yield* runClock(yield* Effect.forkChild(client.callTool("research", {})))
      if (!Exit.isSuccess(original)) return assert.fail(String(original.cause))
      const handle = client.task("ext-1")
      assert.strictEqual((yield* handle.status).status, "completed")
      const resumed = yield* runClock(yield* Effect.forkChild(handle.result))
      if (!Exit.isSuccess(resumed)) return assert.fail(String(resumed.cause))
      assert.deepStrictEqual(resumed.value, original.value)
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("startToolTask returns the task the server created before any poll; its handle follows it", () =>
    Effect.gen(function*() {
      violations.length = 0
      const { client, polls } = yield* server([task("working"), task("completed", { result: done })])
      const start = yield* client.startToolTask("research", { topic: "tides" })
      if (start._tag !== "Task") return assert.fail("the call did not become a task")
      assert.strictEqual(start.task.taskId, "ext-1")
      assert.strictEqual(start.task.status, "working")
      assert.strictEqual(start.task.pollInterval, 2000)
      assert.deepStrictEqual(yield* Ref.get(polls), [])
      const result = yield* runClock(yield* Effect.forkChild(start.handle.result))
      if (!Exit.isSuccess(result)) return assert.fail(String(result.cause))
      assert.deepStrictEqual(result.value.content, done.content)
      assert.deepStrictEqual(violations, [])
    }))

  it.effect("startToolTask gives the result of a call the server answers at once", () =>
    Effect.gen(function*() {
      violations.length = 0
      const { client, polls } = yield* server([], { ...done, resultType: "complete" })
      const start = yield* client.startToolTask("research", {})
      if (start._tag !== "Result") return assert.fail("expected the result")
      assert.deepStrictEqual(start.result.content, done.content)
      assert.deepStrictEqual(yield* Ref.get(polls), [])
    }))
})
