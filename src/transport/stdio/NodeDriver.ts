/**
 * The stdio driver on Node's `node:child_process`, with no fiber while the
 * session is idle: stdout's `data` events are decoded and handed to the
 * session's listener (`TransportShape.listen`) as they arrive, the outbox
 * writes to stdin as its writes are ready (holding them while stdin waits
 * for `drain`), stderr's lines go to the sink in a fiber only while there are
 * lines to hand over, and the process's end is an event, not a waiting fiber.
 *
 * Internal: `StdioTransport.makeNode` and `layerNode` run it.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as NodeChildProcess from "node:child_process"
import { existsSync } from "node:fs"
import type { MessageTooLarge, TransportError } from "../../McpError.ts"
import { Inbox } from "../Inbox.ts"
import type { ConnectionError, Listener, TransportShape } from "../Transport.ts"
import * as Connection from "./Connection.ts"
import * as Outbox from "./Outbox.ts"
import * as Stderr from "./Stderr.ts"

const isWindows = process.platform === "win32"
/** How often the process group is checked while waiting for it to be gone. */
const pollMillis = 10
/** How long the group is waited for after SIGKILL. */
const afterKillMillis = 1_000

/**
 * Starts the server and connects to it, in the current scope.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (settings: Connection.Settings): Effect.Effect<TransportShape, TransportError, Scope.Scope> =>
  Effect.flatMap(
    Effect.context<never>(),
    (context) =>
      Effect.uninterruptible(
        Effect.flatMap(
          spawn(settings, Effect.runForkWith(context)),
          connected(settings.closeTimeout, settings.killTimeout)
        )
      )
  )

/**
 * The shutdown registered, made outside `make`: an open session keeps only what it uses of the settings
 * (not the child's environment, which a closure made inside `make`, or `Effect.acquireRelease`'s, would keep
 * through the effect that spawned the child).
 */
const connected = (closeTimeout: Duration.Duration, killTimeout: Duration.Duration) => (child: Child) =>
  Effect.as(
    Effect.addFinalizer(() => Effect.andThen(Connection.shutdown(child, closeTimeout, killTimeout), child.stopSink)),
    child as TransportShape
  )

/** Runs an effect in a fiber of its own, with the session's services (its logger among them). */
type Fork = (effect: Effect.Effect<void>) => Fiber.Fiber<void>

const unwrapped = (env: Connection.Settings["env"]): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in env) {
    const value = env[name]!
    out[name] = Redacted.isRedacted(value) ? Redacted.value(value) : value
  }
  return out
}

/** The first NUL in what is passed to the child: Node's own check would put the value in its error. */
const nulIn = (settings: Connection.Settings, env: Record<string, string>): string | undefined => {
  if (settings.command.includes("\0")) return "the command contains a NUL character"
  const index = settings.args.findIndex((arg) => arg.includes("\0"))
  if (index !== -1) return `argument ${index + 1} contains a NUL character`
  for (const name in env) {
    if (env[name]!.includes("\0")) return `the environment variable ${name} contains a NUL character`
  }
  return undefined
}

const spawn = (settings: Connection.Settings, fork: Fork): Effect.Effect<Child, TransportError> =>
  Effect.callback((resume) => {
    const env = unwrapped(settings.env)
    const nul = nulIn(settings, env)
    if (nul !== undefined) return resume(Effect.fail(Connection.startFailed(settings.command, new Error(nul))))
    let child: NodeChildProcess.ChildProcessWithoutNullStreams
    try {
      child = NodeChildProcess.spawn(settings.command, settings.args, {
        env,
        ...(settings.cwd === undefined ? {} : { cwd: settings.cwd }),
        stdio: "pipe",
        // Its own process group, so that the shutdown reaches a wrapper's children.
        detached: !isWindows,
        windowsHide: true
      })
    } catch (error) {
      return resume(Effect.fail(Connection.startFailed(settings.command, error)))
    }
    const onError = (error: Error) => {
      child.off("spawn", onSpawn)
      resume(Effect.fail(Connection.startFailed(settings.command, withCwd(error, settings.cwd))))
    }
    const onSpawn = () => {
      child.off("error", onError)
      resume(Effect.succeed(new Child(child, settings, fork)))
    }
    child.once("error", onError)
    child.once("spawn", onSpawn)
  })

/** Node reports a missing working directory as the command's `ENOENT`: the directory is named instead. */
const withCwd = (error: Error, cwd: string | undefined): Error =>
  cwd === undefined || (error as { code?: unknown }).code !== "ENOENT" || existsSync(cwd)
    ? error
    : Object.assign(new Error(`the working directory '${cwd}' does not exist`), { code: "ENOENT" })

const ignore = () => {}

type Exit = { readonly code: number | null; readonly signal: NodeJS.Signals | null }

/** One running server: its process, its pipes' listeners, and the transport over them. */
class Child extends Connection.Sender implements Connection.Child {
  readonly #process: NodeChildProcess.ChildProcessWithoutNullStreams
  readonly #sink: ((line: string) => Effect.Effect<void>) | undefined
  readonly #fork: Fork
  readonly #inbox = new Inbox()
  readonly #read: (chunks: ReadonlyArray<Uint8Array>) => Connection.Read
  readonly #stderr: Stderr.Stderr
  #exit: Exit | undefined = undefined
  #onExit: Array<() => void> | undefined = undefined
  // stderr's lines waiting for the sink, and the fiber handing them over while there are some.
  #lines: Array<string> = []
  #sinkFiber: Fiber.Fiber<void> | undefined = undefined

  constructor(child: NodeChildProcess.ChildProcessWithoutNullStreams, settings: Connection.Settings, fork: Fork) {
    super(settings.name, Outbox.make(Connection.messagesPerWrite))
    this.#process = child
    this.#sink = settings.sink
    this.#fork = fork
    this.#read = Connection.makeReader(settings.maxMessageBytes)
    this.#stderr = Stderr.make(settings.tailSize)
    child.on("exit", (code, signal) => this.#exited({ code, signal }))
    // A write after the server has gone fails here; its end is reported by stdout.
    child.stdin.on("error", ignore)
    this.outbox.attach(child.stdin)
    child.stdout.on("data", (chunk: Buffer) => this.#data(chunk))
    child.stdout.on("end", () => this.#outputEnded())
    child.stdout.on("error", (error) => this.#fail(Connection.readFailed(this.name, error)))
    child.stderr.on("data", (chunk: Buffer) => this.#toSink(this.#stderr.push(chunk)))
    child.stderr.on("end", () => this.#toSink(this.#stderr.end()))
    child.stderr.on("error", ignore)
  }

  get incoming(): Stream.Stream<unknown, ConnectionError> {
    return this.#inbox.incoming
  }

  listen(listener: Listener): void {
    this.#inbox.listen(listener)
  }

  #data(chunk: Buffer) {
    // After an oversized line, the rest of the output is dropped.
    if (this.failure !== undefined) return
    const read = this.#read([chunk])
    if (read.skipped !== undefined) this.#fork(Connection.logSkipped(this.name, read.skipped))
    if (read.values !== undefined) { for (const value of read.values) this.#inbox.deliver(value) }
    if (read.tooLarge !== undefined) this.#fail(read.tooLarge)
  }

  /**
   * The output ended: the server is gone. Reported at once when the process has exited; otherwise with
   * its exit when that comes within `exitGraceMillis` (as a process that ends does), and as a closed
   * output if not (a process that closed its output and lives on is not waited for).
   */
  #outputEnded() {
    if (this.#exit !== undefined) return this.#fail(this.#ending(this.#exit))
    const timer = setTimeout(() => this.#fail(this.#ending(undefined)), Connection.exitGraceMillis)
    this.#whenExited(() => {
      clearTimeout(timer)
      this.#fail(this.#ending(this.#exit))
    })
  }

  #ending(exit: Exit | undefined): TransportError {
    const ending: Connection.Ending = exit === undefined
      ? { _tag: "OutputClosed" }
      : exit.code !== null
      ? { _tag: "Exited", code: exit.code }
      : { _tag: "Signalled", signal: exit.signal ?? undefined }
    return Connection.ended(this.name, ending, this.#stderr.tail())
  }

  /** The connection failed or ended: later sends fail, the listener hears of it, and stdin is closed. */
  #fail(error: TransportError | MessageTooLarge) {
    if (this.failure !== undefined) return
    this.failure = error
    this.outbox.end()
    this.#inbox.end(error)
  }

  #exited(exit: Exit) {
    this.#exit = exit
    const waiting = this.#onExit
    this.#onExit = undefined
    if (waiting !== undefined) { for (const resume of waiting) resume() }
    // A server that failed may leave children behind it: its group is asked to stop.
    if (exit.code !== 0 && exit.code !== null) this.#signal("SIGTERM")
  }

  #whenExited(resume: () => void): () => void {
    if (this.#exit !== undefined) {
      resume()
      return () => {}
    }
    ;(this.#onExit ??= []).push(resume)
    return () => {
      const index = this.#onExit?.indexOf(resume) ?? -1
      if (index !== -1) this.#onExit!.splice(index, 1)
    }
  }

  #toSink(lines: ReadonlyArray<string>) {
    if (this.#sink === undefined || lines.length === 0) return
    for (const line of lines) this.#lines.push(line)
    if (this.#sinkFiber === undefined) this.#sinkFiber = this.#fork(this.#drainSink())
  }

  /** Hands the waiting lines to the sink in order, and ends when there are none. */
  #drainSink(): Effect.Effect<void> {
    const sink = this.#sink!
    const step: Effect.Effect<void> = Effect.suspend(() => {
      const line = this.#lines.shift()
      if (line === undefined) {
        this.#sinkFiber = undefined
        return Effect.void
      }
      return Effect.flatMap(Effect.ignore(sink(line)), () => step)
    })
    return step
  }

  /** After the shutdown: a sink still busy with stderr's last lines is stopped. */
  get stopSink(): Effect.Effect<void> {
    return Effect.suspend(() => this.#sinkFiber === undefined ? Effect.void : Fiber.interrupt(this.#sinkFiber))
  }

  // ---------------------------------------------------------------------------
  // The shutdown ladder's view (Connection.Child)
  // ---------------------------------------------------------------------------

  endInput(): void {
    this.outbox.end()
  }

  get exited(): Effect.Effect<void> {
    return Effect.callback((resume) => {
      const cancel = this.#whenExited(() => resume(Effect.void))
      return Effect.sync(cancel)
    })
  }

  terminate(killAfter: Duration.Duration): Effect.Effect<void> {
    return Effect.callback((resume) => {
      this.#signal("SIGTERM")
      let deadline = Date.now() + Duration.toMillis(killAfter)
      let killed = false
      let timer: ReturnType<typeof setTimeout> | undefined
      let cancel: (() => void) | undefined
      const poll = () => {
        if (this.#alive() && (Date.now() < deadline || !killed)) {
          if (Date.now() >= deadline) {
            killed = true
            this.#signal("SIGKILL")
            deadline = Date.now() + afterKillMillis
          }
          timer = setTimeout(poll, pollMillis)
          return
        }
        // The group is gone (or the wait after SIGKILL is over): the leader's exit is awaited as well.
        cancel = this.#whenExited(() => resume(Effect.void))
      }
      poll()
      return Effect.sync(() => {
        clearTimeout(timer)
        cancel?.()
      })
    })
  }

  /** The leader has not exited, or a member of its process group remains. */
  #alive(): boolean {
    if (this.#exit === undefined) return true
    if (isWindows) return false
    try {
      process.kill(-this.#process.pid!, 0)
      return true
    } catch (error) {
      // A group whose remaining members cannot be signalled (zombies on macOS).
      return (error as { code?: unknown }).code === "EPERM"
    }
  }

  #signal(signal: NodeJS.Signals) {
    const child = this.#process
    if (isWindows) {
      if (this.#exit === undefined) {
        NodeChildProcess.execFile("taskkill", ["/pid", String(child.pid), "/T", "/F"], { windowsHide: true }, () => {})
      }
      return
    }
    try {
      process.kill(-child.pid!, signal)
    } catch {
      // No group left, or none of ours: the leader alone, if it still runs.
      if (this.#exit === undefined) child.kill(signal)
    }
  }
}
