/**
 * The answers to a configuration's `${input:id}` references: the service an
 * application provides to supply them (a prompt, a secret store, fixed
 * values), and the environment `${VAR}` references read.
 *
 * Nothing here reads `process.env` unless the application asks for it with
 * `layerProcessEnvironment`: a host expands only what it is given.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Expansion from "./Expansion.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * An input declared by a configuration (VS Code's `inputs`).
 *
 * @category models
 * @since 0.1.0
 */
export interface Input {
  readonly id: string
  /** `promptString` or `pickString` (VS Code); other kinds are passed on as given. */
  readonly type: string
  readonly description?: string | undefined
  /** A secret: its value is `Redacted` wherever it ends up. */
  readonly password?: boolean | undefined
  readonly default?: string | undefined
  /** The choices of a `pickString` input. */
  readonly options?: ReadonlyArray<string> | undefined
}

/**
 * Answers inputs. `undefined` means the input stays unanswered, which fails
 * the server that needs it with `ExpansionError`.
 *
 * @category models
 * @since 0.1.0
 */
export interface HostInputsShape {
  readonly answer: (input: Input) => Effect.Effect<string | undefined>
}

/**
 * The inputs service. Without it, every `${input:id}` is unanswered.
 *
 * @category services
 * @since 0.1.0
 */
export class HostInputs extends Context.Service<HostInputs, HostInputsShape>()("effect-mcp-client/HostInputs") {}

/**
 * The variables `${VAR}` and `${env:VAR}` read. Empty unless provided.
 *
 * @category services
 * @since 0.1.0
 */
export const Environment: Context.Reference<{ readonly [name: string]: string | undefined }> = Context.Reference(
  "effect-mcp-client/HostInputs/Environment",
  { defaultValue: () => ({}) }
)

// =============================================================================
// Layers
// =============================================================================

/**
 * Answers inputs from fixed values by id, falling back to each input's
 * `default`.
 *
 * @example
 * ```ts
 * import { HostInputs } from "effect-mcp-client"
 *
 * const Inputs = HostInputs.layerValues({ "api-key": "sk-test" })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerValues = (values: { readonly [id: string]: string }): Layer.Layer<HostInputs> =>
  Layer.succeed(HostInputs, {
    answer: (input) => Effect.succeed(Object.hasOwn(values, input.id) ? values[input.id] : input.default)
  })

/**
 * Answers inputs with a function of the application's (a prompt, a secret
 * store).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HostInputs } from "effect-mcp-client"
 *
 * const Inputs = HostInputs.layer((input) => Effect.succeed(input.default))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (answer: HostInputsShape["answer"]): Layer.Layer<HostInputs> =>
  Layer.succeed(HostInputs, { answer })

/**
 * The environment given explicitly.
 *
 * @example
 * ```ts
 * import { HostInputs } from "effect-mcp-client"
 *
 * const Env = HostInputs.layerEnvironment({ GITHUB_TOKEN: "ghp_test" })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerEnvironment = (
  variables: { readonly [name: string]: string | undefined }
): Layer.Layer<never> => Layer.succeed(Environment, variables)

/**
 * The environment of this process, read when the layer is built: for
 * applications that want `${VAR}` to mean what a shell would.
 *
 * @example
 * ```ts
 * import { HostInputs } from "effect-mcp-client"
 *
 * const Env = HostInputs.layerProcessEnvironment
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerProcessEnvironment: Layer.Layer<never> = Layer.sync(Environment, () => ({ ...process.env }))

// =============================================================================
// Resolution
// =============================================================================

/**
 * The resolver a configuration's references are expanded with: `${VAR}`
 * from `Environment`, `${input:id}` from the `HostInputs` service (declared
 * inputs by their declaration, others as plain prompts). Each input is asked
 * once, by id (callers at the same time share the question); the answer to
 * a `password` input is `Redacted`. Without the service every input is
 * unanswered.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Expansion, HostInputs } from "effect-mcp-client"
 *
 * const url = Effect.gen(function*() {
 *   const resolver = yield* HostInputs.resolver([{ id: "host", type: "promptString" }])
 *   return yield* Expansion.expand("https://${input:host}/mcp", resolver, { server: "api", field: "url" })
 * }).pipe(Effect.provide(HostInputs.layerValues({ host: "mcp.example" })))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolver = (inputs: ReadonlyArray<Input>): Effect.Effect<Expansion.Resolver> =>
  Effect.gen(function*() {
    const environment = yield* Environment
    const service = yield* Effect.serviceOption(HostInputs)
    type Answer = string | Redacted.Redacted<string> | undefined
    const answers = new Map<string, Deferred.Deferred<Answer>>()
    const declared = new Map(inputs.map((input) => [input.id, input] as const))
    const ask = (id: string): Effect.Effect<Answer> => {
      if (service._tag === "None") return Effect.succeed(undefined)
      const input = declared.get(id) ?? { id, type: "promptString" }
      return Effect.map(service.value.answer(input), (answer) =>
        answer === undefined
          ? undefined
          : input.password === true
          ? Redacted.make(answer)
          : answer)
    }
    return {
      environment,
      input: (id) =>
        Effect.suspend(() => {
          const pending = answers.get(id)
          if (pending !== undefined) return Deferred.await(pending)
          const deferred = Deferred.makeUnsafe<Answer>()
          answers.set(id, deferred)
          return Effect.uninterruptibleMask((restore) =>
            restore(ask(id)).pipe(
              Effect.onExit((exit) =>
                Exit.isSuccess(exit)
                  ? Deferred.done(deferred, exit)
                  // Not answered (interrupted): the next caller asks again.
                  : Effect.andThen(Effect.sync(() => answers.delete(id)), Deferred.succeed(deferred, undefined))
              )
            )
          )
        })
    }
  })
