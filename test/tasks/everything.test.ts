/**
 * Tool calls as tasks against the reference `everything` server, over stdio
 * and over Streamable HTTP: `simulate-research-query` (a tool that requires
 * tasks, with an `input_required` round when the query is ambiguous), and
 * the server's task-augmented requests to the client as a task receiver.
 * The server keeps its tasks per session (a task store per connection), so
 * resuming from another session is tested against the TypeScript SDK server
 * (test/tasks/resume.test.ts).
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Ref, Stream } from "effect"
import { Elicitation, McpClient, Sampling } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { readonly text?: string }).text ?? "").join("\n")

/** The order statuses may come in: working, possibly input_required and working again, then the end. */
const inOrder = (statuses: ReadonlyArray<string>, terminal: string) => {
  const collapsed = statuses.filter((status, index) => index === 0 || statuses[index - 1] !== status)
  const allowed = [["working", terminal], ["working", "input_required", "working", terminal]]
  return allowed.some((order) => order.join() === collapsed.join())
}

const elicitations = Ref.makeUnsafe<ReadonlyArray<string>>([])

const ClientLive = (mode: "stdio" | "http") =>
  McpClient.layer({ name: "tasks-test", version: "1.0.0", era: "legacy" }).pipe(
    Layer.provide(Layer.merge(
      Peers.transport("everything", mode),
      Elicitation.layer({
        form: (params) =>
          Effect.as(
            Ref.update(elicitations, (seen) => [...seen, params.message]),
            { action: "accept", content: { interpretation: "historical" } }
          )
      })
    ))
  )

describe.each(["stdio", "http"] as const)("tasks against everything over %s", (mode) => {
  layer(ClientLive(mode), { timeout: "60 seconds", excludeTestServices: true })("simulate-research-query", (it) => {
    it.effect("runs as a task to its report, its statuses in order", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const events = yield* Stream.runCollect(client.callToolAsTask("simulate-research-query", { topic: "tides" }))
        const statuses = events.flatMap((event) => event._tag === "Status" ? [event.task.status] : [])
        assert.isTrue(inOrder(statuses, "completed"), statuses.join(" → "))
        const last = events[events.length - 1]!
        assert.strictEqual(last._tag, "Result")
        if (last._tag === "Result") assert.include(textOf(last.result), "# Research Report: tides")
      }))

    it.effect("callTool runs a tool that requires tasks as one and returns its result", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const result = yield* client.callTool("simulate-research-query", { topic: "rivers" })
        assert.include(textOf(result), "# Research Report: rivers")
      }))

    it.effect("an ambiguous query's elicitation is answered by the application's handler", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const events = yield* Stream.runCollect(
          client.callToolAsTask("simulate-research-query", { topic: "jaguar", ambiguous: true })
        )
        const statuses = events.flatMap((event) => event._tag === "Status" ? [event.task.status] : [])
        assert.include(statuses, "input_required")
        assert.isTrue(inOrder(statuses, "completed"), statuses.join(" → "))
        const seen = yield* Ref.get(elicitations)
        assert.isTrue(seen.some((message) => message.includes("jaguar")))
        const last = events[events.length - 1]!
        if (last._tag !== "Result") return assert.fail("no result")
        assert.include(textOf(last.result), "jaguar (historical)")
      }))

    it.effect("a resumed task by id returns the same result as the original caller", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const original = yield* Effect.forkChild(Stream.runCollect(
          client.callToolAsTask("simulate-research-query", { topic: "glaciers" })
        ))
        const tasks = yield* Effect.gen(function*() {
          while (true) {
            const listed = yield* client.listTasks()
            const working = listed.tasks.filter((task) => task.status === "working")
            if (working.length > 0) return working
            yield* Effect.sleep("50 millis")
          }
        })
        const resumed = yield* client.task(tasks[0]!.taskId).result
        const events = yield* Fiber.join(original)
        const last = events[events.length - 1]!
        if (last._tag !== "Result") return assert.fail("no result")
        assert.deepStrictEqual(resumed, last.result)
      }))

    it.effect("startToolTask returns the created task at once; a tool without tasks gives its result", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const start = yield* client.startToolTask("simulate-research-query", { topic: "dunes" })
        if (start._tag !== "Task") return assert.fail("the call did not become a task")
        assert.strictEqual(start.task.status, "working")
        assert.include(textOf(yield* start.handle.result), "# Research Report: dunes")
        const echo = yield* client.startToolTask("echo", { message: "now" })
        assert.deepStrictEqual(echo, { _tag: "Result", result: { content: [{ type: "text", text: "Echo: now" }] } })
      }))

    it.effect("interrupting the caller cancels the task, which reports cancelled", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const first = yield* client.callToolAsTask("simulate-research-query", { topic: "volcanoes" }).pipe(
          Stream.take(1),
          Stream.runCollect
        )
        const head = first[0]!
        if (head._tag !== "Status") return assert.fail("no status")
        const status = yield* client.task(head.task.taskId).status
        assert.strictEqual(status.status, "cancelled")
        const exit = yield* Effect.exit(client.task(head.task.taskId).result)
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), "TaskCancelled")
      }))
  })

  layer(
    McpClient.layer({ name: "tasks-test", version: "1.0.0", era: "legacy", taskReceiver: { pollInterval: 200 } }).pipe(
      Layer.provide(Layer.mergeAll(
        Peers.transport("everything", mode),
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
    ),
    { timeout: "60 seconds", excludeTestServices: true }
  )("the client as a task receiver", (it) => {
    it.effect("trigger-sampling-request-async: the server polls our task and reads its result", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const text = textOf(yield* client.callTool("trigger-sampling-request-async", { prompt: "hello" }))
        assert.include(text, "[COMPLETED]")
        assert.include(text, "Task created: ")
        assert.include(text, "task-model")
      }))

    it.effect("trigger-elicitation-request-async: the server polls our task and reads its result", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const text = textOf(yield* client.callTool("trigger-elicitation-request-async", {}))
        assert.include(text, "[COMPLETED] User provided the requested information!")
        assert.include(text, "Ada")
      }))
  })
})
