/**
 * Tools: listing, calling (plain, with progress, failing on `isError`,
 * typed), telling "not found" from other errors however the server reports
 * it, checking output against the tool's `outputSchema` and, on request,
 * arguments against its `inputSchema`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  CapabilityNotSupported,
  type InputDeclined,
  InvalidToolArguments,
  type McpServerError,
  OutputValidationError,
  type RequestError,
  type TaskCancelled,
  type TaskFailed,
  ToolExecutionError,
  ToolNotFound,
  UrlElicitationRequired
} from "../McpError.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import * as JsonSchema from "../protocol/JsonSchema.ts"
import * as Mcp from "../protocol/Mcp.ts"
import { decoder, type Validator, validator } from "../protocol/Validate.ts"
import type { TaskEvent, TaskHandle, Tasks, TaskStart } from "../tasks/Tasks.ts"
import type * as TaskSchema from "../tasks/TaskSchema.ts"
import * as TasksExtension from "../tasks/TasksExtension.ts"
import * as Elicitations from "./Elicitations.ts"
import type { Lists } from "./Lists.ts"
import type {
  CallOptions,
  CallToolError,
  FeatureError,
  ListOptions,
  ProgressEvent,
  ToolCallOptions,
  ToolTaskError
} from "./Options.ts"
import * as Progress from "./Progress.ts"
import type { Session } from "./Session.ts"

type Arguments = { readonly [key: string]: unknown }

/** The result the events of a task end with. */
const resultOfEvents = <E>(events: Stream.Stream<TaskEvent<Mcp.CallToolResult>, E>) =>
  Effect.flatMap(Stream.runLast(events), (last) =>
    last._tag === "Some" && last.value._tag === "Result"
      ? Effect.succeed(last.value.result)
      : Effect.die(new Error("A task's events ended without its result")))

/**
 * The tool operations of a session.
 *
 * @category models
 * @since 0.1.0
 */
export interface Tools {
  readonly listTools: (options?: ListOptions) => Effect.Effect<Mcp.ListToolsResult, FeatureError>
  readonly listToolsPages: (options?: CallOptions) => Stream.Stream<Mcp.ListToolsResult, FeatureError>
  readonly callTool: (
    name: string,
    args?: Arguments,
    options?: ToolCallOptions
  ) => Effect.Effect<Mcp.CallToolResult, CallToolError>
  readonly callToolWithProgress: (
    name: string,
    args?: Arguments,
    options?: ToolCallOptions
  ) => Stream.Stream<ProgressEvent<Mcp.CallToolResult>, CallToolError>
  readonly callToolOrFail: (
    name: string,
    args?: Arguments,
    options?: ToolCallOptions
  ) => Effect.Effect<Mcp.CallToolResult, CallToolError | ToolExecutionError>
  readonly callToolTyped: <S extends Schema.ConstraintDecoder<unknown>>(
    name: string,
    args: Arguments | undefined,
    schema: S,
    options?: ToolCallOptions
  ) => Effect.Effect<S["Type"], CallToolError | ToolExecutionError>
  readonly callToolAsTask: (
    name: string,
    args?: Arguments,
    options?: ToolCallOptions
  ) => Stream.Stream<TaskEvent<Mcp.CallToolResult>, CallToolError>
  readonly startToolTask: (
    name: string,
    args?: Arguments,
    options?: ToolCallOptions
  ) => Effect.Effect<TaskStart<Mcp.CallToolResult, ToolTaskError>, CallToolError>
}

const validateUrlElicitation = validator(Mcp.ElicitUrlParams)

const toolMap = (tools: ReadonlyArray<Mcp.Tool>): ReadonlyMap<string, Mcp.Tool> =>
  new Map(tools.map((tool) => [tool.name, tool]))

/** The text blocks of a result, joined. */
const textOf = (content: ReadonlyArray<Mcp.ContentBlock>): string =>
  content.flatMap((block) => block.type === "text" && "text" in block ? [block.text as string] : []).join("\n")

/**
 * Builds the tool operations of a session.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (session: Session, lists: Lists, tasks: Tasks): Tools => {
  const { state, validators } = session
  const requireTools = (method: string) => session.require(method, "tools", session.capabilities.tools !== undefined)

  const listTools = (listOptions?: ListOptions) =>
    requireTools("tools/list").pipe(
      Effect.andThen(lists.list("tools/list", "tools", validators.listTools, listOptions)),
      Effect.tap((result) =>
        Effect.sync(() => {
          if (listOptions?.cursor === undefined) state.knownTools = toolMap(result.tools)
        })
      ),
      (effect) => session.traced(effect, "tools/list")
    )

  /**
   * The server's definition of a tool: from the last listing, or from a fresh
   * one when the tool is not in it; `undefined` when the server does not list
   * it, `null` when the list cannot be had.
   */
  const findTool = (name: string, callOptions: CallOptions | undefined) => {
    const known = state.knownTools?.get(name)
    if (known !== undefined) return Effect.succeed<Mcp.Tool | undefined | null>(known)
    return lists.list("tools/list", "tools", validators.listTools, callOptions).pipe(
      Effect.map((result): Mcp.Tool | undefined | null => {
        state.knownTools = toolMap(result.tools)
        return state.knownTools.get(name)
      }),
      Effect.orElseSucceed(() => null)
    )
  }

  /** Checks `structuredContent` against the tool's declared `outputSchema`. */
  const checkOutput = (
    name: string,
    result: Mcp.CallToolResult,
    callOptions: CallOptions | undefined
  ): Effect.Effect<Mcp.CallToolResult, OutputValidationError> => {
    // A tool that failed reports why in its content; its output is not checked.
    if (result.isError === true) return Effect.succeed(result)
    // Without structured content, only a tool already known to declare a schema is checked.
    if (result.structuredContent === undefined && state.knownTools?.get(name)?.outputSchema === undefined) {
      return Effect.succeed(result)
    }
    return Effect.flatMap(findTool(name, callOptions), (tool) => {
      if (tool === null || tool === undefined || tool.outputSchema === undefined) return Effect.succeed(result)
      if (result.structuredContent === undefined) {
        return Effect.fail(
          new OutputValidationError({
            name,
            description: "the tool declares an outputSchema but sent no structuredContent"
          })
        )
      }
      return Effect.flatMap(
        JsonSchema.check(tool.outputSchema, result.structuredContent),
        (issue) =>
          issue === undefined
            ? Effect.succeed(result)
            : Effect.fail(new OutputValidationError({ name, description: issue.message, path: issue.path }))
      )
    })
  }

  /** Checks arguments against the tool's `inputSchema` before anything is sent (when asked to). */
  const checkArguments = (
    name: string,
    args: Arguments | undefined,
    callOptions: ToolCallOptions | undefined
  ): Effect.Effect<void, InvalidToolArguments> =>
    Effect.flatMap(findTool(name, callOptions), (tool) => {
      if (tool === null || tool === undefined) return Effect.void
      return Effect.flatMap(
        JsonSchema.check(tool.inputSchema, args ?? {}),
        (issue) =>
          issue === undefined
            ? Effect.void
            : Effect.fail(new InvalidToolArguments({ name, description: issue.message, path: issue.path }))
      )
    })

  /**
   * Sends `tools/call`. Over HTTP on 2026-07-28 the tool's definition must be
   * known to mirror its annotated arguments in headers; when the server finds
   * the headers wrong (`-32020`), the tool list is fetched again and the call
   * retried once.
   */
  const sendToolCall = <A>(
    name: string,
    args: Arguments | undefined,
    callOptions: ToolCallOptions | undefined,
    validate: Validator<A>
  ) => {
    const send = session.withInputs(
      "tools/call",
      args === undefined ? { name } : { name, arguments: args },
      validate,
      callOptions
    )
    if (!session.httpModern) return send
    const withDefinition = Effect.andThen(findTool(name, callOptions), send)
    return Effect.catchTag(withDefinition, "HeaderMismatch", () => {
      state.knownTools = undefined
      return withDefinition
    })
  }

  /** Over 2026-07-28 with the Tasks extension, the server may answer any call with a task. */
  const extensionTasks = session.modern && session.options.tasksExtension === true
  const validateCallOrTask = TasksExtension.orTask(validators.callTool)

  /** A call that may become an extension task: its events, or its result alone. */
  const extensionCallEvents = (name: string, args: Arguments | undefined, callOptions: ToolCallOptions | undefined) =>
    Stream.unwrap(
      Effect.map(
        sendToolCall(name, args, callOptions, validateCallOrTask),
        (
          result
        ): Stream.Stream<TaskEvent<Mcp.CallToolResult>, RequestError | InputDeclined | TaskFailed | TaskCancelled> =>
          TasksExtension.isTask(result)
            ? TasksExtension.follow(session, result, validators.callTool, { cancelOnInterrupt: true, callOptions })
            : Stream.make({ _tag: "Result", result })
      )
    )

  /**
   * Whether a call runs as a task: only when the server takes task-augmented
   * `tools/call`, then as the tool's `execution.taskSupport` says (`required`:
   * always; `optional`: when asked).
   */
  const runsAsTask = (name: string, callOptions: ToolCallOptions | undefined, asked: boolean) => {
    const requests = session.capabilities.tasks?.requests as
      | { readonly tools?: { readonly call?: unknown } }
      | undefined
    if (requests?.tools?.call === undefined) return Effect.succeed(false)
    return Effect.map(findTool(name, callOptions), (tool) => {
      const support = (tool?.execution as { readonly taskSupport?: unknown } | undefined)?.taskSupport
      return support === "required" || (support === "optional" && asked)
    })
  }

  /** The task's events: created with `tools/call`, followed to its result; cancelled if abandoned. */
  const toolTaskEvents = (name: string, args: Arguments | undefined, callOptions: ToolCallOptions | undefined) =>
    Stream.unwrap(
      Effect.map(
        tasks.create(
          "tools/call",
          args === undefined ? { name } : { name, arguments: args },
          callOptions?.task?.ttl,
          callOptions
        ),
        (task) => tasks.follow(task, validators.callTool, { cancelOnInterrupt: true, callOptions })
      )
    )

  /** `-32042`: the server needs URL elicitations first; their completion will be reported. */
  const urlElicitationRequired = (error: McpServerError) => {
    const data = error.data as { readonly elicitations?: ReadonlyArray<unknown> } | undefined
    const elicitations = (Array.isArray(data?.elicitations) ? data.elicitations : []).flatMap((entry) => {
      const checked = validateUrlElicitation(entry, "tools/call")
      return Result.isSuccess(checked) ? [checked.success] : []
    })
    for (const elicitation of elicitations) {
      ;(state.elicitations ??= new Elicitations.Tracker()).refused(elicitation.elicitationId)
    }
    return new UrlElicitationRequired({ method: "tools/call", description: error.description, elicitations })
  }

  /** A server error about a call: a tool the server does not know, or URL elicitations it needs first. */
  const callFailed = (
    name: string,
    error: McpServerError,
    callOptions: ToolCallOptions | undefined
  ): Effect.Effect<never, McpServerError | ToolNotFound | UrlElicitationRequired> => {
    if (error.code === JsonRpc.ErrorCode.UrlElicitationRequired) return Effect.fail(urlElicitationRequired(error))
    if (error.code !== JsonRpc.ErrorCode.InvalidParams && error.code !== JsonRpc.ErrorCode.MethodNotFound) {
      return Effect.fail(error)
    }
    return Effect.flatMap(
      findTool(name, callOptions),
      (tool): Effect.Effect<never, McpServerError | ToolNotFound> =>
        tool === undefined
          ? Effect.fail(new ToolNotFound({ name, description: error.description }))
          : Effect.fail(error)
    )
  }

  /** What a result becomes: a tool the server does not know, an output that fails its schema, or itself. */
  const callSucceeded = (
    name: string,
    result: Mcp.CallToolResult,
    callOptions: ToolCallOptions | undefined
  ): Effect.Effect<Mcp.CallToolResult, ToolNotFound | OutputValidationError> =>
    result.isError === true
      ? Effect.flatMap(findTool(name, callOptions), (tool) =>
        tool === undefined
          ? Effect.fail(new ToolNotFound({ name, description: textOf(result.content) }))
          : Effect.succeed(result))
      : checkOutput(name, result, callOptions)

  const callTool = (
    name: string,
    args?: Arguments,
    callOptions?: ToolCallOptions
  ): Effect.Effect<Mcp.CallToolResult, CallToolError> =>
    session.traced(
      Effect.suspend((): Effect.Effect<Mcp.CallToolResult, CallToolError> => {
        if (session.capabilities.tools === undefined) {
          return Effect.fail(new CapabilityNotSupported({ method: "tools/call", capability: "tools" }))
        }
        const validateArguments = (callOptions?.validateArguments ?? session.options.validateToolArguments) === true
        const send = Effect.flatMap(
          runsAsTask(name, callOptions, callOptions?.task !== undefined),
          (asTask): Effect.Effect<Mcp.CallToolResult, RequestError | InputDeclined | TaskFailed | TaskCancelled> =>
            asTask
              ? resultOfEvents(toolTaskEvents(name, args, callOptions))
              : extensionTasks
              ? resultOfEvents(extensionCallEvents(name, args, callOptions))
              : sendToolCall(name, args, callOptions, validators.callTool)
        )
        // One step sorts the outcome, whatever it is.
        return Effect.matchEffect(
          validateArguments ? Effect.andThen(checkArguments(name, args, callOptions), send) : send,
          {
            onFailure: (error): Effect.Effect<never, CallToolError> =>
              error._tag === "McpServerError" ? callFailed(name, error, callOptions) : Effect.fail(error),
            onSuccess: (result) => callSucceeded(name, result, callOptions)
          }
        )
      }),
      "tools/call",
      { "gen_ai.tool.name": name }
    )

  const callToolOrFail = (name: string, args?: Arguments, callOptions?: ToolCallOptions) =>
    Effect.flatMap(callTool(name, args, callOptions), (result) =>
      result.isError === true
        ? Effect.fail(new ToolExecutionError({ name, text: textOf(result.content), content: result.content }))
        : Effect.succeed(result))

  /** A task's events with its result checked as a call's result is. */
  const checkedEvents = <E>(
    name: string,
    events: Stream.Stream<TaskEvent<Mcp.CallToolResult>, E>,
    callOptions: ToolCallOptions | undefined
  ) =>
    Stream.mapEffect(
      events,
      (event): Effect.Effect<TaskEvent<Mcp.CallToolResult>, E | ToolNotFound | OutputValidationError> =>
        event._tag === "Result"
          ? Effect.map(callSucceeded(name, event.result, callOptions), (result) => ({ _tag: "Result", result }))
          : Effect.succeed(event)
    )

  /** A call as a task's events; a tool that cannot run as a task gives its result alone. */
  const callToolAsTask = (name: string, args?: Arguments, callOptions?: ToolCallOptions) =>
    Stream.unwrap(
      Effect.map(
        session.require("tools/call", "tools", session.capabilities.tools !== undefined).pipe(
          Effect.andThen(runsAsTask(name, callOptions, true))
        ),
        (asTask): Stream.Stream<TaskEvent<Mcp.CallToolResult>, CallToolError> =>
          asTask || extensionTasks
            ? checkedEvents(
              name,
              asTask ? toolTaskEvents(name, args, callOptions) : extensionCallEvents(name, args, callOptions),
              callOptions
            )
            : Stream.fromEffect(
              Effect.map(callTool(name, args, callOptions), (result) => ({ _tag: "Result", result }) as const)
            )
      )
    )

  /** A created task and its handle, whose result is checked as a call's result is. */
  const started = (
    name: string,
    task: TaskSchema.Task,
    callOptions: ToolCallOptions | undefined
  ): TaskStart<Mcp.CallToolResult, ToolTaskError> => {
    const plain = tasks.handle(task.taskId, validators.callTool)
    const events = checkedEvents(name, plain.events, callOptions)
    const handle: TaskHandle<Mcp.CallToolResult, ToolTaskError> = { ...plain, events, result: resultOfEvents(events) }
    return { _tag: "Task", task, handle }
  }

  /**
   * Starts a call as a task and returns once the server created it. A tool
   * that cannot run as a task, or a 2026-07-28 call the server answers at
   * once, gives its result.
   */
  const startToolTask = (
    name: string,
    args?: Arguments,
    callOptions?: ToolCallOptions
  ): Effect.Effect<TaskStart<Mcp.CallToolResult, ToolTaskError>, CallToolError> =>
    Effect.flatMap(
      session.require("tools/call", "tools", session.capabilities.tools !== undefined).pipe(
        Effect.andThen(runsAsTask(name, callOptions, true))
      ),
      (asTask): Effect.Effect<TaskStart<Mcp.CallToolResult, ToolTaskError>, CallToolError> => {
        if (!asTask && !extensionTasks) {
          return Effect.map(callTool(name, args, callOptions), (result) => ({ _tag: "Result", result }))
        }
        const create = asTask
          ? Effect.map(
            tasks.create(
              "tools/call",
              args === undefined ? { name } : { name, arguments: args },
              callOptions?.task?.ttl,
              callOptions
            ),
            (task) => started(name, task, callOptions)
          )
          : Effect.flatMap(
            sendToolCall(name, args, callOptions, validateCallOrTask),
            (result): Effect.Effect<TaskStart<Mcp.CallToolResult, ToolTaskError>, CallToolError> =>
              TasksExtension.isTask(result)
                ? Effect.succeed(started(name, TasksExtension.normalize(result), callOptions))
                : Effect.map(
                  callSucceeded(name, result, callOptions),
                  (checked) => ({ _tag: "Result", result: checked })
                )
          )
        const validateArguments = (callOptions?.validateArguments ?? session.options.validateToolArguments) === true
        return session.traced(
          (validateArguments ? Effect.andThen(checkArguments(name, args, callOptions), create) : create).pipe(
            Effect.catchTag("McpServerError", (error) => callFailed(name, error, callOptions))
          ),
          "tools/call",
          { "gen_ai.tool.name": name }
        )
      }
    )

  return {
    callToolAsTask,
    startToolTask,
    listTools,
    listToolsPages: (callOptions) =>
      Stream.unwrap(
        Effect.as(requireTools("tools/list"), lists.pages("tools/list", validators.listTools, callOptions))
      ),
    callTool,
    callToolWithProgress: (name, args, callOptions) =>
      Progress.stream((onProgress) => callTool(name, args, { ...callOptions, onProgress })),
    callToolOrFail,
    callToolTyped: (name, args, schema, callOptions) =>
      Effect.flatMap(callToolOrFail(name, args, callOptions), (result) => {
        const decoded = decoder(schema)(result.structuredContent, `tools/call ${name}`)
        return Result.isSuccess(decoded)
          ? Effect.succeed(decoded.success)
          : Effect.fail(
            new OutputValidationError({
              name,
              description: decoded.failure.description,
              ...(decoded.failure.path === undefined ? {} : { path: decoded.failure.path })
            })
          )
      })
  }
}
