/**
 * The stdio transport: an MCP server run as a child process, spoken to with
 * newline-delimited JSON on its stdin and stdout.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio)
 *
 * - No shell: the command and its arguments are passed as given.
 * - The child gets a small allow-list of the parent's environment (what a
 *   program needs to run) plus what the caller passes; secrets in the
 *   parent's environment reach the server only when asked for. Values may be
 *   `Redacted`.
 * - A line on stdout that is not JSON (a server printing a banner) is logged
 *   and skipped. A message over the size limit fails the connection with
 *   `MessageTooLarge`.
 * - stderr goes to a sink of the caller's choice (by default the Effect
 *   logger at debug level), and its last lines are kept: when the server
 *   dies, every pending request fails at once with a `TransportError` that
 *   carries the exit code or signal and that stderr tail.
 * - Closing the scope shuts the server down as the specification describes:
 *   close its stdin, wait; SIGTERM, wait; SIGKILL. Signals go to the whole
 *   process group, so wrappers (`npx`, shell scripts) leave no grandchildren.
 *
 * Two drivers run the process, with one framing, outbox, environment policy,
 * stderr tail and shutdown ladder: `makeNode` / `layerNode` on Node's
 * `node:child_process` (no fiber while a session is idle: the pipes' events
 * drive it), and `make` / `layer` on `effect/process`'s
 * `ChildProcessSpawner`, for any runtime that provides one (loaded when first
 * used).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { TransportError } from "../McpError.ts"
import type * as Connection from "./stdio/Connection.ts"
import * as NodeDriver from "./stdio/NodeDriver.ts"
import * as Stderr from "./stdio/Stderr.ts"
import { layerConnect, type Transport, type TransportShape } from "./Transport.ts"

/**
 * Where the server's stderr goes, besides the kept tail.
 *
 * - `"log"` (default): the Effect logger, at debug level, annotated with
 *   the server's name.
 * - `"ignore"`: nowhere.
 * - a function: called with each line.
 *
 * @category models
 * @since 0.1.0
 */
export type StderrSink = Stderr.Sink

/**
 * How to start and stop the server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The program to run (looked up on `PATH`). */
  readonly command: string
  /** Its arguments, passed as given (no shell). */
  readonly args?: ReadonlyArray<string> | undefined
  /** Variables to set, on top of the allow-list (or of everything, with `inheritEnv`). */
  readonly env?: { readonly [name: string]: string | Redacted.Redacted<string> } | undefined
  /**
   * Pass the whole environment of this process instead of the allow-list.
   * Off by default: servers should get only what they need.
   */
  readonly inheritEnv?: boolean | undefined
  /** The working directory. */
  readonly cwd?: string | undefined
  /** A name for logs and errors. Defaults to the command. */
  readonly name?: string | undefined
  /** Where stderr goes. Defaults to `"log"`. */
  readonly stderr?: StderrSink | undefined
  /** How many lines of stderr to keep for error reports. Defaults to 20. */
  readonly stderrTail?: number | undefined
  /** The largest message accepted from the server. Defaults to 16 MiB. */
  readonly maxMessageBytes?: number | undefined
  /** How long to wait for the server to exit after its stdin is closed. Defaults to 2 seconds. */
  readonly closeTimeout?: Duration.Input | undefined
  /** How long to wait after SIGTERM before SIGKILL. Defaults to 2 seconds. */
  readonly killTimeout?: Duration.Input | undefined
}

/**
 * The variables a child gets from this process by default: what programs
 * need to run, and nothing that is usually secret.
 *
 * @category constants
 * @since 0.1.0
 */
export const defaultInheritedVariables: ReadonlyArray<string> = process.platform === "win32"
  ? [
    "APPDATA",
    "HOMEDRIVE",
    "HOMEPATH",
    "LOCALAPPDATA",
    "PATH",
    "PATHEXT",
    "PROCESSOR_ARCHITECTURE",
    "SYSTEMDRIVE",
    "SYSTEMROOT",
    "TEMP",
    "TMP",
    "USERNAME",
    "USERPROFILE",
    "PROGRAMFILES",
    "COMSPEC"
  ]
  : ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ"]

/**
 * The environment a child gets: the allow-list (or everything) plus the
 * caller's variables.
 *
 * @category utils
 * @since 0.1.0
 */
export const childEnvironment = (
  options: Pick<Options, "env" | "inheritEnv">
): Record<string, string | Redacted.Redacted<string>> => {
  const inherited: Record<string, string | Redacted.Redacted<string>> = {}
  const names = options.inheritEnv === true ? Object.keys(process.env) : defaultInheritedVariables
  for (const name of names) {
    const value = process.env[name]
    if (value !== undefined) inherited[name] = value
  }
  return { ...inherited, ...options.env }
}

const defaults = {
  stderrTail: 20,
  maxMessageBytes: 16 * 1024 * 1024,
  closeTimeout: Duration.seconds(2),
  killTimeout: Duration.seconds(2)
}

/** The options resolved, the environment policy applied: what either driver runs. */
const settingsOf = (options: Options): Connection.Settings => {
  const name = options.name ?? options.command
  return {
    command: options.command,
    args: options.args ?? [],
    env: childEnvironment(options),
    cwd: options.cwd,
    name,
    sink: Stderr.sinkOf(options.stderr, name),
    tailSize: options.stderrTail ?? defaults.stderrTail,
    maxMessageBytes: options.maxMessageBytes ?? defaults.maxMessageBytes,
    closeTimeout: options.closeTimeout === undefined
      ? defaults.closeTimeout
      : Duration.fromInputUnsafe(options.closeTimeout),
    killTimeout: options.killTimeout === undefined
      ? defaults.killTimeout
      : Duration.fromInputUnsafe(options.killTimeout)
  }
}

/**
 * Starts the server with a `ChildProcessSpawner` and connects to it, in the
 * current scope. Closing the scope shuts the server down. On Node,
 * `makeNode` does the same without a spawner to provide, lighter and faster.
 *
 * **Example** (A server started with the platform's spawner)
 *
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import * as Effect from "effect/Effect"
 * import * as McpClient from "effect-mcp-client/McpClient"
 * import * as StdioTransport from "effect-mcp-client/StdioTransport"
 * import * as Transport from "effect-mcp-client/Transport"
 *
 * const tools = McpClient.make({ name: "app", version: "1.0.0" }).pipe(
 *   Effect.provideServiceEffect(Transport.Transport, StdioTransport.make({ command: "my-mcp-server" })),
 *   Effect.flatMap((client) => client.listTools()),
 *   Effect.scoped,
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<TransportShape, TransportError, Scope.Scope | ChildProcessSpawner.ChildProcessSpawner> =>
  Effect.flatMap(spawnerDriver, (driver) => driver.make(settingsOf(options)))

/** The spawner's driver, loaded when first used: a process that runs `makeNode` never loads `effect/process`. */
const spawnerDriver = Effect.promise(() => import("./stdio/SpawnerDriver.ts"))

/**
 * A `Transport` layer that runs an MCP server as a child process. Needs a
 * `ChildProcessSpawner` (use `layerNode` on Node).
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  options: Options
): Layer.Layer<Transport, TransportError, ChildProcessSpawner.ChildProcessSpawner> => layerConnect(() => make(options))

/**
 * A `Transport` layer that runs an MCP server as a child process, on Node's
 * `node:child_process`.
 *
 * **Example** (A session with a local server)
 *
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as McpClient from "effect-mcp-client/McpClient"
 * import * as StdioTransport from "effect-mcp-client/StdioTransport"
 *
 * const Session = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(StdioTransport.layerNode({ command: "npx", args: ["-y", "@modelcontextprotocol/server-everything"] }))
 * )
 * const tools = Effect.flatMap(Effect.service(McpClient.McpClient), (client) => client.listTools()).pipe(
 *   Effect.provide(Session)
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerNode = (options: Options): Layer.Layer<Transport, TransportError> =>
  layerConnect(() => makeNode(options))

/**
 * Runs an MCP server as a child process on Node's `node:child_process`, in
 * the current scope: `make` without a spawner to provide. For opening
 * sessions one by one in a scope (`McpClient.make`) rather than as layers.
 *
 * An idle session holds no fiber: replies are decoded as stdout's `data`
 * events arrive and handed to the session (`Transport.listen`), writes go to
 * stdin as they are ready (held while stdin asks to wait for its `drain`),
 * and stderr's lines are handed to the sink as they come.
 *
 * **Example** (A session opened in a scope)
 *
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as McpClient from "effect-mcp-client/McpClient"
 * import * as StdioTransport from "effect-mcp-client/StdioTransport"
 * import * as Transport from "effect-mcp-client/Transport"
 *
 * const tools = McpClient.make({ name: "app", version: "1.0.0" }).pipe(
 *   Effect.provideServiceEffect(Transport.Transport, StdioTransport.makeNode({ command: "my-mcp-server" })),
 *   Effect.flatMap((client) => client.listTools()),
 *   Effect.scoped
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeNode = (options: Options): Effect.Effect<TransportShape, TransportError, Scope.Scope> =>
  Effect.suspend(() => NodeDriver.make(settingsOf(options)))
