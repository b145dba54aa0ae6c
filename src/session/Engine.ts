/**
 * The session engine: one per connection. It numbers requests, matches
 * responses to callers, enforces deadlines, turns interruption into
 * `notifications/cancelled`, answers the server's own requests, and fans
 * server notifications out to subscribers.
 *
 * The engine knows JSON-RPC and the few MCP rules that concern every request
 * (cancellation, ping); it knows nothing of tools or resources, and nothing
 * of the transport beyond the `Transport` contract.
 *
 * Bookkeeping per request is one map entry and one `Deferred`, created when
 * the request is sent and removed when it completes, fails, times out or is
 * interrupted, whichever comes first. A response that arrives after that is
 * dropped.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import {
  HeaderMismatch,
  McpServerError,
  MissingClientCapability,
  ProtocolError,
  type RequestError,
  RequestTimeout,
  SessionClosed,
  TransportError
} from "../McpError.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import type { ProgressNotificationParams, ServerNotification } from "../protocol/Mcp.ts"
import type { Validator } from "../protocol/Validate.ts"
import {
  type ConnectionError,
  type ExchangeContext,
  type Listener,
  relatedRequest,
  type TransportShape
} from "../transport/Transport.ts"
import * as TraceContext from "./TraceContext.ts"

/**
 * Per-request settings.
 *
 * @category models
 * @since 0.1.0
 */
export interface RequestOptions {
  /**
   * How long to wait for the response. Defaults to the session's timeout;
   * `"Infinity"` waits forever. On expiry the request is cancelled on the
   * server and fails with `RequestTimeout`.
   */
  readonly timeout?: Duration.Input | undefined
  /**
   * Restart the `timeout` clock each time the server reports progress on
   * this request (only meaningful with `onProgress`). `maxTotalTimeout` still
   * bounds the whole request.
   */
  readonly resetTimeoutOnProgress?: boolean | undefined
  /** A hard bound on the whole request, whatever progress arrives. */
  readonly maxTotalTimeout?: Duration.Input | undefined
  /**
   * Invites progress notifications (a progress token is added to the
   * request's `_meta`) and receives each one, in the order the server sent
   * them, before the result.
   */
  readonly onProgress?: ((progress: ProgressNotificationParams) => void) | undefined
  /** Receives the request's JSON-RPC id once it is allocated. */
  readonly onId?: ((id: JsonRpc.RequestId) => void) | undefined
}

/**
 * Settings that follow from the negotiated protocol era.
 *
 * @category models
 * @since 0.1.0
 */
export interface EraSettings {
  /**
   * Members merged into every request's `params._meta` (2026-07-28: the
   * protocol version, client info and capabilities). Keys the caller set
   * on a request win.
   */
  readonly requestMeta?: JsonRpc.JsonObject | undefined
  /**
   * Whether cancelling a request sends `notifications/cancelled`. Off on
   * 2026-07-28 over a transport with per-request exchanges (HTTP), where
   * closing the request's stream is the cancellation. Defaults to on.
   */
  readonly notifyCancellation?: boolean | undefined
  /**
   * Headers for a request's exchange (2026-07-28 over HTTP mirrors parts of
   * the body in headers). Only used with transports that have exchanges.
   */
  readonly headers?:
    | ((method: string, params: JsonRpc.JsonObject | undefined) => ExchangeContext["headers"])
    | undefined
}

/**
 * How the engine answers a request the server sends to the client.
 * Fail with a JSON-RPC error object to answer with an error.
 *
 * @category models
 * @since 0.1.0
 */
export type ServerRequestHandler = (
  method: string,
  params: JsonRpc.JsonObject | undefined
) => Effect.Effect<JsonRpc.JsonObject, JsonRpc.ErrorObject>

/**
 * Construction options of the engine.
 *
 * @category models
 * @since 0.1.0
 */
export interface EngineOptions {
  readonly transport: TransportShape
  /** Default deadline of every request. Defaults to 60 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Answers server requests other than `ping`. Unhandled methods get `-32601`. */
  readonly onRequest?: ServerRequestHandler | undefined
  /** Sees every server notification before subscribers do, synchronously. */
  readonly onNotification?: ((notification: ServerNotification) => void) | undefined
  /**
   * How many notifications a slow subscriber may fall behind before the
   * oldest are dropped for it. Defaults to 1024. The session itself never
   * waits for a subscriber.
   */
  readonly notificationBuffer?: number | undefined
  /** Called for each notification a subscriber loses because it fell `notificationBuffer` behind. */
  readonly onDropped?: (() => void) | undefined
}

/**
 * A running engine. Its members are called on it (`engine.request(…)`): the
 * engine is a class instance whose methods need it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Engine {
  /**
   * Sends a request and waits for its result, validated with `validate`.
   * `cancellable: false` is for `initialize`, which must never be cancelled.
   */
  readonly request: <A>(
    method: string,
    params: JsonRpc.JsonObject | undefined,
    validate: Validator<A>,
    options?: RequestOptions & { readonly cancellable?: boolean | undefined }
  ) => Effect.Effect<A, RequestError>
  /** Sends a notification. */
  readonly notify: (
    method: string,
    params?: JsonRpc.JsonObject
  ) => Effect.Effect<void, Ending>
  /** Every notification the server sends from the moment of subscription. */
  readonly notifications: Stream.Stream<ServerNotification>
  /**
   * A queue of the server's notifications, open for the current scope: what
   * arrives from now on, the oldest dropped beyond the buffer.
   */
  readonly subscribe: Effect.Effect<Queue.Dequeue<ServerNotification>, never, Scope.Scope>
  /** Applies the settings of the negotiated era to the requests that follow. */
  readonly configure: (settings: EraSettings) => void
  /** How many requests are waiting for a response (for diagnostics and tests). */
  readonly pendingCount: Effect.Effect<number>
  /** Ends the session: fails waiting requests with `SessionClosed`. Idempotent. */
  readonly close: Effect.Effect<void>
}

/** A request waiting for its response. */
interface Pending {
  readonly id: JsonRpc.RequestId
  readonly method: string
  readonly cancellable: boolean
  /** Checks the result before the caller gets it. */
  readonly validate: Validator<unknown>
  /** Resumes the waiting caller with its outcome (validated), once it waits. */
  resume: ((outcome: Exit.Exit<unknown, RequestError>) => void) | undefined
  /** An outcome that arrived before the caller started waiting. */
  early: Exit.Exit<JsonRpc.JsonObject, RequestError> | undefined
  readonly onProgress: ((progress: ProgressNotificationParams) => void) | undefined
  /** The request's span, with an exporting tracer: the server's requests in its course are recorded on it. */
  readonly span: Tracer.Span | undefined
  /** The idle deadline: `timeoutMillis` after `lastActivity` (the send, or with reset, the latest progress). */
  readonly timeoutMillis: number
  readonly resetOnProgress: boolean
  lastActivity: number
  /** The hard deadline (`maxTotalTimeout`), and its length. */
  readonly hardAt: number
  readonly totalMillis: number
}

/**
 * Runs `f` once the event loop's current turn is done, without keeping the process alive: `setImmediate` where
 * there is one (it runs after this turn's I/O, with no wake-up of its own, where a timer of 0 ms wakes the process
 * a millisecond later, and that wake-up costs more than the check), a 0 ms timer elsewhere.
 */
const afterTurn: (f: () => void) => void = typeof globalThis.setImmediate === "function"
  ? (f) => {
    globalThis.setImmediate(f).unref?.()
  }
  : (f) => {
    ;(setTimeout(f, 0) as { unref?: () => void }).unref?.()
  }

const deadlineOf = (entry: Pending) => Math.min(entry.hardAt, entry.lastActivity + entry.timeoutMillis)

/** What the caller gets: the result once validated, or the failure as it is. */
const outcome = (
  entry: Pending,
  exit: Exit.Exit<JsonRpc.JsonObject, RequestError>
): Exit.Exit<unknown, RequestError> => {
  if (exit._tag === "Failure") return exit
  const checked = entry.validate(exit.value, entry.method)
  return checked._tag === "Success" ? Exit.succeed(checked.success) : Exit.fail(checked.failure)
}

/** Why a session ended: the connection's failure, or its closing. */
type Ending = ConnectionError | SessionClosed

const defaultTimeout = Duration.seconds(60)
const defaultNotificationBuffer = 1024

/** The typed failure for a server's JSON-RPC error. */
const serverError = (method: string, error: JsonRpc.ErrorObject): RequestError => {
  switch (error.code) {
    case JsonRpc.ErrorCode.MissingRequiredClientCapability: {
      const required = (error.data as { readonly requiredCapabilities?: unknown } | undefined)?.requiredCapabilities
      return new MissingClientCapability({
        method,
        description: error.message,
        ...(required === undefined ? {} : { requiredCapabilities: required })
      })
    }
    case JsonRpc.ErrorCode.HeaderMismatch:
      return new HeaderMismatch({ method, description: error.message })
    default:
      return new McpServerError({
        method,
        code: error.code,
        description: error.message,
        ...(error.data === undefined ? {} : { data: error.data })
      })
  }
}

const methodNotFound = (method: string): JsonRpc.ErrorObject => ({
  code: JsonRpc.ErrorCode.MethodNotFound,
  message: `Method not found: ${method}`
})

/**
 * Starts an engine over a transport. The engine lives in the current scope:
 * closing it fails every waiting request with `SessionClosed` and stops the
 * reader and every handler fiber.
 *
 * **Example** (A ping through an engine)
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Engine, Transport, Validate } from "effect-mcp-client"
 *
 * const ping = Effect.gen(function*() {
 *   const engine = yield* Engine.make({ transport: yield* Transport.Transport })
 *   return yield* engine.request("ping", undefined, Validate.validator(Schema.Struct({})))
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: EngineOptions): Effect.Effect<Engine, never, Scope.Scope> =>
  Effect.contextWith((context: Context.Context<Scope.Scope>) => {
    const engine = new SessionEngine(options, context)
    return Effect.as(Scope.addFinalizerExit(Context.get(context, Scope.Scope), () => engine.close), engine)
  })

/**
 * The engine's state and behaviour, in one object per session: its methods
 * live on the prototype, so an open session holds its state and little else.
 */
class SessionEngine implements Engine, Listener {
  readonly #options: EngineOptions
  readonly #transport: TransportShape
  readonly #context: Context.Context<Scope.Scope>
  readonly #scope: Scope.Scope
  readonly #clock: Clock.Clock
  readonly #timeoutMillis: number
  /**
   * Requests waiting for a response, by id. A request that invites progress uses its id
   * as its progress token, so this is also where progress is routed.
   */
  readonly #pending = new Map<JsonRpc.RequestId, Pending>()
  #nextId = 1
  #requestMeta: JsonRpc.JsonObject | undefined = undefined
  #notifyCancellation = true
  #exchangeHeaders: EraSettings["headers"] = undefined
  /** Why the session ended, once it has: later calls fail with the same error. */
  #ended: Ending | undefined = undefined
  // Background sends and server-request handlers run in fibers forked into the session's scope.
  // The handlers running, by the id of the server's request (a cancellation interrupts its handler),
  // made when first needed: most sessions never answer a server request.
  #handlers: Map<JsonRpc.RequestId, Fiber.Fiber<unknown, unknown>> | undefined = undefined
  /**
   * One sliding queue per subscriber: a subscriber that falls behind loses its own
   * oldest notifications, and neither the session nor other subscribers wait for it.
   */
  #subscribers: Set<Queue.Queue<ServerNotification>> | undefined = undefined
  #notifications: Stream.Stream<ServerNotification> | undefined = undefined
  /**
   * Deadlines: one fiber sleeps until the earliest one, instead of a timer per request.
   * It runs only while a request has a deadline, and is replaced when a request comes
   * with a deadline earlier than the one it sleeps until.
   */
  #watcher: Fiber.Fiber<void> | undefined = undefined
  #wakeAt = Number.POSITIVE_INFINITY
  #idleCheck = false

  constructor(options: EngineOptions, context: Context.Context<Scope.Scope>) {
    this.#options = options
    this.#transport = options.transport
    this.#context = context
    this.#scope = Context.get(context, Scope.Scope)
    this.#clock = Context.get(context, Clock.Clock)
    this.#timeoutMillis = Duration.toMillis(
      options.timeout === undefined ? defaultTimeout : Duration.fromInputUnsafe(options.timeout)
    )
    // The engine is the transport's listener itself, when the transport has listen.
    if (this.#transport.listen !== undefined) this.#transport.listen(this)
    else this.#read()
  }

  // ---------------------------------------------------------------------------
  // Fibers of the session
  // ---------------------------------------------------------------------------

  /**
   * Runs an effect in a fiber of the session's scope, started at once: closing the scope interrupts it, and one
   * that ends leaves nothing behind (the scope keeps a fiber only while it runs).
   */
  #runBackground(effect: Effect.Effect<unknown, unknown>): Fiber.Fiber<unknown, unknown> {
    return Effect.runSyncWith(this.#context)(Effect.forkIn(effect, this.#scope, { startImmediately: true }))
  }

  /** Runs the handler of the server's request `id`, in place of a handler still running for the same id. */
  #runHandler(id: JsonRpc.RequestId, effect: Effect.Effect<unknown, unknown>) {
    const handlers = this.#handlers ??= new Map()
    handlers.get(id)?.interruptUnsafe()
    const fiber = this.#runBackground(effect)
    if (fiber.pollUnsafe() !== undefined) return
    handlers.set(id, fiber)
    fiber.addObserver(() => {
      if (handlers.get(id) === fiber) handlers.delete(id)
    })
  }

  /** Reads the transport's `incoming` stream in a fiber of the session (transports without `listen`). */
  #read() {
    Effect.runForkWith(this.#context)(
      this.#transport.incoming.pipe(
        Stream.runForEachArray((values) => {
          for (const value of values) this.#receive(value)
          return Effect.void
        }),
        Effect.matchCause({
          onSuccess: () => this.#endWith(new TransportError({ description: "The MCP server closed the connection" })),
          onFailure: (cause) => {
            const error = Cause.findErrorOption(cause)
            this.#endWith(
              error._tag === "Some"
                ? error.value
                : new TransportError({ description: "The connection reader stopped", cause: Cause.squash(cause) })
            )
          }
        }),
        Effect.forkIn(this.#scope)
      )
    )
  }

  // ---------------------------------------------------------------------------
  // Requests' lifecycle
  // ---------------------------------------------------------------------------

  /** Hands a request its outcome, whether it is already waiting or not yet. */
  #complete(entry: Pending, exit: Exit.Exit<JsonRpc.JsonObject, RequestError>) {
    if (entry.resume !== undefined) entry.resume(outcome(entry, exit))
    else entry.early = exit
  }

  /** Forgets a request if it still waits; one the caller interrupted is cancelled on the server. */
  #abandon(entry: Pending, interrupted: boolean) {
    if (this.#pending.get(entry.id) !== entry) return
    if (interrupted && entry.cancellable) this.#cancel(entry.id, "Request cancelled by the client")
    else this.#forget(entry.id)
  }

  /** Removes a request from the pending table. */
  #forget(id: JsonRpc.RequestId): boolean {
    if (!this.#pending.delete(id)) return false
    if (this.#pending.size === 0) this.#releaseWatcherWhenIdle()
    return true
  }

  /** Listener: the connection ended. */
  end(error: ConnectionError): void {
    this.#endWith(error)
  }

  #endWith(error: Ending): void {
    if (this.#ended !== undefined) return
    this.#ended = error
    const failure = Exit.fail(error)
    // The table is emptied first: a caller may resume, and count what is pending, within `#complete`.
    const entries = [...this.#pending.values()]
    this.#pending.clear()
    for (const entry of entries) {
      this.#complete(
        entry,
        error._tag === "SessionClosed" ? Exit.fail(new SessionClosed({ method: entry.method })) : failure
      )
    }
    this.#watcher?.interruptUnsafe()
    this.#watcher = undefined
  }

  #sendInBackground(message: JsonRpc.Message) {
    if (this.#ended === undefined) this.#runBackground(Effect.ignore(this.#transport.send(message)))
  }

  /** Forgets a request and, if it was still waiting, tells the server to stop. */
  #cancel(id: JsonRpc.RequestId, reason: string) {
    if (this.#forget(id) && this.#notifyCancellation) {
      this.#sendInBackground(JsonRpc.notification("notifications/cancelled", { requestId: id, reason }))
    }
  }

  #settle(id: JsonRpc.RequestId, exit: Exit.Exit<JsonRpc.JsonObject, RequestError>) {
    const entry = this.#pending.get(id)
    if (entry === undefined) return // late or unsolicited: dropped
    this.#forget(id)
    this.#complete(entry, exit)
  }

  // ---------------------------------------------------------------------------
  // Deadlines
  // ---------------------------------------------------------------------------

  /** Fails a request whose deadline passed, after telling the server to stop. */
  #expire(id: JsonRpc.RequestId, entry: Pending, afterMillis: number) {
    this.#pending.delete(id)
    // A request that must not be cancelled (initialize, the era probe) is only forgotten.
    if (entry.cancellable && this.#notifyCancellation) {
      this.#sendInBackground(
        JsonRpc.notification("notifications/cancelled", { requestId: id, reason: "Request timed out" })
      )
    }
    this.#complete(entry, Exit.fail(new RequestTimeout({ method: entry.method, timeoutMillis: afterMillis })))
  }

  /** Makes sure a watcher wakes by `at`: the one sleeping, or a new one if it sleeps longer. */
  #watchDeadline(at: number) {
    if (at >= this.#wakeAt || this.#ended !== undefined) return
    this.#watcher?.interruptUnsafe()
    this.#wakeAt = at
    this.#watcher = Effect.runForkWith(this.#context)(this.#watch(at))
  }

  /**
   * Stops the watcher once no request is pending, so that an idle session
   * holds no fiber. Checked when the event loop's turn is done: a caller that
   * sends its next request on the reply (back-to-back requests) keeps it.
   */
  #releaseWatcherWhenIdle() {
    if (this.#watcher === undefined || this.#idleCheck) return
    this.#idleCheck = true
    afterTurn(() => {
      this.#idleCheck = false
      if (this.#pending.size > 0 || this.#watcher === undefined) return
      this.#watcher.interruptUnsafe()
      this.#watcher = undefined
      this.#wakeAt = Number.POSITIVE_INFINITY
    })
  }

  /** Sleeps until `at`, then expires what is due and sleeps again until the next deadline, if any. */
  #watch(at: number): Effect.Effect<void> {
    return Effect.flatMap(Effect.sleep(Math.max(0, at - this.#clock.currentTimeMillisUnsafe())), () => {
      const now = this.#clock.currentTimeMillisUnsafe()
      let next = Number.POSITIVE_INFINITY
      for (const [id, entry] of this.#pending) {
        const deadline = deadlineOf(entry)
        if (deadline <= now) {
          this.#expire(id, entry, now >= entry.hardAt ? entry.totalMillis : entry.timeoutMillis)
        } else if (deadline < next) {
          next = deadline
        }
      }
      this.#wakeAt = next
      if (Number.isFinite(next)) return this.#watch(next)
      this.#watcher = undefined
      return Effect.void
    })
  }

  // ---------------------------------------------------------------------------
  // Incoming
  // ---------------------------------------------------------------------------

  #answer(
    id: JsonRpc.RequestId,
    method: string,
    params: JsonRpc.JsonObject | undefined,
    related: JsonRpc.RequestId | undefined
  ) {
    if (method === "ping") {
      this.#sendInBackground(JsonRpc.success(id, {}))
      return
    }
    const handle = this.#options.onRequest
    if (handle === undefined) {
      this.#sendInBackground(JsonRpc.failure(id, methodNotFound(method)))
      return
    }
    const transport = this.#transport
    // The client's request this one was sent in the course of (where the transport knows it), if it is traced.
    const relatedSpan = related === undefined ? undefined : this.#pending.get(related)?.span
    const clock = this.#clock
    const record = relatedSpan === undefined
      ? undefined
      : (errorType: string | undefined) =>
        TraceContext.serverRequestEvent(relatedSpan, clock.currentTimeNanosUnsafe(), method, { id, errorType })
    this.#runHandler(
      id,
      TraceContext.continueFrom(handle(method, params), method, id, params, this.#context, relatedSpan).pipe(
        Effect.matchCauseEffect({
          onSuccess: (result) => {
            record?.(undefined)
            return transport.send(JsonRpc.success(id, result))
          },
          onFailure: (cause) => {
            // Interrupted because the server cancelled it: no response is sent.
            if (Cause.hasInterruptsOnly(cause)) {
              record?.("cancelled")
              return Effect.void
            }
            const error = Cause.findErrorOption(cause)
            const failure = error._tag === "Some"
              ? error.value
              : { code: JsonRpc.ErrorCode.InternalError, message: "Internal error in the client's handler" }
            record?.(String(failure.code))
            return transport.send(JsonRpc.failure(id, failure))
          }
        }),
        Effect.ignore
      )
    )
  }

  #onNotification(method: string, params: JsonRpc.JsonObject | undefined) {
    if (method === "notifications/progress") {
      const token = params?.progressToken
      const entry = typeof token === "string" || typeof token === "number" ? this.#pending.get(token) : undefined
      if (entry?.onProgress !== undefined && typeof params?.progress === "number") {
        if (entry.resetOnProgress) entry.lastActivity = this.#clock.currentTimeMillisUnsafe()
        entry.onProgress(params as unknown as ProgressNotificationParams)
      }
    } else if (method === "notifications/cancelled") {
      const requestId = params?.requestId
      if (typeof requestId === "string" || typeof requestId === "number") {
        // The server closing one of our listen streams ends it gracefully (2026-07-28).
        if (this.#pending.get(requestId)?.method === "subscriptions/listen") this.#settle(requestId, Exit.succeed({}))
        else this.#handlers?.get(requestId)?.interruptUnsafe()
      }
    }
    const notification: ServerNotification = { method, params }
    this.#options.onNotification?.(notification)
    if (this.#subscribers !== undefined) {
      const onDropped = this.#options.onDropped
      for (const subscriber of this.#subscribers) {
        if (onDropped !== undefined && Queue.isFullUnsafe(subscriber)) onDropped()
        Queue.offerUnsafe(subscriber, notification)
      }
    }
  }

  /** Listener: a message from the server. */
  message(value: unknown): void {
    this.#receive(value)
  }

  #receive(value: unknown): void {
    if (Array.isArray(value)) {
      // JSON-RPC batches (2025-03-26): each member is handled on its own.
      for (const member of value) this.#receive(member)
      return
    }
    const message = JsonRpc.classify(value)
    switch (message._tag) {
      case "Success":
        return this.#settle(message.id, Exit.succeed(message.result))
      case "Failure": {
        if (message.id === null) {
          this.#runBackground(
            Effect.logWarning("MCP server reported an error about an unreadable message", message.error)
          )
          return
        }
        const entry = this.#pending.get(message.id)
        if (entry === undefined) return
        return this.#settle(message.id, Exit.fail(serverError(entry.method, message.error)))
      }
      case "Request":
        return this.#answer(message.id, message.method, message.params, relatedRequest(value))
      case "Notification":
        return this.#onNotification(message.method, message.params)
      case "Invalid": {
        const entry = message.id === null ? undefined : this.#pending.get(message.id)
        if (entry !== undefined && message.id !== null) {
          return this.#settle(
            message.id,
            Exit.fail(
              new ProtocolError({
                description: `Malformed response: ${message.reason}`,
                method: entry.method,
                path: message.path
              })
            )
          )
        }
        this.#runBackground(
          Effect.logWarning(`Ignored a malformed message from the MCP server: ${message.reason}`, {
            path: message.path
          })
        )
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Outgoing
  // ---------------------------------------------------------------------------

  request<A>(
    method: string,
    params: JsonRpc.JsonObject | undefined,
    validate: Validator<A>,
    requestOptions?: RequestOptions & { readonly cancellable?: boolean | undefined }
  ): Effect.Effect<A, RequestError> {
    return Effect.withFiber((fiber) => {
      const ended = this.#ended
      if (ended !== undefined) {
        return Effect.fail(ended._tag === "SessionClosed" ? new SessionClosed({ method }) : ended)
      }
      const id = this.#nextId++
      requestOptions?.onId?.(id)
      let onProgress = requestOptions?.onProgress
      // With an exporting tracer: the request's span gets its id, sends its trace context, and records progress.
      const span = TraceContext.activeSpan(fiber)
      const traceState = span === undefined ? undefined : TraceContext.tracestate(span)
      let sentParams = params
      if (onProgress !== undefined || this.#requestMeta !== undefined || span !== undefined) {
        const meta: Record<string, unknown> = {
          ...this.#requestMeta,
          ...(params?._meta as JsonRpc.JsonObject | undefined)
        }
        // The request's id is unique among active requests, so it serves as its progress token.
        if (onProgress !== undefined) meta.progressToken = id
        if (span !== undefined) {
          meta.traceparent = TraceContext.traceparent(span)
          if (traceState !== undefined) meta.tracestate = traceState
        }
        sentParams = { ...params, _meta: meta }
      }
      if (span !== undefined) {
        span.attribute("jsonrpc.request.id", String(id))
        const report = onProgress
        const clock = this.#clock
        if (report !== undefined) {
          onProgress = (progress) => {
            span.event("mcp.progress", clock.currentTimeNanosUnsafe(), {
              "mcp.progress.value": progress.progress,
              ...(progress.total === undefined ? {} : { "mcp.progress.total": progress.total }),
              ...(progress.message === undefined ? {} : { "mcp.progress.message": progress.message })
            })
            report(progress)
          }
        }
      }
      const timeoutMillis = requestOptions?.timeout === undefined
        ? this.#timeoutMillis
        : Duration.toMillis(Duration.fromInputUnsafe(requestOptions.timeout))
      const totalMillis = requestOptions?.maxTotalTimeout === undefined
        ? Number.POSITIVE_INFINITY
        : Duration.toMillis(Duration.fromInputUnsafe(requestOptions.maxTotalTimeout))
      const now = Number.isFinite(timeoutMillis) || Number.isFinite(totalMillis)
        ? this.#clock.currentTimeMillisUnsafe()
        : 0
      const entry: Pending = {
        id,
        method,
        cancellable: requestOptions?.cancellable !== false,
        validate,
        resume: undefined,
        early: undefined,
        onProgress,
        span,
        timeoutMillis,
        resetOnProgress: requestOptions?.resetTimeoutOnProgress === true && onProgress !== undefined,
        lastActivity: now,
        hardAt: now + totalMillis,
        totalMillis
      }
      const message = JsonRpc.request(id, method, sentParams)
      const transport = this.#transport
      // A transport that queues synchronously: the request is sent, awaited and validated in one step.
      if (transport.exchange === undefined && transport.offer !== undefined) {
        return this.#awaitResult<A>(entry, message, true)
      }
      this.#register(entry)
      const exchange = transport.exchange === undefined
        ? Effect.andThen(transport.send(message), this.#awaitResult<A>(entry, message, false))
        // The request's own channel lives as long as the request: a broken exchange
        // fails it, and ending the request (by any path) abandons the exchange.
        : Effect.andThen(
          Effect.forkChild(
            // The exchange's own spans (the HTTP client's) are children of the request's.
            (span === undefined || Context.getOrUndefined(fiber.context, Tracer.ParentSpan) === span
              ? transport.exchange(message, this.#exchangeContext(method, sentParams, traceState))
              : Effect.provideService(
                transport.exchange(message, this.#exchangeContext(method, sentParams, traceState)),
                Tracer.ParentSpan,
                span
              )).pipe(
                Effect.catch((error) => Effect.sync(() => this.#settle(id, Exit.fail(error))))
              ),
            { startImmediately: true }
          ),
          this.#awaitResult<A>(entry, message, false)
        )
      // Still pending after a failed send, or an interruption before the wait began.
      return Effect.onExit(exchange, (exit) => Effect.sync(() => this.#abandon(entry, Exit.hasInterrupts(exit))))
    })
  }

  /** The era's headers of an exchange, and the `tracestate` that goes with the HTTP client's `traceparent`. */
  #exchangeContext(
    method: string,
    params: JsonRpc.JsonObject | undefined,
    traceState: string | undefined
  ): ExchangeContext | undefined {
    const headers = this.#exchangeHeaders?.(method, params)
    if (traceState === undefined) return headers === undefined ? undefined : { headers }
    return { headers: { ...headers, tracestate: traceState } }
  }

  /** Enters a request in the pending table, and its deadline in the watcher's. */
  #register(entry: Pending) {
    this.#pending.set(entry.id, entry)
    const deadline = deadlineOf(entry)
    if (Number.isFinite(deadline)) this.#watchDeadline(deadline)
  }

  /**
   * Waits for a request's outcome; `viaOffer` (the transport has `offer`), registers and sends the request first,
   * in the same step, so that nothing is left pending if the caller never gets this far.
   */
  #awaitResult<A>(
    entry: Pending,
    message: JsonRpc.Request,
    viaOffer: boolean
  ): Effect.Effect<A, RequestError> {
    return Effect.callback<A, RequestError>((resume) => {
      if (viaOffer) {
        this.#register(entry)
        const error = this.#transport.offer!(message)
        if (error !== undefined) {
          this.#forget(entry.id)
          return resume(Exit.fail(error))
        }
      }
      if (entry.early !== undefined) resume(outcome(entry, entry.early) as Exit.Exit<A, RequestError>)
      else entry.resume = resume as (outcome: Exit.Exit<unknown, RequestError>) => void
      return Effect.sync(() => this.#abandon(entry, true))
    })
  }

  notify(method: string, params?: JsonRpc.JsonObject): Effect.Effect<void, Ending> {
    return Effect.suspend(() => {
      const ended = this.#ended
      return ended !== undefined
        ? Effect.fail(ended._tag === "SessionClosed" ? new SessionClosed({ method }) : ended)
        : this.#transport.send(JsonRpc.notification(method, params))
    })
  }

  get subscribe(): Effect.Effect<Queue.Dequeue<ServerNotification>, never, Scope.Scope> {
    return Effect.acquireRelease(
      Effect.map(
        Queue.sliding<ServerNotification>(this.#options.notificationBuffer ?? defaultNotificationBuffer),
        (queue) => {
          ;(this.#subscribers ??= new Set()).add(queue)
          return queue as Queue.Dequeue<ServerNotification>
        }
      ),
      (queue) => Effect.sync(() => this.#subscribers?.delete(queue as Queue.Queue<ServerNotification>))
    )
  }

  /** Made when first asked for: most sessions never watch notifications. */
  get notifications(): Stream.Stream<ServerNotification> {
    return this.#notifications ??= Stream.unwrap(Effect.map(this.subscribe, Stream.fromQueue))
  }

  configure(settings: EraSettings): void {
    this.#requestMeta = settings.requestMeta
    this.#notifyCancellation = settings.notifyCancellation ?? true
    this.#exchangeHeaders = settings.headers
  }

  get pendingCount(): Effect.Effect<number> {
    return Effect.sync(() => this.#pending.size)
  }

  get close(): Effect.Effect<void> {
    return Effect.sync(() => this.#endWith(new SessionClosed({})))
  }
}
