/**
 * When the HTTP transport resumes a response stream that ended or broke
 * before its reply (a GET with `Last-Event-ID`), as an Effect `Schedule`.
 *
 * The schedule is stepped once before each GET with what is known of the
 * stream (`Attempt`); it decides the wait, and how many GETs are made (when
 * it is done, the request fails with the break's `TransportError`). Whatever
 * the schedule says, the wait is never shorter than the server's `retry:`
 * field ("the client MUST wait the retry delay before reconnecting"). The
 * default, `schedule()`, waits the server's `retry:` (else one second) times
 * the attempt number, at most four times it, for five attempts.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery)
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Schedule from "effect/Schedule"
import type { TransportError } from "../../McpError.ts"

/**
 * What a resumption schedule is told before each GET.
 *
 * @category models
 * @since 0.1.0
 */
export interface Attempt {
  /** The server's last `retry:` field, else the transport's `defaultRetry`. */
  readonly retry: Duration.Duration
  /** Whether `retry` is the server's own. */
  readonly serverRetry: boolean
  /** The id of the last event received, which the GET carries. */
  readonly lastEventId: string
  /** How the stream broke (a reset, an abort, a truncated chunk), or `undefined` when it ended cleanly. */
  readonly broken: TransportError | undefined
}

/**
 * A resumption schedule: any `Schedule` fed `Attempt`s.
 *
 * @category models
 * @since 0.1.0
 */
export type Resumption = Schedule.Schedule<unknown, Attempt>

/**
 * The default schedule: `retry` × the attempt number (at most × `maxFactor`)
 * before each of `maxAttempts` GETs.
 *
 * **Example** (Three quick resumptions)
 *
 * ```ts
 * import { HttpTransport, Resumption } from "effect-mcp-client"
 *
 * const transport = HttpTransport.layerNode({
 *   url: "https://example.com/mcp",
 *   resumption: Resumption.schedule({ maxAttempts: 3, maxFactor: 1 })
 * })
 * ```
 *
 * **Example** (A schedule of the application's: exponential, jittered, eight times within 30 seconds)
 *
 * ```ts
 * import { Schedule } from "effect"
 * import { HttpTransport, type Resumption } from "effect-mcp-client"
 *
 * const resumption: Resumption.Resumption = Schedule.exponential("200 millis").pipe(
 *   Schedule.jittered,
 *   Schedule.upTo({ duration: "30 seconds", times: 8 })
 * )
 * const transport = HttpTransport.layerNode({ url: "https://example.com/mcp", resumption })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const schedule = (
  options: { readonly maxAttempts?: number | undefined; readonly maxFactor?: number | undefined } = {}
): Resumption => {
  const maxFactor = options.maxFactor ?? 4
  return Schedule.recurs(options.maxAttempts ?? 5).pipe(
    Schedule.setInputType<Attempt>(),
    Schedule.modifyDelay(({ attempt, input }) =>
      Effect.succeed(Duration.times(input.retry, Math.max(1, Math.min(attempt, maxFactor))))
    )
  )
}

/**
 * A stepper over a schedule, for one response stream: each call waits
 * before the next GET and succeeds with `true`, or succeeds with `false` at
 * once when the schedule is done. Time comes from `Clock`, so `TestClock`
 * drives it.
 *
 * @example
 * ```ts
 * import { Duration, Effect } from "effect"
 * import { schedule, stepper } from "./Resumption.ts"
 *
 * const program = Effect.gen(function*() {
 *   const next = yield* stepper(schedule({ maxAttempts: 1 }))
 *   const attempt = { retry: Duration.millis(10), serverRetry: true, lastEventId: "1", broken: undefined }
 *   return [yield* next(attempt), yield* next(attempt)] // [true, false]
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const stepper = (resumption: Resumption): Effect.Effect<(attempt: Attempt) => Effect.Effect<boolean>> =>
  Effect.map(
    Schedule.toStep(resumption),
    (step) => (attempt: Attempt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        step(now, attempt).pipe(
          Effect.flatMap(([, delay]) =>
            Effect.as(
              Effect.sleep(attempt.serverRetry ? Duration.max(delay, attempt.retry) : delay),
              true
            )
          ),
          Pull.catchDone(() => Effect.succeed(false)),
          // A schedule of the application's that fails ends resumption as a done one would.
          Effect.orElseSucceed(() => false)
        ))
  )
