/**
 * The typed failures that are about many servers: a configuration that does
 * not decode, a variable or input that cannot be expanded, and a server that
 * is not there to answer.
 *
 * Failures of one session (a timeout, a server error, a missing tool) keep
 * their own classes from `McpError`; the host adds only these.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A configuration that does not decode: malformed JSON(C), or a member of the
 * wrong shape. `path` is the JSON path of the offending value (`$` for the
 * document), `line` and `column` (1-based) locate it in a file.
 *
 * **Example** (Reporting a bad configuration)
 *
 * ```ts
 * import { Console, Effect } from "effect"
 * import { HostConfig } from "effect-mcp-client"
 *
 * const program = HostConfig.parse(`{ "mcpServers": { "a": { "command": 1 } } }`, "mcp.json").pipe(
 *   Effect.catchTag("HostConfigError", (error) => Console.error(error.message))
 * )
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class HostConfigError extends Schema.TaggedError<HostConfigError>("effect-mcp-client/HostConfigError")(
  "HostConfigError",
  {
    source: Schema.String,
    path: Schema.String,
    description: Schema.String,
    line: Schema.optionalKey(Schema.Number),
    column: Schema.optionalKey(Schema.Number)
  }
) {
  override get message(): string {
    const at = this.line === undefined ? "" : `:${this.line}:${this.column ?? 1}`
    return `${this.source}${at}: ${this.path}: ${this.description}`
  }
}

/**
 * A `${VAR}` with no value and no default, or an `${input:id}` that nobody
 * answered: the configuration of `server` cannot be completed. `variable` is
 * the reference as written (`HOME`, `env:TOKEN`, `input:api-key`).
 *
 * @category errors
 * @since 0.1.0
 */
export class ExpansionError extends Schema.TaggedError<ExpansionError>("effect-mcp-client/ExpansionError")(
  "ExpansionError",
  {
    server: Schema.String,
    variable: Schema.String,
    field: Schema.String,
    description: Schema.String
  }
) {
  override get message(): string {
    return `Server '${this.server}': ${this.field}: \${${this.variable}} ${this.description}`
  }
}

/**
 * A call to a server that is not ready: it failed to start, is restarting
 * and did not come back within the call's timeout, is stopped, or is not in
 * the configuration. `state` is the server's state at that moment
 * (`starting`, `restarting`, `failed`, `stopped`, `idle`, or `unknown`), and
 * `lastError` what made it so, when known.
 *
 * **Example** (Falling back when a server is down)
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { HostError } from "effect-mcp-client"
 *
 * declare const call: Effect.Effect<string, HostError.ServerUnavailable>
 * const safe = call.pipe(Effect.catchTag("ServerUnavailable", (e) => Effect.succeed(`${e.server} is ${e.state}`)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ServerUnavailable extends Schema.TaggedError<ServerUnavailable>("effect-mcp-client/ServerUnavailable")(
  "ServerUnavailable",
  {
    server: Schema.String,
    state: Schema.String,
    lastError: Schema.optionalKey(Schema.String)
  }
) {
  override get message(): string {
    const why = this.lastError === undefined ? "" : `: ${this.lastError}`
    return `MCP server '${this.server}' is unavailable (${this.state})${why}`
  }
}

/**
 * The session stopped answering its keepalive (`ping`, or `server/discover`
 * over 2026-07-28) `misses` times in a row, and was restarted.
 *
 * @category errors
 * @since 0.1.0
 */
export class KeepaliveMissed extends Schema.TaggedError<KeepaliveMissed>("effect-mcp-client/KeepaliveMissed")(
  "KeepaliveMissed",
  {
    server: Schema.String,
    misses: Schema.Number,
    lastError: Schema.String
  }
) {
  override get message(): string {
    return `MCP server '${this.server}' missed ${this.misses} keepalives in a row (${this.lastError})`
  }
}
