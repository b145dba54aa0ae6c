/**
 * The client as a task receiver (2025-11-25): when the application opts in,
 * the server may send `sampling/createMessage` and `elicitation/create` with
 * `params.task`. The client answers at once with the task it created, runs
 * the handler in the session's scope, and serves `tasks/get`,
 * `tasks/result`, `tasks/list` and `tasks/cancel` from its `TaskStore`.
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type { ServerRequestHandler } from "../session/Engine.ts"
import * as TaskSchema from "./TaskSchema.ts"
import type { StoredTask, TaskStoreShape } from "./TaskStore.ts"

/**
 * Which requests the client takes as tasks, and for how long it keeps them.
 *
 * @category models
 * @since 0.2.0
 */
export interface Settings {
  readonly sampling: boolean
  readonly elicitation: boolean
  /** Milliseconds a task is kept when the server asks for no `ttl`; also the longest granted. */
  readonly maxTtl: number
  /** The `pollInterval` suggested to the server, in milliseconds. */
  readonly pollInterval: number
}

/**
 * The `tasks` capability for the requests taken as tasks.
 *
 * @example
 * ```ts
 * import { TaskReceiver } from "effect-mcp-client"
 *
 * TaskReceiver.capabilities({ sampling: true, elicitation: false, maxTtl: 60000, pollInterval: 500 })
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const capabilities = (settings: Settings): Mcp.ClientCapabilities => ({
  tasks: {
    list: {},
    cancel: {},
    requests: {
      ...(settings.sampling ? { sampling: { createMessage: {} } } : {}),
      ...(settings.elicitation ? { elicitation: { create: {} } } : {})
    }
  }
})

const pageSize = 100

const invalidParams = (message: string): JsonRpc.ErrorObject => ({ code: JsonRpc.ErrorCode.InvalidParams, message })

const taskIdOf = (params: JsonRpc.JsonObject | undefined): string | undefined =>
  typeof params?.taskId === "string" ? params.taskId : undefined

/**
 * Wraps the handler of server requests so that task-augmented requests run
 * as tasks, and the task methods are served.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TaskReceiver, TaskStore } from "effect-mcp-client"
 *
 * declare const answer: Parameters<typeof TaskReceiver.make>[0]
 * const receiving = Effect.gen(function*() {
 *   const store = yield* TaskStore.makeMemory()
 *   const scope = yield* Effect.scope
 *   return TaskReceiver.make(answer, store, scope, { sampling: true, elicitation: true, maxTtl: 60000, pollInterval: 500 })
 * })
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const make = (
  inner: ServerRequestHandler,
  store: TaskStoreShape,
  scope: Scope.Scope,
  settings: Settings
): ServerRequestHandler => {
  /** The tasks running in this process: their fiber, and a signal when they end. */
  const running = new Map<string, { fiber: Fiber.Fiber<void>; readonly done: Deferred.Deferred<void> }>()
  let counter = 0

  const update = (stored: StoredTask, status: TaskSchema.TaskStatus, outcome?: StoredTask["outcome"]) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      store.put({
        task: { ...stored.task, status, lastUpdatedAt: new Date(now).toISOString() },
        ...(outcome === undefined ? {} : { outcome })
      }))

  const start = (method: string, params: JsonRpc.JsonObject) =>
    Effect.gen(function*() {
      const { task: requested, ...plain } = params
      const asked = (requested as { readonly ttl?: unknown }).ttl
      const ttl = typeof asked === "number" && asked > 0 ? Math.min(asked, settings.maxTtl) : settings.maxTtl
      const now = yield* Clock.currentTimeMillis
      const stamp = new Date(now).toISOString()
      const taskId = `task-${now.toString(36)}-${(++counter).toString(36)}`
      const created: StoredTask = {
        task: {
          taskId,
          status: "working",
          createdAt: stamp,
          lastUpdatedAt: stamp,
          ttl,
          pollInterval: settings.pollInterval
        }
      }
      yield* store.put(created)
      const done = yield* Deferred.make<void>()
      const work = inner(method, plain).pipe(
        Effect.matchEffect({
          onFailure: (error) => update(created, "failed", { _tag: "Error", error }),
          onSuccess: (result) => update(created, "completed", { _tag: "Result", result })
        }),
        Effect.ensuring(Effect.sync(() => running.delete(taskId)).pipe(Effect.andThen(Deferred.succeed(done, void 0))))
      )
      const fiber = yield* Effect.forkIn(Effect.asVoid(work), scope)
      running.set(taskId, { fiber, done })
      return { task: created.task } as unknown as JsonRpc.JsonObject
    })

  const find = (params: JsonRpc.JsonObject | undefined) => {
    const taskId = taskIdOf(params)
    if (taskId === undefined) return Effect.fail(invalidParams("taskId is required"))
    return Effect.flatMap(
      store.get(taskId),
      (stored) => stored === undefined ? Effect.fail(invalidParams(`Unknown task: ${taskId}`)) : Effect.succeed(stored)
    )
  }

  const result = (params: JsonRpc.JsonObject | undefined) =>
    Effect.gen(function*() {
      let stored = yield* find(params)
      const live = running.get(stored.task.taskId)
      if (!TaskSchema.isTerminal(stored.task.status) && live !== undefined) {
        yield* Deferred.await(live.done)
        stored = yield* find(params)
      }
      const meta = { [TaskSchema.relatedTaskKey]: { taskId: stored.task.taskId } }
      const outcome = stored.outcome
      if (outcome?._tag === "Result") {
        return { ...outcome.result, _meta: { ...(outcome.result._meta as object), ...meta } }
      }
      if (outcome?._tag === "Error") {
        return yield* Effect.fail(outcome.error)
      }
      return yield* Effect.fail<JsonRpc.ErrorObject>({
        code: JsonRpc.ErrorCode.InvalidParams,
        message: `Task ${stored.task.taskId} has no result (${stored.task.status})`
      })
    })

  const cancel = (params: JsonRpc.JsonObject | undefined) =>
    Effect.gen(function*() {
      const stored = yield* find(params)
      if (TaskSchema.isTerminal(stored.task.status)) {
        return yield* Effect.fail(invalidParams(`Task ${stored.task.taskId} is already ${stored.task.status}`))
      }
      const live = running.get(stored.task.taskId)
      if (live !== undefined) {
        running.delete(stored.task.taskId)
        yield* Fiber.interrupt(live.fiber)
      }
      yield* update(stored, "cancelled")
      return ((yield* find(params)).task) as unknown as JsonRpc.JsonObject
    })

  return (method, params) => {
    switch (method) {
      case "sampling/createMessage":
      case "elicitation/create": {
        const enabled = method === "sampling/createMessage" ? settings.sampling : settings.elicitation
        if (enabled && typeof params?.task === "object" && params.task !== null) return start(method, params)
        return inner(method, params)
      }
      case "tasks/get":
        return Effect.map(find(params), (stored) => stored.task as unknown as JsonRpc.JsonObject)
      case "tasks/result":
        return result(params)
      case "tasks/cancel":
        return cancel(params)
      case "tasks/list": {
        const cursor = typeof params?.cursor === "string" ? params.cursor : undefined
        return Effect.map(store.list(cursor, pageSize), (page) => page as unknown as JsonRpc.JsonObject)
      }
      default:
        return inner(method, params)
    }
  }
}
