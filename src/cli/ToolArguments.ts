/**
 * `key=value` arguments from a command line, turned into the JSON object a
 * tool (or a prompt) receives.
 *
 * A value is read as the type its property declares in the tool's
 * `inputSchema`: `number`/`integer` as a number, `boolean` as `true`/`false`,
 * `object`/`array` as JSON, `string` as given. A property without a declared
 * type (or one the schema does not list) is read as JSON when it parses, else
 * as the string given. `key:=json` always reads the value as JSON.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as JsonSchema from "../protocol/JsonSchema.ts"
import { UsageError } from "./ExitCode.ts"

/**
 * A JSON object: the arguments of one call.
 *
 * @category models
 * @since 0.1.0
 */
export type Arguments = { readonly [key: string]: unknown }

const typesOf = (schema: unknown): ReadonlyArray<string> => {
  if (typeof schema !== "object" || schema === null) return []
  const type = (schema as { readonly type?: unknown }).type
  if (typeof type === "string") return [type]
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string")
  const anyOf = (schema as { readonly anyOf?: unknown; readonly oneOf?: unknown }).anyOf ??
    (schema as { readonly oneOf?: unknown }).oneOf
  return Array.isArray(anyOf) ? anyOf.flatMap(typesOf) : []
}

const parseJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/** Reads one value as the first of the declared types it fits. */
const coerce = (key: string, raw: string, types: ReadonlyArray<string>): unknown => {
  if (types.length === 0) {
    const json = parseJson(raw)
    return json.ok ? json.value : raw
  }
  for (const type of types) {
    switch (type) {
      case "string":
        return raw
      case "number":
      case "integer": {
        const n = raw.trim() === "" ? Number.NaN : Number(raw)
        if (Number.isFinite(n) && (type === "number" || Number.isInteger(n))) return n
        break
      }
      case "boolean":
        if (raw === "true") return true
        if (raw === "false") return false
        break
      case "null":
        if (raw === "null") return null
        break
      default: {
        const json = parseJson(raw)
        if (json.ok) return json.value
      }
    }
  }
  const expected = types.join(" or ")
  throw new UsageError({
    description: `Argument '${key}': '${raw}' is not ${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}`
  })
}

/**
 * Reads `key=value` pairs as the arguments of a tool whose input schema is
 * `schema`, then checks them against it: a clear `UsageError` names the
 * first argument that does not fit. `base` (from `--json-args`) is the
 * starting object the pairs add to.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ToolArguments } from "effect-mcp-client/cli"
 *
 * const schema = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } }
 * const args = Effect.runSync(ToolArguments.forTool(schema, ["a=1", "b=2"])) // => { a: 1, b: 2 }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const forTool = (
  schema: { readonly [key: string]: unknown } | undefined,
  pairs: ReadonlyArray<string>,
  base: Arguments = {}
): Effect.Effect<Arguments, UsageError> =>
  Effect.gen(function*() {
    const properties = (schema?.properties ?? {}) as { readonly [key: string]: unknown }
    const args = yield* Effect.try({
      try: () => {
        const out: Record<string, unknown> = { ...base }
        for (const pair of pairs) {
          const { key, raw, json } = split(pair)
          out[key] = json ? parseOrThrow(key, raw) : coerce(key, raw, typesOf(properties[key]))
        }
        return out
      },
      catch: (error) => error instanceof UsageError ? error : new UsageError({ description: String(error) })
    })
    // A schema the validator cannot compile is left to the server to apply.
    const compiled = schema === undefined ? undefined : yield* JsonSchema.compile(schema)
    if (compiled !== undefined && Result.isSuccess(compiled)) {
      const issue = compiled.success(args)
      if (issue !== undefined) {
        const where = issue.path === "" ? "the arguments" : `argument ${issue.path.replace(/^\//, "")}`
        return yield* new UsageError({ description: `Invalid arguments: ${where} ${issue.message}` })
      }
    }
    return args
  })

/**
 * Reads `key=value` pairs as string arguments (a prompt's, a completion's
 * context).
 *
 * @example
 * ```ts
 * import { ToolArguments } from "effect-mcp-client/cli"
 *
 * const args = ToolArguments.strings(["city=Paris"]) // => Effect succeeding with { city: "Paris" }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const strings = (pairs: ReadonlyArray<string>): Effect.Effect<Record<string, string>, UsageError> =>
  Effect.try({
    try: () => Object.fromEntries(pairs.map((pair) => split(pair)).map(({ key, raw }) => [key, raw])),
    catch: (error) => error instanceof UsageError ? error : new UsageError({ description: String(error) })
  })

/**
 * Reads `--json-args` text: a JSON object.
 *
 * @example
 * ```ts
 * import { ToolArguments } from "effect-mcp-client/cli"
 *
 * const args = ToolArguments.jsonObject('{"a":1}') // => Effect succeeding with { a: 1 }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const jsonObject = (text: string): Effect.Effect<Arguments, UsageError> =>
  Effect.try({
    try: () => {
      const value = JSON.parse(text) as unknown
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object")
      return value as Arguments
    },
    catch: (error) =>
      new UsageError({
        description: `--json-args must be a JSON object: ${error instanceof Error ? error.message : String(error)}`
      })
  })

const split = (pair: string): { readonly key: string; readonly raw: string; readonly json: boolean } => {
  const index = pair.indexOf("=")
  if (index <= 0) throw new UsageError({ description: `Expected key=value, got '${pair}'` })
  const json = pair[index - 1] === ":"
  return { key: pair.slice(0, json ? index - 1 : index), raw: pair.slice(index + 1), json }
}

const parseOrThrow = (key: string, raw: string): unknown => {
  const json = parseJson(raw)
  if (!json.ok) throw new UsageError({ description: `Argument '${key}': '${raw}' is not JSON` })
  return json.value
}
