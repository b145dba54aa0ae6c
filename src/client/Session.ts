/**
 * What the parts of a session's API share once the session is negotiated:
 * the engine, the era and revision, the server's capabilities, the caches,
 * and the few policies every request goes through (capability checks, spans,
 * the 2026-07-28 `resultType` rule, result reuse, `input_required` rounds).
 *
 * Internal to the client: `McpClient.make` builds one per session and hands
 * it to the modules that implement the API.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Tracer from "effect/Tracer"
import { CapabilityNotSupported, InputDeclined, ProtocolError, type RequestError, TransportError } from "../McpError.ts"
import * as HttpHeaders from "../protocol/HttpHeaders.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Mcp from "../protocol/Mcp.ts"
import { type Validator, validator, validatorWithFastPath } from "../protocol/Validate.ts"
import type * as Engine from "../session/Engine.ts"
import type { ServerRequestHandler } from "../session/Engine.ts"
import * as Negotiation from "../session/Negotiation.ts"
import type * as ResultCache from "../session/ResultCache.ts"
import * as TraceContext from "../session/TraceContext.ts"
import type { TransportShape } from "../transport/Transport.ts"
import type * as Elicitations from "./Elicitations.ts"
import * as Metrics from "./Metrics.ts"
import type { CallOptions, Options } from "./Options.ts"

/**
 * What the session learns and keeps as it goes. Cleared on list changes.
 *
 * @category models
 * @since 0.1.0
 */
export interface State {
  /** The tools of the last complete listing: for "not found", output checks and headers. */
  knownTools: ReadonlyMap<string, Mcp.Tool> | undefined
  /** The prompt names of the last complete listing: for "not found". */
  promptNames: ReadonlySet<string> | undefined
  /** URL elicitations this session follows, and their completions (made when first needed). */
  elicitations: Elicitations.Tracker | undefined
  /** The log level each 2026-07-28 request asks for. */
  logLevel: Mcp.LoggingLevel | undefined
}

/**
 * The validators of the results the API reads, with the era's rules applied.
 *
 * @category models
 * @since 0.1.0
 */
export interface Validators {
  readonly empty: Validator<Mcp.EmptyResult>
  readonly listTools: Validator<Mcp.ListToolsResult>
  readonly callTool: Validator<Mcp.CallToolResult>
  readonly listResources: Validator<Mcp.ListResourcesResult>
  readonly listResourceTemplates: Validator<Mcp.ListResourceTemplatesResult>
  readonly readResource: Validator<Mcp.ReadResourceResult>
  readonly listPrompts: Validator<Mcp.ListPromptsResult>
  readonly getPrompt: Validator<Mcp.GetPromptResult>
  readonly complete: Validator<Mcp.CompleteResult>
}

/**
 * A negotiated session, as the API's modules see it. Its methods are called
 * on it (`session.traced(…)`): it is a class instance.
 *
 * @category models
 * @since 0.1.0
 */
export interface Session {
  readonly engine: Engine.Engine
  /**
   * Sends a request through the engine. With `recoverSessions`, a request
   * that finds its HTTP session expired opens a new session and is sent again
   * when it is safe to repeat.
   */
  readonly request: Engine.Engine["request"]
  readonly transport: TransportShape
  readonly options: Options
  readonly negotiated: Negotiation.Negotiated
  readonly version: string
  /** Whether the session speaks 2026-07-28. */
  readonly modern: boolean
  /** Whether it does so over a transport with exchanges (HTTP): headers, cancellation by closing. */
  readonly httpModern: boolean
  readonly capabilities: Mcp.ServerCapabilities
  readonly state: State
  readonly validators: Validators
  /** Answers a server request, or a 2026-07-28 input request, with the handler services. */
  readonly answer: ServerRequestHandler
  /** Applies the era's settings to the engine (after a change of log level). */
  readonly applyEraSettings: () => void
  /** Fails with `CapabilityNotSupported` unless `declared`. */
  readonly require: (
    method: string,
    capability: string,
    declared: boolean
  ) => Effect.Effect<void, CapabilityNotSupported>
  /** Fails with `CapabilityNotSupported` on 2026-07-28, which removed the method. */
  readonly removedInModern: (method: string) => Effect.Effect<void, CapabilityNotSupported>
  /** Wraps a request in its span, with the MCP attributes. */
  readonly traced: <A, E>(
    effect: Effect.Effect<A, E>,
    method: string,
    attributes?: Record<string, unknown>
  ) => Effect.Effect<A, E>
  /** Reuses a result while the server says it is fresh (when the cache is on). */
  readonly cached: <A>(method: string, key: string, request: Effect.Effect<A, RequestError>) => Effect.Effect<
    A,
    RequestError
  >
  /**
   * Sends a request that a 2026-07-28 server may answer with `input_required`:
   * answers every input with the handler services and retries with a new id,
   * `inputResponses`, and `requestState` exactly as given.
   */
  readonly withInputs: <A>(
    method: string,
    params: JsonRpc.JsonObject,
    validate: Validator<A>,
    callOptions: CallOptions | undefined,
    cacheKey?: string
  ) => Effect.Effect<A, RequestError | InputDeclined>
}

/**
 * What building a `Session` needs.
 *
 * @category models
 * @since 0.1.0
 */
export interface SessionInputs {
  readonly engine: Engine.Engine
  readonly transport: TransportShape
  readonly options: Options
  readonly negotiated: Negotiation.Negotiated
  readonly negotiationSettings: Negotiation.Settings
  readonly state: State
  readonly answer: ServerRequestHandler
  readonly cache: ResultCache.ResultCache | undefined
  readonly clock: Clock.Clock
}

const defaultMaxInputRounds = 10

/** Requests that may be sent twice without effect beyond the first. */
const safeToRepeat = new Set([
  "ping",
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "server/discover"
])

const wire = {
  empty: validator(Mcp.EmptyResult),
  listTools: validator(Mcp.ListToolsResult),
  callTool: validatorWithFastPath(Mcp.isTextCallToolResult, Mcp.CallToolResult),
  listResources: validator(Mcp.ListResourcesResult),
  listResourceTemplates: validator(Mcp.ListResourceTemplatesResult),
  readResource: validator(Mcp.ReadResourceResult),
  listPrompts: validator(Mcp.ListPromptsResult),
  getPrompt: validator(Mcp.GetPromptResult),
  complete: validator(Mcp.CompleteResult)
} satisfies Validators

const validateInputRequired = validator(Mcp.InputRequiredResult)

/** The version a request's own `_meta` names, if any (a request retried at another version). */
const versionOf = (params: JsonRpc.JsonObject | undefined): string | undefined => {
  const version = (params?._meta as JsonRpc.JsonObject | undefined)?.[Mcp.MetaKey.protocolVersion]
  return typeof version === "string" ? version : undefined
}

const resultTypeOf = (input: unknown): unknown => (input as { readonly resultType?: unknown }).resultType

/**
 * On 2026-07-28 every result has a `resultType`: a missing one means
 * `"complete"`, and one this client does not know is invalid.
 */
const guardResultType = <A>(validate: Validator<A>): Validator<A> => (input, method) => {
  const resultType = resultTypeOf(input)
  return resultType === undefined || resultType === "complete"
    ? validate(input, method)
    : Result.fail(
      new ProtocolError({ description: `Unknown resultType ${JSON.stringify(resultType)}`, method, path: "resultType" })
    )
}

const modernValidators: Validators = {
  empty: guardResultType(wire.empty),
  listTools: guardResultType(wire.listTools),
  callTool: guardResultType(wire.callTool),
  listResources: guardResultType(wire.listResources),
  listResourceTemplates: guardResultType(wire.listResourceTemplates),
  readResource: guardResultType(wire.readResource),
  listPrompts: guardResultType(wire.listPrompts),
  getPrompt: guardResultType(wire.getPrompt),
  complete: guardResultType(wire.complete)
}

/**
 * Builds the shared context of a negotiated session, and applies the era's
 * settings to the engine.
 *
 * @example
 * ```ts
 * import { make, type SessionInputs } from "./Session.ts"
 *
 * declare const inputs: SessionInputs
 * const session = make(inputs)
 * const tools = session.request("tools/list", {}, session.validators.listTools, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (inputs: SessionInputs): Session => {
  const session = new SessionImpl(inputs)
  session.applyEraSettings()
  return session
}

/** A session's state, with its behaviour on the prototype (one object per session). */
class SessionImpl implements Session {
  readonly engine: Engine.Engine
  readonly transport: TransportShape
  readonly options: Options
  readonly negotiated: Negotiation.Negotiated
  readonly version: string
  readonly modern: boolean
  readonly httpModern: boolean
  readonly capabilities: Mcp.ServerCapabilities
  readonly state: State
  readonly validators: Validators
  readonly answer: ServerRequestHandler
  readonly #negotiationSettings: Negotiation.Settings
  readonly #cache: ResultCache.ResultCache | undefined
  readonly #clock: Clock.Clock
  /** A session renewal under way (a stateful HTTP session the server forgot). */
  #recovery: Effect.Effect<void, unknown> | undefined = undefined
  /** The session ids already replaced: a late answer for one repeats its request without a new renewal. */
  readonly #replaced = new Set<string>()

  constructor(inputs: SessionInputs) {
    this.#negotiationSettings = inputs.negotiationSettings
    this.#cache = inputs.cache
    this.#clock = inputs.clock
    this.engine = inputs.engine
    this.transport = inputs.transport
    this.options = inputs.options
    this.negotiated = inputs.negotiated
    this.version = inputs.negotiated.protocolVersion
    this.modern = inputs.negotiated.era === "modern"
    this.httpModern = this.modern && inputs.transport.exchange !== undefined
    this.capabilities = inputs.negotiated.capabilities
    this.state = inputs.state
    this.validators = this.modern ? modernValidators : wire
    this.answer = inputs.answer
  }

  // ---------------------------------------------------------------------------
  // Session recovery
  // ---------------------------------------------------------------------------

  /**
   * Opens a new session in place of `expired`; concurrent callers share one
   * attempt, and a session already replaced is not replaced again.
   */
  #renew(expired: string): Effect.Effect<void, unknown> {
    return Effect.suspend(() => {
      if (this.#recovery !== undefined) return this.#recovery
      if (this.#replaced.has(expired)) return Effect.void
      this.#replaced.add(expired)
      const attempt = Negotiation.negotiate(this.engine, this.#negotiationSettings).pipe(
        Effect.asVoid,
        Effect.ensuring(Effect.sync(() => {
          this.#recovery = undefined
        }))
      )
      this.#recovery = Effect.runSync(Effect.cached(attempt))
      return this.#recovery
    })
  }

  #repeatable(method: string, params: JsonRpc.JsonObject | undefined) {
    if (safeToRepeat.has(method)) return true
    if (method !== "tools/call" || typeof params?.name !== "string") return false
    if (this.options.trustToolAnnotations !== true) return false
    const annotations = this.state.knownTools?.get(params.name)?.annotations
    return annotations?.readOnlyHint === true || annotations?.idempotentHint === true
  }

  request<A>(
    method: string,
    params: JsonRpc.JsonObject | undefined,
    validate: Validator<A>,
    requestOptions?: Engine.RequestOptions & { readonly cancellable?: boolean | undefined }
  ): Effect.Effect<A, RequestError> {
    const engine = this.engine
    const sent = engine.request(method, params, validate, requestOptions)
    if (this.modern) {
      // 2026-07-28: a server may refuse any request's version (-32022, with the versions it supports). The
      // request is sent once more with a version both sides speak, another than the refused one if there is one
      // (the refused one only when the server lists it as supported).
      const versioned = Effect.catchTag(sent, "McpServerError", (error) => {
        if (error.code !== JsonRpc.ErrorCode.UnsupportedProtocolVersion) return Effect.fail(error)
        const next = Negotiation.retryVersion(Negotiation.supportedOf(error), [versionOf(params) ?? this.version])
        return next === undefined
          ? Effect.fail(error)
          : engine.request(
            method,
            next === this.version ? params : this.#atVersion(params, next),
            validate,
            requestOptions
          )
      })
      return this.httpModern ? this.#reissued(versioned, method, params, validate, requestOptions) : versioned
    }
    if (this.options.recoverSessions === false) return sent
    return Effect.catchTag(
      sent,
      "SessionExpired",
      (expired) =>
        this.#repeatable(method, params)
          // Repeated once: a second expiry, or a renewal that fails, reaches the caller as SessionExpired.
          ? Effect.andThen(
            Effect.mapError(this.#renew(expired.sessionId), () => expired),
            engine.request(method, params, validate, requestOptions)
          )
          // Not safe to repeat: the caller learns the session expired; the new session serves the next requests.
          : Effect.andThen(Effect.ignore(this.#renew(expired.sessionId)), Effect.fail(expired))
    )
  }

  /**
   * 2026-07-28 over HTTP: "a broken response stream loses the request" and the client re-issues it under a
   * fresh id (the revision has no resumption). Only a request safe to repeat is, once; any other fails with
   * the break's `TransportError` (`responseBroken`), since the server may have acted on it.
   */
  #reissued<A>(
    sent: Effect.Effect<A, RequestError>,
    method: string,
    params: JsonRpc.JsonObject | undefined,
    validate: Validator<A>,
    requestOptions: Engine.RequestOptions & { readonly cancellable?: boolean | undefined } | undefined
  ): Effect.Effect<A, RequestError> {
    return Effect.catchTag(sent, "TransportError", (error) => {
      if (error.responseBroken !== true) return Effect.fail(error)
      if (this.#repeatable(method, params)) return this.engine.request(method, params, validate, requestOptions)
      return Effect.fail(
        new TransportError({
          description: `${error.description}; ${method} is not sent again, since the server may have acted on it`,
          ...(error.status === undefined ? {} : { status: error.status }),
          responseBroken: true,
          ...(error.cause === undefined ? {} : { cause: error.cause })
        })
      )
    })
  }

  /** The request's params with the `_meta` of another 2026-07-28 version (its header follows it). */
  #atVersion(params: JsonRpc.JsonObject | undefined, version: string): JsonRpc.JsonObject {
    const meta = (params?._meta ?? {}) as JsonRpc.JsonObject
    return { ...params, _meta: { ...meta, ...Negotiation.modernMeta(this.#negotiationSettings, version) } }
  }

  applyEraSettings(): void {
    if (!this.modern) return
    const { state, version } = this
    this.engine.configure({
      requestMeta: Negotiation.modernMeta(this.#negotiationSettings, version, state.logLevel),
      notifyCancellation: !this.httpModern,
      headers: this.httpModern
        ? (method, params) => ({
          "MCP-Protocol-Version": versionOf(params) ?? version,
          ...HttpHeaders.forRequest(
            method,
            params,
            method === "tools/call" && typeof params?.name === "string" ? state.knownTools?.get(params.name) : undefined
          )
        })
        : undefined
    })
  }

  require(method: string, capability: string, declared: boolean): Effect.Effect<void, CapabilityNotSupported> {
    return declared ? Effect.void : Effect.fail(new CapabilityNotSupported({ method, capability }))
  }

  removedInModern(method: string): Effect.Effect<void, CapabilityNotSupported> {
    return this.modern
      ? Effect.fail(new CapabilityNotSupported({ method, capability: `${method} (not in ${this.version})` }))
      : Effect.void
  }

  traced<A, E>(effect: Effect.Effect<A, E>, method: string, attributes?: Record<string, unknown>): Effect.Effect<A, E> {
    return Effect.withFiber((fiber) => {
      const measured = fiber.getRef(Metrics.Enabled) ? Metrics.measured(effect, method) : effect
      // Without a tracer to export them, spans would only cost: they are made when one is installed.
      if (!TraceContext.isTracing(fiber)) return measured
      return TraceContext.traceRequest(
        fiber,
        measured,
        spanName(method, attributes),
        (span) => {
          span.attribute("mcp.method.name", method)
          span.attribute("mcp.protocol.version", this.version)
          if (method === "tools/call") span.attribute("gen_ai.operation.name", "execute_tool")
          const telemetry = this.transport.telemetry?.()
          for (const key in telemetry) span.attribute(key, telemetry[key])
          for (const key in attributes) span.attribute(key, attributes[key])
        },
        recordOutcome
      )
    })
  }

  cached<A>(method: string, key: string, request: Effect.Effect<A, RequestError>): Effect.Effect<A, RequestError> {
    const cache = this.#cache
    const clock = this.#clock
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

  withInputs<A>(
    method: string,
    params: JsonRpc.JsonObject,
    validate: Validator<A>,
    callOptions: CallOptions | undefined,
    cacheKey?: string
  ): Effect.Effect<A, RequestError | InputDeclined> {
    if (!this.modern) {
      const sent = this.request(method, params, validate, callOptions)
      return cacheKey === undefined ? sent : this.cached(method, cacheKey, sent)
    }
    const maxInputRounds = this.options.maxInputRounds ?? defaultMaxInputRounds
    const answer = this.answer
    const clock = this.#clock
    // Each input the server asks for is a server request in the course of this one: an event of its span.
    const recordInput = <B>(
      span: Tracer.Span | undefined,
      answering: Effect.Effect<B, JsonRpc.ErrorObject>,
      inputMethod: string,
      key: string
    ): Effect.Effect<B, JsonRpc.ErrorObject> =>
      span === undefined ? answering : Effect.onExit(answering, (exit) =>
        Effect.sync(() => {
          const error = Exit.isSuccess(exit) ? undefined : Cause.findErrorOption(exit.cause)
          TraceContext.serverRequestEvent(span, clock.currentTimeNanosUnsafe(), inputMethod, {
            key,
            errorType: error === undefined
              ? undefined
              : error._tag === "Some"
              ? String(error.value.code)
              : "cancelled"
          })
        }))
    // Only a first answer is reusable: results of retries carrying input are never cached.
    const first = <B>(request: Effect.Effect<B, RequestError>) =>
      cacheKey === undefined ? request : this.cached(method, cacheKey, request)
    const validateRound = (input: unknown, m: string): Result.Result<A | Mcp.InputRequiredResult, ProtocolError> =>
      resultTypeOf(input) === "input_required" ? validateInputRequired(input, m) : validate(input, m)
    const round = (n: number, extra: JsonRpc.JsonObject): Effect.Effect<A, RequestError | InputDeclined> =>
      (n === 0
        ? first(this.request(method, params, validateRound, callOptions))
        : this.request(method, { ...params, ...extra }, validateRound, callOptions)).pipe(
          Effect.flatMap((result): Effect.Effect<A, RequestError | InputDeclined> => {
            if (resultTypeOf(result) !== "input_required") return Effect.succeed(result as A)
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
            return Effect.withFiber((fiber) => {
              const span = TraceContext.activeSpan(fiber)
              return Effect.forEach(
                Object.entries(required.inputRequests ?? {}),
                ([key, input]) =>
                  recordInput(span, answer(input.method, input.params), input.method, key).pipe(
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
          })
        )
    return round(0, {})
  }
}

/**
 * OpenTelemetry's MCP conventions: `{mcp.method.name} {target}`, the target
 * being the tool or prompt (a resource URI is not used: too many names).
 */
const spanName = (method: string, attributes: Record<string, unknown> | undefined) => {
  const target = attributes?.["gen_ai.tool.name"] ?? attributes?.["gen_ai.prompt.name"]
  return target === undefined ? method : `${method} ${String(target)}`
}

/**
 * `error.type` (and `rpc.response.status_code` for a JSON-RPC error) on the
 * request's span: the server's code, `timeout`, `tool_error` for a tool
 * result with `isError`, or the failure's tag.
 */
const recordOutcome = (span: Tracer.Span, exit: Exit.Exit<unknown, unknown>): void => {
  if (Exit.isSuccess(exit)) {
    const value = exit.value as { readonly isError?: unknown } | null
    if (typeof value === "object" && value !== null && value.isError === true) {
      span.attribute("error.type", "tool_error")
    }
    return
  }
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "None") {
    span.attribute("error.type", "_OTHER")
    return
  }
  const failure = error.value as { readonly _tag?: unknown; readonly code?: unknown }
  if (failure._tag === "McpServerError" && typeof failure.code === "number") {
    span.attribute("error.type", String(failure.code))
    span.attribute("rpc.response.status_code", String(failure.code))
  } else if (failure._tag === "RequestTimeout") {
    span.attribute("error.type", "timeout")
  } else {
    span.attribute("error.type", typeof failure._tag === "string" ? failure._tag : "_OTHER")
  }
}
