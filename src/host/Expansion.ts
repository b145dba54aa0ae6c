/**
 * `${…}` references in configuration values: `${VAR}`, `${VAR:-default}`,
 * `${env:VAR}` (also with `:-default`) and `${input:id}`.
 *
 * Variables come from the environment the application gives
 * (`HostInputs.Environment`), inputs from its `HostInputs` service. A
 * variable with no value and no default is an `ExpansionError` naming it,
 * never an empty string. A value that took a secret input (`password`) is
 * `Redacted` as a whole. A `$` not followed by `{` is kept as is.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { ExpansionError } from "./HostError.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * Where references find their values.
 *
 * @category models
 * @since 0.1.0
 */
export interface Resolver {
  readonly environment: { readonly [name: string]: string | undefined }
  /** The answer to an input, `Redacted` for a secret one; `undefined` when unanswered. */
  readonly input: (id: string) => Effect.Effect<string | Redacted.Redacted<string> | undefined>
}

/**
 * A value after expansion: `Redacted` when a secret went into it.
 *
 * @category models
 * @since 0.1.0
 */
export type Expanded = string | Redacted.Redacted<string>

// =============================================================================
// Constructors
// =============================================================================

/**
 * Expands the references in one value. `server` and `field` name it in
 * errors.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Expansion } from "effect-mcp-client"
 *
 * const url = Expansion.expand("https://${HOST:-localhost}/mcp", {
 *   environment: {},
 *   input: () => Effect.succeed(undefined)
 * }, { server: "api", field: "url" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const expand = (
  template: string,
  resolver: Resolver,
  where: { readonly server: string; readonly field: string }
): Effect.Effect<Expanded, ExpansionError> => {
  if (!template.includes("${")) return Effect.succeed(template)
  return Effect.gen(function*() {
    let out = ""
    let secret = false
    let index = 0
    while (index < template.length) {
      const start = template.indexOf("${", index)
      if (start < 0) break
      const end = template.indexOf("}", start + 2)
      if (end < 0) {
        return yield* new ExpansionError({
          ...where,
          variable: template.slice(start + 2),
          description: "is not closed with '}'"
        })
      }
      out += template.slice(index, start)
      const reference = template.slice(start + 2, end)
      const value = yield* lookup(reference, resolver, where)
      if (Redacted.isRedacted(value)) {
        secret = true
        out += Redacted.value(value)
      } else {
        out += value
      }
      index = end + 1
    }
    out += template.slice(index)
    return secret ? Redacted.make(out) : out
  })
}

/**
 * The plain text of an expanded value, for places that cannot hold a secret
 * (a command's arguments).
 *
 * @category utils
 * @since 0.1.0
 */
export const reveal = (value: Expanded): string => Redacted.isRedacted(value) ? Redacted.value(value) : value

/**
 * The references a value holds, as written (`HOME`, `env:TOKEN`,
 * `input:key`), without defaults.
 *
 * @category utils
 * @since 0.1.0
 */
export const references = (template: string): ReadonlyArray<string> =>
  Array.from(template.matchAll(/\$\{([^}]*)\}/g), (match) => splitDefault(match[1]!).name)

// =============================================================================
// Internal
// =============================================================================

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/

const splitDefault = (reference: string): { readonly name: string; readonly fallback: string | undefined } => {
  const at = reference.indexOf(":-")
  return at < 0
    ? { name: reference, fallback: undefined }
    : { name: reference.slice(0, at), fallback: reference.slice(at + 2) }
}

const lookup = (
  reference: string,
  resolver: Resolver,
  where: { readonly server: string; readonly field: string }
): Effect.Effect<Expanded, ExpansionError> => {
  const { fallback, name } = splitDefault(reference)
  if (name.startsWith("input:")) {
    const id = name.slice("input:".length)
    return Effect.flatMap(resolver.input(id), (answer) =>
      answer !== undefined
        ? Effect.succeed(answer)
        : fallback !== undefined
        ? Effect.succeed(fallback)
        : Effect.fail(new ExpansionError({ ...where, variable: name, description: "was not answered" })))
  }
  const variable = name.startsWith("env:") ? name.slice("env:".length) : name
  if (!variableName.test(variable)) {
    return Effect.fail(new ExpansionError({ ...where, variable: name, description: "is not a variable name" }))
  }
  const value = Object.hasOwn(resolver.environment, variable) ? resolver.environment[variable] : undefined
  // As in a shell, `:-` also replaces an empty value.
  if (value !== undefined && (value !== "" || fallback === undefined)) return Effect.succeed(value)
  if (fallback !== undefined) return Effect.succeed(fallback)
  return Effect.fail(new ExpansionError({ ...where, variable: name, description: "is not defined and has no default" }))
}
