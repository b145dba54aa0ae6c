/**
 * Resuming a task from another session: over Streamable HTTP, session A
 * starts a task and ends (its scope closes, the HTTP session is deleted)
 * while the task works; session B, a new session to the same server
 * process, picks the task up by id. The server is the TypeScript SDK v1
 * tasks server, whose tasks belong to the process (the `everything`
 * server keeps a task store per session, so another session never sees its
 * tasks).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import { HttpTransport, McpClient, Transport } from "../../src/index.ts"
import * as Oracle from "../support/Oracle.ts"
import * as Peers from "../support/Peers.ts"

/** A session of its own to the server at `url`, for the current scope. */
const open = (url: string, name: string) =>
  McpClient.make({ name, version: "1.0.0", era: "legacy" }).pipe(
    Effect.provideServiceEffect(Transport.Transport, Effect.flatMap(HttpTransport.makeNode({ url }), Oracle.check))
  )

/** A result without its `_meta` (which names the task it came from). */
const withoutMeta = ({ _meta: _, ...result }: { readonly _meta?: unknown; readonly [key: string]: unknown }) => result

describe("resuming a task from another session", () => {
  it.live("session B gets the result the caller in session A would have got", () =>
    Effect.gen(function*() {
      const url = yield* Peers.http("ts-v1-tasks")
      const taskId = yield* Effect.scoped(Effect.gen(function*() {
        const a = yield* open(url, "session-a")
        const start = yield* a.startToolTask("brew", { steps: 8 })
        if (start._tag !== "Task") return yield* Effect.die(new Error("the call did not become a task"))
        return start.task.taskId
      }))

      const b = yield* open(url, "session-b")
      const handle = b.task(taskId)
      // Session A is gone and the task still works.
      assert.strictEqual((yield* handle.status).status, "working")
      const statuses = (yield* Stream.runCollect(handle.events)).flatMap((event) =>
        event._tag === "Status" ? [event.task.status] : []
      )
      assert.strictEqual(statuses[statuses.length - 1], "completed")
      const resumed = yield* handle.result
      assert.deepStrictEqual(
        (resumed._meta as Record<string, unknown> | undefined)?.["io.modelcontextprotocol/related-task"],
        { taskId }
      )

      // The same call, uninterrupted, from one session.
      const uninterrupted = yield* b.callTool("brew", { steps: 8 })
      assert.deepStrictEqual(withoutMeta(resumed), withoutMeta(uninterrupted))
      assert.deepStrictEqual(resumed.content, [{ type: "text", text: "brewed 8 stages for nobody" }])
    }).pipe(Effect.scoped), 60_000)

  it.live("session B cancels a task session A started, and lists it", () =>
    Effect.gen(function*() {
      const url = yield* Peers.http("ts-v1-tasks")
      const taskId = yield* Effect.scoped(Effect.gen(function*() {
        const a = yield* open(url, "session-a")
        const start = yield* a.startToolTask("brew", { steps: 10 })
        if (start._tag !== "Task") return yield* Effect.die(new Error("the call did not become a task"))
        return start.task.taskId
      }))

      const b = yield* open(url, "session-b")
      assert.include((yield* b.listTasks()).tasks.map((task) => task.taskId), taskId)
      assert.strictEqual((yield* b.task(taskId).cancel).status, "cancelled")
      const exit = yield* Effect.exit(b.task(taskId).result)
      if (!Exit.isFailure(exit)) return assert.fail("expected a failure")
      assert.strictEqual(exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error._tag, "TaskCancelled")
    }).pipe(Effect.scoped), 60_000)
})
