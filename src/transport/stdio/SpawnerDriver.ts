/**
 * The stdio driver on `effect/process`'s `ChildProcessSpawner`, for any
 * runtime that provides one: stdout read as the spawner's stream (the
 * session's reader fiber pulls it), stdin written by a fiber that drains the
 * outbox into the spawner's sink, stderr read by a fiber.
 *
 * Internal: `StdioTransport.make` and `layer` load it when first used.
 *
 * @since 0.1.0
 */
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as ChildProcess from "effect/process/ChildProcess"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import type * as Pull from "effect/Pull"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { MessageTooLarge, TransportError } from "../../McpError.ts"
import type { TransportShape } from "../Transport.ts"
import * as Connection from "./Connection.ts"
import * as Outbox from "./Outbox.ts"
import * as Stderr from "./Stderr.ts"

const exitGrace: Effect.Effect<Option.Option<never>> = Effect.callback((resume) => {
  const timer = setTimeout(() => resume(Effect.succeed(Option.none())), Connection.exitGraceMillis)
  return Effect.sync(() => clearTimeout(timer))
})

/** The signal named in the spawner's error for a process killed by one. */
const signalOf = (cause: unknown): string | undefined => {
  const text = cause instanceof Error
    ? `${cause.message} ${String((cause as { cause?: unknown }).cause ?? "")}`
    : String(cause)
  return /signal: '?([A-Z0-9]+)'?/.exec(text)?.[1]
}

/**
 * Starts the server with the spawner and connects to it, in the current scope.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  settings: Connection.Settings
): Effect.Effect<TransportShape, TransportError, Scope.Scope | ChildProcessSpawner.ChildProcessSpawner> =>
  Effect.gen(function*() {
    const name = settings.name
    const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
    const command = ChildProcess.make(settings.command, [...settings.args], {
      env: settings.env,
      extendEnv: false,
      ...(settings.cwd === undefined ? {} : { cwd: settings.cwd }),
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe"
    })
    const handle = yield* spawner.spawn(command).pipe(
      Effect.mapError((error) => Connection.startFailed(settings.command, error))
    )

    // stderr: to the sink, and the last lines kept for error reports
    const stderr = Stderr.make(settings.tailSize)
    const sink = settings.sink ?? (() => Effect.void)
    yield* handle.stderr.pipe(
      Stream.runForEach((chunk) => Effect.forEach(stderr.push(chunk), sink, { discard: true })),
      Effect.andThen(Effect.suspend(() => Effect.forEach(stderr.end(), sink, { discard: true }))),
      Effect.ignore,
      Effect.forkScoped
    )

    // Exit: every later call, and the incoming stream, fail with the cause
    /** Why the connection ended, reported when the output ends (`Connection.exitGraceMillis`). */
    const describeExit = Effect.gen(function*() {
      const exit = yield* Effect.raceFirst(Effect.map(handle.exitCode, Option.some), exitGrace).pipe(Effect.exit)
      const ending: Connection.Ending = Exit.isSuccess(exit)
        ? Option.isSome(exit.value) ? { _tag: "Exited", code: exit.value.value } : { _tag: "OutputClosed" }
        : { _tag: "Signalled", signal: signalOf(Cause.squash(exit.cause)) }
      return Connection.ended(name, ending, stderr.tail())
    })

    // stdin: one writer fiber, so messages never interleave
    const stdin = Outbox.make(Connection.messagesPerWrite)
    const transport = new SpawnerTransport(name, stdin)
    yield* stdin.writes.pipe(Stream.run(handle.stdin), Effect.ignore, Effect.forkScoped)

    const child: Connection.Child = {
      endInput: stdin.end,
      exited: Effect.ignore(handle.exitCode),
      terminate: (killAfter: Duration.Duration) =>
        Effect.ignore(handle.kill({ killSignal: "SIGTERM", forceKillAfter: killAfter }))
    }
    yield* Effect.addFinalizer(() => Connection.shutdown(child, settings.closeTimeout, settings.killTimeout))

    const read = Connection.makeReader(settings.maxMessageBytes)
    /**
     * Decodes the chunks of each read in one step (no stream per message). Messages completed before a
     * line that passes the limit are still delivered; the stream fails with `MessageTooLarge` on the pull
     * after them.
     */
    const decodeReads = Channel.fromTransform(
      (upstream: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, TransportError>) =>
        Effect.sync(() => {
          let tooLarge: MessageTooLarge | undefined
          const next: Pull.Pull<Arr.NonEmptyReadonlyArray<unknown>, TransportError | MessageTooLarge> = Effect
            .suspend(() => tooLarge === undefined ? Effect.flatMap(upstream, decode) : Effect.fail(tooLarge))
          const decode = (chunks: Arr.NonEmptyReadonlyArray<Uint8Array>) => {
            const result = read(chunks)
            tooLarge = result.tooLarge
            const emit = result.values === undefined
              ? next
              : Effect.succeed(result.values as unknown as Arr.NonEmptyReadonlyArray<unknown>)
            return result.skipped === undefined
              ? emit
              : Effect.andThen(Connection.logSkipped(name, result.skipped), emit)
          }
          return next
        })
    )
    const incoming: Stream.Stream<unknown, TransportError | MessageTooLarge> = Stream.fromChannel(
      Channel.pipeTo(
        Stream.toChannel(Stream.mapError(handle.stdout, (error) => Connection.readFailed(name, error))),
        decodeReads
      )
    ).pipe(
      // End of output: the server is gone.
      Stream.concat(Stream.fromEffect(Effect.flatMap(describeExit, (error) => Effect.fail(error)))),
      Stream.tapError((error: TransportError | MessageTooLarge) =>
        Effect.sync(() => {
          transport.failure ??= error
          // A connection that failed is closed: the server's process is stopped by the finalizer.
          stdin.end()
        })
      )
    )

    transport.incoming = incoming
    return transport
  })

class SpawnerTransport extends Connection.Sender {
  incoming: Stream.Stream<unknown, TransportError | MessageTooLarge> = Stream.empty
}
