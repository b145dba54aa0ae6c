/**
 * The typed failures of an MCP session.
 *
 * Every request method of `McpClient` lists in its error channel exactly the
 * failures it can produce, so callers recover with `Effect.catchTag` on the
 * ones they care about. Each failure is a schema-backed class with a `_tag`
 * and a readable `message`.
 *
 * Local failures (a deadline, a closed session, a missing capability) are
 * never dressed up as JSON-RPC errors: only `McpServerError` carries a code
 * sent by the server.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const TypeId = "~effect-mcp-client/McpError" as const

/**
 * The connection failed: the process could not start or exited, the peer
 * closed the stream, or a network request failed.
 *
 * **Details**
 *
 * The `message` names the cause, so that it can be acted on without
 * reading `cause`: the command and `ENOENT` / `EACCES` for a server that
 * could not start; the exit code or signal and the last lines of its stderr
 * for one that died (also in `exitCode`, `signal`, `stderr`); the URL and
 * `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND` or the TLS reason for a failed
 * connection; the HTTP status (also in `status`) and the start of the body
 * for a refused request. Credentials are never part of it: URLs are shown
 * without user info and query, and excerpts are redacted (`Redaction`).
 *
 * **Example** (Recovering from a dead server)
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { McpError } from "effect-mcp-client"
 *
 * declare const call: Effect.Effect<string, McpError.TransportError>
 * const safe = call.pipe(Effect.catchTag("TransportError", (e) => Effect.succeed(`offline: ${e.message}`)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TransportError extends Schema.TaggedError<TransportError>("effect-mcp-client/TransportError")(
  "TransportError",
  {
    description: Schema.String,
    status: Schema.optionalKey(Schema.Number),
    exitCode: Schema.optionalKey(Schema.NullOr(Schema.Number)),
    signal: Schema.optionalKey(Schema.NullOr(Schema.String)),
    stderr: Schema.optionalKey(Schema.String),
    /**
     * The request reached the server (its POST was answered) and the response
     * broke before the reply: the server may have acted on it (HTTP).
     */
    responseBroken: Schema.optionalKey(Schema.Boolean),
    cause: Schema.optionalKey(Schema.Defect())
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    const parts = [this.description]
    if (this.exitCode !== undefined && this.exitCode !== null) parts.push(`exit code ${this.exitCode}`)
    if (this.signal !== undefined && this.signal !== null) parts.push(`signal ${this.signal}`)
    if (this.stderr !== undefined && this.stderr.length > 0) parts.push(`stderr: ${this.stderr}`)
    return parts.join("; ")
  }
}

/**
 * The peer sent something that is not valid for the protocol: malformed JSON,
 * a message that is not JSON-RPC 2.0, or a result that does not match the
 * schema of the method it answers. `path` locates the offending field.
 *
 * @category errors
 * @since 0.1.0
 */
export class ProtocolError extends Schema.TaggedError<ProtocolError>("effect-mcp-client/ProtocolError")(
  "ProtocolError",
  {
    description: Schema.String,
    method: Schema.optionalKey(Schema.String),
    path: Schema.optionalKey(Schema.String),
    cause: Schema.optionalKey(Schema.Defect())
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    const where = this.path !== undefined && this.path.length > 0 ? ` at ${this.path}` : ""
    const method = this.method !== undefined ? ` (${this.method})` : ""
    return `${this.description}${where}${method}`
  }
}

/**
 * The server answered the request with a JSON-RPC error. `code`, `message`
 * and `data` are the server's own.
 *
 * @category errors
 * @since 0.1.0
 */
export class McpServerError extends Schema.TaggedError<McpServerError>("effect-mcp-client/McpServerError")(
  "McpServerError",
  {
    method: Schema.String,
    code: Schema.Number,
    description: Schema.String,
    data: Schema.optionalKey(Schema.Unknown)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method} failed with ${this.code}: ${this.description}`
  }
}

/**
 * `tools/call` named a tool the server does not have, however the server
 * signalled it (a JSON-RPC error, or an `isError` result for a tool that is
 * not in its tool list).
 *
 * **Example** (The seed's unknown tool)
 *
 * ```ts
 * import { Console, Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* client.callTool("unknown_tool", {}).pipe(
 *     Effect.catchTag("ToolNotFound", (e) => Console.log(`An error occurred: ${e.message}`))
 *   )
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ToolNotFound extends Schema.TaggedError<ToolNotFound>("effect-mcp-client/ToolNotFound")(
  "ToolNotFound",
  {
    name: Schema.String,
    description: Schema.optionalKey(Schema.String)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `Tool '${this.name}' not found`
  }
}

/**
 * `resources/read` named a resource the server does not have (`-32002`, or
 * `-32602` as 2026-07-28 servers and some earlier ones answer).
 *
 * @category errors
 * @since 0.1.0
 */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>("effect-mcp-client/ResourceNotFound")(
  "ResourceNotFound",
  {
    uri: Schema.String,
    description: Schema.optionalKey(Schema.String)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `Resource '${this.uri}' not found`
  }
}

/**
 * `prompts/get` named a prompt the server does not have.
 *
 * @category errors
 * @since 0.1.0
 */
export class PromptNotFound extends Schema.TaggedError<PromptNotFound>("effect-mcp-client/PromptNotFound")(
  "PromptNotFound",
  {
    name: Schema.String,
    description: Schema.optionalKey(Schema.String)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `Prompt '${this.name}' not found`
  }
}

/**
 * A tool ran and reported failure (`isError: true`). Only the `…OrFail`
 * variants fail with this; the plain call returns the result so a model can
 * read it. `content` is the result's content, `text` its text blocks joined.
 *
 * @category errors
 * @since 0.1.0
 */
export class ToolExecutionError extends Schema.TaggedError<ToolExecutionError>("effect-mcp-client/ToolExecutionError")(
  "ToolExecutionError",
  {
    name: Schema.String,
    text: Schema.String,
    content: Schema.Array(Schema.Unknown)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `Tool '${this.name}' failed${this.text.length > 0 ? `: ${this.text}` : ""}`
  }
}

/**
 * A task ended in `failed`. `statusMessage` is the receiver's explanation;
 * `error` the JSON-RPC error `tasks/result` reported, when it did.
 *
 * **Example** (Reporting a failed task)
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { McpError } from "effect-mcp-client"
 *
 * declare const run: Effect.Effect<string, McpError.TaskFailed>
 * const reported = run.pipe(Effect.catchTag("TaskFailed", (e) => Effect.succeed(`task ${e.taskId}: ${e.message}`)))
 * ```
 *
 * @category errors
 * @since 0.2.0
 */
export class TaskFailed extends Schema.TaggedError<TaskFailed>("effect-mcp-client/TaskFailed")(
  "TaskFailed",
  {
    taskId: Schema.String,
    statusMessage: Schema.optionalKey(Schema.String),
    code: Schema.optionalKey(Schema.Number),
    description: Schema.optionalKey(Schema.String),
    content: Schema.optionalKey(Schema.Array(Schema.Unknown))
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    const why = this.description ?? this.statusMessage
    return `Task ${this.taskId} failed${why !== undefined && why.length > 0 ? `: ${why}` : ""}`
  }
}

/**
 * A task ended in `cancelled`, by this client or by the receiver.
 *
 * @category errors
 * @since 0.2.0
 */
export class TaskCancelled extends Schema.TaggedError<TaskCancelled>("effect-mcp-client/TaskCancelled")(
  "TaskCancelled",
  {
    taskId: Schema.String,
    statusMessage: Schema.optionalKey(Schema.String)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    const why = this.statusMessage
    return `Task ${this.taskId} was cancelled${why !== undefined && why.length > 0 ? `: ${why}` : ""}`
  }
}

/**
 * The request's deadline passed. The client has already told the server to
 * cancel it and freed everything it held.
 *
 * @category errors
 * @since 0.1.0
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>("effect-mcp-client/RequestTimeout")(
  "RequestTimeout",
  {
    method: Schema.String,
    timeoutMillis: Schema.Number
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method} timed out after ${this.timeoutMillis} ms`
  }
}

/**
 * The session was closed (its scope ended, or the transport had already
 * failed) before the request could complete.
 *
 * @category errors
 * @since 0.1.0
 */
export class SessionClosed extends Schema.TaggedError<SessionClosed>("effect-mcp-client/SessionClosed")(
  "SessionClosed",
  {
    method: Schema.optionalKey(Schema.String)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return this.method !== undefined ? `Session closed before ${this.method} completed` : "Session closed"
  }
}

/**
 * The server did not declare the capability a method needs (or the protocol
 * revision in use does not have the method). Nothing was sent.
 *
 * @category errors
 * @since 0.1.0
 */
export class CapabilityNotSupported
  extends Schema.TaggedError<CapabilityNotSupported>("effect-mcp-client/CapabilityNotSupported")(
    "CapabilityNotSupported",
    {
      method: Schema.String,
      capability: Schema.String
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method} needs the server capability '${this.capability}', which the server did not declare`
  }
}

/**
 * Version negotiation failed: the server answered `initialize` with a
 * protocol revision this client does not speak. The connection is closed.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnsupportedProtocolVersion
  extends Schema.TaggedError<UnsupportedProtocolVersion>("effect-mcp-client/UnsupportedProtocolVersion")(
    "UnsupportedProtocolVersion",
    {
      requested: Schema.String,
      received: Schema.String,
      supported: Schema.Array(Schema.String)
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    return `The server chose protocol version ${this.received}; this client speaks ${this.supported.join(", ")}`
  }
}

/**
 * The server needs the user to complete one or more URL elicitations before
 * it can go on (`-32042`, 2025-11-25). Show each URL to the user (the
 * `Elicitation` handler's `url` mode is the place), then retry.
 *
 * @category errors
 * @since 0.1.0
 */
export class UrlElicitationRequired
  extends Schema.TaggedError<UrlElicitationRequired>("effect-mcp-client/UrlElicitationRequired")(
    "UrlElicitationRequired",
    {
      method: Schema.String,
      description: Schema.String,
      elicitations: Schema.Array(Schema.Struct({
        mode: Schema.optionalKey(Schema.String),
        elicitationId: Schema.String,
        url: Schema.String,
        message: Schema.String
      }))
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method} needs the user to visit ${this.elicitations.map((e) => e.url).join(", ")}`
  }
}

/**
 * A tool's `structuredContent` does not match the `outputSchema` it
 * declared, or the caller's schema in `callToolTyped`.
 *
 * @category errors
 * @since 0.1.0
 */
export class OutputValidationError
  extends Schema.TaggedError<OutputValidationError>("effect-mcp-client/OutputValidationError")(
    "OutputValidationError",
    {
      name: Schema.String,
      description: Schema.String,
      path: Schema.optionalKey(Schema.String)
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    const where = this.path !== undefined && this.path.length > 0 ? ` at ${this.path}` : ""
    return `Output of tool '${this.name}' is invalid${where}: ${this.description}`
  }
}

/**
 * The arguments do not match the tool's `inputSchema`; nothing was sent.
 * Only raised when argument checking is on.
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidToolArguments
  extends Schema.TaggedError<InvalidToolArguments>("effect-mcp-client/InvalidToolArguments")(
    "InvalidToolArguments",
    {
      name: Schema.String,
      description: Schema.String,
      path: Schema.optionalKey(Schema.String)
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    const where = this.path !== undefined && this.path.length > 0 ? ` at ${this.path}` : ""
    return `Invalid arguments for tool '${this.name}'${where}: ${this.description}`
  }
}

/**
 * A 2026-07-28 server asked for input to complete the request (elicitation,
 * sampling or roots) and the client could not give it: no handler was
 * provided for that kind of input, or the handler refused. The request was
 * not retried.
 *
 * @category errors
 * @since 0.1.0
 */
export class InputDeclined extends Schema.TaggedError<InputDeclined>("effect-mcp-client/InputDeclined")(
  "InputDeclined",
  {
    method: Schema.String,
    inputMethod: Schema.String,
    key: Schema.String,
    description: Schema.String
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method} needs ${this.inputMethod} input '${this.key}', which the client did not give: ${this.description}`
  }
}

/**
 * A 2026-07-28 server needs a client capability the request did not declare
 * (`-32021`); `requiredCapabilities` says which. Provide the matching
 * handler service (sampling, elicitation, roots) to declare it.
 *
 * @category errors
 * @since 0.1.0
 */
export class MissingClientCapability
  extends Schema.TaggedError<MissingClientCapability>("effect-mcp-client/MissingClientCapability")(
    "MissingClientCapability",
    {
      method: Schema.String,
      description: Schema.String,
      requiredCapabilities: Schema.optionalKey(Schema.Unknown)
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    const required = this.requiredCapabilities === undefined ? "" : ` (${JSON.stringify(this.requiredCapabilities)})`
    return `${this.method} needs a client capability that was not declared${required}: ${this.description}`
  }
}

/**
 * A 2026-07-28 server found the request's HTTP headers missing or not
 * matching its body (`-32020`).
 *
 * @category errors
 * @since 0.1.0
 */
export class HeaderMismatch extends Schema.TaggedError<HeaderMismatch>("effect-mcp-client/HeaderMismatch")(
  "HeaderMismatch",
  {
    method: Schema.String,
    description: Schema.String
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `${this.method}: the server rejected the request's headers: ${this.description}`
  }
}

/**
 * A message from the server passed the size limit. The connection is closed
 * rather than letting one message take all memory.
 *
 * @category errors
 * @since 0.1.0
 */
export class MessageTooLarge extends Schema.TaggedError<MessageTooLarge>("effect-mcp-client/MessageTooLarge")(
  "MessageTooLarge",
  {
    limitBytes: Schema.Number,
    receivedBytes: Schema.optionalKey(Schema.Number)
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    const received = this.receivedBytes === undefined ? "" : ` (${this.receivedBytes} bytes and counting)`
    return `A message from the server is larger than the limit of ${this.limitBytes} bytes${received}`
  }
}

/**
 * The server no longer knows the HTTP session (`404` for an
 * `Mcp-Session-Id`, or a `400` whose error says the session is unknown).
 * Unless `recoverSessions` is `false`, the client opens a new session and
 * repeats the request when it is safe to repeat.
 *
 * @category errors
 * @since 0.1.0
 */
export class SessionExpired extends Schema.TaggedError<SessionExpired>("effect-mcp-client/SessionExpired")(
  "SessionExpired",
  {
    sessionId: Schema.String
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return "The server ended the session"
  }
}

/**
 * Authorization failed or was refused: discovery, a security check
 * (`resource-mismatch`, `issuer-mismatch`, `iss-missing`, `iss-mismatch`,
 * `state`, `pkce`), registration, the token endpoint, the user's side,
 * too many step-up attempts, an assertion refused before sending
 * (`assertion`), the identity provider's token exchange (`token-exchange`)
 * or a DPoP key or proof (`dpop`). Never a silent fallback.
 *
 * @category errors
 * @since 0.1.0
 */
export class AuthorizationError extends Schema.TaggedError<AuthorizationError>("effect-mcp-client/AuthorizationError")(
  "AuthorizationError",
  {
    reason: Schema.Literals([
      "discovery",
      "resource-mismatch",
      "issuer-mismatch",
      "iss-missing",
      "iss-mismatch",
      "state",
      "pkce",
      "registration",
      "token",
      "token-store",
      "user-agent",
      "denied",
      "forbidden",
      "insufficient-scope",
      "assertion",
      "token-exchange",
      "dpop",
      "url-policy"
    ]),
    description: Schema.String
  }
) {
  readonly [TypeId] = TypeId
  override get message(): string {
    return `Authorization failed (${this.reason}): ${this.description}`
  }
}

/**
 * A skill file (SEP-2640 skills extension) did not match its `skills/list`
 * entry: its `size`, its `digest` (sha256) or, for `SKILL.md`, its
 * front-matter. The content is not used.
 *
 * @category errors
 * @since 0.1.0
 */
export class SkillVerificationError
  extends Schema.TaggedError<SkillVerificationError>("effect-mcp-client/SkillVerificationError")(
    "SkillVerificationError",
    {
      uri: Schema.String,
      check: Schema.Literals(["size", "digest", "frontmatter", "listing", "content"]),
      description: Schema.String
    }
  )
{
  readonly [TypeId] = TypeId
  override get message(): string {
    return `The skill file ${this.uri} failed verification (${this.check}): ${this.description}`
  }
}

/**
 * Every failure that any request of a session can produce. Each method's
 * own error channel is a narrower union of these.
 *
 * @category models
 * @since 0.1.0
 */
export type McpError =
  | TransportError
  | ProtocolError
  | McpServerError
  | ToolNotFound
  | ResourceNotFound
  | PromptNotFound
  | ToolExecutionError
  | RequestTimeout
  | SessionClosed
  | CapabilityNotSupported
  | UnsupportedProtocolVersion
  | UrlElicitationRequired
  | OutputValidationError
  | InvalidToolArguments
  | InputDeclined
  | MissingClientCapability
  | HeaderMismatch
  | MessageTooLarge
  | SessionExpired
  | AuthorizationError
  | TaskFailed
  | TaskCancelled
  | SkillVerificationError

/**
 * The failures every request shares: the wire, the peer's answer, the
 * deadline and the session's lifetime.
 *
 * @category models
 * @since 0.1.0
 */
export type RequestError =
  | TransportError
  | MessageTooLarge
  | SessionExpired
  | AuthorizationError
  | ProtocolError
  | McpServerError
  | MissingClientCapability
  | HeaderMismatch
  | RequestTimeout
  | SessionClosed

/**
 * What building a session (connecting and negotiating) can fail with.
 *
 * @category models
 * @since 0.1.0
 */
export type ConnectError = RequestError | UnsupportedProtocolVersion

/**
 * Whether a value is one of this library's failures.
 *
 * @category guards
 * @since 0.1.0
 */
export const isMcpError = (u: unknown): u is McpError => Predicate.hasProperty(u, TypeId)
