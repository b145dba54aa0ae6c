/**
 * The server the command talks to: a stdio command (after `--`) or an HTTP
 * endpoint (`--url`), and the session opened to it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as OAuthClient from "../auth/OAuthClient.ts"
import * as McpClient from "../McpClient.ts"
import type { ConnectError } from "../McpError.ts"
import * as HttpTransport from "../transport/HttpTransport.ts"
import * as StdioTransport from "../transport/StdioTransport.ts"
import { Transport } from "../transport/Transport.ts"
import { UsageError } from "./ExitCode.ts"

/**
 * The words after `--` on the command line: the server to start over stdio.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Target } from "effect-mcp-client/cli"
 *
 * const program = Effect.provideService(Effect.void, Target.ServerCommand, ["npx", "-y", "@modelcontextprotocol/server-everything"])
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const ServerCommand: Context.Reference<ReadonlyArray<string>> = Context.Reference(
  "effect-mcp-client/cli/ServerCommand",
  { defaultValue: (): ReadonlyArray<string> => [] }
)

/**
 * How to reach the server, from the command line.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly url: string | undefined
  readonly headers: ReadonlyArray<string>
  readonly env: ReadonlyArray<string>
  readonly era: "auto" | "legacy" | "modern"
  readonly timeoutSeconds: number | undefined
  readonly config: string | undefined
  readonly server: string | undefined
}

/** The client's name and version, as sent to servers. */
export const clientInfo = { name: "effect-mcp", version: "0.1.0" } as const

const pairs = (
  values: ReadonlyArray<string>,
  separator: string,
  flag: string
): Effect.Effect<Record<string, string>, UsageError> =>
  Effect.suspend(() => {
    const out: Record<string, string> = {}
    for (const value of values) {
      const index = value.indexOf(separator)
      if (index <= 0) {
        return Effect.fail(
          new UsageError({ description: `${flag} expects NAME${separator}VALUE, got '${value}'` })
        )
      }
      out[value.slice(0, index).trim()] = value.slice(index + 1).trim()
    }
    return Effect.succeed(out)
  })

/**
 * The transport for the settings: the stdio command after `--`, else the
 * URL; a `UsageError` when there is neither, or both.
 *
 * @example
 * ```ts
 * import { Target } from "effect-mcp-client/cli"
 *
 * const transport = Target.transport({
 *   url: "http://127.0.0.1:3000/mcp", headers: [], env: [], era: "auto",
 *   timeoutSeconds: undefined, config: undefined, server: undefined
 * }, [], undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const transport = (
  settings: Settings,
  command: ReadonlyArray<string>,
  auth: OAuthClient.OAuthClient | undefined
) =>
  Effect.gen(function*() {
    if (settings.config !== undefined || settings.server !== undefined) {
      return yield* new UsageError({
        description: "--config/--server are not available yet: give a server command after -- or --url"
      })
    }
    if (settings.url !== undefined && command.length > 0) {
      return yield* new UsageError({ description: "Give either --url or a server command after --, not both" })
    }
    if (settings.url !== undefined) {
      if (settings.env.length > 0) return yield* new UsageError({ description: "--env applies to a stdio server" })
      const url = yield* Effect.try({
        try: () => new URL(settings.url!),
        catch: () => new UsageError({ description: `--url: '${settings.url}' is not a URL` })
      })
      const headers = yield* pairs(settings.headers, ":", "--header")
      return yield* HttpTransport.makeNode({
        url,
        headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Redacted.make(value)])),
        ...(auth === undefined ? {} : { auth })
      })
    }
    if (command.length === 0) {
      return yield* new UsageError({
        description: "No server: give a server command after -- (effect-mcp tools -- npx -y my-server) or --url"
      })
    }
    if (settings.headers.length > 0) return yield* new UsageError({ description: "--header applies to --url" })
    const env = yield* pairs(settings.env, "=", "--env")
    return yield* StdioTransport.makeNode({
      command: command[0]!,
      args: command.slice(1),
      env,
      stderr: "ignore"
    })
  })

/**
 * Opens the session, in the current scope, with the handler services
 * (elicitation, sampling, roots) in context.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Target } from "effect-mcp-client/cli"
 *
 * const info = Effect.scoped(Effect.map(
 *   Target.connect({
 *     url: undefined, headers: [], env: [], era: "auto",
 *     timeoutSeconds: 10, config: undefined, server: undefined
 *   }, ["my-mcp-server"], undefined),
 *   (client) => client.serverInfo
 * ))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const connect = (
  settings: Settings,
  command: ReadonlyArray<string>,
  auth: OAuthClient.OAuthClient | undefined
): Effect.Effect<McpClient.McpClientShape, ConnectError | UsageError, Scope.Scope> =>
  Effect.gen(function*() {
    const connection = yield* transport(settings, command, auth)
    const timeout = settings.timeoutSeconds === undefined ? undefined : Duration.seconds(settings.timeoutSeconds)
    return yield* McpClient.make({
      ...clientInfo,
      era: settings.era,
      // Without --timeout, 10 minutes: a call may wait for the user to answer the server.
      timeout: timeout ?? Duration.minutes(10),
      // Starting a server counts towards the first exchange: --timeout is for requests, not for that.
      initializeTimeout: Duration.seconds(60),
      discoverTimeout: Duration.seconds(15),
      validateToolArguments: true
    }).pipe(Effect.provideService(Transport, connection))
  })
