/**
 * The deadlines of a session's requests, in one place: a binary heap ordered
 * by time, watched by a single fiber that sleeps until the earliest one.
 *
 * A timer per request would cost a fiber and a scheduled wake-up on every
 * call; here a request costs one heap insertion. Entries are never removed
 * early: a request that completes leaves its entry behind, and the entry is
 * discarded when it comes due (`isLive` says whether it still matters).
 *
 * @since 0.1.0
 */

/**
 * One deadline: when it falls due, and for what.
 *
 * @category models
 * @since 0.1.0
 */
export interface Deadline<A> {
  readonly at: number
  readonly value: A
}

/**
 * A min-heap of deadlines.
 *
 * @category models
 * @since 0.1.0
 */
export interface Heap<A> {
  /** Adds a deadline. */
  readonly push: (at: number, value: A) => void
  /** The earliest deadline, if any. */
  readonly peek: () => Deadline<A> | undefined
  /** Removes and returns every deadline at or before `now`, earliest first. */
  readonly popDue: (now: number) => ReadonlyArray<Deadline<A>>
  readonly size: () => number
}

/**
 * Makes an empty heap.
 *
 * @example
 * ```ts
 * import { Deadlines } from "effect-mcp-client"
 *
 * const heap = Deadlines.make<string>()
 * heap.push(30, "c")
 * heap.push(10, "a")
 * heap.push(20, "b")
 * heap.popDue(20).map((d) => d.value) // => ["a", "b"]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <A>(): Heap<A> => {
  const items: Array<Deadline<A>> = []
  const swap = (i: number, j: number) => {
    const t = items[i]!
    items[i] = items[j]!
    items[j] = t
  }
  const up = (start: number) => {
    let i = start
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]!.at <= items[i]!.at) return
      swap(i, parent)
      i = parent
    }
  }
  const down = (start: number) => {
    let i = start
    const n = items.length
    while (true) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < n && items[left]!.at < items[smallest]!.at) smallest = left
      if (right < n && items[right]!.at < items[smallest]!.at) smallest = right
      if (smallest === i) return
      swap(i, smallest)
      i = smallest
    }
  }
  const pop = (): Deadline<A> | undefined => {
    const first = items[0]
    const last = items.pop()
    if (first !== undefined && last !== undefined && items.length > 0) {
      items[0] = last
      down(0)
    }
    return first
  }
  return {
    push: (at, value) => {
      items.push({ at, value })
      up(items.length - 1)
    },
    peek: () => items[0],
    popDue: (now) => {
      const due: Array<Deadline<A>> = []
      while (items.length > 0 && items[0]!.at <= now) due.push(pop()!)
      return due
    },
    size: () => items.length
  }
}
