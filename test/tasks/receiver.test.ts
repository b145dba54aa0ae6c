/**
 * The client as a task receiver, against a scripted 2025-11-25 server that
 * sends task-augmented sampling and elicitation requests (every answer the
 * client sends is checked against the revision's schema), and the in-memory
 * task store's bounds.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { Elicitation, McpClient, Sampling, TaskStore, Transport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const handlers = Layer.mergeAll(
  Sampling.layer({
    createMessage: () =>
      Effect.succeed({ role: "assistant", content: { type: "text", text: "sampled" }, model: "task-model" })
  }),
  // A user who never answers: the task stays working until cancelled.
  Elicitation.layer({ form: () => Effect.never })
)

const setup = (clientOptions: Partial<McpClient.Options>) =>
  Effect.gen(function*() {
    const server = yield* Scripted.start({ protocolVersion: "2025-11-25" })
    yield* McpClient.make({ name: "c", version: "1", era: "legacy", ...clientOptions }).pipe(
      Effect.provideService(Transport.Transport, server.transport),
      Effect.provide(handlers)
    )
    let nextId = 100
    /** Sends a request to the client and returns its answer. */
    const ask = (method: string, params: unknown) =>
      Effect.gen(function*() {
        const id = ++nextId
        yield* server.peer.send({ jsonrpc: "2.0", id, method, params })
        return yield* Scripted.takeUntil(server.sent, (message) => message.id === id && message.method === undefined)
      })
    const initialize = yield* Scripted.takeUntil(server.sent, (message) => message.method === "initialize")
    return { ask, initialize }
  })

const sampling = {
  messages: [{ role: "user", content: { type: "text", text: "hi" } }],
  maxTokens: 10,
  task: { ttl: 60000 }
}
const form = { message: "Name?", requestedSchema: { type: "object", properties: { name: { type: "string" } } } }

describe("the client as a task receiver", () => {
  it.effect("declares tasks.requests only when the application opts in", () =>
    Effect.gen(function*() {
      const off = yield* setup({})
      assert.isUndefined(off.initialize.params.capabilities.tasks)
      const on = yield* setup({ taskReceiver: true })
      assert.deepStrictEqual(on.initialize.params.capabilities.tasks, {
        list: {},
        cancel: {},
        requests: { sampling: { createMessage: {} }, elicitation: { create: {} } }
      })
    }))

  it.effect("runs a task-augmented sampling request as a task and serves its result", () =>
    Effect.gen(function*() {
      const { ask } = yield* setup({ taskReceiver: { maxTtl: 30000 } })
      const created = yield* ask("sampling/createMessage", sampling)
      const task = created.result.task
      assert.strictEqual(task.status, "working")
      assert.strictEqual(task.ttl, 30000)
      const result = yield* ask("tasks/result", { taskId: task.taskId })
      assert.strictEqual(result.result.model, "task-model")
      assert.deepStrictEqual(result.result._meta["io.modelcontextprotocol/related-task"], { taskId: task.taskId })
      const status = yield* ask("tasks/get", { taskId: task.taskId })
      assert.strictEqual(status.result.status, "completed")
      const listed = yield* ask("tasks/list", {})
      assert.deepStrictEqual(listed.result.tasks.map((t: { taskId: string }) => t.taskId), [task.taskId])
    }))

  it.effect("cancels a running task; cancelling it again or asking for an unknown one is -32602", () =>
    Effect.gen(function*() {
      const { ask } = yield* setup({ taskReceiver: true })
      const created = yield* ask("elicitation/create", { ...form, task: {} })
      const taskId = created.result.task.taskId
      assert.strictEqual((yield* ask("tasks/get", { taskId })).result.status, "working")
      assert.strictEqual((yield* ask("tasks/cancel", { taskId })).result.status, "cancelled")
      assert.strictEqual((yield* ask("tasks/get", { taskId })).result.status, "cancelled")
      assert.strictEqual((yield* ask("tasks/cancel", { taskId })).error.code, -32602)
      assert.strictEqual((yield* ask("tasks/get", { taskId: "no-such-task" })).error.code, -32602)
    }))

  it.effect("a plain request is answered as before", () =>
    Effect.gen(function*() {
      const { ask } = yield* setup({ taskReceiver: true })
      const { task: _, ...plain } = sampling
      assert.strictEqual((yield* ask("sampling/createMessage", plain)).result.model, "task-model")
    }))
})

describe("the in-memory task store", () => {
  const stored = (taskId: string, ttl: number | null) => ({
    task: {
      taskId,
      status: "working" as const,
      createdAt: new Date(0).toISOString(),
      lastUpdatedAt: new Date(0).toISOString(),
      ttl
    }
  })

  it.effect("holds at most maxTasks, dropping the oldest, and pages its list", () =>
    Effect.gen(function*() {
      const store = yield* TaskStore.makeMemory({ maxTasks: 3 })
      for (const id of ["a", "b", "c", "d"]) yield* store.put(stored(id, null))
      assert.isUndefined(yield* store.get("a"))
      const first = yield* store.list(undefined, 2)
      assert.deepStrictEqual(first.tasks.map((task) => task.taskId), ["b", "c"])
      const second = yield* store.list(first.nextCursor, 2)
      assert.deepStrictEqual(second.tasks.map((task) => task.taskId), ["d"])
      assert.isUndefined(second.nextCursor)
    }))

  it.effect("forgets a task once its ttl has passed", () =>
    Effect.gen(function*() {
      const store = yield* TaskStore.makeMemory()
      yield* store.put(stored("short", 1000))
      yield* store.put(stored("forever", null))
      assert.isDefined(yield* store.get("short"))
      yield* TestClock.adjust("2 seconds")
      assert.isUndefined(yield* store.get("short"))
      assert.deepStrictEqual((yield* store.list(undefined, 10)).tasks.map((task) => task.taskId), ["forever"])
    }))
})
