/**
 * How long to wait before the next `tasks/get`: the task's own
 * `pollInterval` when it gives one (never less), otherwise an exponential
 * backoff from half a second up to five.
 *
 * @since 0.2.0
 */

/**
 * The first wait when the task gives no `pollInterval`, in milliseconds.
 *
 * @category constants
 * @since 0.2.0
 */
export const initialBackoffMillis = 500

/**
 * The longest wait when the task gives no `pollInterval`, in milliseconds.
 *
 * @category constants
 * @since 0.2.0
 */
export const maxBackoffMillis = 5000

/**
 * The wait before the next poll. `pollInterval` is the task's latest one;
 * `attempt` counts the polls made so far without one (from 0).
 *
 * @example
 * ```ts
 * import { PollSchedule } from "effect-mcp-client"
 *
 * PollSchedule.delayMillis(1000, 0) // 1000: the server's interval
 * PollSchedule.delayMillis(undefined, 2) // 2000: backoff
 * ```
 *
 * @category utils
 * @since 0.2.0
 */
export const delayMillis = (pollInterval: number | undefined, attempt: number): number =>
  pollInterval !== undefined && Number.isFinite(pollInterval) && pollInterval > 0
    ? Math.ceil(pollInterval)
    : Math.min(maxBackoffMillis, initialBackoffMillis * 2 ** Math.min(attempt, 16))
