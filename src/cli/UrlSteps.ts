/**
 * Steps the user completes in a browser (URL elicitation, 2025-11-25): the
 * command follows the server's `notifications/elicitation/complete` for the
 * whole session, and a call the server refuses until such steps are done
 * (`-32042`) is shown, waited for and retried.
 *
 * On a terminal the user may also say they have finished (a server need not
 * report completion); otherwise the wait lasts until the server reports
 * every step complete, or the request deadline passes, when the call fails
 * with the server's `UrlElicitationRequired` (exit code 4).
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Prompt from "effect/cli/Prompt"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as McpClient from "../McpClient.ts"
import type { UrlElicitationRequired } from "../McpError.ts"

/**
 * The steps of one session.
 *
 * @category models
 * @since 0.1.0
 */
export interface UrlStepsShape {
  /** Waits until the server has reported every one of these elicitations complete. */
  readonly completed: (ids: ReadonlyArray<string>) => Effect.Effect<void>
  /** Whether the user is at a terminal (and can say a step is done). */
  readonly interactive: boolean
  /** The longest wait for the server to report steps complete. */
  readonly limit: Duration.Duration
  readonly notice: (text: string) => void
}

/**
 * The service, provided to the commands for their session.
 *
 * @category services
 * @since 0.1.0
 */
export class UrlSteps extends Context.Service<UrlSteps, UrlStepsShape>()("effect-mcp-client/cli/UrlSteps") {}

/**
 * Follows the session's completions, in the current scope, from now on.
 *
 * @example
 * ```ts
 * import { Duration, Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 * import { UrlSteps } from "effect-mcp-client/cli"
 *
 * const steps = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   return yield* UrlSteps.make(client, {
 *     interactive: false,
 *     limit: Duration.minutes(10),
 *     notice: (text) => process.stderr.write(`${text}\n`)
 *   })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  client: McpClient.McpClientShape,
  options: Omit<UrlStepsShape, "completed">
): Effect.Effect<UrlStepsShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const done = yield* SubscriptionRef.make<ReadonlySet<string>>(new Set())
    yield* Stream.runForEach(client.elicitationCompletions, (id) =>
      Effect.andThen(
        Effect.sync(() => options.notice(`The server reports step ${id} complete`)),
        SubscriptionRef.update(done, (ids) => new Set([...ids, id]))
      )).pipe(Effect.forkScoped)
    return {
      ...options,
      completed: (ids) =>
        SubscriptionRef.changes(done).pipe(
          Stream.filter((completed) => ids.every((id) => completed.has(id))),
          Stream.runHead,
          Effect.asVoid
        )
    }
  })

/** How many rounds of steps one call may ask for before its refusal stands. */
const maxRounds = 3

/**
 * Runs a request; when the server answers `UrlElicitationRequired`, shows
 * each step's URL and message, waits for them (see the module), and sends
 * the request again, for at most three rounds.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 * import { UrlSteps } from "effect-mcp-client/cli"
 *
 * const result = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   return yield* UrlSteps.retrying(client.callTool("connect-account", {}))
 * })
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const retrying = <A, E, R>(
  request: Effect.Effect<A, E | UrlElicitationRequired, R>
): Effect.Effect<A, E | UrlElicitationRequired, R | UrlSteps> =>
  Effect.gen(function*() {
    const steps = yield* UrlSteps
    const attempt = (round: number): Effect.Effect<A, E | UrlElicitationRequired, R> =>
      Effect.catchIf(
        request,
        (error): error is UrlElicitationRequired => isUrlElicitationRequired(error) && round < maxRounds,
        (error) => Effect.andThen(awaitSteps(steps, error), attempt(round + 1))
      )
    return yield* attempt(1)
  })

const isUrlElicitationRequired = (error: unknown): error is UrlElicitationRequired =>
  Predicate.isTagged(error, "UrlElicitationRequired")

/** Shows the steps and waits for them: the server's report, or the user's word on a terminal. */
const awaitSteps = (steps: UrlStepsShape, error: UrlElicitationRequired): Effect.Effect<void, UrlElicitationRequired> =>
  Effect.gen(function*() {
    steps.notice(`The server needs ${error.elicitations.length === 1 ? "a step" : "steps"} done in a browser first:`)
    for (const step of error.elicitations) steps.notice(`  ${step.message}\n  open ${step.url}`)
    const ids = error.elicitations.map((step) => step.elicitationId)
    const reported = steps.completed(ids)
    if (!steps.interactive) {
      steps.notice("Waiting for the server to report the steps complete…")
      const outcome = yield* Effect.timeoutOption(reported, steps.limit)
      if (Option.isNone(outcome)) return yield* Effect.fail(error)
      return
    }
    const answer = Effect.provide(
      Prompt.run(Prompt.Select({
        message: "When you have finished in the browser:",
        choices: [
          { title: "I have finished: retry", value: "retry" as const },
          { title: "cancel", value: "cancel" as const }
        ]
      })),
      Layer.mergeAll(NodeTerminal.layer, NodeFileSystem.layer, NodePath.layer)
    ).pipe(Effect.catch(() => Effect.succeed("cancel" as const)))
    const choice = yield* Effect.raceFirst(Effect.as(reported, "retry" as const), answer)
    if (choice === "cancel") return yield* Effect.fail(error)
  })
