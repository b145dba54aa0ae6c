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
import * as FiberMap from "effect/FiberMap"
import * as FiberSet from "effect/FiberSet"
import * as Queue from "effect/Queue"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
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
import type { ConnectionError, ExchangeContext, TransportShape } from "../transport/Transport.ts"

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
}

/**
 * A running engine.
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
  /** The idle deadline: `timeoutMillis` after `lastActivity` (the send, or with reset, the latest progress). */
  readonly timeoutMillis: number
  readonly resetOnProgress: boolean
  lastActivity: number
  /** The hard deadline (`maxTotalTimeout`), and its length. */
  readonly hardAt: number
  readonly totalMillis: number
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
 * @category constructors
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(options: EngineOptions) {
  const transport = options.transport
  const transportExchange = transport.exchange
  const transportOffer = transport.offer
  const sessionTimeoutMillis = Duration.toMillis(
    options.timeout === undefined ? defaultTimeout : Duration.fromInputUnsafe(options.timeout)
  )
  // Requests waiting for a response, by id. A request that invites progress uses its id
  // as its progress token, so this is also where progress is routed.
  const pending = new Map<JsonRpc.RequestId, Pending>()
  let nextId = 1
  let requestMeta: JsonRpc.JsonObject | undefined
  let notifyCancellation = true
  let exchangeHeaders: EraSettings["headers"]
  // Why the session ended, once it has: later calls fail with the same error.
  let ended: Ending | undefined

  const scope = yield* Effect.scope
  const clock = yield* Clock.Clock
  // Background sends and server-request handlers run in fibers of the session's scope. Their
  // sets are made when first needed: most sessions never answer a server request.
  const scoped = Effect.runSyncWith(Context.add(yield* Effect.context<never>(), Scope.Scope, scope))
  let background: ((effect: Effect.Effect<unknown, unknown>) => unknown) | undefined
  const runBackground = (effect: Effect.Effect<unknown, unknown>) => {
    background ??= scoped(Effect.flatMap(FiberSet.make<unknown, unknown>(), (set) => FiberSet.runtime(set)()))
    background(effect)
  }
  let handlers: FiberMap.FiberMap<JsonRpc.RequestId, unknown, unknown> | undefined
  let handlerRunner: ((id: JsonRpc.RequestId, effect: Effect.Effect<unknown, unknown>) => unknown) | undefined
  const runHandler = (id: JsonRpc.RequestId, effect: Effect.Effect<unknown, unknown>) => {
    if (handlerRunner === undefined) {
      const map = scoped(FiberMap.make<JsonRpc.RequestId, unknown, unknown>())
      handlers = map
      handlerRunner = scoped(FiberMap.runtime(map)())
    }
    handlerRunner(id, effect)
  }
  // One sliding queue per subscriber: a subscriber that falls behind loses its own
  // oldest notifications, and neither the session nor other subscribers wait for it.
  const notificationBuffer = options.notificationBuffer ?? defaultNotificationBuffer
  const subscribers = new Set<Queue.Queue<ServerNotification>>()
  const subscribe = Effect.acquireRelease(
    Effect.map(Queue.sliding<ServerNotification>(notificationBuffer), (queue) => {
      subscribers.add(queue)
      return queue as Queue.Dequeue<ServerNotification>
    }),
    (queue) => Effect.sync(() => subscribers.delete(queue as Queue.Queue<ServerNotification>))
  )

  /** Hands a request its outcome, whether it is already waiting or not yet. */
  const complete = (entry: Pending, exit: Exit.Exit<JsonRpc.JsonObject, RequestError>) => {
    if (entry.resume !== undefined) entry.resume(outcome(entry, exit))
    else entry.early = exit
  }

  /** Forgets a request if it still waits; one the caller interrupted is cancelled on the server. */
  const abandon = (entry: Pending, interrupted: boolean) => {
    if (pending.get(entry.id) !== entry) return
    if (interrupted && entry.cancellable) cancel(entry.id, "Request cancelled by the client")
    else pending.delete(entry.id)
  }

  const endWith = (error: Ending) => {
    if (ended !== undefined) return
    ended = error
    const failure = Exit.fail(error)
    for (const entry of pending.values()) {
      complete(entry, error._tag === "SessionClosed" ? Exit.fail(new SessionClosed({ method: entry.method })) : failure)
    }
    pending.clear()
  }

  const sendInBackground = (message: JsonRpc.Message) => {
    if (ended === undefined) runBackground(Effect.ignore(transport.send(message)))
  }

  /** Forgets a request and, if it was still waiting, tells the server to stop. */
  const cancel = (id: JsonRpc.RequestId, reason: string) => {
    if (pending.delete(id) && notifyCancellation) {
      sendInBackground(JsonRpc.notification("notifications/cancelled", { requestId: id, reason }))
    }
  }

  // ---------------------------------------------------------------------------
  // Incoming
  // ---------------------------------------------------------------------------

  const settle = (id: JsonRpc.RequestId, exit: Exit.Exit<JsonRpc.JsonObject, RequestError>) => {
    const entry = pending.get(id)
    if (entry === undefined) return // late or unsolicited: dropped
    pending.delete(id)
    complete(entry, exit)
  }

  // ---------------------------------------------------------------------------
  // Deadlines: one fiber sleeps until the earliest one, instead of a timer per request
  // ---------------------------------------------------------------------------

  /** Fails a request whose deadline passed, after telling the server to stop. */
  const expire = (id: JsonRpc.RequestId, entry: Pending, afterMillis: number) => {
    pending.delete(id)
    // A request that must not be cancelled (initialize, the era probe) is only forgotten.
    if (entry.cancellable && notifyCancellation) {
      sendInBackground(JsonRpc.notification("notifications/cancelled", { requestId: id, reason: "Request timed out" }))
    }
    complete(entry, Exit.fail(new RequestTimeout({ method: entry.method, timeoutMillis: afterMillis })))
  }

  let wakeAt = Number.POSITIVE_INFINITY
  // A wake-up signal that is kept until the watcher waits for it (as a one-slot sliding queue would).
  let woken = false
  let wakeWatcher: (() => void) | undefined
  const awaitWake = Effect.callback<void>((resume) => {
    if (woken) {
      woken = false
      return resume(Effect.void)
    }
    wakeWatcher = () => resume(Effect.void)
    return Effect.sync(() => {
      wakeWatcher = undefined
    })
  })
  /** Makes sure the watcher wakes by `at`. */
  const watchDeadline = (at: number) => {
    if (at < wakeAt) {
      wakeAt = at
      const wake = wakeWatcher
      wakeWatcher = undefined
      if (wake === undefined) woken = true
      else wake()
    }
  }
  yield* Effect.suspend(() => {
    const now = clock.currentTimeMillisUnsafe()
    let next = Number.POSITIVE_INFINITY
    for (const [id, entry] of pending) {
      const deadline = deadlineOf(entry)
      if (deadline <= now) {
        expire(id, entry, now >= entry.hardAt ? entry.totalMillis : entry.timeoutMillis)
      } else if (deadline < next) {
        next = deadline
      }
    }
    wakeAt = next
    return Number.isFinite(next) ? Effect.raceFirst(Effect.sleep(next - now), awaitWake) : awaitWake
  }).pipe(Effect.forever, Effect.forkIn(scope))

  const answer = (id: JsonRpc.RequestId, method: string, params: JsonRpc.JsonObject | undefined) => {
    if (method === "ping") {
      sendInBackground(JsonRpc.success(id, {}))
      return
    }
    const handle = options.onRequest
    if (handle === undefined) {
      sendInBackground(JsonRpc.failure(id, methodNotFound(method)))
      return
    }
    runHandler(
      id,
      handle(method, params).pipe(
        Effect.matchCauseEffect({
          onSuccess: (result) => transport.send(JsonRpc.success(id, result)),
          onFailure: (cause) => {
            // Interrupted because the server cancelled it: no response is sent.
            if (Cause.hasInterruptsOnly(cause)) return Effect.void
            const error = Cause.findErrorOption(cause)
            return transport.send(JsonRpc.failure(
              id,
              error._tag === "Some"
                ? error.value
                : { code: JsonRpc.ErrorCode.InternalError, message: "Internal error in the client's handler" }
            ))
          }
        }),
        Effect.ignore
      )
    )
  }

  const onNotification = (method: string, params: JsonRpc.JsonObject | undefined) => {
    if (method === "notifications/progress") {
      const token = params?.progressToken
      const entry = typeof token === "string" || typeof token === "number" ? pending.get(token) : undefined
      if (entry?.onProgress !== undefined && typeof params?.progress === "number") {
        if (entry.resetOnProgress) entry.lastActivity = clock.currentTimeMillisUnsafe()
        entry.onProgress(params as unknown as ProgressNotificationParams)
      }
    } else if (method === "notifications/cancelled") {
      const requestId = params?.requestId
      if (typeof requestId === "string" || typeof requestId === "number") {
        // The server closing one of our listen streams ends it gracefully (2026-07-28).
        if (pending.get(requestId)?.method === "subscriptions/listen") settle(requestId, Exit.succeed({}))
        else if (handlers !== undefined) runBackground(FiberMap.remove(handlers, requestId))
      }
    }
    const notification: ServerNotification = { method, params }
    options.onNotification?.(notification)
    for (const subscriber of subscribers) Queue.offerUnsafe(subscriber, notification)
  }

  const receive = (value: unknown): void => {
    if (Array.isArray(value)) {
      // JSON-RPC batches (2025-03-26): each member is handled on its own.
      for (const member of value) receive(member)
      return
    }
    const message = JsonRpc.classify(value)
    switch (message._tag) {
      case "Success":
        return settle(message.id, Exit.succeed(message.result))
      case "Failure": {
        if (message.id === null) {
          runBackground(Effect.logWarning("MCP server reported an error about an unreadable message", message.error))
          return
        }
        const entry = pending.get(message.id)
        if (entry === undefined) return
        return settle(message.id, Exit.fail(serverError(entry.method, message.error)))
      }
      case "Request":
        return answer(message.id, message.method, message.params)
      case "Notification":
        return onNotification(message.method, message.params)
      case "Invalid": {
        const entry = message.id === null ? undefined : pending.get(message.id)
        if (entry !== undefined && message.id !== null) {
          return settle(
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
        runBackground(
          Effect.logWarning(`Ignored a malformed message from the MCP server: ${message.reason}`, {
            path: message.path
          })
        )
      }
    }
  }

  yield* transport.incoming.pipe(
    Stream.runForEachArray((values) => {
      for (const value of values) receive(value)
      return Effect.void
    }),
    Effect.matchCause({
      onSuccess: () => endWith(new TransportError({ description: "The MCP server closed the connection" })),
      onFailure: (cause) => {
        const error = Cause.findErrorOption(cause)
        endWith(
          error._tag === "Some"
            ? error.value
            : new TransportError({ description: "The connection reader stopped", cause: Cause.squash(cause) })
        )
      }
    }),
    Effect.forkIn(scope)
  )

  const close = Effect.sync(() => endWith(new SessionClosed({})))
  yield* Effect.addFinalizer(() => close)

  // ---------------------------------------------------------------------------
  // Outgoing
  // ---------------------------------------------------------------------------

  const request = <A>(
    method: string,
    params: JsonRpc.JsonObject | undefined,
    validate: Validator<A>,
    requestOptions?: RequestOptions & { readonly cancellable?: boolean | undefined }
  ): Effect.Effect<A, RequestError> =>
    Effect.suspend(() => {
      if (ended !== undefined) {
        return Effect.fail(ended._tag === "SessionClosed" ? new SessionClosed({ method }) : ended)
      }
      const id = nextId++
      requestOptions?.onId?.(id)
      const onProgress = requestOptions?.onProgress
      let sentParams = params
      if (onProgress !== undefined || requestMeta !== undefined) {
        const meta: Record<string, unknown> = { ...requestMeta, ...(params?._meta as JsonRpc.JsonObject | undefined) }
        // The request's id is unique among active requests, so it serves as its progress token.
        if (onProgress !== undefined) meta.progressToken = id
        sentParams = { ...params, _meta: meta }
      }
      const timeoutMillis = requestOptions?.timeout === undefined
        ? sessionTimeoutMillis
        : Duration.toMillis(Duration.fromInputUnsafe(requestOptions.timeout))
      const totalMillis = requestOptions?.maxTotalTimeout === undefined
        ? Number.POSITIVE_INFINITY
        : Duration.toMillis(Duration.fromInputUnsafe(requestOptions.maxTotalTimeout))
      const now = Number.isFinite(timeoutMillis) || Number.isFinite(totalMillis) ? clock.currentTimeMillisUnsafe() : 0
      const entry: Pending = {
        id,
        method,
        cancellable: requestOptions?.cancellable !== false,
        validate,
        resume: undefined,
        early: undefined,
        onProgress,
        timeoutMillis,
        resetOnProgress: requestOptions?.resetTimeoutOnProgress === true && onProgress !== undefined,
        lastActivity: now,
        hardAt: now + totalMillis,
        totalMillis
      }
      /** Enters the request in the pending table, and its deadline in the watcher's. */
      const register = () => {
        pending.set(id, entry)
        const deadline = deadlineOf(entry)
        if (Number.isFinite(deadline)) watchDeadline(deadline)
      }

      const message = JsonRpc.request(id, method, sentParams)
      /**
       * Waits for the outcome; with `offer`, registers and sends the request first, in
       * the same step, so that nothing is left pending if the caller never gets this far.
       */
      const awaitResult = (offer: TransportShape["offer"]) =>
        Effect.callback<A, RequestError>((resume) => {
          if (offer !== undefined) {
            register()
            const error = offer(message)
            if (error !== undefined) {
              pending.delete(id)
              return resume(Exit.fail(error))
            }
          }
          if (entry.early !== undefined) resume(outcome(entry, entry.early) as Exit.Exit<A, RequestError>)
          else entry.resume = resume as (outcome: Exit.Exit<unknown, RequestError>) => void
          return Effect.sync(() => abandon(entry, true))
        })
      // A transport that queues synchronously: the request is sent, awaited and validated in one step.
      if (transportExchange === undefined && transportOffer !== undefined) return awaitResult(transportOffer)
      register()
      const exchange = transportExchange === undefined
        ? Effect.andThen(transport.send(message), awaitResult(undefined))
        // The request's own channel lives as long as the request: a broken exchange
        // fails it, and ending the request (by any path) abandons the exchange.
        : Effect.andThen(
          Effect.forkChild(
            transportExchange(
              message,
              exchangeHeaders === undefined ? undefined : { headers: exchangeHeaders(method, sentParams) }
            ).pipe(Effect.catch((error) => Effect.sync(() => settle(id, Exit.fail(error))))),
            { startImmediately: true }
          ),
          awaitResult(undefined)
        )
      // Still pending after a failed send, or an interruption before the wait began.
      return Effect.onExit(exchange, (exit) => Effect.sync(() => abandon(entry, Exit.hasInterrupts(exit))))
    })

  const notify = (method: string, params?: JsonRpc.JsonObject) =>
    Effect.suspend(() =>
      ended !== undefined
        ? Effect.fail(ended._tag === "SessionClosed" ? new SessionClosed({ method }) : ended)
        : transport.send(JsonRpc.notification(method, params))
    )

  let notifications: Stream.Stream<ServerNotification> | undefined
  return {
    request,
    notify,
    // Made when first asked for: most sessions never watch notifications.
    get notifications() {
      return notifications ??= Stream.unwrap(Effect.map(subscribe, Stream.fromQueue))
    },
    subscribe,
    configure: (settings) => {
      requestMeta = settings.requestMeta
      notifyCancellation = settings.notifyCancellation ?? true
      exchangeHeaders = settings.headers
    },
    pendingCount: Effect.sync(() => pending.size),
    close
  } satisfies Engine as Engine
})
