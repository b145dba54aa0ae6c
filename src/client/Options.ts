/**
 * The settings and failure sets of the session's API, shared by the
 * modules that implement it. `McpClient` re-exports them.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type {
  CapabilityNotSupported,
  InputDeclined,
  InvalidToolArguments,
  OutputValidationError,
  RequestError,
  TaskCancelled,
  TaskFailed,
  ToolNotFound,
  UrlElicitationRequired
} from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type * as ProtocolVersion from "../protocol/ProtocolVersion.ts"
import type * as Engine from "../session/Engine.ts"
import type * as Negotiation from "../session/Negotiation.ts"
import type * as WireLog from "../transport/WireLog.ts"

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
   * With `era: "auto"`, remember for the process which era the server at this
   * transport's `endpoint` (HTTP: its URL) speaks, so that later sessions to
   * a legacy server open with `initialize` without probing (`EraMemo`).
   * Defaults to true.
   */
  readonly rememberEra?: boolean | undefined
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
  /**
   * When the server forgets a stateful HTTP session (`SessionExpired`: HTTP
   * 404, or the HTTP 400 answers of servers that say the session is unknown),
   * open a new one with `initialize`, as the specification requires, and
   * repeat the request if it is safe to repeat: lists, reads, prompts,
   * completion and ping. Other requests still fail with `SessionExpired`; the
   * new session serves the next ones. Concurrent callers share one new
   * session. On by default; `false` leaves the session expired.
   */
  readonly recoverSessions?: boolean | undefined
  /**
   * Log every JSON-RPC message sent and received, at `Debug` level through
   * Effect's logger, secrets redacted and bodies cut to a bound
   * (`WireLog`). Off by default; when off, or when `Debug` is below the
   * minimum log level where the session opens, the transport is not wrapped.
   */
  readonly wireLog?: boolean | WireLog.Options | undefined
  /**
   * With session recovery, also repeat a `tools/call` whose tool the server
   * annotates `readOnlyHint` or `idempotentHint`. Annotations are the
   * server's claims, not a guarantee: off by default, so that no side effect
   * is ever repeated on a server's word alone.
   */
  readonly trustToolAnnotations?: boolean | undefined
  /**
   * Speak the 2026-07-28 Tasks extension (`io.modelcontextprotocol/tasks`):
   * declares it in every request's capabilities, so a server may answer a
   * `tools/call` with a task; `callTool` then follows it to the tool's
   * result, and `callToolAsTask` shows its statuses. Off by default.
   */
  readonly tasksExtension?: boolean | undefined
  /**
   * Let the server run its sampling and elicitation requests as tasks on
   * this client (2025-11-25): declares `tasks.requests` for the handlers
   * provided, runs such requests in the session's scope, and serves
   * `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel` from the
   * `TaskStore` in context (a bounded in-memory one otherwise). `maxTtl`
   * (milliseconds, 5 minutes by default) bounds how long a task is kept.
   * Off by default.
   */
  readonly taskReceiver?:
    | boolean
    | { readonly maxTtl?: number | undefined; readonly pollInterval?: number | undefined }
    | undefined
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
  /**
   * Run the call as a task (2025-11-25) when the tool allows it
   * (`execution.taskSupport` `optional`), kept by the server for `ttl`
   * milliseconds. Tools that require tasks always run as one, and tools that
   * forbid them never do. The call still ends in the tool's result.
   */
  readonly task?: { readonly ttl?: number | undefined } | undefined
}

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
 * The failures of a request that needs a server capability.
 *
 * @category models
 * @since 0.1.0
 */
export type FeatureError = RequestError | CapabilityNotSupported

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
  | TaskFailed
  | TaskCancelled

/**
 * The failures of following a tool call's task from its handle
 * (`startToolTask`): those of any task, and the checks of its result
 * (`ToolNotFound`, `OutputValidationError`).
 *
 * @category models
 * @since 0.2.0
 */
export type ToolTaskError =
  | RequestError
  | InputDeclined
  | TaskFailed
  | TaskCancelled
  | ToolNotFound
  | OutputValidationError

/**
 * The lists a server may announce changes of.
 *
 * @category models
 * @since 0.1.0
 */
export type ListKind = "tools" | "resources" | "prompts"
