/**
 * Durable waits: polling a task from an `effect/workflow` Workflow, each poll
 * an Activity and each wait a `DurableClock` sleep, keyed by the task id, so
 * an engine that persists executions resumes polling the same task after a
 * restart. Here on the in-memory engine, against the TypeScript SDK v1 task
 * server.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Fiber, Layer, Schema } from "effect"
import { Activity, DurableClock, Workflow, WorkflowEngine } from "effect/workflow"
import { McpClient, TaskSchema } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { readonly text?: string }).text ?? "").join("\n")

/** Waits for a task to end, durably: one Activity per poll, a DurableClock between them. */
const AwaitTask = Workflow.make("AwaitTask", {
  payload: { taskId: Schema.String },
  success: Schema.String,
  error: Schema.String,
  idempotencyKey: ({ taskId }) => taskId
})

const AwaitTaskLive = AwaitTask.toLayer(({ taskId }) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    for (let poll = 0;; poll++) {
      const task = yield* Activity.make({
        name: `status-${poll}`,
        success: TaskSchema.Task,
        error: Schema.String,
        execute: Effect.mapError(client.task(taskId).status, (error) => error.message)
      })
      if (TaskSchema.isTerminal(task.status)) {
        if (task.status !== "completed") return yield* Effect.fail(`task ${task.status}`)
        return yield* Activity.make({
          name: "result",
          success: Schema.String,
          error: Schema.String,
          execute: client.task(taskId).result.pipe(Effect.map(textOf), Effect.mapError((error) => error.message))
        })
      }
      yield* DurableClock.sleep({ name: `wait-${poll}`, duration: task.pollInterval ?? 1000 })
    }
  })
)

const ClientLive = McpClient.layer({ name: "workflow-test", version: "1.0.0", era: "legacy" }).pipe(
  Layer.provide(Peers.stdio("ts-v1-tasks"))
)

describe("durable polling with effect/workflow", () => {
  layer(
    AwaitTaskLive.pipe(Layer.provideMerge(Layer.merge(WorkflowEngine.layerMemory, ClientLive))),
    { timeout: "60 seconds", excludeTestServices: true }
  )("AwaitTask", (it) => {
    it.effect("polls a task by id to its result, and a second run with the same id gives the same", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const caller = yield* Effect.forkChild(client.callTool("brew", { steps: 4 }))
        const taskId = yield* Effect.gen(function*() {
          while (true) {
            const working = (yield* client.listTasks()).tasks.filter((task) => task.status === "working")
            if (working.length > 0) return working[working.length - 1]!.taskId
            yield* Effect.sleep("20 millis")
          }
        })
        const report = yield* AwaitTask.execute({ taskId })
        assert.strictEqual(report, "brewed 4 stages for nobody")
        assert.strictEqual(textOf(yield* Fiber.join(caller)), report)
        assert.strictEqual(yield* AwaitTask.execute({ taskId }), report)
      }))
  })
})
