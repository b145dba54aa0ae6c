/**
 * The server the command talks to: a stdio command (after `--`), an HTTP
 * endpoint (`--url`), or an entry of a configuration file (`--config
 * <file> [--server <name>]`, in the formats `McpHost` reads), and the
 * session opened to it.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as OAuthClient from "../auth/OAuthClient.ts"
import * as HostConfig from "../host/HostConfig.ts"
import type { ExpansionError, HostConfigError, ServerUnavailable } from "../host/HostError.ts"
import * as HostInputs from "../host/HostInputs.ts"
import * as Launch from "../host/Launch.ts"
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
  /** Answers to the configuration's `${input:id}` references, `id=value`. */
  readonly inputs: ReadonlyArray<string>
}

/**
 * The server, resolved: how to start or reach it, and the deadline its
 * configuration entry gives (`timeout`, in milliseconds), if any.
 *
 * @category models
 * @since 0.1.0
 */
export interface Resolved {
  readonly launch: Launch.Launch
  /** The configuration entry's name, with `--config`. */
  readonly name: string | undefined
  readonly timeoutMillis: number | undefined
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
 * Where the settings point: the stdio command after `--`, the URL, or the
 * entry of `--config` (the one `--server` names, or the file's only enabled
 * server). `--env` and `--header` add to an entry's own. Inputs are answered
 * by `--input`, else asked on the terminal (a secret one without echo),
 * else left unanswered, which fails with the `ExpansionError` naming them.
 * A `UsageError` when the command line names no server, or two.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Target } from "effect-mcp-client/cli"
 *
 * const launch = Effect.map(Target.resolve({
 *   url: undefined, headers: [], env: [], era: "auto", timeoutSeconds: undefined,
 *   config: ".mcp.json", server: "github", inputs: ["token=ghp_test"]
 * }, [], undefined), (resolved) => resolved.launch)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (
  settings: Settings,
  command: ReadonlyArray<string>,
  inputs: HostInputs.HostInputsShape | undefined
): Effect.Effect<Resolved, UsageError | HostConfigError | ExpansionError | ServerUnavailable> =>
  Effect.gen(function*() {
    const env = yield* pairs(settings.env, "=", "--env")
    const headers = yield* pairs(settings.headers, ":", "--header")
    if (settings.config === undefined) {
      if (settings.server !== undefined) {
        return yield* new UsageError({ description: "--server names an entry of --config <file>: give the file" })
      }
      if (settings.inputs.length > 0) return yield* new UsageError({ description: "--input applies to --config" })
      return { launch: yield* fromFlags(settings, command, env, headers), name: undefined, timeoutMillis: undefined }
    }
    if (settings.url !== undefined || command.length > 0) {
      return yield* new UsageError({
        description: "--config names the server: give --url or a command after -- without it, not with it"
      })
    }
    const config = yield* HostConfig.fromFile(settings.config)
    const entry = yield* pick(config, settings.server, settings.config)
    const answers = yield* pairs(settings.inputs, "=", "--input")
    const answer: HostInputs.HostInputsShape["answer"] = (input) =>
      Object.hasOwn(answers, input.id)
        ? Effect.succeed(answers[input.id])
        : inputs === undefined
        ? Effect.succeed(input.default)
        : inputs.answer(input)
    const resolver = yield* HostInputs.resolver(config.inputs).pipe(
      Effect.provideService(HostInputs.HostInputs, { answer }),
      Effect.provideService(HostInputs.Environment, { ...process.env })
    )
    const launch = yield* Launch.resolve(entry, resolver)
    if (launch._tag === "stdio") {
      if (settings.headers.length > 0) {
        return yield* new UsageError({ description: `--header applies to an HTTP server; '${entry.name}' is stdio` })
      }
      return { launch: { ...launch, env: { ...launch.env, ...env } }, name: entry.name, timeoutMillis: entry.timeout }
    }
    if (settings.env.length > 0) {
      return yield* new UsageError({ description: `--env applies to a stdio server; '${entry.name}' is HTTP` })
    }
    return {
      launch: { ...launch, headers: { ...launch.headers, ...headers } },
      name: entry.name,
      timeoutMillis: entry.timeout
    }
  })

/** The server of the flags alone: `--url`, or the command after `--`. */
const fromFlags = (
  settings: Settings,
  command: ReadonlyArray<string>,
  env: Record<string, string>,
  headers: Record<string, string>
): Effect.Effect<Launch.Launch, UsageError> =>
  Effect.gen(function*() {
    if (settings.url !== undefined && command.length > 0) {
      return yield* new UsageError({ description: "Give either --url or a server command after --, not both" })
    }
    if (settings.url !== undefined) {
      if (settings.env.length > 0) return yield* new UsageError({ description: "--env applies to a stdio server" })
      yield* Effect.try({
        try: () => new URL(settings.url!),
        catch: () => new UsageError({ description: `--url: '${settings.url}' is not a URL` })
      })
      return { _tag: "http", url: settings.url, headers }
    }
    if (command.length === 0) {
      return yield* new UsageError({
        description:
          "No server: give a server command after -- (effect-mcp tools -- npx -y my-server), --url, or --config"
      })
    }
    if (settings.headers.length > 0) return yield* new UsageError({ description: "--header applies to --url" })
    return { _tag: "stdio", command: command[0]!, args: command.slice(1), env, cwd: undefined }
  })

/** The entry `--server` names, or the only enabled one. */
const pick = (config: HostConfig.HostConfig, name: string | undefined, file: string) => {
  const names = config.servers.map((server) => server.name)
  if (name !== undefined) {
    const entry = config.servers.find((server) => server.name === name)
    return entry !== undefined ? Effect.succeed(entry) : Effect.fail(
      new UsageError({
        description: `${file} has no server '${name}'${
          names.length === 0 ? "" : `; it has ${names.map((n) => `'${n}'`).join(", ")}`
        }`
      })
    )
  }
  const enabled = config.servers.filter((server) => server.enabled)
  if (enabled.length === 1) return Effect.succeed(enabled[0]!)
  return Effect.fail(
    new UsageError({
      description: enabled.length === 0
        ? `${file} has no enabled server`
        : `${file} has ${enabled.length} servers: name one with --server (${
          enabled.map((server) => server.name).join(", ")
        })`
    })
  )
}

/**
 * The transport to the resolved server: the process started over stdio
 * (its stderr ignored), or Streamable HTTP (with the HTTP+SSE fallback)
 * with the OAuth client, if any.
 *
 * @example
 * ```ts
 * import { Target } from "effect-mcp-client/cli"
 *
 * const transport = Target.transport({ _tag: "http", url: "http://127.0.0.1:3000/mcp", headers: {} }, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const transport = (launch: Launch.Launch, auth: OAuthClient.OAuthClient | undefined) =>
  launch._tag === "stdio"
    ? StdioTransport.makeNode({
      command: launch.command,
      args: launch.args,
      env: launch.env,
      ...(launch.cwd === undefined ? {} : { cwd: launch.cwd }),
      stderr: "ignore"
    })
    : HttpTransport.makeNode({
      url: launch.url,
      headers: Object.fromEntries(
        Object.entries(launch.headers).map((
          [name, value]
        ) => [name, typeof value === "string" ? Redacted.make(value) : value])
      ),
      legacySseFallback: true,
      ...(auth === undefined ? {} : { auth })
    })

/**
 * Opens the session, in the current scope, with the handler services
 * (elicitation, sampling, roots) in context. `--timeout` is each request's
 * deadline, else the configuration entry's `timeout`, else ten minutes (a
 * call may wait for the user to answer the server).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Target } from "effect-mcp-client/cli"
 *
 * const info = Effect.scoped(Effect.map(
 *   Target.connect(
 *     { era: "auto", timeoutSeconds: 10 },
 *     { launch: { _tag: "stdio", command: "my-mcp-server", args: [], env: {}, cwd: undefined }, name: undefined, timeoutMillis: undefined },
 *     undefined
 *   ),
 *   (client) => client.serverInfo
 * ))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const connect = (
  settings: Pick<Settings, "era" | "timeoutSeconds">,
  resolved: Resolved,
  auth: OAuthClient.OAuthClient | undefined
): Effect.Effect<McpClient.McpClientShape, ConnectError, Scope.Scope> =>
  Effect.gen(function*() {
    const connection = yield* transport(resolved.launch, auth)
    const timeout = settings.timeoutSeconds !== undefined
      ? Duration.seconds(settings.timeoutSeconds)
      : resolved.timeoutMillis !== undefined
      ? Duration.millis(resolved.timeoutMillis)
      : Duration.minutes(10)
    return yield* McpClient.make({
      ...clientInfo,
      era: settings.era,
      timeout,
      // Starting a server counts towards the first exchange: --timeout is for requests, not for that.
      initializeTimeout: Duration.seconds(60),
      discoverTimeout: Duration.seconds(15),
      validateToolArguments: true
    }).pipe(Effect.provideService(Transport, connection))
  })
