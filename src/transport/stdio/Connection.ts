/**
 * What both stdio drivers share (`StdioTransport.make` on `effect/process`'s
 * spawner, `StdioTransport.makeNode` on `node:child_process`): the resolved
 * settings, the reading of stdout into messages, the errors that report a
 * server's start and end, the sending side, and the shutdown ladder. A
 * driver only starts the process and moves its bytes.
 *
 * Internal: not exported from the package.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import { MessageTooLarge, TransportError } from "../../McpError.ts"
import type * as JsonRpc from "../../protocol/JsonRpc.ts"
import * as SystemError from "../SystemError.ts"
import type { ConnectionError, TransportShape } from "../Transport.ts"
import * as Framing from "./Framing.ts"
import type * as Outbox from "./Outbox.ts"

/**
 * A server's options, resolved once by `StdioTransport` for either driver.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** The whole environment of the child (the policy applied). */
  readonly env: Readonly<Record<string, string | Redacted.Redacted<string>>>
  readonly cwd: string | undefined
  /** For logs and errors. */
  readonly name: string
  /** Each stderr line's effect, `undefined` when stderr goes nowhere. */
  readonly sink: ((line: string) => Effect.Effect<void>) | undefined
  readonly tailSize: number
  readonly maxMessageBytes: number
  readonly closeTimeout: Duration.Duration
  readonly killTimeout: Duration.Duration
}

/**
 * How many queued messages one write carries at most.
 *
 * @category constants
 * @since 0.1.0
 */
export const messagesPerWrite = 32

/**
 * How long the output's end waits for the process's exit code. Measured in
 * real time, not on the Effect clock: it is the lag between two events of
 * the operating system about one process, not a delay of the protocol.
 *
 * @category constants
 * @since 0.1.0
 */
export const exitGraceMillis = 50

/**
 * The server could not be started.
 *
 * @category constructors
 * @since 0.1.0
 */
export const startFailed = (command: string, error: unknown): TransportError =>
  new TransportError({
    description: `Could not start the MCP server '${command}': ${SystemError.describe(error)}`,
    // Node's spawn error lists the arguments, which may hold a credential: only its code is kept.
    cause: SystemError.sanitize(error)
  })

/**
 * Reading the server's output failed.
 *
 * @category constructors
 * @since 0.1.0
 */
export const readFailed = (name: string, error: unknown): TransportError =>
  new TransportError({
    description: `Reading from '${name}' failed: ${SystemError.describe(error)}`,
    cause: SystemError.sanitize(error)
  })

/**
 * How the process ended, as far as known when its output ended: an exit
 * code, a signal, or nothing yet (it closed its output and lives on).
 *
 * @category models
 * @since 0.1.0
 */
export type Ending =
  | { readonly _tag: "Exited"; readonly code: number }
  | { readonly _tag: "Signalled"; readonly signal: string | undefined }
  | { readonly _tag: "OutputClosed" }

/**
 * Why the connection ended: the exit code or signal, and the stderr tail
 * (already redacted).
 *
 * @category constructors
 * @since 0.1.0
 */
export const ended = (name: string, ending: Ending, stderr: string): TransportError =>
  ending._tag === "Exited"
    ? new TransportError({ description: `The MCP server '${name}' exited`, exitCode: ending.code, stderr })
    : ending._tag === "OutputClosed"
    ? new TransportError({ description: `The MCP server '${name}' closed its output`, stderr })
    : new TransportError({
      description: `The MCP server '${name}' was stopped`,
      exitCode: null,
      ...(ending.signal === undefined ? {} : { signal: ending.signal }),
      stderr
    })

/**
 * What one read of stdout held: its messages, the lines that were not JSON,
 * and the overflow that ends the connection.
 *
 * @category models
 * @since 0.1.0
 */
export interface Read {
  readonly values: Array<unknown> | undefined
  readonly skipped: Array<Framing.Frame> | undefined
  readonly tooLarge: MessageTooLarge | undefined
}

/**
 * Decodes stdout's reads: each read's chunks in one step, whatever they hold.
 * Messages completed before a line that passes the limit are still returned,
 * with the overflow; after it, the reader is not to be used again.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeReader = (maxBytes: number): (chunks: ReadonlyArray<Uint8Array>) => Read => {
  const decoder = Framing.makeDecoder(maxBytes)
  return (chunks) => {
    let values: Array<unknown> | undefined
    let skipped: Array<Framing.Frame> | undefined
    let tooLarge: MessageTooLarge | undefined
    for (const chunk of chunks) {
      let frames = decoder.push(chunk)
      if (!Array.isArray(frames)) {
        const overflow = frames as Framing.Overflow
        tooLarge = new MessageTooLarge({ limitBytes: overflow.limitBytes, receivedBytes: overflow.receivedBytes })
        frames = overflow.frames
      }
      for (const frame of frames as ReadonlyArray<Framing.Frame>) {
        if (frame._tag === "Message") (values ??= []).push(frame.value)
        else (skipped ??= []).push(frame)
      }
      if (tooLarge !== undefined) break
    }
    return { values, skipped, tooLarge }
  }
}

/**
 * Logs the lines of stdout that were not JSON (a server printing a banner).
 *
 * @category utils
 * @since 0.1.0
 */
export const logSkipped = (name: string, skipped: ReadonlyArray<Framing.Frame>): Effect.Effect<void> =>
  Effect.forEach(
    skipped,
    (frame) =>
      Effect.logWarning(`Skipped a line from the MCP server '${name}' that is not JSON`).pipe(
        Effect.annotateLogs({ line: frame._tag === "Invalid" ? frame.text.slice(0, 200) : "" })
      ),
    { discard: true }
  )

/**
 * A stdio transport's sending side over its outbox, as a base class whose
 * methods are on the prototype (an open session holds its state, not a
 * closure per method): `send` and `offer` fail with the connection's
 * `failure` once it has one, and with a closed connection once the outbox has
 * ended. A driver adds `incoming` (and `listen`).
 *
 * @category models
 * @since 0.1.0
 */
export abstract class Sender implements TransportShape {
  /** Why the connection ended, once it has: set by the driver. */
  failure: TransportError | MessageTooLarge | undefined = undefined
  readonly name: string
  readonly outbox: Outbox.Outbox
  abstract readonly incoming: Stream.Stream<unknown, ConnectionError>

  constructor(name: string, outbox: Outbox.Outbox) {
    this.name = name
    this.outbox = outbox
  }

  offer(message: JsonRpc.Message): TransportError | undefined {
    const failed = this.failure
    if (failed !== undefined) {
      return failed._tag === "TransportError" ? failed : new TransportError({ description: failed.message })
    }
    if (!this.outbox.offer(JSON.stringify(message))) {
      return new TransportError({ description: `The connection to '${this.name}' is closed` })
    }
    return undefined
  }

  send(message: JsonRpc.Message): Effect.Effect<void, TransportError> {
    return Effect.suspend(() => {
      const error = this.offer(message)
      return error === undefined ? Effect.void : Effect.fail(error)
    })
  }

  telemetry(): { readonly [attribute: string]: string | number } {
    return stdioTelemetry
  }
}

/** OpenTelemetry's MCP conventions: stdio is a pipe. */
const stdioTelemetry = { "network.transport": "pipe" } as const

/**
 * A running server as the shutdown ladder sees it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Child {
  /** Closes the server's stdin once what is queued for it is written. */
  readonly endInput: () => void
  /** Waits for the server's process to exit. */
  readonly exited: Effect.Effect<void>
  /** SIGTERM to the process group; SIGKILL if it remains after `killAfter`; waits for the process's exit. */
  readonly terminate: (killAfter: Duration.Duration) => Effect.Effect<void>
}

/**
 * Shuts the server down as the specification describes
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#stdio):
 * stdin closed, a wait of `closeTimeout`; then SIGTERM, and SIGKILL after
 * `killTimeout`. The group is signalled even when the leader has exited: a
 * wrapper's children may remain.
 *
 * @category utils
 * @since 0.1.0
 */
export const shutdown = (
  child: Child,
  closeTimeout: Duration.Duration,
  killTimeout: Duration.Duration
): Effect.Effect<void> =>
  Effect.suspend(() => {
    // "the client SHOULD initiate shutdown by: First, closing the input stream to the child process"
    child.endInput()
    // "Waiting for the server to exit"; "Sending SIGTERM if the server does not exit within a reasonable
    // time; sending SIGKILL if the server does not exit within a reasonable time after SIGTERM".
    return Effect.andThen(
      Effect.ignore(Effect.timeoutOption(child.exited, closeTimeout)),
      Effect.ignore(child.terminate(killTimeout))
    )
  })
