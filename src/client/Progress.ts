/**
 * Calls made with progress, as streams: the progress events in the order
 * the server sent them, then the result.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type * as Mcp from "../protocol/Mcp.ts"
import type { ProgressEvent } from "./Options.ts"

/**
 * Runs a call that reports progress through a callback as a stream. Every
 * event reaches the stream, however slow its consumer; ending the stream
 * early interrupts (and so cancels) the call.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Progress } from "effect-mcp-client"
 *
 * const events = Progress.stream((onProgress) =>
 *   Effect.sync(() => {
 *     onProgress({ progressToken: 1, progress: 50, total: 100 })
 *     return "done"
 *   })
 * )
 * // => [{ _tag: "Progress", progress: 50, … }, { _tag: "Result", result: "done" }]
 * const all = Stream.runCollect(events)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const stream = <A, E>(
  call: (onProgress: (progress: Mcp.ProgressNotificationParams) => void) => Effect.Effect<A, E>
): Stream.Stream<ProgressEvent<A>, E> =>
  Stream.callback<ProgressEvent<A>, E>(
    (queue) =>
      call((progress) => Queue.offerUnsafe(queue, { _tag: "Progress", ...progress })).pipe(
        Effect.flatMap((result) => Queue.offer(queue, { _tag: "Result", result })),
        Effect.andThen(Queue.end(queue)),
        Effect.catchCause((cause) => Queue.failCause(queue, cause)),
        Effect.forkScoped
      ),
    { bufferSize: Number.POSITIVE_INFINITY }
  )
