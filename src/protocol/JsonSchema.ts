/**
 * Validation of values against the JSON Schemas servers send: tool
 * `inputSchema` and `outputSchema`, and elicitation `requestedSchema`.
 *
 * The dialect is the one the schema declares in `$schema` (JSON Schema
 * 2020-12 when it declares none, as the specification says); draft-07 is
 * understood too, since servers of earlier revisions write it. A schema in
 * any other dialect, or one whose `$ref` cannot be resolved inside the
 * schema, is refused with a clear reason instead of being treated as
 * permissive. No `$ref` is ever fetched from the network. Schemas are kept
 * as sent: compiling reads them and never changes them.
 *
 * Each schema object is compiled once and the result is cached for as long
 * as the schema object lives. The validator itself is loaded when the first
 * schema is compiled, so a session that checks no schema never loads it.
 *
 * @since 0.1.0
 */
import type { Ajv, ErrorObject, ValidateFunction } from "ajv"
import type { Ajv2020 } from "ajv/dist/2020.js"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"

/**
 * The first reason a value does not match a schema.
 *
 * @category models
 * @since 0.1.0
 */
export interface Issue {
  /** A JSON Pointer to the offending member (`""` for the value itself). */
  readonly path: string
  readonly message: string
}

/**
 * A compiled schema: returns `undefined` when the value matches.
 *
 * @category models
 * @since 0.1.0
 */
export type Check = (value: unknown) => Issue | undefined

const draft2020 = "https://json-schema.org/draft/2020-12/schema"
const draft07 = "http://json-schema.org/draft-07/schema"

const options = {
  strict: false,
  allErrors: false,
  // Servers' schemas are data: they may use any keyword, format or annotation.
  validateFormats: false
  // No `loadSchema`: nothing is ever loaded from elsewhere.
} as const

interface Compilers {
  readonly "2020-12": Ajv2020
  readonly "draft-07": Ajv
}

let compilers: Compilers | undefined
let loading: Promise<Compilers> | undefined

/** The compilers, loaded on first use. */
const load: Effect.Effect<Compilers> = Effect.suspend(() =>
  compilers !== undefined ?
    Effect.succeed(compilers) :
    Effect.promise(() =>
      loading ??= Promise.all([import("ajv"), import("ajv/dist/2020.js")]).then(([draft07, draft2020]) =>
        compilers = { "2020-12": new draft2020.Ajv2020(options), "draft-07": new draft07.Ajv(options) }
      )
    )
)

/** The dialect a schema declares, or a reason it cannot be used. */
const dialectOf = (schema: { readonly [key: string]: unknown }): Result.Result<keyof Compilers, string> => {
  const declared = schema.$schema
  if (declared === undefined) return Result.succeed("2020-12")
  if (typeof declared !== "string") return Result.fail("$schema must be a string")
  const normalized = declared.replace(/#$/, "")
  if (normalized === draft2020) return Result.succeed("2020-12")
  if (normalized === draft07 || normalized === draft07.replace("http:", "https:")) return Result.succeed("draft-07")
  return Result.fail(`Unsupported JSON Schema dialect ${declared}`)
}

const describe = (error: ErrorObject): Issue => {
  const missing = error.keyword === "required"
    ? (error.params as { readonly missingProperty?: string }).missingProperty
    : undefined
  return {
    path: missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`,
    message: error.message ?? `fails ${error.keyword}`
  }
}

const cache = new WeakMap<object, Result.Result<Check, string>>()

/**
 * Compiles a schema, or explains why it cannot be used (an unsupported
 * dialect, an unresolvable `$ref`, an invalid schema).
 *
 * @example
 * ```ts
 * import { Effect, Result } from "effect"
 * import { JsonSchema } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const check = yield* JsonSchema.compile({ type: "object", required: ["a"] })
 *   if (Result.isSuccess(check)) check.success({}) // => { path: "/a", message: "must have required property 'a'" }
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const compile = (schema: { readonly [key: string]: unknown }): Effect.Effect<Result.Result<Check, string>> =>
  Effect.suspend(() => {
    const cached = cache.get(schema)
    return cached !== undefined ? Effect.succeed(cached) : Effect.map(load, (loaded) => compileWith(loaded, schema))
  })

const compileWith = (loaded: Compilers, schema: { readonly [key: string]: unknown }): Result.Result<Check, string> => {
  const cached = cache.get(schema)
  if (cached !== undefined) return cached
  const compiled = Result.flatMap(dialectOf(schema), (dialect) => {
    let validate: ValidateFunction
    try {
      // A structured clone keeps the compiler from ever touching the server's object.
      validate = loaded[dialect].compile(structuredClone(schema))
    } catch (error) {
      return Result.fail(`Unusable schema: ${error instanceof Error ? error.message : String(error)}`)
    }
    const check: Check = (value) => {
      if (validate(value)) return undefined
      const first = validate.errors?.[0]
      return first === undefined ? { path: "", message: "does not match the schema" } : describe(first)
    }
    return Result.succeed(check)
  })
  cache.set(schema, compiled)
  return compiled
}

/**
 * Checks a value against a schema in one step. A schema that cannot be used
 * is reported as the issue.
 *
 * @category utils
 * @since 0.1.0
 */
export const check = (schema: { readonly [key: string]: unknown }, value: unknown): Effect.Effect<Issue | undefined> =>
  Effect.map(
    compile(schema),
    (compiled) => Result.isSuccess(compiled) ? compiled.success(value) : { path: "", message: compiled.failure }
  )

/**
 * Checks a form elicitation answer against the requested schema; returns a
 * readable description of the first mismatch.
 *
 * @category utils
 * @since 0.1.0
 */
export const checkForm = (
  schema: { readonly [key: string]: unknown },
  content: unknown
): Effect.Effect<string | undefined> =>
  Effect.map(
    check(schema, content),
    (issue) => issue === undefined ? undefined : `${issue.path === "" ? "answer" : issue.path} ${issue.message}`
  )
