/**
 * Where the client keeps the tasks it runs for a server (the client as a
 * task receiver): each task's state and, once it ended, its outcome. The
 * default is a bounded in-memory store; provide `TaskStore` to keep them
 * elsewhere.
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import type * as TaskSchema from "./TaskSchema.ts"

/**
 * A stored task: its state, and its outcome once it ended (the result of the
 * original request, or the JSON-RPC error it failed with).
 *
 * @category models
 * @since 0.2.0
 */
export interface StoredTask {
  readonly task: TaskSchema.Task
  readonly outcome?:
    | { readonly _tag: "Result"; readonly result: JsonRpc.JsonObject }
    | { readonly _tag: "Error"; readonly error: JsonRpc.ErrorObject }
    | undefined
}

/**
 * What a task store does. Tasks past their `ttl` may be forgotten.
 *
 * @category models
 * @since 0.2.0
 */
export interface TaskStoreShape {
  /** Keeps a new or changed task. */
  readonly put: (stored: StoredTask) => Effect.Effect<void>
  readonly get: (taskId: string) => Effect.Effect<StoredTask | undefined>
  /** The tasks kept, oldest first: `limit` of them after `cursor` (a task id), and the next cursor. */
  readonly list: (
    cursor: string | undefined,
    limit: number
  ) => Effect.Effect<{ readonly tasks: ReadonlyArray<TaskSchema.Task>; readonly nextCursor?: string }>
}

/**
 * The task store service.
 *
 * @category services
 * @since 0.2.0
 */
export class TaskStore extends Context.Service<TaskStore, TaskStoreShape>()("effect-mcp-client/TaskStore") {}

/**
 * A store in memory holding at most `maxTasks` tasks (1000 by default): the
 * oldest is dropped first, and a task past its `ttl` is dropped when next
 * seen.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TaskStore } from "effect-mcp-client"
 *
 * const count = Effect.gen(function*() {
 *   const store = yield* TaskStore.makeMemory({ maxTasks: 10 })
 *   return (yield* store.list(undefined, 100)).tasks.length
 * })
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const makeMemory = (options: { readonly maxTasks?: number | undefined } = {}): Effect.Effect<TaskStoreShape> =>
  Effect.sync(() => {
    const maxTasks = Math.max(1, options.maxTasks ?? 1000)
    const tasks = new Map<string, StoredTask>()
    const expired = (stored: StoredTask, now: number) =>
      stored.task.ttl !== null && Date.parse(stored.task.createdAt) + stored.task.ttl < now
    const sweep = (now: number) => {
      for (const [taskId, stored] of tasks) if (expired(stored, now)) tasks.delete(taskId)
    }
    return {
      put: (stored) =>
        Effect.sync(() => {
          if (!tasks.has(stored.task.taskId) && tasks.size >= maxTasks) {
            const oldest = tasks.keys().next()
            if (oldest.done !== true) tasks.delete(oldest.value)
          }
          tasks.set(stored.task.taskId, stored)
        }),
      get: (taskId) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const stored = tasks.get(taskId)
          if (stored === undefined || !expired(stored, now)) return stored
          tasks.delete(taskId)
          return undefined
        }),
      list: (cursor, limit) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          sweep(now)
          const all = [...tasks.values()].map((stored) => stored.task)
          const start = cursor === undefined ? 0 : all.findIndex((task) => task.taskId === cursor) + 1
          const page = all.slice(start, start + limit)
          return start + limit < all.length
            ? { tasks: page, nextCursor: page[page.length - 1]!.taskId }
            : { tasks: page }
        })
    }
  })

/**
 * A layer of the in-memory store.
 *
 * @example
 * ```ts
 * import { TaskStore } from "effect-mcp-client"
 *
 * const Store = TaskStore.layerMemory({ maxTasks: 100 })
 * ```
 *
 * @category layers
 * @since 0.2.0
 */
export const layerMemory = (options: { readonly maxTasks?: number | undefined } = {}): Layer.Layer<TaskStore> =>
  Layer.effect(TaskStore, makeMemory(options))
