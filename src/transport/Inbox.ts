/**
 * Where a transport that receives without being read puts what it receives:
 * straight to the session's listener once one is attached
 * (`TransportShape.listen`), or to a queue read through `incoming` when the
 * stream is used instead. What arrives before either is kept, in order, and
 * handed to whichever comes first.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type { ConnectionError, Listener } from "./Transport.ts"

/**
 * A transport's receiving end: `deliver` and `end` on one side, `listen` or
 * `incoming` on the other.
 *
 * @example
 * ```ts
 * import { Inbox } from "./Inbox.ts"
 *
 * const inbox = new Inbox()
 * inbox.deliver({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })
 * // The listener gets the notification above first, then what arrives later.
 * inbox.listen({ message: (value) => console.log(value), end: (error) => console.log(error._tag) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class Inbox {
  #listener: Listener | undefined = undefined
  #queue: Queue.Queue<unknown, ConnectionError | Cause.Done> | undefined = undefined
  /** What arrived before a listener or a reader. */
  #early: Array<unknown> | undefined = undefined
  #ended: ConnectionError | undefined = undefined

  /** Hands on one message from the server. Ignored after `end`. */
  deliver(value: unknown): void {
    if (this.#ended !== undefined) return
    if (this.#listener !== undefined) this.#listener.message(value)
    else if (this.#queue !== undefined) Queue.offerUnsafe(this.#queue, value)
    else (this.#early ??= []).push(value)
  }

  /** Ends the connection with `error`; the first end wins. */
  end(error: ConnectionError): void {
    if (this.#ended !== undefined) return
    this.#ended = error
    if (this.#listener !== undefined) this.#listener.end(error)
    else if (this.#queue !== undefined) Queue.failCauseUnsafe(this.#queue, Cause.fail(error))
  }

  /**
   * Attaches the listener, handing it what arrived earlier (see
   * `TransportShape.listen`). A second listener is a defect: a connection
   * serves one session.
   */
  listen(listener: Listener): void {
    if (this.#listener !== undefined || this.#queue !== undefined) throw alreadyRead()
    this.#listener = listener
    const early = this.#early
    this.#early = undefined
    if (early !== undefined) { for (const value of early) listener.message(value) }
    if (this.#ended !== undefined) listener.end(this.#ended)
  }

  /**
   * The messages as a stream, for a reader instead of a listener. Asking for
   * it once a listener is attached is a defect, as a second listener is.
   */
  get incoming(): Stream.Stream<unknown, ConnectionError> {
    if (this.#listener !== undefined) throw alreadyRead()
    if (this.#queue === undefined) {
      const queue = Effect.runSync(Queue.unbounded<unknown, ConnectionError | Cause.Done>())
      for (const value of this.#early ?? []) Queue.offerUnsafe(queue, value)
      this.#early = undefined
      if (this.#ended !== undefined) Queue.failCauseUnsafe(queue, Cause.fail(this.#ended))
      this.#queue = queue
    }
    return Stream.fromQueue(this.#queue)
  }
}

const alreadyRead = () => new Error("This connection already has a reader: a transport serves one session")
