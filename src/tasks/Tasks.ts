/**
 * Task-augmented requests (2025-11-25 experimental tasks), as the requestor:
 * creating a task, following it to its end (`tasks/get` no faster than its
 * `pollInterval`, `notifications/tasks/status` when the receiver sends them,
 * `tasks/result` early on `input_required` so the receiver can ask for
 * input, and once the task is terminal), cancelling (`tasks/cancel`),
 * resuming by id and listing.
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type { Lists } from "../client/Lists.ts"
import type { CallOptions, FeatureError, ListOptions } from "../client/Options.ts"
import type { Session } from "../client/Session.ts"
import { type InputDeclined, McpServerError, type RequestError, TaskCancelled, TaskFailed } from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import { type Validator, validator } from "../protocol/Validate.ts"
import * as PollSchedule from "./PollSchedule.ts"
import * as TaskSchema from "./TaskSchema.ts"
import * as TasksExtension from "./TasksExtension.ts"

/**
 * What following a task emits: each new status (a change of `status` or
 * `statusMessage`), in order, then the result once the task completed.
 *
 * @category models
 * @since 0.2.0
 */
export type TaskEvent<A> =
  | { readonly _tag: "Status"; readonly task: TaskSchema.Task }
  | { readonly _tag: "Result"; readonly result: A }

/**
 * The failures of following a task (`InputDeclined` over the 2026-07-28
 * extension, when a handler refuses one of the task's input requests).
 *
 * @category models
 * @since 0.2.0
 */
export type TaskError = RequestError | TaskFailed | TaskCancelled | InputDeclined

/**
 * A task known by its id: on the session that created it or on any later
 * session with the same receiver.
 *
 * @category models
 * @since 0.2.0
 */
export interface TaskHandle<A, E = TaskError> {
  readonly taskId: string
  /** The task's current state (`tasks/get`). */
  readonly status: Effect.Effect<TaskSchema.Task, RequestError>
  /** Its statuses from now on, then its result. Interrupting it leaves the task running. */
  readonly events: Stream.Stream<TaskEvent<A>, E>
  /** Waits for the task's end and returns its result. Interrupting it leaves the task running. */
  readonly result: Effect.Effect<A, E>
  /** Asks the receiver to cancel the task (`tasks/cancel`); returns the task as it then is. */
  readonly cancel: Effect.Effect<TaskSchema.Task, RequestError>
}

/**
 * What starting a request as a task gives: the task as the receiver created
 * it and a handle on it, or, when the request did not become a task, its
 * result.
 *
 * @category models
 * @since 0.2.0
 */
export type TaskStart<A, E = TaskError> =
  | { readonly _tag: "Task"; readonly task: TaskSchema.Task; readonly handle: TaskHandle<A, E> }
  | { readonly _tag: "Result"; readonly result: A }

/**
 * The task operations of a session.
 *
 * @category models
 * @since 0.2.0
 */
export interface Tasks {
  /** Sends `method` with `params.task` and returns the task the receiver created. */
  readonly create: (
    method: string,
    params: Mcp.JsonObject,
    ttl: number | undefined,
    callOptions: CallOptions | undefined
  ) => Effect.Effect<TaskSchema.Task, RequestError>
  /**
   * Follows a task to its end. With `cancelOnInterrupt`, ending the stream
   * before the task is terminal sends `tasks/cancel`.
   */
  readonly follow: <A>(
    task: TaskSchema.Task,
    validate: Validator<A>,
    settings: { readonly cancelOnInterrupt: boolean; readonly callOptions?: CallOptions | undefined }
  ) => Stream.Stream<TaskEvent<A>, TaskError>
  /** A handle on a task by id. */
  readonly handle: <A>(taskId: string, validate: Validator<A>) => TaskHandle<A>
  /** `tasks/list`: one page with a cursor, otherwise every page. */
  readonly list: (options?: ListOptions) => Effect.Effect<TaskSchema.ListTasksResult, FeatureError>
}

const validateCreate = validator(TaskSchema.CreateTaskResult)
const validateTask = validator(TaskSchema.GetTaskResult)
const validateList = validator(TaskSchema.ListTasksResult)

/** How long an interrupted follower waits for `tasks/cancel` to be answered. */
const cancelTimeout = "5 seconds"

/** The task members of a `tasks/get` result or status notification, without `_meta`. */
const taskOf = (result: TaskSchema.GetTaskResult): TaskSchema.Task => {
  const { _meta: _, ...task } = result
  return task
}

/**
 * Whether `task` is not older than `shown` by `lastUpdatedAt`: a `tasks/get`
 * reply and a status notification may arrive in the other order than the
 * changes they report, and a task never goes back.
 */
const notOlder = (task: TaskSchema.Task, shown: TaskSchema.Task) => {
  const updated = Date.parse(task.lastUpdatedAt)
  const latest = Date.parse(shown.lastUpdatedAt)
  return Number.isNaN(updated) || Number.isNaN(latest) || updated >= latest
}

/**
 * Builds the task operations of a session.
 *
 * @example
 * ```ts
 * import { Tasks } from "effect-mcp-client"
 *
 * declare const session: Parameters<typeof Tasks.make>[0]
 * declare const lists: Parameters<typeof Tasks.make>[1]
 * const tasks = Tasks.make(session, lists)
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const make = (session: Session, lists: Lists): Tasks => {
  const get = (taskId: string, callOptions?: CallOptions) =>
    Effect.map(session.request("tasks/get", { taskId }, validateTask, callOptions), taskOf)

  const cancel = (taskId: string, callOptions?: CallOptions) =>
    Effect.map(session.request("tasks/cancel", { taskId }, validateTask, callOptions), taskOf)

  /** `tasks/result`: answered once the task is terminal, with the original request's outcome. */
  const result = <A>(taskId: string, validate: Validator<A>, callOptions?: CallOptions) =>
    session.request("tasks/result", { taskId }, validate, { ...callOptions, timeout: "Infinity" })

  const create: Tasks["create"] = (method, params, ttl, callOptions) =>
    session.request(method, { ...params, task: ttl === undefined ? {} : { ttl } }, validateCreate, callOptions).pipe(
      Effect.map((created) => created.task)
    )

  /** The next `notifications/tasks/status` about `taskId`. */
  const nextNotified = (notes: Queue.Dequeue<Mcp.ServerNotification>, taskId: string) =>
    Effect.gen(function*() {
      while (true) {
        const note = yield* Queue.take(notes)
        if (note.method !== "notifications/tasks/status") continue
        const checked = validateTask(note.params, note.method)
        if (Result.isSuccess(checked) && checked.success.taskId === taskId) return taskOf(checked.success)
      }
    })

  /** The failure a terminal task that did not complete ends in. */
  const terminalFailure = <A>(task: TaskSchema.Task, validate: Validator<A>, callOptions: CallOptions | undefined) => {
    const base = task.statusMessage === undefined
      ? { taskId: task.taskId }
      : { taskId: task.taskId, statusMessage: task.statusMessage }
    if (task.status === "cancelled") return Effect.fail(new TaskCancelled(base))
    // The original request's outcome says why, when the receiver still has it.
    return result(task.taskId, validate, { ...callOptions }).pipe(
      Effect.timeout(cancelTimeout),
      Effect.match({
        onFailure: (error) =>
          error instanceof McpServerError
            ? new TaskFailed({ ...base, code: error.code, description: error.description })
            : new TaskFailed(base),
        onSuccess: (outcome) => {
          const content = (outcome as { readonly content?: unknown }).content
          return Array.isArray(content) ? new TaskFailed({ ...base, content }) : new TaskFailed(base)
        }
      }),
      Effect.flatMap(Effect.fail)
    )
  }

  const follow: Tasks["follow"] = <A>(
    initial: TaskSchema.Task,
    validate: Validator<A>,
    settings: { readonly cancelOnInterrupt: boolean; readonly callOptions?: CallOptions | undefined }
  ) =>
    Stream.callback<TaskEvent<A>, TaskError>((queue) =>
      Effect.gen(function*() {
        const { taskId } = initial
        const callOptions = settings.callOptions
        const notes = yield* session.engine.subscribe
        let settled = false
        if (settings.cancelOnInterrupt) {
          yield* Effect.addFinalizer(() =>
            settled ? Effect.void : Effect.ignore(Effect.timeout(cancel(taskId, callOptions), cancelTimeout))
          )
        }
        let shown: string | undefined
        const show = (task: TaskSchema.Task) => {
          const key = `${task.status}\u0000${task.statusMessage ?? ""}`
          if (key === shown) return
          shown = key
          Queue.offerUnsafe(queue, { _tag: "Status", task })
        }
        let current = initial
        let early: Fiber.Fiber<A, RequestError> | undefined
        let backoffAttempt = 0
        show(current)
        while (!TaskSchema.isTerminal(current.status)) {
          // On input_required the receiver sends its requests on the tasks/result stream.
          if (current.status === "input_required" && early === undefined) {
            early = yield* Effect.forkScoped(result(taskId, validate, callOptions))
          }
          const wait = PollSchedule.delayMillis(current.pollInterval, backoffAttempt)
          if (current.pollInterval === undefined) backoffAttempt++
          const pollAt = (yield* Clock.currentTimeMillis) + wait
          // Until the next poll is due, status notifications are shown as they come.
          while (!TaskSchema.isTerminal(current.status)) {
            const remaining = pollAt - (yield* Clock.currentTimeMillis)
            if (remaining <= 0) break
            const notified = yield* Effect.raceFirst(
              Effect.as(Effect.sleep(remaining), undefined),
              nextNotified(notes, taskId)
            )
            if (notified === undefined) break
            if (!notOlder(notified, current)) continue
            current = notified
            show(current)
          }
          if (TaskSchema.isTerminal(current.status)) break
          const polled = yield* get(taskId, callOptions)
          if (!notOlder(polled, current)) continue
          current = polled
          show(current)
        }
        settled = true
        if (current.status !== "completed") return yield* terminalFailure(current, validate, callOptions)
        const outcome = early === undefined ? yield* result(taskId, validate, callOptions) : yield* Fiber.join(early)
        Queue.offerUnsafe(queue, { _tag: "Result", result: outcome })
        yield* Queue.end(queue)
      }).pipe(Effect.catch((error) => Queue.fail(queue, error)))
    )

  const handle: Tasks["handle"] = <A>(taskId: string, validate: Validator<A>): TaskHandle<A> => {
    if (session.modern) return TasksExtension.handle(session, taskId, validate)
    const events = Stream.unwrap(
      Effect.map(get(taskId), (task) => follow(task, validate, { cancelOnInterrupt: false }))
    )
    return {
      taskId,
      status: get(taskId),
      events,
      result: resultOf(events),
      cancel: cancel(taskId)
    }
  }

  return {
    create,
    follow,
    handle,
    list: (listOptions) =>
      session.require("tasks/list", "tasks.list", session.capabilities.tasks?.list !== undefined).pipe(
        Effect.andThen(lists.list("tasks/list", "tasks", validateList, listOptions)),
        (effect) => session.traced(effect, "tasks/list")
      )
  }
}

/**
 * The result a task's events ended with.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Tasks } from "effect-mcp-client"
 *
 * declare const events: Stream.Stream<Tasks.TaskEvent<string>, Tasks.TaskError>
 * const result: Effect.Effect<string, Tasks.TaskError> = Tasks.resultOf(events)
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const resultOf = <A, E>(events: Stream.Stream<TaskEvent<A>, E>): Effect.Effect<A, E> =>
  Stream.runLast(events).pipe(
    Effect.flatMap((last) =>
      last._tag === "Some" && last.value._tag === "Result"
        ? Effect.succeed(last.value.result)
        : Effect.die(new Error("A task's events ended without its result"))
    )
  )
