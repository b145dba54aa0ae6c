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
 * @since 0.1.0
 */
import * as NodeChildProcessSpawner from "@effect/platform-node/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ChildProcess from "effect/process/ChildProcess"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import type * as Pull from "effect/Pull"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { MessageTooLarge, TransportError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Redaction from "./Redaction.ts"
import * as Framing from "./stdio/Framing.ts"
import * as Outbox from "./stdio/Outbox.ts"
import * as SystemError from "./SystemError.ts"
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
export type StderrSink = "log" | "ignore" | ((line: string) => Effect.Effect<void>)

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

/** How many queued messages one write carries at most. */
const messagesPerWrite = 32

/** The signal named in the spawner's error for a process killed by one. */
/**
 * How long the output's end waits for the process's exit code. Measured in
 * real time, not on the Effect clock: it is the lag between two events of
 * the operating system about one process, not a delay of the protocol.
 */
const exitGraceMillis = 50

const exitGrace: Effect.Effect<Option.Option<never>> = Effect.callback((resume) => {
  const timer = setTimeout(() => resume(Effect.succeed(Option.none())), exitGraceMillis)
  return Effect.sync(() => clearTimeout(timer))
})

const signalOf = (cause: unknown): string | undefined => {
  const text = cause instanceof Error
    ? `${cause.message} ${String((cause as { cause?: unknown }).cause ?? "")}`
    : String(cause)
  return /signal: '?([A-Z0-9]+)'?/.exec(text)?.[1]
}

/**
 * Starts the server and connects to it, in the current scope. Closing the
 * scope shuts the server down.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<TransportShape, TransportError, Scope.Scope | ChildProcessSpawner.ChildProcessSpawner> =>
  Effect.gen(function*() {
    const name = options.name ?? options.command
    const maxBytes = options.maxMessageBytes ?? defaults.maxMessageBytes
    const tailSize = options.stderrTail ?? defaults.stderrTail
    const closeTimeout = options.closeTimeout === undefined
      ? defaults.closeTimeout
      : Duration.fromInputUnsafe(options.closeTimeout)
    const killTimeout = options.killTimeout === undefined
      ? defaults.killTimeout
      : Duration.fromInputUnsafe(options.killTimeout)

    const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
    const command = ChildProcess.make(options.command, [...(options.args ?? [])], {
      env: childEnvironment(options),
      extendEnv: false,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe"
    })
    const handle = yield* spawner.spawn(command).pipe(
      Effect.mapError((error) =>
        new TransportError({
          description: `Could not start the MCP server '${options.command}': ${SystemError.describe(error)}`,
          // Node's spawn error lists the arguments, which may hold a credential: only its code is kept.
          cause: SystemError.sanitize(error)
        })
      )
    )

    // -------------------------------------------------------------------------
    // stderr: to the sink, and the last lines kept for error reports
    // -------------------------------------------------------------------------
    const tail: Array<string> = []
    const sink = options.stderr ?? "log"
    const toSink = sink === "ignore"
      ? () => Effect.void
      : sink === "log"
      ? (line: string) => Effect.logDebug(line).pipe(Effect.annotateLogs({ mcpServer: name, stream: "stderr" }))
      : sink
    yield* handle.stderr.pipe(
      Stream.decodeText,
      Stream.splitLines,
      Stream.runForEach((line) => {
        tail.push(line)
        if (tail.length > tailSize) tail.shift()
        return toSink(line)
      }),
      Effect.ignore,
      Effect.forkScoped
    )

    // -------------------------------------------------------------------------
    // Exit: every later call, and the incoming stream, fail with the cause
    // -------------------------------------------------------------------------
    let failure: TransportError | MessageTooLarge | undefined
    /**
     * Why the connection ended: the exit code or signal, and the stderr tail.
     * The output ending is reported at once; the exit code is part of the
     * report when the process exits within `exitGraceMillis` of closing its
     * output, as a process that ends does. A process that closed its output
     * and lives on is not waited for.
     */
    const describeExit = Effect.gen(function*() {
      const exit = yield* Effect.raceFirst(Effect.map(handle.exitCode, Option.some), exitGrace).pipe(Effect.exit)
      // What the server printed may echo a credential from its environment.
      const stderr = Redaction.redactText(tail.join("\n"))
      if (Exit.isSuccess(exit)) {
        return Option.isSome(exit.value)
          ? new TransportError({ description: `The MCP server '${name}' exited`, exitCode: exit.value.value, stderr })
          : new TransportError({ description: `The MCP server '${name}' closed its output`, stderr })
      }
      const error = Cause.squash(exit.cause)
      const signal = signalOf(error)
      return new TransportError({
        description: `The MCP server '${name}' was stopped`,
        exitCode: null,
        ...(signal === undefined ? {} : { signal }),
        stderr
      })
    })

    // -------------------------------------------------------------------------
    // stdin: one writer fiber, so messages never interleave
    // -------------------------------------------------------------------------
    // Messages sent together are written together, a few at a time: fewer writes, and
    // the server starts on the first ones while the rest are still being written.
    const stdin = Outbox.make(messagesPerWrite)
    yield* stdin.writes.pipe(Stream.run(handle.stdin), Effect.ignore, Effect.forkScoped)

    // -------------------------------------------------------------------------
    // Shutdown (https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#stdio)
    // -------------------------------------------------------------------------
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        // "the client SHOULD initiate shutdown by: First, closing the input stream to the child process"
        stdin.end()
        // "Waiting for the server to exit"
        yield* handle.exitCode.pipe(Effect.timeoutOption(closeTimeout), Effect.ignore)
        // "Sending SIGTERM if the server does not exit within a reasonable time;
        // sending SIGKILL if the server does not exit within a reasonable time after SIGTERM".
        // The group is signalled even when the leader has exited: a wrapper's children may remain.
        yield* handle.kill({ killSignal: "SIGTERM", forceKillAfter: killTimeout }).pipe(Effect.ignore)
      })
    )

    const decoder = Framing.makeDecoder(maxBytes)
    const logSkipped = (skipped: ReadonlyArray<Framing.Frame>) =>
      Effect.forEach(
        skipped,
        (frame) =>
          Effect.logWarning(`Skipped a line from the MCP server '${name}' that is not JSON`).pipe(
            Effect.annotateLogs({ line: frame._tag === "Invalid" ? frame.text.slice(0, 200) : "" })
          ),
        { discard: true }
      )
    /**
     * Decodes the chunks of each read in one step, whatever they hold (no stream per
     * message). Messages completed before a line that passes the limit are still
     * delivered; the stream fails with `MessageTooLarge` on the pull after them.
     */
    const decodeReads = Channel.fromTransform(
      (upstream: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, TransportError>) =>
        Effect.sync(() => {
          let tooLarge: MessageTooLarge | undefined
          const next: Pull.Pull<Arr.NonEmptyReadonlyArray<unknown>, TransportError | MessageTooLarge> = Effect
            .suspend(() => tooLarge === undefined ? Effect.flatMap(upstream, decode) : Effect.fail(tooLarge))
          const decode = (chunks: Arr.NonEmptyReadonlyArray<Uint8Array>) => {
            let values: Array<unknown> | undefined
            let skipped: Array<Framing.Frame> | undefined
            for (const chunk of chunks) {
              let frames = decoder.push(chunk)
              if (!Array.isArray(frames)) {
                const overflow = frames as Framing.Overflow
                tooLarge = new MessageTooLarge({
                  limitBytes: overflow.limitBytes,
                  receivedBytes: overflow.receivedBytes
                })
                frames = overflow.frames
              }
              for (const frame of frames as ReadonlyArray<Framing.Frame>) {
                if (frame._tag === "Message") (values ??= []).push(frame.value)
                else (skipped ??= []).push(frame)
              }
              if (tooLarge !== undefined) break
            }
            const emit = values === undefined
              ? next
              : Effect.succeed(values as unknown as Arr.NonEmptyReadonlyArray<unknown>)
            return skipped === undefined ? emit : Effect.andThen(logSkipped(skipped), emit)
          }
          return next
        })
    )
    const incoming: Stream.Stream<unknown, TransportError | MessageTooLarge> = Stream.fromChannel(
      Channel.pipeTo(
        Stream.toChannel(
          Stream.mapError(
            handle.stdout,
            (error) =>
              new TransportError({
                description: `Reading from '${name}' failed: ${SystemError.describe(error)}`,
                cause: SystemError.sanitize(error)
              })
          )
        ),
        decodeReads
      )
    ).pipe(
      // End of output: the server is gone.
      Stream.concat(Stream.fromEffect(Effect.flatMap(describeExit, (error) => Effect.fail(error)))),
      Stream.tapError((error: TransportError | MessageTooLarge) =>
        Effect.sync(() => {
          failure ??= error
          // A connection that failed is closed: the server's process is stopped by the finalizer.
          stdin.end()
        })
      )
    )

    const offer = (message: JsonRpc.Message): TransportError | undefined => {
      if (failure !== undefined) {
        return failure._tag === "TransportError" ? failure : new TransportError({ description: failure.message })
      }
      if (!stdin.offer(JSON.stringify(message))) {
        return new TransportError({ description: `The connection to '${name}' is closed` })
      }
      return undefined
    }
    return {
      send: (message: JsonRpc.Message) =>
        Effect.suspend(() => {
          const error = offer(message)
          return error === undefined ? Effect.void : Effect.fail(error)
        }),
      offer,
      incoming,
      telemetry: () => stdioTelemetry
    } satisfies TransportShape
  })

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
 * A `Transport` layer that runs an MCP server as a child process, with
 * Node's process spawner.
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
 * Runs an MCP server as a child process with Node's process spawner, in the
 * current scope: `make` without the spawner to provide. For opening
 * sessions one by one in a scope (`McpClient.make`) rather than as layers.
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
  Effect.flatMap(nodeSpawnerServices, (services) => Effect.provide(make(options), services))

/** Node's process spawner, with only the services it needs (not the terminal or stdio ones). */
const nodeSpawner = NodeChildProcessSpawner.layer.pipe(
  Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))
)

let nodeSpawnerBuilt: Context.Context<ChildProcessSpawner.ChildProcessSpawner> | undefined

/**
 * The spawner's services, built once for all sessions: its layers hold no resource (no finalizer, no state), so one
 * build serves every session, instead of a spawner, file system and path service kept by each (about 6 KiB a session).
 */
const nodeSpawnerServices = Effect.suspend(() =>
  nodeSpawnerBuilt === undefined
    ? Effect.map(Effect.scoped(Layer.build(nodeSpawner)), (services) => (nodeSpawnerBuilt = services))
    : Effect.succeed(nodeSpawnerBuilt)
)

/** OpenTelemetry's MCP conventions: stdio is a pipe. */
const stdioTelemetry = { "network.transport": "pipe" } as const
