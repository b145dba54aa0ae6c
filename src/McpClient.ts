/**
 * The MCP client session, as an Effect service.
 *
 * `McpClient.layer(options)` connects over whatever `Transport` the
 * application provides, negotiates the protocol era and revision with the
 * server (`server/discover` for 2026-07-28, else `initialize`), and offers one
 * method per client request. Each method returns an `Effect` whose error
 * channel lists exactly what that method can fail with. Interrupting a
 * request cancels it on the server. Closing the layer's scope fails what is in
 * flight with `SessionClosed` and closes the connection.
 *
 * The server's own requests (sampling, elicitation, roots) are answered by the
 * handler services the application provides (`Sampling`, `Elicitation`,
 * `Roots`); the capabilities the client declares follow from which are there.
 *
 * Not in this module: how bytes move (see the transports), and the request
 * machinery (`session/Engine`). The operations are built in `client/`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Elicitations from "./client/Elicitations.ts"
import * as Lists from "./client/Lists.ts"
import * as Metrics from "./client/Metrics.ts"
import * as Notifications from "./client/Notifications.ts"
import type {
  CallOptions,
  CallToolError,
  FeatureError,
  ListKind,
  ListOptions,
  Options,
  ProgressEvent,
  ToolCallOptions,
  ToolTaskError
} from "./client/Options.ts"
import * as Prompts from "./client/Prompts.ts"
import * as Resources from "./client/Resources.ts"
import * as Session from "./client/Session.ts"
import * as Tools from "./client/Tools.ts"
import { Elicitation } from "./handlers/Elicitation.ts"
import { Roots } from "./handlers/Roots.ts"
import { Sampling } from "./handlers/Sampling.ts"
import type {
  ConnectError,
  InputDeclined,
  PromptNotFound,
  RequestError,
  ResourceNotFound,
  ToolExecutionError
} from "./McpError.ts"
import * as JsonSchema from "./protocol/JsonSchema.ts"
import type * as Mcp from "./protocol/Mcp.ts"
import * as ProtocolVersion from "./protocol/ProtocolVersion.ts"
import { decoder } from "./protocol/Validate.ts"
import * as Engine from "./session/Engine.ts"
import * as Negotiation from "./session/Negotiation.ts"
import * as ResultCache from "./session/ResultCache.ts"
import * as ServerRequests from "./session/ServerRequests.ts"
import * as TaskReceiver from "./tasks/TaskReceiver.ts"
import * as Tasks from "./tasks/Tasks.ts"
import type * as TaskSchema from "./tasks/TaskSchema.ts"
import * as TasksExtension from "./tasks/TasksExtension.ts"
import * as TaskStore from "./tasks/TaskStore.ts"
import { Transport } from "./transport/Transport.ts"
import * as WireLog from "./transport/WireLog.ts"

export type {
  /** @since 0.1.0 */
  CallOptions,
  /** @since 0.1.0 */
  CallToolError,
  /** @since 0.1.0 */
  FeatureError,
  /** @since 0.1.0 */
  ListKind,
  /** @since 0.1.0 */
  ListOptions,
  /** @since 0.1.0 */
  Options,
  /** @since 0.1.0 */
  ProgressEvent,
  /** @since 0.1.0 */
  ToolCallOptions,
  /** @since 0.2.0 */
  ToolTaskError
} from "./client/Options.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * The session's API.
 *
 * @category models
 * @since 0.1.0
 */
export interface McpClientShape {
  /** The server's name and version, from `initialize`. */
  readonly serverInfo: Mcp.Implementation
  /** What the server declared it offers. */
  readonly serverCapabilities: Mcp.ServerCapabilities
  /** The server's instructions for using it, if it sent any. */
  readonly instructions: string | undefined
  /** The negotiated protocol revision. */
  readonly protocolVersion: string
  /**
   * The protocol era: `"legacy"` (a stateful session opened with
   * `initialize`, 2025-11-25 and earlier) or `"modern"` (stateless,
   * 2026-07-28).
   */
  readonly era: "legacy" | "modern"

  /** Checks the server is responsive. 2026-07-28 has no `ping`: `CapabilityNotSupported` there. */
  readonly ping: (options?: CallOptions) => Effect.Effect<void, FeatureError>

  /** Lists the server's tools: every page, or one page when given a cursor. */
  readonly listTools: (options?: ListOptions) => Effect.Effect<Mcp.ListToolsResult, FeatureError>
  /** The server's tools, one page at a time. */
  readonly listToolsPages: (options?: CallOptions) => Stream.Stream<Mcp.ListToolsResult, FeatureError>
  /**
   * Calls a tool. A tool that ran and failed is a result with `isError: true`,
   * for a model to read; use `callToolOrFail` to fail instead.
   */
  readonly callTool: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Effect.Effect<Mcp.CallToolResult, CallToolError>
  /**
   * Calls a tool with progress: a stream of the progress the server reports,
   * in order, ending with the result. Closing the stream early cancels the
   * call.
   */
  readonly callToolWithProgress: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Stream.Stream<ProgressEvent<Mcp.CallToolResult>, CallToolError>
  /** Calls a tool, failing with `ToolExecutionError` when it reports `isError`. */
  readonly callToolOrFail: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Effect.Effect<Mcp.CallToolResult, CallToolError | ToolExecutionError>
  /**
   * Calls a tool and decodes its `structuredContent` with `schema`. Fails
   * with `ToolExecutionError` when the tool reports `isError`, and with
   * `OutputValidationError` when the content does not decode.
   */
  readonly callToolTyped: <S extends Schema.ConstraintDecoder<unknown>>(
    name: string,
    args: { readonly [key: string]: unknown } | undefined,
    schema: S,
    options?: ToolCallOptions
  ) => Effect.Effect<S["Type"], CallToolError | ToolExecutionError>
  /**
   * Calls a tool as a task (2025-11-25) when the tool allows it, as a stream
   * of the task's statuses, in order, ending with the result. A tool that
   * cannot run as a task gives its result alone. Closing the stream before
   * the task ends cancels it (`tasks/cancel`). The first status carries the
   * task id, for `task(taskId)`.
   */
  readonly callToolAsTask: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Stream.Stream<Tasks.TaskEvent<Mcp.CallToolResult>, CallToolError>
  /**
   * Starts a tool call as a task (2025-11-25, or the 2026-07-28 extension)
   * and returns as soon as the server created it, with the task and a handle
   * on it: its status, its events, its result, and cancelling it. Nothing
   * waits for the task or cancels it: it runs on after this session ends,
   * and `task(taskId)` picks it up again from a later one. A call that does
   * not become a task (a tool that forbids tasks, or a 2026-07-28 server
   * answering at once) gives its result.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { McpClient } from "effect-mcp-client"
   *
   * // The task's id, to resume it later with `task(taskId)`; undefined when the call ran at once.
   * const submit = Effect.gen(function*() {
   *   const client = yield* McpClient.McpClient
   *   const start = yield* client.startToolTask("simulate-research-query", { topic: "tides" })
   *   return start._tag === "Task" ? start.task.taskId : undefined
   * })
   * ```
   */
  readonly startToolTask: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Effect.Effect<Tasks.TaskStart<Mcp.CallToolResult, ToolTaskError>, CallToolError>
  /**
   * A tool call's task by id, from this session or an earlier one with the
   * same server: its status, its events, its result, and cancelling it.
   */
  readonly task: (taskId: string) => Tasks.TaskHandle<Mcp.CallToolResult>
  /** Lists the server's tasks (`tasks/list`): one page with a cursor, otherwise all. */
  readonly listTasks: (options?: ListOptions) => Effect.Effect<TaskSchema.ListTasksResult, FeatureError>

  /** Lists the server's resources. */
  readonly listResources: (options?: ListOptions) => Effect.Effect<Mcp.ListResourcesResult, FeatureError>
  /** The server's resources, one page at a time. */
  readonly listResourcesPages: (options?: CallOptions) => Stream.Stream<Mcp.ListResourcesResult, FeatureError>
  /** Lists the server's resource templates. */
  readonly listResourceTemplates: (
    options?: ListOptions
  ) => Effect.Effect<Mcp.ListResourceTemplatesResult, FeatureError>
  /** The server's resource templates, one page at a time. */
  readonly listResourceTemplatesPages: (
    options?: CallOptions
  ) => Stream.Stream<Mcp.ListResourceTemplatesResult, FeatureError>
  /** Reads a resource. */
  readonly readResource: (
    uri: string,
    options?: CallOptions
  ) => Effect.Effect<Mcp.ReadResourceResult, FeatureError | InputDeclined | ResourceNotFound>
  /** Asks for `notifications/resources/updated` about a resource. */
  readonly subscribeResource: (uri: string, options?: CallOptions) => Effect.Effect<void, FeatureError>
  /** Stops `notifications/resources/updated` about a resource. */
  readonly unsubscribeResource: (uri: string, options?: CallOptions) => Effect.Effect<void, FeatureError>

  /** Lists the server's prompts. */
  readonly listPrompts: (options?: ListOptions) => Effect.Effect<Mcp.ListPromptsResult, FeatureError>
  /** The server's prompts, one page at a time. */
  readonly listPromptsPages: (options?: CallOptions) => Stream.Stream<Mcp.ListPromptsResult, FeatureError>
  /** Renders a prompt with arguments. */
  readonly getPrompt: (
    name: string,
    args?: { readonly [key: string]: string },
    options?: CallOptions
  ) => Effect.Effect<Mcp.GetPromptResult, FeatureError | InputDeclined | PromptNotFound>

  /** Asks the server to complete an argument of a prompt or resource template. */
  readonly complete: (
    ref: Mcp.CompletionReference,
    argument: { readonly name: string; readonly value: string },
    options?: CallOptions & { readonly context?: { readonly [name: string]: string } | undefined }
  ) => Effect.Effect<Mcp.CompleteResult, FeatureError>
  /** Sets the lowest level of `notifications/message` the server sends. */
  readonly setLoggingLevel: (level: Mcp.LoggingLevel, options?: CallOptions) => Effect.Effect<void, FeatureError>

  /**
   * Sends any request (a custom or extension method) and validates its
   * result with `schema`.
   */
  readonly request: <S extends Schema.ConstraintDecoder<unknown>>(
    method: string,
    params: { readonly [key: string]: unknown } | undefined,
    schema: S,
    options?: CallOptions
  ) => Effect.Effect<S["Type"], RequestError>
  /** Sends any notification. */
  readonly notify: (
    method: string,
    params?: { readonly [key: string]: unknown }
  ) => Effect.Effect<void, RequestError>
  /** The server's notifications, from the moment of subscription. */
  readonly notifications: Stream.Stream<Mcp.ServerNotification>
  /** The server's log messages (`notifications/message`); see `setLoggingLevel`. */
  readonly logs: Stream.Stream<Mcp.LoggingMessageParams>
  /** Which of the server's lists changed (`notifications/…/list_changed`). */
  readonly listChanges: Stream.Stream<ListKind>
  /**
   * Updates of one resource, for as long as the stream runs: running it
   * subscribes (`resources/subscribe`), ending it unsubscribes once no other
   * stream watches the same resource.
   */
  readonly resourceUpdates: (
    uri: string,
    options?: CallOptions
  ) => Stream.Stream<Mcp.ResourceUpdatedParams, FeatureError>
  /**
   * The ids of URL elicitations the server reports complete
   * (`notifications/elicitation/complete`), for elicitations this session
   * has seen (an `elicitation/create` in URL mode, or a `-32042` refusal,
   * whose steps may be reported complete before the refusal is read); others
   * are ignored. Every stream open when a report arrives hears it.
   */
  readonly elicitationCompletions: Stream.Stream<string>
  /** How many requests are waiting for a response. */
  readonly pendingRequests: Effect.Effect<number>
}

/**
 * The session service.
 *
 * **Example** (The seed's walk-through)
 *
 * ```ts
 * import { Console, Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const result = yield* client.callTool("calculator", { operation: "add", a: 5, b: 3 })
 *   yield* Console.log(result.content)
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class McpClient extends Context.Service<McpClient, McpClientShape>()("effect-mcp-client/McpClient") {}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Opens a session over the `Transport` in context, in the current scope.
 * Use it for several sessions at once; otherwise prefer `layer`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 *
 * const tools = Effect.gen(function*() {
 *   const client = yield* McpClient.make({ name: "app", version: "1.0.0" })
 *   return (yield* client.listTools()).tools.map((tool) => tool.name)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (
  options: Options
) => Effect.Effect<McpClientShape, ConnectError, Scope.Scope | Transport> = Effect.fnUntraced(
  function*(options: Options) {
    const context = yield* Effect.context<never>()
    const given = options.wireLog === undefined || options.wireLog === false
      ? yield* Transport
      : yield* WireLog.wrap(yield* Transport, options.wireLog === true ? undefined : options.wireLog)
    const transport = Metrics.meterTransport(given, context)
    const state: Session.State = {
      knownTools: undefined,
      promptNames: undefined,
      elicitations: undefined,
      logLevel: undefined
    }

    // The handler services the application provided decide the declared capabilities.
    const handlers: ServerRequests.Handlers = {
      sampling: yield* Effect.serviceOption(Sampling),
      elicitation: Option.map(
        yield* Effect.serviceOption(Elicitation),
        (elicitation) =>
          elicitation.url === undefined ? elicitation : {
            ...elicitation,
            url: (params: Mcp.ElicitUrlParams) => {
              ;(state.elicitations ??= new Elicitations.Tracker()).expect(params.elicitationId)
              return elicitation.url!(params)
            }
          }
      ),
      roots: yield* Effect.serviceOption(Roots)
    }
    const receiver = options.taskReceiver === undefined || options.taskReceiver === false
      ? undefined
      : {
        sampling: Option.isSome(handlers.sampling),
        elicitation: Option.isSome(handlers.elicitation),
        maxTtl: (options.taskReceiver === true ? undefined : options.taskReceiver.maxTtl) ?? defaultTaskTtl,
        pollInterval: (options.taskReceiver === true ? undefined : options.taskReceiver.pollInterval) ??
          defaultTaskPollInterval
      }
    const handle = ServerRequests.makeHandler(handlers, JsonSchema.checkForm)
    const answer = receiver === undefined ? handle : TaskReceiver.make(
      handle,
      Option.getOrUndefined(yield* Effect.serviceOption(TaskStore.TaskStore)) ?? (yield* TaskStore.makeMemory()),
      yield* Effect.scope,
      receiver
    )
    const cache = options.cache === undefined || options.cache === false
      ? undefined
      : ResultCache.make(options.cache === true ? defaultCacheEntries : options.cache.maxEntries ?? defaultCacheEntries)

    const engine = yield* Engine.make({
      transport,
      timeout: options.timeout,
      notificationBuffer: options.notificationBuffer,
      onDropped: Metrics.onDropped(context),
      onRequest: answer,
      onNotification: (notification) => {
        if (notification.method === "notifications/tools/list_changed") state.knownTools = undefined
        else if (notification.method === "notifications/prompts/list_changed") state.promptNames = undefined
        else if (notification.method === "notifications/elicitation/complete") {
          const id = notification.params?.elicitationId
          if (typeof id === "string") (state.elicitations ??= new Elicitations.Tracker()).reported(id)
        }
        cache?.invalidate(notification.method, notification.params)
      }
    })

    const negotiationSettings: Negotiation.Settings = {
      era: options.era ?? "auto",
      protocolVersion: options.protocolVersion,
      clientInfo: (version) => clientInfo(options, version),
      capabilities: (version) => ({
        ...ServerRequests.capabilities(handlers, version),
        ...(receiver !== undefined && version === "2025-11-25" ? TaskReceiver.capabilities(receiver) : {}),
        ...options.capabilities,
        ...(options.tasksExtension === true && ProtocolVersion.atLeast(version, "2026-07-28")
          ? { extensions: { ...options.capabilities?.extensions, [TasksExtension.extensionId]: {} } }
          : {})
      }),
      discoverTimeout: options.discoverTimeout ?? defaultDiscoverTimeout,
      initializeTimeout: options.initializeTimeout ?? options.timeout,
      exchanges: transport.exchange !== undefined,
      memo: options.rememberEra === false ? undefined : transport.endpoint
    }
    const negotiated = yield* Negotiation.negotiate(engine, negotiationSettings)
    const session = Session.make({
      engine,
      transport,
      options,
      negotiated,
      negotiationSettings,
      state,
      answer,
      cache,
      clock: yield* Clock.Clock
    })

    // "When the list of roots changes, clients that support listChanged MUST send a notification"
    const rootChanges = Option.getOrUndefined(handlers.roots)?.changes
    if (!session.modern && rootChanges !== undefined) {
      yield* rootChanges.pipe(
        Stream.runForEach(() => engine.notify("notifications/roots/list_changed")),
        Effect.ignore,
        Effect.forkScoped
      )
    }

    return McpClient.of(new Client(session, negotiated))
  }
)

/**
 * The session's API. The methods of each feature (tools, resources, prompts,
 * notifications) are made when one of them is first used, and kept: an open
 * session that is never asked for prompts holds nothing for them.
 */
class Client implements McpClientShape {
  readonly serverInfo: Mcp.Implementation
  readonly serverCapabilities: Mcp.ServerCapabilities
  readonly instructions: string | undefined
  readonly protocolVersion: string
  readonly era: "legacy" | "modern"
  readonly #session: Session.Session
  #lists: Lists.Lists | undefined
  #core: Core | undefined
  #tools: Tools.Tools | undefined
  #tasks: Tasks.Tasks | undefined
  #resources: Resources.Resources | undefined
  #prompts: Prompts.Prompts | undefined
  #notifications: Notifications.Notifications | undefined

  constructor(session: Session.Session, negotiated: Negotiation.Negotiated) {
    this.#session = session
    this.serverInfo = negotiated.serverInfo
    this.serverCapabilities = negotiated.capabilities
    this.instructions = negotiated.instructions
    this.protocolVersion = negotiated.protocolVersion
    this.era = negotiated.era
  }

  get #listing() {
    return this.#lists ??= Lists.make(this.#session)
  }
  get #coreMethods() {
    return this.#core ??= makeCore(this.#session)
  }
  get #taskMethods() {
    return this.#tasks ??= Tasks.make(this.#session, this.#listing)
  }
  get #toolMethods() {
    return this.#tools ??= Tools.make(this.#session, this.#listing, this.#taskMethods)
  }
  get #resourceMethods() {
    return this.#resources ??= Resources.make(this.#session, this.#listing)
  }
  get #promptMethods() {
    return this.#prompts ??= Prompts.make(this.#session, this.#listing)
  }
  get #notificationStreams() {
    return this.#notifications ??= Notifications.make(this.#session)
  }

  get ping() {
    return this.#coreMethods.ping
  }
  get setLoggingLevel() {
    return this.#coreMethods.setLoggingLevel
  }
  get request() {
    return this.#coreMethods.request
  }
  get notify() {
    return this.#coreMethods.notify
  }
  get notifications() {
    return this.#session.engine.notifications
  }
  get pendingRequests() {
    return this.#session.engine.pendingCount
  }
  get listTools() {
    return this.#toolMethods.listTools
  }
  get listToolsPages() {
    return this.#toolMethods.listToolsPages
  }
  get callTool() {
    return this.#toolMethods.callTool
  }
  get callToolWithProgress() {
    return this.#toolMethods.callToolWithProgress
  }
  get callToolOrFail() {
    return this.#toolMethods.callToolOrFail
  }
  get callToolTyped() {
    return this.#toolMethods.callToolTyped
  }
  get callToolAsTask() {
    return this.#toolMethods.callToolAsTask
  }
  get startToolTask() {
    return this.#toolMethods.startToolTask
  }
  task(taskId: string) {
    return this.#taskMethods.handle(taskId, this.#session.validators.callTool)
  }
  get listTasks() {
    return this.#taskMethods.list
  }
  get listResources() {
    return this.#resourceMethods.listResources
  }
  get listResourcesPages() {
    return this.#resourceMethods.listResourcesPages
  }
  get listResourceTemplates() {
    return this.#resourceMethods.listResourceTemplates
  }
  get listResourceTemplatesPages() {
    return this.#resourceMethods.listResourceTemplatesPages
  }
  get readResource() {
    return this.#resourceMethods.readResource
  }
  get subscribeResource() {
    return this.#resourceMethods.subscribeResource
  }
  get unsubscribeResource() {
    return this.#resourceMethods.unsubscribeResource
  }
  get listPrompts() {
    return this.#promptMethods.listPrompts
  }
  get listPromptsPages() {
    return this.#promptMethods.listPromptsPages
  }
  get getPrompt() {
    return this.#promptMethods.getPrompt
  }
  get complete() {
    return this.#promptMethods.complete
  }
  get logs() {
    return this.#notificationStreams.logs
  }
  get listChanges() {
    return this.#notificationStreams.listChanges
  }
  get resourceUpdates() {
    return this.#notificationStreams.resourceUpdates
  }
  get elicitationCompletions() {
    return this.#notificationStreams.elicitationCompletions
  }
}

/** The methods that belong to no feature. */
type Core = Pick<McpClientShape, "ping" | "setLoggingLevel" | "request" | "notify">

const makeCore = (session: Session.Session): Core => {
  const { engine, negotiated, state } = session
  return {
    ping: (callOptions) =>
      session.traced(
        Effect.andThen(
          session.removedInModern("ping"),
          Effect.asVoid(session.request("ping", undefined, session.validators.empty, callOptions))
        ),
        "ping"
      ),
    setLoggingLevel: (level, callOptions) =>
      session.require("logging/setLevel", "logging", negotiated.capabilities.logging !== undefined).pipe(
        Effect.andThen(
          session.modern
            // 2026-07-28 has no logging/setLevel: each request asks for its own log messages.
            ? Effect.sync(() => {
              state.logLevel = level
              session.applyEraSettings()
            })
            : session.request("logging/setLevel", { level }, session.validators.empty, callOptions)
        ),
        Effect.asVoid,
        (effect) => session.traced(effect, "logging/setLevel")
      ),
    request: (method, params, schema, callOptions) =>
      session.traced(session.request(method, params, decoder(schema), callOptions), method),
    notify: (method, params) => engine.notify(method, params)
  }
}

/**
 * The session as a layer over the `Transport` in context. Building the layer
 * connects and negotiates; closing its scope ends the session and closes the
 * connection.
 *
 * **Example** (A session over an in-process server)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpClient, MemoryTransport } from "effect-mcp-client"
 *
 * const ClientLive = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(MemoryTransport.layerServer({ name: "server", version: "1.0.0", registrations: Layer.empty }))
 * )
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* client.ping()
 * }).pipe(Effect.provide(ClientLive))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpClient, ConnectError, Transport> =>
  Layer.effect(McpClient, make(options))

// =============================================================================
// Internal
// =============================================================================

const defaultDiscoverTimeout = "5 seconds"
const defaultCacheEntries = 1000
const defaultTaskTtl = 300_000
const defaultTaskPollInterval = 500

/** `clientInfo` with only the members the offered revision defines. */
const clientInfo = (options: Options, version: string): Mcp.Implementation =>
  options.title !== undefined && ProtocolVersion.atLeast(version, "2025-06-18")
    ? { name: options.name, version: options.version, title: options.title }
    : { name: options.name, version: options.version }
