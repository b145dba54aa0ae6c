/**
 * One supervised server as a session: every request waits for a ready
 * session (up to its timeout) and holds one of the server's `maxConcurrency`
 * permits while in flight, so the server never sees more than that many at
 * once; callers beyond the bound wait in order, and their timeout covers the
 * wait.
 *
 * `run` fails with the host's `ServerUnavailable` when the server is not
 * there. The `McpClientShape` view (`client`), for code written against a
 * single session, reports it as the `TransportError` a dead connection is,
 * with the `ServerUnavailable` as its `cause`. Streams of notifications
 * follow the server across restarts.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as McpClient from "../McpClient.ts"
import { RequestTimeout, TransportError } from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type * as Tasks from "../tasks/Tasks.ts"
import type { ServerUnavailable } from "./HostError.ts"
import type { Supervisor } from "./Supervisor.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * A supervised server's requests.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerClient {
  readonly name: string
  readonly supervisor: Supervisor
  /**
   * Runs `f` on the ready session under the concurrency bound. `timeout`
   * (defaults to the server's, else 60 s) bounds the wait; `f` gets what is
   * left of it, to pass on as the request's own deadline.
   */
  readonly run: <A, E>(
    method: string,
    f: (session: McpClient.McpClientShape, timeout: Duration.Duration) => Effect.Effect<A, E>,
    timeout?: Duration.Input | undefined
  ) => Effect.Effect<A, E | ServerUnavailable | RequestTimeout>
  /** The server as a plain session. */
  readonly client: McpClient.McpClientShape
}

/**
 * Limits of one server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Limits {
  readonly maxConcurrency?: number | undefined
  /** Milliseconds. */
  readonly timeout?: number | undefined
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * The requests of a supervised server.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ServerClient, type Supervisor } from "effect-mcp-client"
 *
 * declare const git: Supervisor.Supervisor
 * const program = Effect.gen(function*() {
 *   const server = yield* ServerClient.make(git, { maxConcurrency: 4 })
 *   return yield* server.client.listTools()
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (supervisor: Supervisor, limits: Limits = {}): Effect.Effect<ServerClient> =>
  Effect.gen(function*() {
    const permits = limits.maxConcurrency === undefined ? undefined : yield* Semaphore.make(limits.maxConcurrency)
    const defaultTimeout = Duration.millis(limits.timeout ?? defaultTimeoutMillis)

    // A session the server forgot, and that the session could not renew, is restarted.
    const restartWhenForgotten = <A, E>(effect: Effect.Effect<A, E>, session: McpClient.McpClientShape) =>
      Effect.tapError(
        effect,
        (error) =>
          typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "SessionExpired"
            ? supervisor.restart(session, error)
            : Effect.void
      )

    const run: ServerClient["run"] = (method, f, timeout) =>
      Effect.withFiber((fiber) => {
        const total = timeout === undefined ? defaultTimeout : Duration.fromInputUnsafe(timeout)
        // The usual case, a ready server and no limit, in one step: nothing waited, the whole timeout is left.
        const current = SubscriptionRef.getUnsafe(supervisor.state)
        if (permits === undefined && current.status === "ready") {
          return restartWhenForgotten(f(current.session, total), current.session)
        }
        const clock = fiber.getRef(Clock.Clock)
        const start = clock.currentTimeMillisUnsafe()
        return Effect.flatMap(supervisor.ready(total), (session) =>
          permits === undefined
            ? restartWhenForgotten(f(session, remaining(total, start, clock.currentTimeMillisUnsafe())), session)
            : limited(method, f, total, start, session, permits))
      })

    const limited = <A, E>(
      method: string,
      f: (session: McpClient.McpClientShape, timeout: Duration.Duration) => Effect.Effect<A, E>,
      total: Duration.Duration,
      start: number,
      session: McpClient.McpClientShape,
      permits: Semaphore.Semaphore
    ): Effect.Effect<A, E | RequestTimeout> =>
      Effect.gen(function*() {
        return yield* Effect.uninterruptibleMask((restore) =>
          Effect.gen(function*() {
            const waited = yield* restore(Effect.timeoutOption(
              Semaphore.take(permits, 1),
              remaining(total, start, yield* Clock.currentTimeMillis)
            ))
            if (waited._tag === "None") {
              return yield* new RequestTimeout({ method, timeoutMillis: Duration.toMillis(total) })
            }
            const left = remaining(total, start, yield* Clock.currentTimeMillis)
            return yield* restore(restartWhenForgotten(f(session, left), session)).pipe(
              Effect.ensuring(Semaphore.release(permits, 1))
            )
          })
        )
      })

    return { name: supervisor.name, supervisor, run, client: new View(supervisor, run) }
  })

// =============================================================================
// Internal
// =============================================================================

const defaultTimeoutMillis = 60_000

const remaining = (total: Duration.Duration, start: number, now: number): Duration.Duration =>
  Duration.millis(Math.max(1, Duration.toMillis(total) - (now - start)))

const asTransportError = <A, E, R>(
  effect: Effect.Effect<A, E | ServerUnavailable, R>
): Effect.Effect<A, E | TransportError, R> =>
  Effect.catchIf(
    effect,
    (error): error is ServerUnavailable =>
      typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ServerUnavailable",
    (error) => Effect.fail(new TransportError({ description: error.message, cause: error }))
  ) as Effect.Effect<A, E | TransportError, R>

type Run = ServerClient["run"]

/** The plain-session view: each method waits for the session and runs on it. */
class View implements McpClient.McpClientShape {
  readonly #supervisor: Supervisor
  readonly #run: Run
  constructor(supervisor: Supervisor, run: Run) {
    this.#supervisor = supervisor
    this.#run = run
  }
  #latest(): McpClient.McpClientShape {
    const session = this.#supervisor.latest()
    if (session === undefined) throw new Error(`MCP server '${this.#supervisor.name}' has not been ready yet`)
    return session
  }
  #call<A, E>(
    method: string,
    f: (session: McpClient.McpClientShape, timeout: Duration.Duration) => Effect.Effect<A, E>,
    options: { readonly timeout?: Duration.Input | undefined } | undefined
  ) {
    return asTransportError(this.#run(method, f, options?.timeout))
  }
  #stream<A, E>(f: (session: McpClient.McpClientShape) => Stream.Stream<A, E>): Stream.Stream<A, E | TransportError> {
    return Stream.unwrap(asTransportError<Stream.Stream<A, E>, never, never>(
      this.#supervisor.ready(defaultTimeoutMillis).pipe(Effect.map(f))
    ))
  }
  #following<A>(f: (session: McpClient.McpClientShape) => Stream.Stream<A>): Stream.Stream<A> {
    return this.#supervisor.changes.pipe(
      Stream.filter((state) => state.status === "ready"),
      Stream.switchMap((state) => f(state.session))
    )
  }

  get serverInfo() {
    return this.#latest().serverInfo
  }
  get serverCapabilities() {
    return this.#latest().serverCapabilities
  }
  get instructions() {
    return this.#latest().instructions
  }
  get protocolVersion() {
    return this.#latest().protocolVersion
  }
  get era() {
    return this.#latest().era
  }

  readonly ping: McpClient.McpClientShape["ping"] = (options) =>
    this.#call("ping", (s, timeout) => s.ping({ ...options, timeout }), options)
  readonly listTools: McpClient.McpClientShape["listTools"] = (options) =>
    this.#call("tools/list", (s, timeout) => s.listTools({ ...options, timeout }), options)
  readonly listToolsPages: McpClient.McpClientShape["listToolsPages"] = (options) =>
    this.#stream((s) => s.listToolsPages(options))
  readonly callTool: McpClient.McpClientShape["callTool"] = (name, args, options) =>
    this.#call("tools/call", (s, timeout) => s.callTool(name, args, { ...options, timeout }), options)
  readonly callToolWithProgress: McpClient.McpClientShape["callToolWithProgress"] = (name, args, options) =>
    this.#stream((s) => s.callToolWithProgress(name, args, options))
  readonly callToolOrFail: McpClient.McpClientShape["callToolOrFail"] = (name, args, options) =>
    this.#call("tools/call", (s, timeout) => s.callToolOrFail(name, args, { ...options, timeout }), options)
  readonly callToolTyped: McpClient.McpClientShape["callToolTyped"] = (name, args, schema, options) =>
    this.#call("tools/call", (s, timeout) => s.callToolTyped(name, args, schema, { ...options, timeout }), options)
  readonly callToolAsTask: McpClient.McpClientShape["callToolAsTask"] = (name, args, options) =>
    this.#stream((s) => s.callToolAsTask(name, args, options))
  /** A started task's handle is `task(taskId)`'s, which outlives a restart of the session. */
  readonly startToolTask: McpClient.McpClientShape["startToolTask"] = (name, args, options) =>
    this.#call("tools/call", (s, timeout) => s.startToolTask(name, args, { ...options, timeout }), options).pipe(
      Effect.map((start) => start._tag === "Task" ? { ...start, handle: this.task(start.task.taskId) } : start)
    )
  /** A task's handle: each member waits for the ready session (a task outlives a restart of the session). */
  task(taskId: string): Tasks.TaskHandle<Mcp.CallToolResult> {
    const ready = asTransportError<McpClient.McpClientShape, never, never>(this.#supervisor.ready(defaultTimeoutMillis))
    return {
      taskId,
      status: Effect.flatMap(ready, (s) => s.task(taskId).status),
      events: this.#stream((s) => s.task(taskId).events),
      result: Effect.flatMap(ready, (s) => s.task(taskId).result),
      cancel: Effect.flatMap(ready, (s) => s.task(taskId).cancel)
    }
  }
  readonly listTasks: McpClient.McpClientShape["listTasks"] = (options) =>
    this.#call("tasks/list", (s, timeout) => s.listTasks({ ...options, timeout }), options)
  readonly listResources: McpClient.McpClientShape["listResources"] = (options) =>
    this.#call("resources/list", (s, timeout) => s.listResources({ ...options, timeout }), options)
  readonly listResourcesPages: McpClient.McpClientShape["listResourcesPages"] = (options) =>
    this.#stream((s) => s.listResourcesPages(options))
  readonly listResourceTemplates: McpClient.McpClientShape["listResourceTemplates"] = (options) =>
    this.#call("resources/templates/list", (s, timeout) => s.listResourceTemplates({ ...options, timeout }), options)
  readonly listResourceTemplatesPages: McpClient.McpClientShape["listResourceTemplatesPages"] = (options) =>
    this.#stream((s) => s.listResourceTemplatesPages(options))
  readonly readResource: McpClient.McpClientShape["readResource"] = (uri, options) =>
    this.#call("resources/read", (s, timeout) => s.readResource(uri, { ...options, timeout }), options)
  readonly subscribeResource: McpClient.McpClientShape["subscribeResource"] = (uri, options) =>
    this.#call("resources/subscribe", (s, timeout) => s.subscribeResource(uri, { ...options, timeout }), options)
  readonly unsubscribeResource: McpClient.McpClientShape["unsubscribeResource"] = (uri, options) =>
    this.#call("resources/unsubscribe", (s, timeout) => s.unsubscribeResource(uri, { ...options, timeout }), options)
  readonly listPrompts: McpClient.McpClientShape["listPrompts"] = (options) =>
    this.#call("prompts/list", (s, timeout) => s.listPrompts({ ...options, timeout }), options)
  readonly listPromptsPages: McpClient.McpClientShape["listPromptsPages"] = (options) =>
    this.#stream((s) => s.listPromptsPages(options))
  readonly getPrompt: McpClient.McpClientShape["getPrompt"] = (name, args, options) =>
    this.#call("prompts/get", (s, timeout) => s.getPrompt(name, args, { ...options, timeout }), options)
  readonly complete: McpClient.McpClientShape["complete"] = (ref, argument, options) =>
    this.#call("completion/complete", (s, timeout) => s.complete(ref, argument, { ...options, timeout }), options)
  readonly setLoggingLevel: McpClient.McpClientShape["setLoggingLevel"] = (level, options) =>
    this.#call("logging/setLevel", (s, timeout) => s.setLoggingLevel(level, { ...options, timeout }), options)
  readonly request: McpClient.McpClientShape["request"] = (method, params, schema, options) =>
    this.#call(method, (s, timeout) => s.request(method, params, schema, { ...options, timeout }), options)
  readonly notify: McpClient.McpClientShape["notify"] = (method, params) =>
    this.#call(method, (s) => s.notify(method, params), undefined)
  get notifications() {
    return this.#following((s) => s.notifications)
  }
  get logs() {
    return this.#following((s) => s.logs)
  }
  get listChanges() {
    return this.#following((s) => s.listChanges)
  }
  readonly resourceUpdates: McpClient.McpClientShape["resourceUpdates"] = (uri, options) =>
    this.#stream((s) => s.resourceUpdates(uri, options))
  get elicitationCompletions() {
    return this.#following((s) => s.elicitationCompletions)
  }
  get pendingRequests() {
    return Effect.suspend(() => this.#supervisor.latest()?.pendingRequests ?? Effect.succeed(0))
  }
}
