/**
 * The MCP client session, as an Effect service.
 *
 * `McpClient.layer(options)` connects over whatever `Transport` the
 * application provides, negotiates the protocol revision with the server
 * (`initialize`, then `notifications/initialized`), and offers one method per
 * client request. Each method returns an `Effect` whose error channel lists
 * exactly what that method can fail with. Interrupting a request cancels it on
 * the server. Closing the layer's scope fails what is in flight with
 * `SessionClosed` and closes the connection.
 *
 * Not in this module: how bytes move (see the transports), and answering
 * the server's own requests beyond `ping`.
 *
 * @since 0.1.0
 */
import { Clock, Context, Deferred, Effect, Exit, Layer, Option, Queue, Result, Schedule, Schema, Stream } from "effect"
import type { Duration, Scope } from "effect"
import { Elicitation } from "./handlers/Elicitation.ts"
import { Roots } from "./handlers/Roots.ts"
import { Sampling } from "./handlers/Sampling.ts"
import {
  CapabilityNotSupported,
  type ConnectError,
  InputDeclined,
  InvalidToolArguments,
  McpServerError,
  OutputValidationError,
  PromptNotFound,
  ProtocolError,
  type RequestError,
  ResourceNotFound,
  ToolExecutionError,
  ToolNotFound,
  UrlElicitationRequired
} from "./McpError.ts"
import * as HttpHeaders from "./protocol/HttpHeaders.ts"
import * as JsonRpc from "./protocol/JsonRpc.ts"
import * as JsonSchema from "./protocol/JsonSchema.ts"
import * as Mcp from "./protocol/Mcp.ts"
import * as ProtocolVersion from "./protocol/ProtocolVersion.ts"
import { type Validator, validator } from "./protocol/Validate.ts"
import * as Engine from "./session/Engine.ts"
import * as Negotiation from "./session/Negotiation.ts"
import * as ResultCache from "./session/ResultCache.ts"
import * as ServerRequests from "./session/ServerRequests.ts"
import { Transport } from "./transport/Transport.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * How a session identifies itself and behaves.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The client's name, sent as `clientInfo.name`. */
  readonly name: string
  /** The client's version, sent as `clientInfo.version`. */
  readonly version: string
  /** A display name (sent from revision 2025-06-18 on). */
  readonly title?: string | undefined
  /**
   * Which protocol eras to speak. `"auto"` (the default) probes with
   * `server/discover` and speaks 2026-07-28 when the server does, otherwise
   * opens a stateful session with `initialize`. `"legacy"` skips the probe;
   * `"modern"` fails with `UnsupportedProtocolVersion` on older servers.
   */
  readonly era?: Negotiation.Era | undefined
  /**
   * Pins a revision (and so its era). For stateful revisions this is the one
   * offered in `initialize`; the server may answer with an older one, and
   * any from 2024-11-05 on is accepted.
   */
  readonly protocolVersion?: ProtocolVersion.Version | undefined
  /**
   * How long the `server/discover` probe waits before deciding the server
   * is an older one. Defaults to 5 seconds.
   */
  readonly discoverTimeout?: Duration.Input | undefined
  /** Extra client capabilities to declare (`experimental`, …). */
  readonly capabilities?: Mcp.ClientCapabilities | undefined
  /** Default deadline of every request. Defaults to 60 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Deadline of the `initialize` handshake. Defaults to `timeout`. */
  readonly initializeTimeout?: Duration.Input | undefined
  /**
   * Upper bound on the pages one list call follows. A server that exceeds it,
   * or repeats a cursor, fails the call with `ProtocolError`. Defaults to 1000.
   */
  readonly maxPages?: number | undefined
  /**
   * How many notifications a subscriber to `notifications` may fall behind
   * before its oldest are dropped. Defaults to 1024.
   */
  readonly notificationBuffer?: number | undefined
  /**
   * Check tool arguments against the tool's `inputSchema` before sending
   * (`InvalidToolArguments`). Off by default: the server checks them anyway.
   */
  readonly validateToolArguments?: boolean | undefined
  /**
   * How many times in a row a 2026-07-28 server may answer one request with
   * `input_required` before the request fails with `ProtocolError`.
   * Defaults to 10.
   */
  readonly maxInputRounds?: number | undefined
  /**
   * Reuse list and read results for as long as the server says they stay
   * fresh (2026-07-28 `ttlMs`), until a change notification says otherwise.
   * Off by default. `true` holds up to 1000 results.
   */
  readonly cache?: boolean | { readonly maxEntries?: number | undefined } | undefined
}

/**
 * Per-call settings: the deadline, and progress.
 *
 * - `timeout` overrides the session's default deadline for this call.
 * - `onProgress` invites `notifications/progress` for this call and receives
 *   each, in order, before the result.
 * - `resetTimeoutOnProgress` restarts the `timeout` clock on each progress
 *   notification; `maxTotalTimeout` bounds the whole call regardless.
 *
 * @category models
 * @since 0.1.0
 */
export interface CallOptions extends Engine.RequestOptions {}

/**
 * An event of a call made with progress: progress notifications as they
 * arrive, then the result.
 *
 * @category models
 * @since 0.1.0
 */
export type ProgressEvent<A> =
  | ({ readonly _tag: "Progress" } & Mcp.ProgressNotificationParams)
  | { readonly _tag: "Result"; readonly result: A }

/**
 * Settings of a list call. Without a `cursor` the call follows every page and
 * returns all items; with one, it returns that page, `nextCursor` included.
 *
 * @category models
 * @since 0.1.0
 */
export interface ListOptions extends CallOptions {
  readonly cursor?: string | undefined
}

/**
 * The failures of a request that needs a server capability.
 *
 * @category models
 * @since 0.1.0
 */
export type FeatureError = RequestError | CapabilityNotSupported

/**
 * The lists a server may announce changes of.
 *
 * @category models
 * @since 0.1.0
 */
export type ListKind = "tools" | "resources" | "prompts"

/**
 * The failures of a tool call.
 *
 * @category models
 * @since 0.1.0
 */
export type CallToolError =
  | FeatureError
  | InputDeclined
  | ToolNotFound
  | UrlElicitationRequired
  | OutputValidationError
  | InvalidToolArguments

/**
 * Settings of a tool call.
 *
 * @category models
 * @since 0.1.0
 */
export interface ToolCallOptions extends CallOptions {
  /**
   * Check the arguments against the tool's `inputSchema` before sending,
   * failing with `InvalidToolArguments`. Defaults to the session's
   * `validateToolArguments`.
   */
  readonly validateArguments?: boolean | undefined
}

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
   * has seen; others are ignored.
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
    const transport = yield* Transport
    const maxPages = options.maxPages ?? defaultMaxPages
    // The tools and prompt names of the last complete listing, for telling "not found"
    // from other invalid-params errors and for checking tool output. Cleared on list changes.
    let knownTools: ReadonlyMap<string, Mcp.Tool> | undefined
    let promptNames: ReadonlySet<string> | undefined

    // URL elicitations this session has seen, whose completion it will report.
    const pendingElicitations = new Set<string>()
    const handlers: ServerRequests.Handlers = {
      sampling: yield* Effect.serviceOption(Sampling),
      elicitation: Option.map(
        yield* Effect.serviceOption(Elicitation),
        (elicitation) =>
          elicitation.url === undefined ? elicitation : {
            ...elicitation,
            url: (params: Mcp.ElicitUrlParams) => {
              pendingElicitations.add(params.elicitationId)
              return elicitation.url!(params)
            }
          }
      ),
      roots: yield* Effect.serviceOption(Roots)
    }

    const answerServerRequest = ServerRequests.makeHandler(handlers, JsonSchema.checkForm)
    const clock = yield* Clock.Clock
    const cache = options.cache === undefined || options.cache === false
      ? undefined
      : ResultCache.make(options.cache === true ? defaultCacheEntries : options.cache.maxEntries ?? defaultCacheEntries)
    /** A request whose complete result may be reused while the server says it is fresh. */
    const cached = <A>(method: string, key: string, request: Effect.Effect<A, RequestError>) => {
      if (cache === undefined) return request
      return Effect.suspend(() => {
        const hit = cache.get(method, key, clock.currentTimeMillisUnsafe())
        if (hit !== undefined) return Effect.succeed(hit as A)
        return Effect.tap(
          request,
          (result) => Effect.sync(() => cache.set(method, key, result, clock.currentTimeMillisUnsafe()))
        )
      })
    }
    const engine = yield* Engine.make({
      transport,
      timeout: options.timeout,
      notificationBuffer: options.notificationBuffer,
      onRequest: answerServerRequest,
      onNotification: (notification) => {
        if (notification.method === "notifications/tools/list_changed") knownTools = undefined
        else if (notification.method === "notifications/prompts/list_changed") promptNames = undefined
        cache?.invalidate(notification.method, notification.params)
      }
    })

    // -------------------------------------------------------------------------
    // Negotiation: the era and revision, then what the server offers
    // -------------------------------------------------------------------------
    const declared = (version: string): Mcp.ClientCapabilities => ({
      ...ServerRequests.capabilities(handlers, version),
      ...options.capabilities
    })
    const negotiationSettings: Negotiation.Settings = {
      era: options.era ?? "auto",
      protocolVersion: options.protocolVersion,
      clientInfo: (version) => clientInfo(options, version),
      capabilities: declared,
      discoverTimeout: options.discoverTimeout ?? defaultDiscoverTimeout,
      initializeTimeout: options.initializeTimeout ?? options.timeout,
      exchanges: transport.exchange !== undefined
    }
    const negotiated = yield* Negotiation.negotiate(engine, negotiationSettings)
    const version = negotiated.protocolVersion
    const modern = negotiated.era === "modern"
    // 2026-07-28 over HTTP mirrors parts of each request in headers.
    const httpModern = modern && transport.exchange !== undefined
    let logLevel: Mcp.LoggingLevel | undefined
    const applyEraSettings = () => {
      if (!modern) return
      engine.configure({
        requestMeta: Negotiation.modernMeta(negotiationSettings, version, logLevel),
        notifyCancellation: !httpModern,
        headers: httpModern
          ? (method, params) => ({
            "MCP-Protocol-Version": version,
            ...HttpHeaders.forRequest(
              method,
              params,
              method === "tools/call" && typeof params?.name === "string" ? knownTools?.get(params.name) : undefined
            )
          })
          : undefined
      })
    }
    applyEraSettings()

    // "When the list of roots changes, clients that support listChanged MUST send a notification"
    const rootChanges = Option.getOrUndefined(handlers.roots)?.changes
    if (!modern && rootChanges !== undefined) {
      yield* rootChanges.pipe(
        Stream.runForEach(() => engine.notify("notifications/roots/list_changed")),
        Effect.ignore,
        Effect.forkScoped
      )
    }

    const capabilities = negotiated.capabilities

    // -------------------------------------------------------------------------
    // Capability checks (nothing is sent when the server lacks the feature)
    // -------------------------------------------------------------------------
    const require = (method: string, capability: string, declared: boolean) =>
      declared ? Effect.void : Effect.fail(new CapabilityNotSupported({ method, capability }))
    const requireTools = (method: string) => require(method, "tools", capabilities.tools !== undefined)
    const requireResources = (method: string) => require(method, "resources", capabilities.resources !== undefined)
    const requirePrompts = (method: string) => require(method, "prompts", capabilities.prompts !== undefined)

    const traced = <A, E>(
      effect: Effect.Effect<A, E>,
      method: string,
      attributes?: Record<string, unknown>
    ): Effect.Effect<A, E> =>
      Effect.withSpan(effect, `McpClient ${method}`, {
        kind: "client",
        attributes: { "mcp.method.name": method, "mcp.protocol.version": version, ...attributes }
      })

    /**
     * On 2026-07-28 every result has a `resultType`: a missing one means
     * `"complete"`, and one this client does not know is invalid.
     */
    const guardResultType = <A>(validate: Validator<A>): Validator<A> =>
      !modern ? validate : (input, method) => {
        const resultType = (input as { readonly resultType?: unknown }).resultType
        return resultType === undefined || resultType === "complete"
          ? validate(input, method)
          : Result.fail(
            new ProtocolError({
              description: `Unknown resultType ${JSON.stringify(resultType)}`,
              method,
              path: "resultType"
            })
          )
      }
    const validateEmpty = guardResultType(wireEmpty)
    const validateListTools = guardResultType(wireListTools)
    const validateCallTool = guardResultType(wireCallTool)
    const validateListResources = guardResultType(wireListResources)
    const validateListResourceTemplates = guardResultType(wireListResourceTemplates)
    const validateReadResource = guardResultType(wireReadResource)
    const validateListPrompts = guardResultType(wireListPrompts)
    const validateGetPrompt = guardResultType(wireGetPrompt)
    const validateComplete = guardResultType(wireComplete)

    // -------------------------------------------------------------------------
    // 2026-07-28: results that ask for input first (multi round-trip requests)
    // -------------------------------------------------------------------------
    const maxInputRounds = options.maxInputRounds ?? defaultMaxInputRounds

    /**
     * Sends a request that the server may answer with `input_required`:
     * answers every input with the handler services and retries with a new
     * id, `inputResponses`, and `requestState` exactly as given.
     */
    const withInputs = <A>(
      method: string,
      params: JsonRpc.JsonObject,
      validate: Validator<A>,
      callOptions: CallOptions | undefined,
      cacheKey?: string
    ): Effect.Effect<A, RequestError | InputDeclined> => {
      // Only a first answer is reusable: results of retries carrying input are never cached.
      const first = cacheKey === undefined
        ? (request: Effect.Effect<A | Mcp.InputRequiredResult, RequestError>) => request
        : (request: Effect.Effect<A | Mcp.InputRequiredResult, RequestError>) => cached(method, cacheKey, request)
      if (!modern) return first(engine.request(method, params, validate, callOptions)) as Effect.Effect<A, RequestError>
      const validateRound = (input: unknown, m: string): Result.Result<A | Mcp.InputRequiredResult, ProtocolError> =>
        (input as { readonly resultType?: unknown }).resultType === "input_required"
          ? validateInputRequired(input, m)
          : validate(input, m)
      const round = (n: number, extra: JsonRpc.JsonObject): Effect.Effect<A, RequestError | InputDeclined> =>
        (n === 0
          ? first(engine.request(method, params, validateRound, callOptions))
          : engine.request(method, { ...params, ...extra }, validateRound, callOptions)).pipe(
            Effect.flatMap((result): Effect.Effect<A, RequestError | InputDeclined> => {
              if ((result as { readonly resultType?: unknown }).resultType !== "input_required") {
                return Effect.succeed(result as A)
              }
              const required = result as Mcp.InputRequiredResult
              if (n + 1 >= maxInputRounds) {
                return Effect.fail(
                  new ProtocolError({
                    description: `The server asked for input more than ${maxInputRounds} times`,
                    method
                  })
                )
              }
              // "the client MUST produce every requested input before retrying"
              return Effect.forEach(
                Object.entries(required.inputRequests ?? {}),
                ([key, input]) =>
                  answerServerRequest(input.method, input.params).pipe(
                    Effect.map((response) => [key, response] as const),
                    Effect.mapError((error) =>
                      new InputDeclined({ method, inputMethod: input.method, key, description: error.message })
                    )
                  ),
                { concurrency: "unbounded" }
              ).pipe(
                Effect.flatMap((responses) =>
                  round(n + 1, {
                    ...(responses.length > 0 ? { inputResponses: Object.fromEntries(responses) } : {}),
                    // "exactly the requestState it was given", or none
                    ...(required.requestState !== undefined ? { requestState: required.requestState } : {})
                  })
                )
              )
            })
          )
      return round(0, {})
    }

    /** A method 2026-07-28 removed: nothing is sent. */
    const removedInModern = (method: string) =>
      modern
        ? Effect.fail(new CapabilityNotSupported({ method, capability: `${method} (not in ${version})` }))
        : Effect.void

    // -------------------------------------------------------------------------
    // Pagination
    // -------------------------------------------------------------------------
    const page = <A extends { readonly nextCursor?: string }>(
      method: string,
      validate: Validator<A>,
      cursor: string | undefined,
      callOptions: CallOptions | undefined
    ): Effect.Effect<A, RequestError> => {
      const request = cached(
        method,
        cursor ?? "",
        engine.request(method, cursor === undefined ? undefined : { cursor }, validate, callOptions)
      )
      return httpModern && method === "tools/list"
        ? Effect.flatMap(request, (result) => dropInvalidTools(result as A & Mcp.ListToolsResult))
        : request
    }

    /**
     * "A tool whose x-mcp-header annotations break these rules is invalid, and an
     * HTTP client MUST drop it from its tools/list view", with a warning.
     */
    const dropInvalidTools = <A extends Mcp.ListToolsResult>(result: A): Effect.Effect<A> => {
      const invalid = result.tools.flatMap((tool) => {
        const reason = HttpHeaders.invalidReason(tool)
        return reason === undefined ? [] : [{ tool: tool.name, reason }]
      })
      if (invalid.length === 0) return Effect.succeed(result)
      const dropped = new Set(invalid.map(({ tool }) => tool))
      return Effect.as(
        Effect.forEach(invalid, ({ reason, tool }) => Effect.logWarning(`Ignoring tool '${tool}': ${reason}`)),
        { ...result, tools: result.tools.filter((tool) => !dropped.has(tool.name)) }
      )
    }

    /** Follows `nextCursor` until the end; bounded, and refuses a repeated cursor. */
    const pages = <A extends { readonly nextCursor?: string }>(
      method: string,
      validate: Validator<A>,
      callOptions: CallOptions | undefined
    ): Stream.Stream<A, RequestError> => {
      const seen = new Set<string>()
      return Stream.paginate(
        { cursor: undefined as string | undefined, count: 0 },
        ({ count, cursor }) =>
          page(method, validate, cursor, callOptions).pipe(
            Effect.flatMap((result) => {
              const next = result.nextCursor
              if (next === undefined) return Effect.succeed([[result], Option.none()] as const)
              if (seen.has(next)) {
                return Effect.fail(
                  new ProtocolError({ description: `The server repeated the cursor '${next}'`, method })
                )
              }
              if (count + 1 >= maxPages) {
                return Effect.fail(
                  new ProtocolError({ description: `The server sent more than ${maxPages} pages`, method })
                )
              }
              seen.add(next)
              return Effect.succeed([[result], Option.some({ cursor: next, count: count + 1 })] as const)
            })
          )
      )
    }

    /** One page with a cursor; otherwise every page merged into one result. */
    const list = <
      K extends string,
      A extends { readonly nextCursor?: string } & { readonly [key in K]: ReadonlyArray<unknown> }
    >(
      method: string,
      key: K,
      validate: Validator<A>,
      listOptions: ListOptions | undefined
    ): Effect.Effect<A, RequestError> => {
      if (listOptions?.cursor !== undefined) return page(method, validate, listOptions.cursor, listOptions)
      return Stream.runFold(pages(method, validate, listOptions), () => undefined as A | undefined, (acc, result) => {
        if (acc === undefined) return result
        return { ...result, [key]: [...acc[key], ...result[key]] } as A
      }).pipe(
        Effect.map((merged) => {
          // `pages` emits at least one page, so `merged` is defined here.
          const { nextCursor: _, ...rest } = merged as A
          return rest as unknown as A
        })
      )
    }

    // -------------------------------------------------------------------------
    // Tools
    // -------------------------------------------------------------------------
    const listTools = (listOptions?: ListOptions) =>
      requireTools("tools/list").pipe(
        Effect.andThen(list("tools/list", "tools", validateListTools, listOptions)),
        Effect.tap((result) =>
          Effect.sync(() => {
            if (listOptions?.cursor === undefined) knownTools = toolMap(result.tools)
          })
        ),
        (effect) => traced(effect, "tools/list")
      )

    /**
     * The server's definition of a tool: from the last listing, or from a fresh
     * one when the tool is not in it; `undefined` when the server does not list
     * it, `null` when the list cannot be had.
     */
    const findTool = (name: string, callOptions: CallOptions | undefined) => {
      const cached = knownTools?.get(name)
      if (cached !== undefined) return Effect.succeed<Mcp.Tool | undefined | null>(cached)
      return list("tools/list", "tools", validateListTools, callOptions).pipe(
        Effect.map((result): Mcp.Tool | undefined | null => {
          knownTools = toolMap(result.tools)
          return knownTools.get(name)
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
      if (result.structuredContent === undefined && knownTools?.get(name)?.outputSchema === undefined) {
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
        const issue = JsonSchema.check(tool.outputSchema, result.structuredContent)
        return issue === undefined
          ? Effect.succeed(result)
          : Effect.fail(new OutputValidationError({ name, description: issue.message, path: issue.path }))
      })
    }

    /** Checks arguments against the tool's `inputSchema` before anything is sent. */
    const checkArguments = (
      name: string,
      args: { readonly [key: string]: unknown } | undefined,
      callOptions: ToolCallOptions | undefined
    ): Effect.Effect<void, InvalidToolArguments> =>
      (callOptions?.validateArguments ?? options.validateToolArguments) !== true
        ? Effect.void
        : Effect.flatMap(findTool(name, callOptions), (tool) => {
          if (tool === null || tool === undefined) return Effect.void
          const issue = JsonSchema.check(tool.inputSchema, args ?? {})
          return issue === undefined
            ? Effect.void
            : Effect.fail(new InvalidToolArguments({ name, description: issue.message, path: issue.path }))
        })

    /**
     * Sends `tools/call`. Over HTTP on 2026-07-28 the tool's definition must be
     * known to mirror its annotated arguments in headers; when the server finds
     * the headers wrong (`-32020`), the tool list is fetched again and the call
     * retried once.
     */
    const sendToolCall = (
      name: string,
      args: { readonly [key: string]: unknown } | undefined,
      callOptions: ToolCallOptions | undefined
    ) => {
      const send = withInputs(
        "tools/call",
        args === undefined ? { name } : { name, arguments: args },
        validateCallTool,
        callOptions
      )
      if (!httpModern) return send
      const withDefinition = Effect.andThen(findTool(name, callOptions), send)
      return Effect.catchTag(withDefinition, "HeaderMismatch", () => {
        knownTools = undefined
        return withDefinition
      })
    }

    const callTool = (name: string, args?: { readonly [key: string]: unknown }, callOptions?: ToolCallOptions) =>
      requireTools("tools/call").pipe(
        Effect.andThen(checkArguments(name, args, callOptions)),
        Effect.andThen(sendToolCall(name, args, callOptions)),
        Effect.catchTag(
          "McpServerError",
          (error): Effect.Effect<never, McpServerError | ToolNotFound | UrlElicitationRequired> => {
            if (error.code === JsonRpc.ErrorCode.UrlElicitationRequired) {
              return Effect.fail(urlElicitationRequired(error))
            }
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
        ),
        Effect.flatMap((result): Effect.Effect<Mcp.CallToolResult, ToolNotFound | OutputValidationError> =>
          result.isError === true
            ? Effect.flatMap(findTool(name, callOptions), (tool) =>
              tool === undefined
                ? Effect.fail(new ToolNotFound({ name, description: textOf(result.content) }))
                : Effect.succeed(result))
            : checkOutput(name, result, callOptions)
        ),
        (effect) => traced(effect, "tools/call", { "gen_ai.tool.name": name })
      )

    /** `-32042`: the server needs URL elicitations first; their completion will be reported. */
    const urlElicitationRequired = (error: McpServerError) => {
      const data = error.data as { readonly elicitations?: ReadonlyArray<unknown> } | undefined
      const elicitations = (Array.isArray(data?.elicitations) ? data.elicitations : []).flatMap((entry) => {
        const checked = validateUrlElicitation(entry, "tools/call")
        return Result.isSuccess(checked) ? [checked.success] : []
      })
      for (const elicitation of elicitations) pendingElicitations.add(elicitation.elicitationId)
      return new UrlElicitationRequired({ method: "tools/call", description: error.description, elicitations })
    }

    const callToolWithProgress = (
      name: string,
      args?: { readonly [key: string]: unknown },
      callOptions?: ToolCallOptions
    ) => withProgress((onProgress) => callTool(name, args, { ...callOptions, onProgress }))

    const callToolOrFail = (name: string, args?: { readonly [key: string]: unknown }, callOptions?: ToolCallOptions) =>
      Effect.flatMap(callTool(name, args, callOptions), (result) =>
        result.isError === true
          ? Effect.fail(new ToolExecutionError({ name, text: textOf(result.content), content: result.content }))
          : Effect.succeed(result))

    const callToolTyped = <S extends Schema.ConstraintDecoder<unknown>>(
      name: string,
      args: { readonly [key: string]: unknown } | undefined,
      schema: S,
      callOptions?: ToolCallOptions
    ): Effect.Effect<S["Type"], CallToolError | ToolExecutionError> =>
      Effect.flatMap(callToolOrFail(name, args, callOptions), (result) => {
        const decoded = decodeWith(schema)(result.structuredContent, `tools/call ${name}`)
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

    // -------------------------------------------------------------------------
    // Resources
    // -------------------------------------------------------------------------
    const readResource = (uri: string, callOptions?: CallOptions) =>
      requireResources("resources/read").pipe(
        Effect.andThen(withInputs("resources/read", { uri }, validateReadResource, callOptions, uri)),
        Effect.catchTag("McpServerError", (error): Effect.Effect<never, McpServerError | ResourceNotFound> =>
          error.code === JsonRpc.ErrorCode.ResourceNotFound || error.code === JsonRpc.ErrorCode.InvalidParams
            ? Effect.fail(new ResourceNotFound({ uri, description: error.description }))
            : Effect.fail(error)),
        (effect) =>
          traced(effect, "resources/read", { "mcp.resource.uri": uri })
      )

    const subscription =
      (method: "resources/subscribe" | "resources/unsubscribe") => (uri: string, callOptions?: CallOptions) =>
        require(method, "resources.subscribe", capabilities.resources?.subscribe === true).pipe(
          Effect.andThen(removedInModern(method)),
          Effect.andThen(engine.request(method, { uri }, validateEmpty, callOptions)),
          Effect.asVoid,
          (effect) => traced(effect, method, { "mcp.resource.uri": uri })
        )

    // -------------------------------------------------------------------------
    // Prompts
    // -------------------------------------------------------------------------
    const listPrompts = (listOptions?: ListOptions) =>
      requirePrompts("prompts/list").pipe(
        Effect.andThen(list("prompts/list", "prompts", validateListPrompts, listOptions)),
        Effect.tap((result) =>
          Effect.sync(() => {
            if (listOptions?.cursor === undefined) promptNames = new Set(result.prompts.map((prompt) => prompt.name))
          })
        ),
        (effect) => traced(effect, "prompts/list")
      )

    const hasPrompt = (name: string, callOptions: CallOptions | undefined) =>
      promptNames !== undefined && promptNames.has(name)
        ? Effect.succeed(true)
        : list("prompts/list", "prompts", validateListPrompts, callOptions).pipe(
          Effect.map((result) => {
            promptNames = new Set(result.prompts.map((prompt) => prompt.name))
            return promptNames.has(name)
          }),
          Effect.orElseSucceed(() => true)
        )

    const getPrompt = (name: string, args?: { readonly [key: string]: string }, callOptions?: CallOptions) =>
      requirePrompts("prompts/get").pipe(
        Effect.andThen(
          withInputs(
            "prompts/get",
            args === undefined ? { name } : { name, arguments: args },
            validateGetPrompt,
            callOptions
          )
        ),
        Effect.catchTag(
          "McpServerError",
          (error): Effect.Effect<never, McpServerError | PromptNotFound> =>
            error.code === JsonRpc.ErrorCode.InvalidParams
              ? Effect.flatMap(
                hasPrompt(name, callOptions),
                (known): Effect.Effect<never, McpServerError | PromptNotFound> =>
                  known ? Effect.fail(error) : Effect.fail(new PromptNotFound({ name, description: error.description }))
              )
              : Effect.fail(error)
        ),
        (effect) => traced(effect, "prompts/get", { "gen_ai.prompt.name": name })
      )

    // -------------------------------------------------------------------------
    // Completion and logging
    // -------------------------------------------------------------------------
    // completion/complete exists in 2024-11-05 without a capability; from
    // 2025-03-26 on the server declares `completions`.
    const completionsDeclared = capabilities.completions !== undefined ||
      !ProtocolVersion.atLeast(version, "2025-03-26")

    const complete = (
      ref: Mcp.CompletionReference,
      argument: { readonly name: string; readonly value: string },
      completeOptions?: CallOptions & { readonly context?: { readonly [name: string]: string } | undefined }
    ) =>
      require("completion/complete", "completions", completionsDeclared).pipe(
        Effect.andThen(
          engine.request(
            "completion/complete",
            completeOptions?.context !== undefined && ProtocolVersion.atLeast(version, "2025-06-18")
              ? { ref, argument, context: { arguments: completeOptions.context } }
              : { ref, argument },
            validateComplete,
            completeOptions
          )
        ),
        (effect) => traced(effect, "completion/complete")
      )

    const setLoggingLevel = (level: Mcp.LoggingLevel, callOptions?: CallOptions) =>
      require("logging/setLevel", "logging", capabilities.logging !== undefined).pipe(
        Effect.andThen(
          modern
            // 2026-07-28 has no logging/setLevel: each request asks for its own log messages.
            ? Effect.sync(() => {
              logLevel = level
              applyEraSettings()
            })
            : engine.request("logging/setLevel", { level }, validateEmpty, callOptions)
        ),
        Effect.asVoid,
        (effect) => traced(effect, "logging/setLevel")
      )

    // -------------------------------------------------------------------------
    // Generic requests
    // -------------------------------------------------------------------------
    const request = <S extends Schema.ConstraintDecoder<unknown>>(
      method: string,
      params: { readonly [key: string]: unknown } | undefined,
      schema: S,
      callOptions?: CallOptions
    ): Effect.Effect<S["Type"], RequestError> =>
      traced(engine.request(method, params, decodeWith(schema), callOptions), method)

    // -------------------------------------------------------------------------
    // Notifications
    // -------------------------------------------------------------------------
    const notificationsOf = <A>(select: (notification: Mcp.ServerNotification) => A | undefined) =>
      Stream.filterMap(engine.notifications, (notification) => {
        const selected = select(notification)
        return selected === undefined ? Result.failVoid : Result.succeed(selected)
      })

    const logs = notificationsOf((notification) => {
      if (notification.method !== "notifications/message") return undefined
      const checked = validateLogMessage(notification.params, notification.method)
      return Result.isSuccess(checked) ? checked.success : undefined
    })

    /**
     * The notifications of a `subscriptions/listen` stream (2026-07-28), for as
     * long as the stream runs. Running it opens the subscription; ending it
     * closes it. A subscription that drops is opened again, with backoff.
     */
    const listen = (filter: Mcp.SubscriptionFilter, callOptions?: CallOptions) =>
      Stream.unwrap(Effect.gen(function*() {
        const queue = yield* engine.subscribe
        let listenId: JsonRpc.RequestId | undefined
        const done = yield* Deferred.make<void, RequestError>()
        yield* engine.request("subscriptions/listen", { notifications: filter }, validateAnyResult, {
          ...callOptions,
          timeout: "Infinity",
          onId: (id) => {
            listenId = id
          }
        }).pipe(Effect.exit, Effect.flatMap((exit) => Deferred.done(done, Exit.asVoid(exit))), Effect.forkScoped)
        return Stream.fromQueue(queue).pipe(
          Stream.filter((notification) =>
            notification.method !== "notifications/subscriptions/acknowledged" &&
            (notification.params?._meta as JsonRpc.JsonObject | undefined)?.[Mcp.MetaKey.subscriptionId] === listenId
          ),
          Stream.haltWhen(Deferred.await(done))
        )
      })).pipe(
        // Only a dropped connection is worth reopening; bounded.
        Stream.retry(($) =>
          Schedule.max([
            $(Schedule.exponential("200 millis")).pipe(Schedule.while(({ input }) => input._tag === "TransportError")),
            Schedule.recurs(5)
          ])
        )
      )

    const listChanges = modern
      ? Stream.unwrap(Effect.sync(() => {
        const filter = {
          ...(capabilities.tools?.listChanged === true ? { toolsListChanged: true } : {}),
          ...(capabilities.prompts?.listChanged === true ? { promptsListChanged: true } : {}),
          ...(capabilities.resources?.listChanged === true ? { resourcesListChanged: true } : {})
        }
        return Object.keys(filter).length === 0
          ? Stream.never
          : listen(filter).pipe(
            Stream.filterMap((notification) => {
              const kind = listKinds[notification.method]
              return kind === undefined ? Result.failVoid : Result.succeed(kind)
            }),
            Stream.tap((kind) =>
              Effect.sync(() => {
                if (kind === "tools") knownTools = undefined
                else if (kind === "prompts") promptNames = undefined
              })
            ),
            Stream.orDie
          )
      }))
      : notificationsOf((notification): ListKind | undefined => listKinds[notification.method])

    const elicitationCompletions = notificationsOf((notification) => {
      const id = notification.params?.elicitationId
      if (notification.method !== "notifications/elicitation/complete" || typeof id !== "string") return undefined
      // "Clients MUST ignore notifications referencing unknown or already-completed IDs."
      return pendingElicitations.delete(id) ? id : undefined
    })

    // How many open streams watch each resource: one subscription per resource on the server.
    const watchers = new Map<string, number>()
    const resourceUpdates = (uri: string, callOptions?: CallOptions) =>
      modern
        ? Stream.unwrap(
          Effect.as(
            require("subscriptions/listen", "resources.subscribe", capabilities.resources?.subscribe === true),
            listen({ resourceSubscriptions: [uri] }, callOptions).pipe(
              Stream.filterMap((notification) =>
                notification.method === "notifications/resources/updated" && notification.params?.uri === uri
                  ? Result.succeed(notification.params as unknown as Mcp.ResourceUpdatedParams)
                  : Result.failVoid
              )
            )
          )
        )
        : legacyResourceUpdates(uri, callOptions)

    const legacyResourceUpdates = (uri: string, callOptions?: CallOptions) =>
      Stream.unwrap(Effect.gen(function*() {
        yield* require("resources/subscribe", "resources.subscribe", capabilities.resources?.subscribe === true)
        // Listen before subscribing, so that no update is missed.
        const subscription = yield* engine.subscribe
        const count = watchers.get(uri) ?? 0
        watchers.set(uri, count + 1)
        yield* Effect.addFinalizer(() => {
          const left = (watchers.get(uri) ?? 1) - 1
          if (left > 0) {
            watchers.set(uri, left)
            return Effect.void
          }
          watchers.delete(uri)
          return Effect.ignore(engine.request("resources/unsubscribe", { uri }, validateEmpty, callOptions))
        })
        if (count === 0) yield* engine.request("resources/subscribe", { uri }, validateEmpty, callOptions)
        return Stream.fromQueue(subscription).pipe(
          Stream.filterMap((notification) => {
            if (notification.method !== "notifications/resources/updated" || notification.params?.uri !== uri) {
              return Result.failVoid
            }
            return Result.succeed(notification.params as unknown as Mcp.ResourceUpdatedParams)
          })
        )
      }))

    return McpClient.of({
      serverInfo: negotiated.serverInfo,
      serverCapabilities: capabilities,
      instructions: negotiated.instructions,
      protocolVersion: version,
      era: negotiated.era,
      ping: (callOptions) =>
        traced(
          Effect.andThen(
            removedInModern("ping"),
            Effect.asVoid(engine.request("ping", undefined, validateEmpty, callOptions))
          ),
          "ping"
        ),
      listTools,
      listToolsPages: (callOptions) =>
        Stream.unwrap(Effect.as(requireTools("tools/list"), pages("tools/list", validateListTools, callOptions))),
      callTool,
      callToolWithProgress,
      callToolOrFail,
      callToolTyped,
      listResources: (listOptions) =>
        requireResources("resources/list").pipe(
          Effect.andThen(list("resources/list", "resources", validateListResources, listOptions)),
          (effect) => traced(effect, "resources/list")
        ),
      listResourcesPages: (callOptions) =>
        Stream.unwrap(
          Effect.as(requireResources("resources/list"), pages("resources/list", validateListResources, callOptions))
        ),
      listResourceTemplates: (listOptions) =>
        requireResources("resources/templates/list").pipe(
          Effect.andThen(
            list("resources/templates/list", "resourceTemplates", validateListResourceTemplates, listOptions)
          ),
          (effect) => traced(effect, "resources/templates/list")
        ),
      listResourceTemplatesPages: (callOptions) =>
        Stream.unwrap(
          Effect.as(
            requireResources("resources/templates/list"),
            pages("resources/templates/list", validateListResourceTemplates, callOptions)
          )
        ),
      readResource,
      subscribeResource: subscription("resources/subscribe"),
      unsubscribeResource: subscription("resources/unsubscribe"),
      listPrompts,
      listPromptsPages: (callOptions) =>
        Stream.unwrap(
          Effect.as(requirePrompts("prompts/list"), pages("prompts/list", validateListPrompts, callOptions))
        ),
      getPrompt,
      complete,
      setLoggingLevel,
      request,
      notify: (method, params) => engine.notify(method, params),
      notifications: engine.notifications,
      logs,
      listChanges,
      resourceUpdates,
      elicitationCompletions,
      pendingRequests: engine.pendingCount
    })
  }
)

/**
 * The session as a layer over the `Transport` in context. Building the layer
 * connects and negotiates; closing its scope ends the session and closes the
 * connection.
 *
 * **Example** (A session over an in-process server)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpServer } from "effect/ai"
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

const defaultMaxPages = 1000
const defaultDiscoverTimeout = "5 seconds"
const defaultMaxInputRounds = 10
const defaultCacheEntries = 1000

const wireEmpty = validator(Mcp.EmptyResult)
const wireListTools = validator(Mcp.ListToolsResult)
const wireCallTool = validator(Mcp.CallToolResult)
const wireListResources = validator(Mcp.ListResourcesResult)
const wireListResourceTemplates = validator(Mcp.ListResourceTemplatesResult)
const wireReadResource = validator(Mcp.ReadResourceResult)
const wireListPrompts = validator(Mcp.ListPromptsResult)
const wireGetPrompt = validator(Mcp.GetPromptResult)
const wireComplete = validator(Mcp.CompleteResult)
const validateLogMessage = validator(Mcp.LoggingMessageParams)
const validateInputRequired = validator(Mcp.InputRequiredResult)
const validateAnyResult = validator(Mcp.EmptyResult)
const validateUrlElicitation = validator(Mcp.ElicitUrlParams)

const toolMap = (tools: ReadonlyArray<Mcp.Tool>): ReadonlyMap<string, Mcp.Tool> =>
  new Map(tools.map((tool) => [tool.name, tool]))

const listKinds: { readonly [method: string]: ListKind } = {
  "notifications/tools/list_changed": "tools",
  "notifications/resources/list_changed": "resources",
  "notifications/prompts/list_changed": "prompts"
}

/** A validator for a caller's schema, compiled once per schema. */
const decoders = new WeakMap<object, Validator<unknown>>()
const decodeWith = <S extends Schema.ConstraintDecoder<unknown>>(schema: S): Validator<S["Type"]> => {
  let decode = decoders.get(schema) as Validator<S["Type"]> | undefined
  if (decode === undefined) {
    const decodeUnknown = Schema.decodeUnknownResult(schema)
    decode = (input, method) =>
      Result.mapError(
        decodeUnknown(input),
        (error) => new ProtocolError({ description: `Invalid ${method} result: ${error.message}`, method })
      )
    decoders.set(schema, decode)
  }
  return decode
}

/** `clientInfo` with only the members the offered revision defines. */
const clientInfo = (options: Options, version: string): Mcp.Implementation =>
  options.title !== undefined && ProtocolVersion.atLeast(version, "2025-06-18")
    ? { name: options.name, version: options.version, title: options.title }
    : { name: options.name, version: options.version }

/**
 * Runs a call that reports progress through a callback as a stream: the
 * progress events, then the result. Every event reaches the stream, however
 * slow its consumer.
 */
const withProgress = <A, E>(
  call: (onProgress: (progress: Mcp.ProgressNotificationParams) => void) => Effect.Effect<A, E>
): Stream.Stream<ProgressEvent<A>, E> =>
  Stream.callback<ProgressEvent<A>, E>(
    (queue) =>
      call((progress) => Queue.offerUnsafe(queue, { _tag: "Progress", ...progress })).pipe(
        Effect.flatMap((result) => Queue.offer(queue, { _tag: "Result", result })),
        Effect.andThen(Queue.end(queue)),
        Effect.catchCause((cause) => Queue.failCause(queue, cause)),
        Effect.forkScoped
      ),
    { bufferSize: Number.POSITIVE_INFINITY }
  )

/** The text blocks of a result, joined. */
const textOf = (content: ReadonlyArray<Mcp.ContentBlock>): string =>
  content.flatMap((block) => block.type === "text" && "text" in block ? [block.text as string] : []).join("\n")
