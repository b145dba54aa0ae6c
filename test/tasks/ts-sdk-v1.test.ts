/**
 * The same task behaviour against a server on the official TypeScript SDK v1
 * with server-side tasks (test/servers/ts-sdk-v1-tasks.ts), over stdio and
 * over Streamable HTTP: the client following the server's tasks, and the
 * client as the receiver of the server's task-augmented requests.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Exit, Layer, Ref, Stream } from "effect"
import { Elicitation, McpClient, Sampling } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { readonly text?: string }).text ?? "").join("\n")

const asked = Ref.makeUnsafe(0)

const ClientLive = (mode: "stdio" | "http") =>
  McpClient.layer({ name: "tasks-test", version: "1.0.0", era: "legacy" }).pipe(
    Layer.provide(Layer.merge(
      Peers.transport("ts-v1-tasks", mode),
      Elicitation.layer({
        form: () => Effect.as(Ref.update(asked, (count) => count + 1), { action: "accept", content: { name: "Grace" } })
      })
    ))
  )

const ReceiverLive = (mode: "stdio" | "http") =>
  McpClient.layer({ name: "tasks-test", version: "1.0.0", era: "legacy", taskReceiver: { pollInterval: 100 } }).pipe(
    Layer.provide(Layer.mergeAll(
      Peers.transport("ts-v1-tasks", mode),
      Sampling.layer({
        createMessage: (params) =>
          Effect.succeed({
            role: "assistant",
            content: { type: "text", text: `sampled ${params.messages.length} message(s)` },
            model: "task-model"
          })
      }),
      Elicitation.layer({ form: () => Effect.succeed({ action: "accept", content: { name: "Ada" } }) })
    ))
  )

describe.each(["stdio", "http"] as const)("tasks against the TypeScript SDK v1 over %s", (mode) => {
  layer(ClientLive(mode), { timeout: "60 seconds", excludeTestServices: true })("brew", (it) => {
    it.effect("runs as a task to its result, every stage in order", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const events = yield* Stream.runCollect(client.callToolAsTask("brew", { steps: 3 }))
        const statuses = events.flatMap((event) => event._tag === "Status" ? [event.task.status] : [])
        assert.strictEqual(statuses[0], "working")
        assert.strictEqual(statuses[statuses.length - 1], "completed")
        assert.isTrue(statuses.slice(0, -1).every((status) => status === "working"))
        const messages = events.flatMap((event) =>
          event._tag === "Status" && event.task.statusMessage !== undefined ? [event.task.statusMessage] : []
        )
        const stages = messages.filter((message) => message.startsWith("stage ")).map((m) => Number(m.split(" ")[1]))
        assert.deepStrictEqual(stages, [...stages].sort((a, b) => a - b))
        const last = events[events.length - 1]!
        if (last._tag !== "Result") return assert.fail("no result")
        assert.strictEqual(textOf(last.result), "brewed 3 stages for nobody")
      }))

    it.effect("answers the task's elicitation with the application's handler", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const before = yield* Ref.get(asked)
        const result = yield* client.callTool("brew", { steps: 2, ask: true })
        assert.strictEqual(textOf(result), "brewed 2 stages for Grace")
        assert.strictEqual(yield* Ref.get(asked), before + 1)
      }))

    it.effect("a failed task is TaskFailed with the tool's content", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const exit = yield* Effect.exit(client.callTool("brew", { steps: 1, fail: true }))
        if (!Exit.isFailure(exit)) return assert.fail("expected a failure")
        const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error
        assert.strictEqual(error?._tag, "TaskFailed")
        if (error?._tag === "TaskFailed") {
          assert.deepStrictEqual(error.content, [{ type: "text", text: "the kettle broke" }])
        }
      }))

    it.effect("a resumed task by id returns the same result; a cancelled one reports cancelled", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const events = yield* Stream.runCollect(client.callToolAsTask("brew", { steps: 1 }))
        const first = events[0]!
        const last = events[events.length - 1]!
        if (first._tag !== "Status" || last._tag !== "Result") return assert.fail("no task")
        assert.deepStrictEqual(yield* client.task(first.task.taskId).result, last.result)

        const head = yield* Stream.runHead(client.callToolAsTask("brew", { steps: 10 }))
        if (head._tag !== "Some" || head.value._tag !== "Status") return assert.fail("no status")
        const status = yield* client.task(head.value.task.taskId).status
        assert.strictEqual(status.status, "cancelled")
        const listed = yield* client.listTasks()
        assert.include(listed.tasks.map((task) => task.taskId), head.value.task.taskId)
      }))

    it.effect("startToolTask returns while the task works; its handle follows it to the result", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const start = yield* client.startToolTask("brew", { steps: 3 })
        if (start._tag !== "Task") return assert.fail("the call did not become a task")
        assert.strictEqual(start.task.status, "working")
        assert.strictEqual(start.handle.taskId, start.task.taskId)
        const statuses = (yield* Stream.runCollect(start.handle.events)).flatMap((event) =>
          event._tag === "Status" ? [event.task.status] : []
        )
        assert.strictEqual(statuses[statuses.length - 1], "completed")
        assert.strictEqual(textOf(yield* start.handle.result), "brewed 3 stages for nobody")
      }))

    it.effect("a started task's handle cancels it", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const start = yield* client.startToolTask("brew", { steps: 10 })
        if (start._tag !== "Task") return assert.fail("the call did not become a task")
        const cancelled = yield* start.handle.cancel
        assert.strictEqual(cancelled.status, "cancelled")
        const exit = yield* Effect.exit(start.handle.result)
        if (!Exit.isFailure(exit)) return assert.fail("expected a failure")
        assert.strictEqual(exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error._tag, "TaskCancelled")
      }))
  })

  layer(ReceiverLive(mode), { timeout: "60 seconds", excludeTestServices: true })(
    "the client as a task receiver",
    (it) => {
      it.effect("sampling as a task: the server follows our task to its result", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const lines = textOf(yield* client.callTool("sample-as-task", { prompt: "hello" })).split("\n")
          assert.match(lines[0]!, /^created \S+$/)
          assert.include(lines, "status completed")
          const result = lines.find((line) => line.startsWith("result "))
          assert.isDefined(result)
          assert.include(result!, "sampled 1 message(s)")
          assert.include(result!, "task-model")
        }))

      it.effect("elicitation as a task: the server follows our task to its result", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const lines = textOf(yield* client.callTool("elicit-as-task", { message: "Who?" })).split("\n")
          assert.match(lines[0]!, /^created \S+$/)
          assert.include(lines, "status completed")
          const result = lines.find((line) => line.startsWith("result "))
          assert.isDefined(result)
          assert.deepStrictEqual(JSON.parse(result!.slice("result ".length)).content, { name: "Ada" })
        }))
    }
  )
})
