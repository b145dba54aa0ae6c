/**
 * Configuration of a host, in the formats MCP hosts already use: the
 * `{"mcpServers": {…}}` of Claude Desktop, Claude Code (`.mcp.json`) and
 * Cursor, and VS Code's `{"servers": {…}, "inputs": […]}` (JSON with
 * comments).
 *
 * An entry is stdio (`command`, `args`, `env`, `cwd`, `envFile`), Streamable
 * HTTP (`type: "http"`, `url`, `headers`) or legacy SSE (`type: "sse"`); with
 * no `type`, a `command` means stdio and a `url` means HTTP. Beside them, the
 * host's own options: `enabled`, `timeout`, `maxConcurrency`, `include` /
 * `exclude`, `prefix`, `lazy`, `restart` and `keepalive`. Members nobody
 * knows are ignored, and kept in `raw`.
 *
 * Decoding checks shapes only: `${…}` references are expanded when a server
 * starts (see `Expansion`). A bad document fails with `HostConfigError`,
 * naming the source, the JSON path and, for text, the line and column.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { HostConfigError } from "./HostError.ts"
import type { Input } from "./HostInputs.ts"
import * as Jsonc from "./Jsonc.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * How a server is restarted after its session ends: `true` (the default for
 * every entry) restarts at once, and retries failed starts with exponential
 * backoff and jitter, from `initialDelay` (200 ms) doubling up to `maxDelay`
 * (30 s), at most `maxAttempts` (10) failed starts in a row; a session that
 * keeps ending within 10 seconds of its start waits the same backoff before
 * each restart. `false` never restarts.
 *
 * @category models
 * @since 0.1.0
 */
export interface RestartPolicy {
  readonly maxAttempts?: number | undefined
  readonly initialDelay?: number | undefined
  readonly maxDelay?: number | undefined
}

/**
 * A `ping` (or `server/discover` over 2026-07-28) every `interval`
 * milliseconds, each with its own `timeout` (defaults to `interval`); after
 * `misses` (3) failures in a row the session is restarted.
 *
 * @category models
 * @since 0.1.0
 */
export interface KeepalivePolicy {
  readonly interval: number
  readonly timeout?: number | undefined
  readonly misses?: number | undefined
}

/**
 * The host's options of one server. Times are in milliseconds.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerOptions {
  /** Whether the host opens this server. Defaults to true (`disabled: true` also turns it off). */
  readonly enabled: boolean
  /** The default deadline of each request, and of each call's wait for the server. */
  readonly timeout?: number | undefined
  /** The most requests in flight at the server at once. */
  readonly maxConcurrency?: number | undefined
  /** Globs (`*`, `?`) of the tools to offer; all when absent. */
  readonly include?: ReadonlyArray<string> | undefined
  /** Globs of the tools not to offer. */
  readonly exclude?: ReadonlyArray<string> | undefined
  /** What qualifies this server's tool and prompt names; defaults to the server's name. */
  readonly prefix?: string | undefined
  /** Open the session on first use instead of with the host. */
  readonly lazy: boolean
  readonly restart: RestartPolicy | false
  readonly keepalive?: KeepalivePolicy | undefined
  /** The entry as written, unknown members included. */
  readonly raw: { readonly [key: string]: unknown }
}

/**
 * A server started as a child process.
 *
 * @category models
 * @since 0.1.0
 */
export interface StdioServer extends ServerOptions {
  readonly _tag: "stdio"
  readonly name: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: { readonly [name: string]: string }
  readonly cwd?: string | undefined
  /** A file of `NAME=value` lines added to `env` (entries of `env` win). */
  readonly envFile?: string | undefined
}

/**
 * A server over Streamable HTTP, or the 2024-11-05 HTTP+SSE transport
 * (`sse`).
 *
 * @category models
 * @since 0.1.0
 */
export interface HttpServer extends ServerOptions {
  readonly _tag: "http" | "sse"
  readonly name: string
  readonly url: string
  readonly headers: { readonly [name: string]: string }
}

/**
 * One configured server.
 *
 * @category models
 * @since 0.1.0
 */
export type ServerConfig = StdioServer | HttpServer

/**
 * A decoded configuration: its servers by name, in the document's order,
 * and the inputs it declares.
 *
 * @category models
 * @since 0.1.0
 */
export interface HostConfig {
  readonly servers: ReadonlyArray<ServerConfig>
  readonly inputs: ReadonlyArray<Input>
  /** Where it came from (a file path, `<object>`, or a `Config` key). */
  readonly source: string
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Decodes a configuration from a value already parsed.
 *
 * @example
 * ```ts
 * import { HostConfig } from "effect-mcp-client"
 *
 * const config = HostConfig.fromObject({
 *   mcpServers: {
 *     filesystem: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."] },
 *     search: { type: "http", url: "https://search.example/mcp", headers: { Authorization: "Bearer ${TOKEN}" } }
 *   }
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromObject = (value: unknown, source = "<object>"): Effect.Effect<HostConfig, HostConfigError> =>
  Effect.suspend(() => {
    const result = decodeDocument(value, source, undefined)
    return result instanceof HostConfigError ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * Parses and decodes a configuration text (JSON with comments).
 *
 * @example
 * ```ts
 * import { HostConfig } from "effect-mcp-client"
 *
 * const config = HostConfig.parse(`{
 *   // VS Code's format
 *   "servers": { "git": { "command": "uvx", "args": ["mcp-server-git"] } },
 * }`)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parse = (text: string, source = "<text>"): Effect.Effect<HostConfig, HostConfigError> =>
  Effect.suspend(() => {
    const document = Jsonc.parse(text)
    if (!("value" in document)) {
      return Effect.fail(
        new HostConfigError({
          source,
          path: "$",
          description: document.description,
          line: document.line,
          column: document.column
        })
      )
    }
    const result = decodeDocument(document.value, source, document)
    return result instanceof HostConfigError ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * Reads, parses and decodes a configuration file.
 *
 * @example
 * ```ts
 * import { HostConfig } from "effect-mcp-client"
 *
 * const config = HostConfig.fromFile(".mcp.json")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromFile = (path: string): Effect.Effect<HostConfig, HostConfigError> =>
  Effect.tryPromise({
    try: async () => (await import("node:fs/promises")).readFile(path, "utf8"),
    catch: (cause) =>
      new HostConfigError({ source: path, path: "$", description: `cannot be read: ${describe(cause)}` })
  }).pipe(Effect.flatMap((text) => parse(text, path)))

/**
 * Reads a configuration text from Effect `Config` (by default the
 * `MCP_CONFIG` key: an environment variable holding the JSON, for example).
 *
 * @example
 * ```ts
 * import { HostConfig } from "effect-mcp-client"
 *
 * const config = HostConfig.fromConfig("MCP_SERVERS")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConfig = (key = "MCP_CONFIG"): Effect.Effect<HostConfig, HostConfigError | Config.ConfigError> =>
  Effect.flatMap(Config.String(key), (text: string) => parse(text, `config ${key}`))

/**
 * Reads an env file: `NAME=value` lines, `#` comments, optional `export `,
 * values optionally in single or double quotes.
 *
 * @example
 * ```ts
 * import { HostConfig } from "effect-mcp-client"
 *
 * HostConfig.parseEnvFile("# tokens\nexport TOKEN=\"abc\"\n") // { TOKEN: "abc" }
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const parseEnvFile = (text: string): { readonly [name: string]: string } => {
  const out: Record<string, string> = {}
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line.length === 0 || line.startsWith("#")) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (match === null) continue
    let value = match[2]!
    if (value.length >= 2 && (value[0] === "\"" || value[0] === "'") && value.at(-1) === value[0]) {
      value = value.slice(1, -1)
      if (match[2]![0] === "\"") value = value.replace(/\\n/g, "\n").replace(/\\"/g, "\"")
    }
    out[match[1]!] = value
  }
  return out
}

// =============================================================================
// Internal
// =============================================================================

const Milliseconds = Schema.Number.pipe(Schema.check(Schema.isFinite(), Schema.isGreaterThan(0)))
const Count = Schema.Number.pipe(Schema.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1)))
const Strings = Schema.Array(Schema.String)
const StringMap = Schema.Record(Schema.String, Schema.String)

const commonFields = {
  enabled: Schema.optionalKey(Schema.Boolean),
  disabled: Schema.optionalKey(Schema.Boolean),
  timeout: Schema.optionalKey(Milliseconds),
  maxConcurrency: Schema.optionalKey(Count),
  include: Schema.optionalKey(Strings),
  exclude: Schema.optionalKey(Strings),
  prefix: Schema.optionalKey(Schema.String),
  lazy: Schema.optionalKey(Schema.Boolean),
  restart: Schema.optionalKey(Schema.Union([
    Schema.Boolean,
    Schema.Struct({
      maxAttempts: Schema.optionalKey(
        Schema.Number.pipe(Schema.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0)))
      ),
      initialDelay: Schema.optionalKey(Milliseconds),
      maxDelay: Schema.optionalKey(Milliseconds)
    })
  ])),
  keepalive: Schema.optionalKey(Schema.Struct({
    interval: Milliseconds,
    timeout: Schema.optionalKey(Milliseconds),
    misses: Schema.optionalKey(Count)
  }))
}

const StdioEntry = Schema.Struct({
  type: Schema.optionalKey(Schema.Literal("stdio")),
  command: Schema.String,
  args: Schema.optionalKey(Strings),
  env: Schema.optionalKey(StringMap),
  cwd: Schema.optionalKey(Schema.String),
  envFile: Schema.optionalKey(Schema.String),
  ...commonFields
})

const HttpEntry = Schema.Struct({
  type: Schema.optionalKey(Schema.Literals(["http", "streamable-http", "streamableHttp", "sse"])),
  url: Schema.String,
  headers: Schema.optionalKey(StringMap),
  ...commonFields
})

const InputEntry = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  description: Schema.optionalKey(Schema.String),
  password: Schema.optionalKey(Schema.Boolean),
  default: Schema.optionalKey(Schema.String),
  options: Schema.optionalKey(Strings)
})

const Document = Schema.Struct({
  mcpServers: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  servers: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  inputs: Schema.optionalKey(Schema.Array(InputEntry))
})

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const isObject = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const describe = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

const renderPath = (path: ReadonlyArray<PropertyKey>): string =>
  "$" + path.map((segment) =>
    typeof segment === "number"
      ? `[${segment}]`
      : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(segment))
      ? `.${String(segment)}`
      : `[${JSON.stringify(String(segment))}]`
  ).join("")

/** The error at a path, with the line and column of the deepest value there is one for. */
const errorAt = (
  source: string,
  document: Jsonc.Document | undefined,
  path: ReadonlyArray<PropertyKey>,
  description: string
): HostConfigError => {
  let located: { line: number; column: number } | undefined
  if (document !== undefined) {
    for (let length = path.length; length >= 0 && located === undefined; length--) {
      const offset = document.offsetOf(path.slice(0, length))
      if (offset !== undefined) located = document.position(offset)
    }
  }
  return new HostConfigError({
    source,
    path: renderPath(path),
    description,
    ...(located === undefined ? {} : { line: located.line, column: located.column })
  })
}

const decodeAt = <S extends Schema.Decoder<unknown>>(
  schema: S,
  value: unknown,
  at: ReadonlyArray<PropertyKey>,
  source: string,
  document: Jsonc.Document | undefined
): S["Type"] | HostConfigError => {
  const result = Schema.decodeUnknownExit(schema)(value, { errors: "first" })
  if (result._tag === "Success") return result.value
  const failure = result.cause.reasons.find((reason) => reason._tag === "Fail")
  const error = failure?.error
  if (!Schema.isSchemaError(error)) return errorAt(source, document, at, "does not decode")
  const issue = formatter(error.issue).issues[0]
  const inner = (issue?.path ?? []).map((segment) => typeof segment === "object" ? segment.key : segment)
  const message = issue?.message ?? "does not decode"
  const found = valueAt(value, inner)
  const got = message.startsWith("Expected") && found.present && !message.includes(", got ")
    ? `, got ${preview(found.value)}`
    : ""
  return errorAt(source, document, [...at, ...inner], message + got)
}

const valueAt = (
  value: unknown,
  path: ReadonlyArray<PropertyKey>
): { readonly present: boolean; readonly value?: unknown } => {
  let current = value
  for (const segment of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) return { present: false }
    current = (current as Record<PropertyKey, unknown>)[segment]
  }
  return { present: true, value: current }
}

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

const decodeDocument = (
  value: unknown,
  source: string,
  document: Jsonc.Document | undefined
): HostConfig | HostConfigError => {
  const decoded = decodeAt(Document, value, [], source, document)
  if (decoded instanceof HostConfigError) return decoded
  if (decoded.mcpServers === undefined && decoded.servers === undefined) {
    return errorAt(source, document, [], "has neither \"mcpServers\" nor \"servers\"")
  }
  const servers: Array<ServerConfig> = []
  const seen = new Set<string>()
  for (const key of ["mcpServers", "servers"] as const) {
    const group = decoded[key]
    if (group === undefined) continue
    for (const [name, entry] of Object.entries(group)) {
      const at = [key, name]
      if (seen.has(name)) return errorAt(source, document, at, `names a server already configured`)
      seen.add(name)
      const server = decodeServer(name, entry, at, source, document)
      if (server instanceof HostConfigError) return server
      servers.push(server)
    }
  }
  const inputs = (decoded.inputs ?? []) as ReadonlyArray<Input>
  return { servers, inputs, source }
}

const decodeServer = (
  name: string,
  entry: unknown,
  at: ReadonlyArray<PropertyKey>,
  source: string,
  document: Jsonc.Document | undefined
): ServerConfig | HostConfigError => {
  if (!isObject(entry)) return errorAt(source, document, at, "Expected an object (a server entry)")
  const type = entry.type
  const kind = type === undefined
    ? ("command" in entry ? "stdio" : "url" in entry ? "http" : undefined)
    : type === "stdio"
    ? "stdio"
    : type === "http" || type === "streamable-http" || type === "streamableHttp" || type === "sse"
    ? "http"
    : "unknown"
  if (kind === undefined) return errorAt(source, document, at, "has neither \"command\" (stdio) nor \"url\" (HTTP)")
  if (kind === "unknown") {
    return errorAt(source, document, [...at, "type"], `Unknown server type ${JSON.stringify(type)} (stdio, http, sse)`)
  }
  if (kind === "stdio") {
    const stdio = decodeAt(StdioEntry, entry, at, source, document)
    if (stdio instanceof HostConfigError) return stdio
    return {
      _tag: "stdio",
      name,
      command: stdio.command,
      args: stdio.args ?? [],
      env: stdio.env ?? {},
      cwd: stdio.cwd,
      envFile: stdio.envFile,
      ...options(stdio, entry)
    }
  }
  const http = decodeAt(HttpEntry, entry, at, source, document)
  if (http instanceof HostConfigError) return http
  return {
    _tag: http.type === "sse" ? "sse" : "http",
    name,
    url: http.url,
    headers: http.headers ?? {},
    ...options(http, entry)
  }
}

const options = (
  decoded: Schema.Schema.Type<Schema.Struct<typeof commonFields>>,
  raw: { readonly [key: string]: unknown }
): ServerOptions => ({
  enabled: decoded.enabled ?? decoded.disabled !== true,
  timeout: decoded.timeout,
  maxConcurrency: decoded.maxConcurrency,
  include: decoded.include,
  exclude: decoded.exclude,
  prefix: decoded.prefix,
  lazy: decoded.lazy ?? false,
  restart: decoded.restart === false
    ? false
    : decoded.restart === true || decoded.restart === undefined
    ? {}
    : decoded.restart,
  keepalive: decoded.keepalive,
  raw
})
