/**
 * One server's session, kept alive: opened (at once, or on first use when
 * lazy), watched, and opened again when it ends.
 *
 * A session ends when its connection does (the process exits, the stream
 * breaks) or when it misses its keepalive `misses` times in a row. It is then
 * `restarting` at once, so that no call goes to the dead session, and opened
 * again; failed starts are retried on a `Schedule` (exponential from the
 * policy's initial delay, capped, with jitter, a bounded number of times in a
 * row), after which the server is `failed`. A start that can never work (the
 * command does not exist, a variable is undefined) fails at once.
 *
 * Each session lives in a scope of its own; the supervisor's fiber lives in
 * the host's, and closing that scope closes the session, leaving no process
 * behind. A supervisor holds no process-global state: it is one server's
 * unit, keyed by its name.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Metrics from "../client/Metrics.ts"
import * as McpClient from "../McpClient.ts"
import * as SystemError from "../transport/SystemError.ts"
import type { ConnectionError, TransportShape } from "../transport/Transport.ts"
import { Transport } from "../transport/Transport.ts"
import type { KeepalivePolicy, RestartPolicy } from "./HostConfig.ts"
import { KeepaliveMissed, ServerUnavailable } from "./HostError.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * Where a server's session stands.
 *
 * - `idle`: lazy, not asked for yet.
 * - `starting`: opening (`attempt` counts failed starts in a row, from 0).
 * - `ready`: open; `session` is the live session.
 * - `restarting`: the session ended or a start failed; `attempt` is the start
 *   about to be tried, `lastError` why.
 * - `failed`: given up; `lastError` says why.
 * - `stopped`: the host closed.
 *
 * @category models
 * @since 0.1.0
 */
export type ServerState =
  | { readonly status: "idle" }
  | { readonly status: "starting"; readonly attempt: number }
  | { readonly status: "ready"; readonly session: McpClient.McpClientShape; readonly generation: number }
  | { readonly status: "restarting"; readonly attempt: number; readonly lastError: string }
  | { readonly status: "failed"; readonly lastError: string; readonly cause: unknown }
  | { readonly status: "stopped" }

/**
 * How many times the server was restarted, how many starts failed, and its
 * keepalives answered and missed.
 *
 * @category models
 * @since 0.1.0
 */
export interface Counters {
  readonly restarts: number
  readonly failedStarts: number
  /** Keepalives answered. */
  readonly keepalives: number
  readonly keepaliveMisses: number
}

/**
 * What a supervisor needs: how to connect, how the session identifies itself,
 * and the policies.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly name: string
  /** Connects a transport in the given scope (the session's). */
  readonly connect: Effect.Effect<TransportShape, unknown, Scope.Scope>
  readonly client: McpClient.Options
  readonly restart: RestartPolicy | false
  readonly keepalive?: KeepalivePolicy | undefined
  readonly lazy?: boolean | undefined
  /** The handlers that answer this server's requests (a layer of any of `Sampling`, `Elicitation`, `Roots`). */
  readonly handlers?: Layer.Layer<never> | undefined
  /** Whether a failed start may succeed later; by default every failure but a missing command may. */
  readonly isRetryable?: ((error: unknown) => boolean) | undefined
}

/**
 * One supervised server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Supervisor {
  readonly name: string
  readonly state: SubscriptionRef.SubscriptionRef<ServerState>
  /** The states from now on, starting with the current one. */
  readonly changes: Stream.Stream<ServerState>
  /**
   * The ready session: at once when there is one, after waiting up to
   * `timeout` when it is starting or restarting (a lazy server starts now),
   * else `ServerUnavailable`.
   */
  readonly ready: (timeout: Duration.Input) => Effect.Effect<McpClient.McpClientShape, ServerUnavailable>
  readonly counters: Effect.Effect<Counters>
  /** The session that was ready last, if any: ready now, or before the current restart. */
  readonly latest: () => McpClient.McpClientShape | undefined
  /**
   * Ends `session`, if it is still the current one, so that it is restarted
   * (for failures the connection does not report, such as a session the
   * server forgot).
   */
  readonly restart: (session: McpClient.McpClientShape, reason: unknown) => Effect.Effect<void>
}

// =============================================================================
// Metrics
// =============================================================================

/**
 * `mcp.client.host.restarts`: sessions of a server that ended and were opened
 * again (a process restarted over stdio, a connection made again over HTTP),
 * with `mcp.server.name` and `cause`: `exit` (the process ended), `closed`
 * (the server closed the connection), `connection` (it broke, or the endpoint
 * went away), `keepalive` (missed keepalives), `session` (the server forgot
 * the session), or the failure's tag. Counted under `Metrics.layer`, like the
 * session metrics.
 *
 * @example
 * ```ts
 * import { Metric } from "effect"
 * import { Supervisor } from "effect-mcp-client"
 *
 * const exits = Metric.value(
 *   Metric.withAttributes(Supervisor.restarts, { "mcp.server.name": "github", cause: "exit" })
 * )
 * ```
 *
 * @category metrics
 * @since 0.1.0
 */
export const restarts = Metric.counter("mcp.client.host.restarts", {
  description: "MCP server sessions that ended and were opened again by the host",
  incremental: true
})

/**
 * `mcp.client.host.start_failures`: attempts to open a server's session that
 * failed, with `mcp.server.name` and `cause` (the failure's tag, or `_OTHER`).
 *
 * @example
 * ```ts
 * import { Metric } from "effect"
 * import { Supervisor } from "effect-mcp-client"
 *
 * const failures = Metric.value(Supervisor.startFailures)
 * ```
 *
 * @category metrics
 * @since 0.1.0
 */
export const startFailures = Metric.counter("mcp.client.host.start_failures", {
  description: "Attempts by the host to open an MCP server's session that failed",
  incremental: true
})

/**
 * `mcp.client.host.keepalive.misses`: keepalives a server did not answer in
 * time, with `mcp.server.name`.
 *
 * @example
 * ```ts
 * import { Metric } from "effect"
 * import { Supervisor } from "effect-mcp-client"
 *
 * const misses = Metric.value(Metric.withAttributes(Supervisor.keepaliveMisses, { "mcp.server.name": "github" }))
 * ```
 *
 * @category metrics
 * @since 0.1.0
 */
export const keepaliveMisses = Metric.counter("mcp.client.host.keepalive.misses", {
  description: "Keepalives an MCP server did not answer in time",
  incremental: true
})

/**
 * Why a session ended, as the `cause` attribute of `restarts`.
 *
 * @example
 * ```ts
 * import { Supervisor } from "effect-mcp-client"
 *
 * Supervisor.endCause("the server closed the connection") // "closed"
 * ```
 *
 * @category metrics
 * @since 0.1.0
 */
export const endCause = (reason: unknown): string => {
  if (typeof reason === "string") return reason === "the server closed the connection" ? "closed" : "_OTHER"
  const failure = reason as {
    readonly _tag?: unknown
    readonly exitCode?: unknown
    readonly signal?: unknown
    readonly description?: unknown
  } | null
  switch (failure?._tag) {
    case "KeepaliveMissed":
      return "keepalive"
    case "SessionExpired":
      return "session"
    case "TransportError":
      if (failure.exitCode !== undefined || failure.signal !== undefined) return "exit"
      return failure.description === "The MCP server closed the connection" ? "closed" : "connection"
    default:
      return typeof failure?._tag === "string" ? failure._tag : "_OTHER"
  }
}

/** Counts with `metric` when metrics are on where the supervisor was made. */
const counter = (context: Context.Context<never>, server: string) => {
  if (!Context.get(context, Metrics.Enabled)) return (_metric: Metric.Counter<number>, _cause?: string) => {}
  return (metric: Metric.Counter<number>, cause?: string) =>
    Metric.withAttributes(
      metric,
      cause === undefined ? { "mcp.server.name": server } : { "mcp.server.name": server, cause }
    ).updateUnsafe(1, context)
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Starts supervising a server in the current scope.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { StdioTransport, Supervisor } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const git = yield* Supervisor.make({
 *     name: "git",
 *     connect: StdioTransport.makeNode({ command: "uvx", args: ["mcp-server-git"] }),
 *     client: { name: "app", version: "1.0.0" },
 *     restart: {}
 *   })
 *   const session = yield* git.ready("10 seconds")
 *   return yield* session.listTools()
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (settings: Settings): Effect.Effect<Supervisor, never, Scope.Scope> =>
  Effect.gen(function*() {
    const lazy = settings.lazy === true
    const state = yield* SubscriptionRef.make<ServerState>(
      lazy ? { status: "idle" } : { status: "starting", attempt: 0 }
    )
    const wanted = yield* Deferred.make<void>()
    if (!lazy) yield* Deferred.succeed(wanted, undefined)
    const counters = { restarts: 0, failedStarts: 0, keepalives: 0, keepaliveMisses: 0 }
    const isRetryable = settings.isRetryable ?? defaultIsRetryable
    let generation = 0
    let failures = 0
    let latest: McpClient.McpClientShape | undefined
    let endCurrent: ((reason: unknown) => void) | undefined
    let readySince = 0
    let shortLives = 0
    const count = counter(yield* Effect.context<never>(), settings.name)

    // One session's life: open, then wait for its end. Fails with why it could not open.
    const life = Effect.scoped(Effect.gen(function*() {
      const ended = yield* Deferred.make<unknown>()
      const transport = yield* settings.connect
      const opening = McpClient.make(settings.client).pipe(
        Effect.provideService(Transport, watch(transport, (error) => Deferred.doneUnsafe(ended, Exit.succeed(error))))
      )
      const session = yield* (settings.handlers === undefined ? opening : Effect.provide(opening, settings.handlers))
      failures = 0
      generation++
      latest = session
      endCurrent = (reason) => Deferred.doneUnsafe(ended, Exit.succeed(reason))
      readySince = yield* Clock.currentTimeMillis
      yield* SubscriptionRef.set(state, { status: "ready", session, generation })
      if (settings.keepalive !== undefined) {
        yield* keepalive(settings.name, session, settings.keepalive, counters, ended, () => count(keepaliveMisses))
          .pipe(
            Effect.forkScoped
          )
      }
      const reason = yield* Deferred.await(ended)
      counters.restarts++
      count(restarts, endCause(reason))
      const lastError = describe(reason)
      yield* Effect.logWarning(`MCP server '${settings.name}' ended; restarting`).pipe(
        Effect.annotateLogs({ server: settings.name, reason: lastError })
      )
      // Before the scope closes (which may take the process's shutdown time): no call goes to it now.
      yield* SubscriptionRef.set(state, { status: "restarting", attempt: 0, lastError })
    }))

    const attempt = life.pipe(
      Effect.tapError((error) =>
        Effect.gen(function*() {
          failures++
          counters.failedStarts++
          count(
            startFailures,
            typeof (error as { _tag?: unknown })?._tag === "string" ? (error as { _tag: string })._tag : "_OTHER"
          )
          const lastError = describe(error)
          yield* Effect.logWarning(`MCP server '${settings.name}' could not start`).pipe(
            Effect.annotateLogs({ server: settings.name, attempt: failures, reason: lastError })
          )
          if (settings.restart !== false && isRetryable(error)) {
            yield* SubscriptionRef.set(state, { status: "restarting", attempt: failures, lastError })
          }
        })
      )
    )

    const run = Effect.gen(function*() {
      yield* Deferred.await(wanted)
      while (true) {
        const current = yield* SubscriptionRef.get(state)
        if (current.status !== "restarting") yield* SubscriptionRef.set(state, { status: "starting", attempt: 0 })
        const exit = yield* Effect.exit(
          settings.restart === false
            ? attempt
            : Effect.retry(attempt, { schedule: restartSchedule(settings.restart), while: isRetryable })
        )
        if (Exit.isFailure(exit)) {
          const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
          yield* SubscriptionRef.set(state, {
            status: "failed",
            lastError: describe(error ?? exit.cause),
            cause: error
          })
          return
        }
        if (settings.restart === false) {
          yield* SubscriptionRef.set(state, { status: "failed", lastError: "the session ended", cause: undefined })
          return
        }
        // A server that keeps dying soon after it starts is restarted with the same backoff as failed starts.
        const lived = (yield* Clock.currentTimeMillis) - readySince
        shortLives = lived < healthyAfterMillis ? shortLives + 1 : 0
        if (shortLives > 1) yield* Effect.sleep(backoff(settings.restart, shortLives - 1))
      }
    }).pipe(Effect.onInterrupt(() => SubscriptionRef.set(state, { status: "stopped" })))
    yield* Effect.forkScoped(run)

    const changes = SubscriptionRef.changes(state)
    const unavailable = (current: ServerState) =>
      new ServerUnavailable({
        server: settings.name,
        state: current.status,
        ...("lastError" in current ? { lastError: current.lastError } : {})
      })

    return {
      name: settings.name,
      state,
      changes,
      counters: Effect.sync(() => ({ ...counters })),
      latest: () => latest,
      restart: (session, reason) =>
        Effect.sync(() => {
          if (session === latest) endCurrent?.(reason)
        }),
      ready: (timeout) =>
        Effect.suspend(() => {
          const current = SubscriptionRef.getUnsafe(state)
          if (current.status === "ready") return Effect.succeed(current.session)
          if (current.status === "failed" || current.status === "stopped") return Effect.fail(unavailable(current))
          return Effect.andThen(
            Deferred.succeed(wanted, undefined),
            changes.pipe(
              Stream.filter((next) => next.status === "ready" || next.status === "failed" || next.status === "stopped"),
              Stream.runHead,
              Effect.timeoutOption(timeout),
              Effect.flatMap((found) => {
                const next = Option.flatten(found)
                if (Option.isSome(next) && next.value.status === "ready") return Effect.succeed(next.value.session)
                return Effect.fail(unavailable(Option.isSome(next) ? next.value : SubscriptionRef.getUnsafe(state)))
              })
            )
          )
        })
    }
  })

/**
 * The transport, with its end reported to `onEnd` (once the engine reads it:
 * `incoming` ending, or the listener's `end`), and with a send or exchange
 * that finds the server's endpoint gone (HTTP: the connection refused or
 * reset, the host unreachable) reported as its end too: a server reached over
 * HTTP has no process whose exit would say so.
 *
 * @category utils
 * @since 0.1.0
 */
export const watch = (transport: TransportShape, onEnd: (error: unknown) => void): TransportShape => ({
  send: (message) => endpointWatched(transport.send(message), onEnd),
  ...(transport.endpoint === undefined ? {} : { endpoint: transport.endpoint }),
  ...(transport.offer === undefined ? {} : { offer: (message) => transport.offer!(message) }),
  ...(transport.exchange === undefined
    ? {}
    : { exchange: (request, context) => endpointWatched(transport.exchange!(request, context), onEnd) }),
  ...(transport.listen === undefined ? {} : {
    listen: (listener) =>
      transport.listen!({
        message: (value) => listener.message(value),
        end: (error: ConnectionError) => {
          onEnd(error)
          listener.end(error)
        }
      })
  }),
  // Read only when the engine reads it: some transports take their first reader as the session's.
  get incoming() {
    return transport.incoming.pipe(
      Stream.onExit((exit) =>
        Effect.sync(() => {
          if (Exit.isSuccess(exit)) onEnd("the server closed the connection")
          else if (!Cause.hasInterruptsOnly(exit.cause)) onEnd(Cause.squash(exit.cause))
        })
      )
    )
  }
})

// =============================================================================
// Internal
// =============================================================================

/** Connection failures that say the server's endpoint is gone, rather than one request's trouble. */
const endpointGone = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_SOCKET"])

const endpointWatched = <A, E>(effect: Effect.Effect<A, E>, onEnd: (error: unknown) => void): Effect.Effect<A, E> =>
  Effect.tapError(effect, (error) =>
    Effect.sync(() => {
      const failure = error as { readonly _tag?: unknown; readonly cause?: unknown } | null
      if (failure?._tag !== "TransportError") return
      const code = SystemError.codeOf(failure.cause)
      // Once the request that found out has its error: ending the session first would fail it as closed.
      if (code !== undefined && endpointGone.has(code)) queueMicrotask(() => onEnd(error))
    }))

const defaults = { maxAttempts: 10, initialDelay: 200, maxDelay: 30_000 }

/** A session that lived this long was healthy: its end restarts it at once. */
const healthyAfterMillis = 10_000

/** The delay before the `n`th restart in a row (from 1): exponential from `initialDelay`, capped. */
const backoff = (policy: RestartPolicy, n: number): Duration.Duration =>
  Duration.millis(Math.min(
    (policy.initialDelay ?? defaults.initialDelay) * 2 ** Math.min(n - 1, 30),
    policy.maxDelay ?? defaults.maxDelay
  ))

const restartSchedule = (policy: RestartPolicy) => {
  const maxDelay = Duration.millis(policy.maxDelay ?? defaults.maxDelay)
  const backoff = Schedule.exponential(Duration.millis(policy.initialDelay ?? defaults.initialDelay)).pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, maxDelay))),
    Schedule.jittered
  )
  return Schedule.max([backoff, Schedule.recurs(policy.maxAttempts ?? defaults.maxAttempts)])
}

/** A command that does not exist, or a configuration that cannot be completed, will not work later either. */
const defaultIsRetryable = (error: unknown): boolean => {
  if (Schema.is(ExpansionLike)(error)) return false
  const text = describe(error)
  return !/ENOENT|EACCES|Could not start the MCP server/.test(text)
}

const ExpansionLike = Schema.Struct({ _tag: Schema.Literal("ExpansionError") })

const keepalive = (
  server: string,
  session: McpClient.McpClientShape,
  policy: KeepalivePolicy,
  counters: { keepalives: number; keepaliveMisses: number },
  ended: Deferred.Deferred<unknown>,
  onMiss: () => void
) =>
  Effect.gen(function*() {
    const misses = policy.misses ?? 3
    const timeout = Duration.millis(policy.timeout ?? policy.interval)
    const probe = session.era === "modern"
      ? session.request("server/discover", {}, Schema.Unknown, { timeout })
      : session.ping({ timeout })
    let missed = 0
    while (true) {
      yield* Effect.sleep(Duration.millis(policy.interval))
      const exit = yield* Effect.exit(probe.pipe(Effect.timeout(Duration.sum(timeout, Duration.millis(50)))))
      if (Exit.isSuccess(exit)) {
        missed = 0
        counters.keepalives++
        continue
      }
      missed++
      counters.keepaliveMisses++
      onMiss()
      const lastError = describe(Cause.squash(exit.cause))
      yield* Effect.logWarning(`MCP server '${server}' missed a keepalive`).pipe(
        Effect.annotateLogs({ server, missed, reason: lastError })
      )
      if (missed >= misses) {
        yield* Deferred.succeed(ended, new KeepaliveMissed({ server, misses: missed, lastError }))
        return
      }
    }
  })

/** The error's message, with those of its causes that add something (an `ENOENT` from the spawn, say). */
const describe = (error: unknown): string => {
  if (typeof error === "string") return error
  if (Cause.isCause(error)) return Cause.pretty(error)
  if (typeof error !== "object" || error === null || !("message" in error)) return String(error)
  let text = String(error.message)
  let next: unknown = error
  for (let depth = 0; depth < 6; depth++) {
    const node = next as { readonly cause?: unknown; readonly reason?: { readonly cause?: unknown } }
    next = node.cause ?? node.reason?.cause
    if (typeof next !== "object" || next === null) break
    const message = "message" in next ? String(next.message) : ""
    if (message.length > 0 && !text.includes(message)) text += ` (${message})`
  }
  return text
}
