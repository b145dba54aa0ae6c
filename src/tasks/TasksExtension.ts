/**
 * The 2026-07-28 Tasks extension (`io.modelcontextprotocol/tasks`), behind
 * the same task events as 2025-11-25 tasks. A client that opted in sends
 * `tools/call` as usual and the server alone decides whether to answer with
 * a task (`resultType: "task"`). The client then polls `tasks/get` no faster
 * than `pollIntervalMs`, answers the task's `inputRequests` with the
 * application's handlers through `tasks/update` (each key once), reads the
 * result or error from `tasks/get` itself once the task is terminal, and
 * cancels with `tasks/cancel` when the caller gives up.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CallOptions } from "../client/Options.ts"
import type { Session } from "../client/Session.ts"
import { InputDeclined, ProtocolError, type RequestError, TaskCancelled, TaskFailed } from "../McpError.ts"
import * as Mcp from "../protocol/Mcp.ts"
import { type Validator, validator } from "../protocol/Validate.ts"
import * as PollSchedule from "./PollSchedule.ts"
import type { TaskEvent } from "./Tasks.ts"
import * as TaskSchema from "./TaskSchema.ts"

const optional = Schema.optionalKey

/**
 * The extension's id, as declared in `capabilities.extensions`.
 *
 * @category constants
 * @since 0.2.0
 */
export const extensionId = "io.modelcontextprotocol/tasks"

/**
 * A task as the extension reports it: `ttlMs` and `pollIntervalMs`.
 *
 * @category models
 * @since 0.2.0
 */
export const Task = Schema.Struct({
  taskId: Schema.String,
  status: TaskSchema.TaskStatus,
  statusMessage: optional(Schema.String),
  createdAt: Schema.String,
  lastUpdatedAt: Schema.String,
  ttlMs: Schema.NullOr(Schema.Finite),
  pollIntervalMs: optional(Schema.Finite)
})
/** @category models @since 0.2.0 */
export interface Task extends Schema.Schema.Type<typeof Task> {}

/**
 * A `tools/call` answered with a task.
 *
 * @category models
 * @since 0.2.0
 */
export const CreateTaskResult = Schema.Struct({
  ...Task.fields,
  resultType: Schema.Literal("task"),
  _meta: optional(Mcp.Meta)
})
/** @category models @since 0.2.0 */
export interface CreateTaskResult extends Schema.Schema.Type<typeof CreateTaskResult> {}

/**
 * What `tasks/get` returns: the task and, by status, its `inputRequests`,
 * its `result` or its `error`.
 *
 * @category models
 * @since 0.2.0
 */
export const GetTaskResult = Schema.Struct({
  ...Task.fields,
  resultType: optional(Schema.Literal("complete")),
  inputRequests: optional(Schema.Record(Schema.String, Mcp.InputRequest)),
  result: optional(Mcp.JsonObject),
  error: optional(Schema.Struct({ code: Schema.Finite, message: Schema.String, data: optional(Schema.Unknown) })),
  _meta: optional(Mcp.Meta)
})
/** @category models @since 0.2.0 */
export interface GetTaskResult extends Schema.Schema.Type<typeof GetTaskResult> {}

const validateCreate = validator(CreateTaskResult)
const validateGet = validator(GetTaskResult)
const validateAck = validator(
  Schema.Struct({ resultType: optional(Schema.Literal("complete")), _meta: optional(Mcp.Meta) })
)

/**
 * The task in the shape of 2025-11-25 tasks, which the task events carry.
 *
 * @example
 * ```ts
 * import { TasksExtension } from "effect-mcp-client"
 *
 * TasksExtension.normalize({
 *   taskId: "t1", status: "working", createdAt: "2026-07-28T00:00:00Z", lastUpdatedAt: "2026-07-28T00:00:00Z",
 *   ttlMs: null, pollIntervalMs: 500
 * }).pollInterval // 500
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const normalize = (task: Task): TaskSchema.Task => ({
  taskId: task.taskId,
  status: task.status,
  ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
  createdAt: task.createdAt,
  lastUpdatedAt: task.lastUpdatedAt,
  ttl: task.ttlMs,
  ...(task.pollIntervalMs === undefined ? {} : { pollInterval: task.pollIntervalMs })
})

/**
 * Accepts, besides what `validate` accepts, a result that is a task.
 *
 * @example
 * ```ts
 * import { TasksExtension } from "effect-mcp-client"
 *
 * declare const validateResult: Parameters<typeof TasksExtension.orTask>[0]
 * const validate = TasksExtension.orTask(validateResult)
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const orTask = <A>(validate: Validator<A>): Validator<A | CreateTaskResult> => (input, method) =>
  (input as { readonly resultType?: unknown } | null)?.resultType === "task"
    ? validateCreate(input, method)
    : validate(input, method)

/**
 * Whether a result is a task.
 *
 * @example
 * ```ts
 * import { TasksExtension } from "effect-mcp-client"
 *
 * TasksExtension.isTask({ content: [] }) // false
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const isTask = (result: unknown): result is CreateTaskResult =>
  (result as { readonly resultType?: unknown } | null)?.resultType === "task"

const cancelTimeout = "5 seconds"

/**
 * A handle on an extension task by id: the same operations as a 2025-11-25
 * task's handle. Its `events` and `result` may fail with `InputDeclined`
 * when a handler refuses one of the task's input requests.
 *
 * @example
 * ```ts
 * import { TasksExtension } from "effect-mcp-client"
 *
 * declare const session: Parameters<typeof TasksExtension.handle>[0]
 * declare const validate: Parameters<typeof TasksExtension.handle>[2]
 * const status = TasksExtension.handle(session, "task-1", validate).status
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const handle = <A>(session: Session, taskId: string, validate: Validator<A>) => {
  const get = Effect.map(session.request("tasks/get", { taskId }, validateGet), normalize)
  const events = Stream.unwrap(
    Effect.map(
      session.request("tasks/get", { taskId }, validateGet),
      (task) => follow(session, task, validate, { cancelOnInterrupt: false })
    )
  )
  return {
    taskId,
    status: get,
    events,
    result: Effect.flatMap(Stream.runLast(events), (last) =>
      last._tag === "Some" && last.value._tag === "Result"
        ? Effect.succeed(last.value.result)
        : Effect.die(new Error("A task's events ended without its result"))),
    // The extension acknowledges a cancellation with nothing: the task is read again.
    cancel: Effect.andThen(session.request("tasks/cancel", { taskId }, validateAck), get)
  }
}

/**
 * Follows an extension task to its end, as task events. With
 * `cancelOnInterrupt`, ending the stream before the task is terminal sends
 * `tasks/cancel`.
 *
 * @example
 * ```ts
 * import { TasksExtension } from "effect-mcp-client"
 *
 * declare const session: Parameters<typeof TasksExtension.follow>[0]
 * declare const created: TasksExtension.Task
 * declare const validate: Parameters<typeof TasksExtension.follow>[2]
 * const events = TasksExtension.follow(session, created, validate, { cancelOnInterrupt: true })
 * ```
 *
 * @category constructors
 * @since 0.2.0
 */
export const follow = <A>(
  session: Session,
  created: Task,
  validate: Validator<A>,
  settings: { readonly cancelOnInterrupt: boolean; readonly callOptions?: CallOptions | undefined }
): Stream.Stream<TaskEvent<A>, RequestError | TaskFailed | TaskCancelled | InputDeclined> =>
  Stream.callback<TaskEvent<A>, RequestError | TaskFailed | TaskCancelled | InputDeclined>((queue) =>
    Effect.gen(function*() {
      const { taskId } = created
      const callOptions = settings.callOptions
      let settled = false
      if (settings.cancelOnInterrupt) {
        yield* Effect.addFinalizer(() =>
          settled
            ? Effect.void
            : Effect.ignore(
              Effect.timeout(session.request("tasks/cancel", { taskId }, validateAck, callOptions), cancelTimeout)
            )
        )
      }
      let shown: string | undefined
      const show = (task: Task) => {
        const key = `${task.status}\u0000${task.statusMessage ?? ""}`
        if (key === shown) return
        shown = key
        Queue.offerUnsafe(queue, { _tag: "Status", task: normalize(task) })
      }
      // Input request keys are unique for the task's lifetime: each is answered once.
      const answered = new Set<string>()
      const answerInputs = (requests: GetTaskResult["inputRequests"]) =>
        Effect.gen(function*() {
          const pending = Object.entries(requests ?? {}).filter(([key]) => !answered.has(key))
          if (pending.length === 0) return
          for (const [key] of pending) answered.add(key)
          const responses = yield* Effect.forEach(pending, ([key, input]) =>
            session.answer(input.method, input.params).pipe(
              Effect.map((response) =>
                [key, response] as const
              ),
              Effect.mapError((error) =>
                new InputDeclined({
                  method: "tasks/update",
                  inputMethod: input.method,
                  key,
                  description: error.message
                })
              )
            ), { concurrency: "unbounded" })
          yield* session.request(
            "tasks/update",
            { taskId, inputResponses: Object.fromEntries(responses) },
            validateAck,
            callOptions
          )
        })
      let current: GetTaskResult = created
      let backoffAttempt = 0
      show(current)
      // A terminal task is read once more when its outcome did not come with it.
      while (
        !TaskSchema.isTerminal(current.status) ||
        (current.status !== "cancelled" && current.result === undefined && current.error === undefined)
      ) {
        if (current.status === "input_required") yield* answerInputs(current.inputRequests)
        if (!TaskSchema.isTerminal(current.status)) {
          yield* Effect.sleep(PollSchedule.delayMillis(current.pollIntervalMs, backoffAttempt))
          if (current.pollIntervalMs === undefined) backoffAttempt++
        }
        current = yield* session.request("tasks/get", { taskId }, validateGet, callOptions)
        show(current)
        if (
          TaskSchema.isTerminal(current.status) && current.status !== "cancelled" && current.result === undefined &&
          current.error === undefined
        ) {
          return yield* Effect.fail(
            new ProtocolError({ description: `Task ${taskId} ended without its outcome`, method: "tasks/get" })
          )
        }
      }
      settled = true
      const base = current.statusMessage === undefined ? { taskId } : { taskId, statusMessage: current.statusMessage }
      if (current.status === "cancelled") return yield* Effect.fail(new TaskCancelled(base))
      if (current.status === "failed") {
        return yield* Effect.fail(
          new TaskFailed(
            current.error === undefined
              ? base
              : { ...base, code: current.error.code, description: current.error.message }
          )
        )
      }
      // "exactly what the original call would have returned", isError results included.
      const checked = validate(current.result, "tasks/get")
      if (Result.isFailure(checked)) return yield* Effect.fail(checked.failure)
      Queue.offerUnsafe(queue, { _tag: "Result", result: checked.success })
      yield* Queue.end(queue)
    }).pipe(Effect.catch((error) => Queue.fail(queue, error)))
  )
