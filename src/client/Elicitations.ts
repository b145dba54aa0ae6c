/**
 * The URL elicitations a session follows, and the server's reports that they
 * are complete (`notifications/elicitation/complete`, 2025-11-25).
 *
 * A report is decided when it arrives, in the order of the wire: the session
 * sees every notification before any stream does. A report for an
 * elicitation the session knows is a completion, told to every stream that
 * is open. One for an id the session does not know is ignored, as the
 * specification asks, with one exception the order of events forces: a
 * server that refuses a call with `-32042` may report its steps complete
 * right after the refusal, before the caller has read the refusal that
 * names them. Such reports are kept (the last `earlyReports` of them), and
 * claimed when the refusal is read; a repeated report of an elicitation
 * already complete is not one of them.
 *
 * Internal: the session's `elicitationCompletions` and the tool calls use it.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"

/** How many reports of unknown ids are kept for a refusal still being read. */
export const earlyReports = 32

/** Adds `id` to a list of the last `earlyReports` ids. */
const remember = (ids: Array<string>, id: string): void => {
  ids.push(id)
  if (ids.length > earlyReports) ids.shift()
}

/**
 * The elicitations of one session.
 *
 * @example
 * ```ts
 * import { Tracker } from "./Elicitations.ts"
 *
 * // A refusal read after the server reported its step complete
 * const tracker = new Tracker()
 * tracker.reported("e1") // not known yet: kept
 * tracker.refused("e1") // the -32042 that names it: complete at once
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class Tracker {
  /** Known and not yet reported complete. */
  readonly #pending = new Set<string>()
  /** Reports of ids not known when they arrived, oldest first. */
  readonly #early: Array<string> = []
  /** The last ids reported complete, oldest first: a repeated report of one is not kept as early. */
  readonly #done: Array<string> = []
  #subscribers: Set<Queue.Queue<string>> | undefined = undefined
  #completions: Stream.Stream<string> | undefined = undefined

  /** An elicitation the server asked for (`elicitation/create` in URL mode): its report will count. */
  expect(id: string): void {
    this.#pending.add(id)
  }

  /**
   * An elicitation named by a `-32042` refusal: its report will count, or
   * counts now if it came before the refusal was read.
   */
  refused(id: string): void {
    const early = this.#early.indexOf(id)
    if (early === -1) {
      this.#pending.add(id)
      return
    }
    this.#early.splice(early, 1)
    this.#complete(id)
  }

  /** The server reports `id` complete. Returns whether it was known. */
  reported(id: string): boolean {
    if (this.#pending.delete(id)) {
      this.#complete(id)
      return true
    }
    if (!this.#early.includes(id) && !this.#done.includes(id)) remember(this.#early, id)
    return false
  }

  /** Whether an elicitation is known and not yet reported complete. */
  isPending(id: string): boolean {
    return this.#pending.has(id)
  }

  /** The ids reported complete from now on, for as long as the stream runs. */
  get completions(): Stream.Stream<string> {
    return this.#completions ??= Stream.unwrap(
      Effect.map(
        Effect.acquireRelease(
          Effect.map(Queue.unbounded<string>(), (queue) => {
            ;(this.#subscribers ??= new Set()).add(queue)
            return queue
          }),
          (queue) => Effect.sync(() => this.#subscribers?.delete(queue))
        ),
        Stream.fromQueue
      )
    )
  }

  #complete(id: string): void {
    remember(this.#done, id)
    if (this.#subscribers === undefined) return
    for (const subscriber of this.#subscribers) Queue.offerUnsafe(subscriber, id)
  }
}
