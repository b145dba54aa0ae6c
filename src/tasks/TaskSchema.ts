/**
 * The task types of revision 2025-11-25 (experimental tasks), as
 * `effect/Schema` values: the task itself, what creating, reading and listing
 * tasks return, and the status notification.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as Mcp from "../protocol/Mcp.ts"

const optional = Schema.optionalKey

/**
 * A task's status. `completed`, `failed` and `cancelled` are terminal.
 *
 * @category models
 * @since 0.2.0
 */
export const TaskStatus = Schema.Literals(["working", "input_required", "completed", "failed", "cancelled"])
/** @category models @since 0.2.0 */
export type TaskStatus = typeof TaskStatus.Type

/**
 * A task as the receiver reports it. `ttl` (milliseconds, `null` for
 * unlimited) is how long it is kept after creation; `pollInterval`
 * (milliseconds) how often it may be polled.
 *
 * @category models
 * @since 0.2.0
 */
export const Task = Schema.Struct({
  taskId: Schema.String,
  status: TaskStatus,
  statusMessage: optional(Schema.String),
  createdAt: Schema.String,
  lastUpdatedAt: Schema.String,
  ttl: Schema.NullOr(Schema.Finite),
  pollInterval: optional(Schema.Finite)
})
/** @category models @since 0.2.0 */
export interface Task extends Schema.Schema.Type<typeof Task> {}

/**
 * What a task-augmented request returns at once: the task it created.
 *
 * @category models
 * @since 0.2.0
 */
export const CreateTaskResult = Schema.Struct({ task: Task, _meta: optional(Mcp.Meta) })
/** @category models @since 0.2.0 */
export interface CreateTaskResult extends Schema.Schema.Type<typeof CreateTaskResult> {}

/**
 * What `tasks/get` and `tasks/cancel` return: the task's members at the top
 * level.
 *
 * @category models
 * @since 0.2.0
 */
export const GetTaskResult = Schema.Struct({ ...Task.fields, _meta: optional(Mcp.Meta) })
/** @category models @since 0.2.0 */
export interface GetTaskResult extends Schema.Schema.Type<typeof GetTaskResult> {}

/**
 * One page of `tasks/list`.
 *
 * @category models
 * @since 0.2.0
 */
export const ListTasksResult = Schema.Struct({
  tasks: Schema.Array(Task),
  nextCursor: optional(Schema.String),
  _meta: optional(Mcp.Meta)
})
/** @category models @since 0.2.0 */
export interface ListTasksResult extends Schema.Schema.Type<typeof ListTasksResult> {}

/**
 * The `_meta` key that ties a message to the task it serves.
 *
 * @category constants
 * @since 0.2.0
 */
export const relatedTaskKey = "io.modelcontextprotocol/related-task"

/**
 * Whether a status is terminal.
 *
 * @example
 * ```ts
 * import { TaskSchema } from "effect-mcp-client"
 *
 * TaskSchema.isTerminal("completed") // true
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const isTerminal = (status: TaskStatus): boolean =>
  status === "completed" || status === "failed" || status === "cancelled"
