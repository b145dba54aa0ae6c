/**
 * What starting one configured server takes once its `${…}` references are
 * expanded: the command line, environment and folder of a stdio server, or
 * the URL and headers of an HTTP one. The host opens its transports from
 * it, and so can any program that wants one entry of a configuration
 * without a host (the command-line client's `--config`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Expansion from "./Expansion.ts"
import * as HostConfig from "./HostConfig.ts"
import type { ExpansionError } from "./HostError.ts"
import { ServerUnavailable } from "./HostError.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * A stdio server, ready to spawn. `env` holds the entry's `envFile` and
 * `env` (entries of `env` win); a value that took a secret input is
 * `Redacted`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StdioLaunch {
  readonly _tag: "stdio"
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: { readonly [name: string]: Expansion.Expanded }
  readonly cwd: string | undefined
}

/**
 * An HTTP server, ready to connect to; a header that took a secret input is
 * `Redacted`.
 *
 * @category models
 * @since 0.1.0
 */
export interface HttpLaunch {
  readonly _tag: "http" | "sse"
  readonly url: string
  readonly headers: { readonly [name: string]: Expansion.Expanded }
}

/**
 * One server, ready to start.
 *
 * @category models
 * @since 0.1.0
 */
export type Launch = StdioLaunch | HttpLaunch

// =============================================================================
// Constructors
// =============================================================================

/**
 * Expands an entry's references: command, args, cwd, envFile, env, url and
 * headers. An unanswered reference fails with `ExpansionError` naming the
 * server, the field and the variable; an `envFile` that cannot be read
 * fails with `ServerUnavailable` naming the file.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HostConfig, HostInputs, Launch } from "effect-mcp-client"
 *
 * const launch = Effect.gen(function*() {
 *   const config = yield* HostConfig.fromObject({ mcpServers: { git: { command: "uvx", args: ["mcp-server-git"] } } })
 *   return yield* Launch.resolve(config.servers[0]!, yield* HostInputs.resolver(config.inputs))
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (
  server: HostConfig.ServerConfig,
  resolver: Expansion.Resolver
): Effect.Effect<Launch, ExpansionError | ServerUnavailable> =>
  Effect.gen(function*() {
    const expand = (value: string, field: string) => Expansion.expand(value, resolver, { server: server.name, field })
    const expandMap = (values: { readonly [name: string]: string }, field: string) =>
      Effect.forEach(
        Object.entries(values),
        ([name, value]) => Effect.map(expand(value, `${field}.${name}`), (expanded) => [name, expanded] as const)
      ).pipe(Effect.map((entries) => Object.fromEntries(entries)))
    if (server._tag === "stdio") {
      const command = Expansion.reveal(yield* expand(server.command, "command"))
      const args = yield* Effect.forEach(
        server.args,
        (arg, index) => Effect.map(expand(arg, `args[${index}]`), Expansion.reveal)
      )
      const cwd = server.cwd === undefined ? undefined : Expansion.reveal(yield* expand(server.cwd, "cwd"))
      const fromFile = server.envFile === undefined ? {} : yield* readEnvFile(
        Expansion.reveal(yield* expand(server.envFile, "envFile")),
        server.name
      )
      const env = { ...fromFile, ...(yield* expandMap(server.env, "env")) }
      return { _tag: "stdio", command, args, env, cwd }
    }
    const url = Expansion.reveal(yield* expand(server.url, "url"))
    return { _tag: server._tag, url, headers: yield* expandMap(server.headers, "headers") }
  })

const readEnvFile = (path: string, server: string) =>
  Effect.tryPromise({
    try: async () => HostConfig.parseEnvFile(await (await import("node:fs/promises")).readFile(path, "utf8")),
    catch: (cause) =>
      new ServerUnavailable({
        server,
        state: "starting",
        lastError: `envFile ${path} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })
