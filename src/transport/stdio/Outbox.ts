/**
 * The stdin side of the stdio transport: lines waiting to be written, and
 * the stream a writer drains them from.
 *
 * Lines offered during one turn of the event loop (a batch of responses
 * resumes many callers, and each sends its next request) are written
 * together, a few per write: a full write as soon as its last line is
 * offered, so that the reader starts on it while more are sent, and the
 * rest as soon as that turn's synchronous work is done (a microtask). No
 * write per message, and no wait for the next turn of the event loop, which a
 * fiber woken through Effect's scheduler would have.
 *
 * The writes are either pulled from a stream (`writes`, bytes drained by a
 * fiber into a sink) or pushed to a writable stream (`attach`, with no fiber:
 * text written as it is ready, which a Node stream encodes as it writes, with
 * no encoded copy made first; held while the stream asks to wait for its
 * `drain`).
 *
 * @since 0.1.0
 */
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Pull from "effect/Pull"
import * as Stream from "effect/Stream"

/**
 * A queue of outgoing lines and the stream that drains it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Outbox {
  /** Queues one line (a message without its newline). False once the outbox has ended. */
  readonly offer: (line: string) => boolean
  /** Ends the outbox: lines already queued are still written, then `writes` ends. */
  readonly end: () => void
  /** The bytes to write, each element one write of up to `linesPerWrite` lines. */
  readonly writes: Stream.Stream<Uint8Array>
  /**
   * Writes to `target` instead of `writes` (use one or the other): each write as
   * soon as it is ready, none while the target waits for `drain` after a write
   * returned false, and `target.end()` once the outbox has ended and is empty.
   */
  readonly attach: (target: Target) => void
}

/**
 * What `attach` writes to: a Node `Writable` (a child's stdin) has this shape.
 *
 * @category models
 * @since 0.1.0
 */
export interface Target {
  /** Takes the text of one write (UTF-8 on the wire), as a Node `Writable` does: no copy is encoded first. */
  readonly write: (text: string) => boolean
  readonly once: (event: "drain", listener: () => void) => unknown
  readonly end: () => unknown
}

const encoder = new TextEncoder()

/**
 * Makes an outbox whose writes carry at most `linesPerWrite` lines each.
 *
 * @example
 * ```ts
 * import { make } from "./Outbox.ts"
 *
 * const outbox = make(16)
 * outbox.offer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
 * outbox.end()
 * // Stream.runCollect(outbox.writes) gives one write, of that line and its newline
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (linesPerWrite: number): Outbox => {
  let lines: Array<string> = []
  let ended = false
  let scheduled = false
  // The writer, when it waits for lines.
  let waiting: ((pulled: Effect.Effect<Arr.NonEmptyReadonlyArray<Uint8Array>, Cause.Done>) => void) | undefined

  const take = (): Arr.NonEmptyReadonlyArray<Uint8Array> => {
    const taken = lines
    lines = []
    if (taken.length <= linesPerWrite) return [encoder.encode(taken.join("\n") + "\n")]
    const writes: Array<Uint8Array> = []
    for (let start = 0; start < taken.length; start += linesPerWrite) {
      writes.push(encoder.encode(taken.slice(start, start + linesPerWrite).join("\n") + "\n"))
    }
    return writes as unknown as Arr.NonEmptyReadonlyArray<Uint8Array>
  }

  // The attached target, and whether it waits for its drain.
  let target: Target | undefined
  let blocked = false
  let finished = false
  const push = () => {
    if (finished) return
    while (!blocked && lines.length > 0) {
      // One write at a time: what follows a write the target could not take waits for its drain.
      const taken = lines.length <= linesPerWrite ? lines : lines.slice(0, linesPerWrite)
      lines = taken === lines ? [] : lines.slice(linesPerWrite)
      if (!target!.write(taken.join("\n") + "\n")) {
        blocked = true
        target!.once("drain", () => {
          blocked = false
          push()
        })
      }
    }
    if (ended && !blocked && lines.length === 0) {
      finished = true
      target!.end()
    }
  }

  const wake = () => {
    scheduled = false
    if (target !== undefined) return push()
    const resume = waiting
    if (resume === undefined) return
    if (lines.length > 0) {
      waiting = undefined
      resume(Effect.succeed(take()))
    } else if (ended) {
      waiting = undefined
      resume(Cause.done())
    }
  }
  const schedule = () => {
    if (scheduled || (waiting === undefined && target === undefined)) return
    scheduled = true
    queueMicrotask(wake)
  }

  const pull = (): Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>> =>
    Effect.callback((resume) => {
      if (lines.length > 0) return resume(Effect.succeed(take()))
      if (ended) return resume(Cause.done())
      waiting = resume
      return Effect.sync(() => {
        waiting = undefined
      })
    })

  return {
    offer: (line) => {
      if (ended) return false
      lines.push(line)
      // A full write goes now, so that the reader starts on it while more lines are sent.
      if (lines.length >= linesPerWrite && (waiting !== undefined || target !== undefined)) wake()
      else schedule()
      return true
    },
    end: () => {
      if (ended) return
      ended = true
      schedule()
    },
    get writes() {
      return Stream.fromPull(Effect.sync(pull))
    },
    attach: (writable) => {
      target = writable
      if (lines.length > 0 || ended) schedule()
    }
  }
}
