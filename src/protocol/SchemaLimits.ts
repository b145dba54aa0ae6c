/**
 * The bounds a server's JSON Schema must keep before it is compiled.
 *
 * A schema is data from the server, and validating against it must neither
 * overflow the stack nor take time out of proportion to the value checked.
 * Two passes enforce that. `measure` walks the raw schema without recursion
 * and refuses one that nests deeper than `maxDepth` or holds more than
 * `maxValues` JSON values. `checkApplication` looks at the subschemas that
 * apply to one place of the value (through `allOf`, `anyOf`, `oneOf`, `not`,
 * `if`/`then`/`else`, `dependentSchemas` and `$ref`): a cycle among them
 * (`{"$ref": "#"}`, two `$defs` referring to each other) would recurse
 * forever, a chain of more than `maxRefChain` references is refused, and so is
 * a schema where more than `maxApplied` subschemas apply at one place, which is
 * how nested compositions multiply. A recursive schema that descends into the
 * value between two references (a tree whose `children` items refer to the
 * node) is within bounds.
 *
 * @since 0.1.0
 */

/**
 * The bounds, chosen well above any schema a tool declares in practice.
 *
 * @category constants
 * @since 0.1.0
 */
export const limits = {
  /** Nesting of JSON objects and arrays in the schema document. */
  maxDepth: 128,
  /** JSON values (objects, arrays, strings, numbers, booleans, null) in the schema document. */
  maxValues: 100_000,
  /** `$ref`s followed one after the other at one place of the value. */
  maxRefChain: 32,
  /** Subschemas applied at one place of the value, counting each `$ref` target every time it is reached. */
  maxApplied: 10_000
} as const

/**
 * Why a schema document is too deep or too large, or `undefined` when it is
 * within `limits`.
 *
 * @category utils
 * @since 0.1.0
 */
export const measure = (schema: unknown): string | undefined => {
  const stack: Array<readonly [unknown, number]> = [[schema, 1]]
  let values = 0
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (++values > limits.maxValues) return `it holds more than ${limits.maxValues} JSON values`
    if (typeof value !== "object" || value === null) continue
    if (depth > limits.maxDepth) return `it nests deeper than ${limits.maxDepth} levels`
    for (const member of Array.isArray(value) ? value : Object.values(value)) stack.push([member, depth + 1])
  }
  return undefined
}

type JsonObject = { readonly [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Keywords whose subschemas apply to the same place of the value as the schema that holds them. */
const appliedArrays = ["allOf", "anyOf", "oneOf"] as const
const appliedSingles = ["not", "if", "then", "else"] as const
const appliedMaps = ["dependentSchemas", "dependencies"] as const

/**
 * Why the subschemas applying at one place of the value are unbounded or too
 * many, or `undefined`. `schemas` are all the schema objects of the document
 * with their JSON Pointers; `targets` gives, for each schema that holds a
 * `$ref` or `$dynamicRef`, the subschemas they resolve to.
 *
 * @category utils
 * @since 0.1.0
 */
export const checkApplication = (
  schemas: ReadonlyMap<JsonObject, string>,
  targets: ReadonlyMap<JsonObject, ReadonlyArray<unknown>>
): string | undefined => {
  /** Subschemas applied in place, each with whether it is reached through a reference. */
  const applied = (schema: JsonObject): Array<readonly [JsonObject, boolean]> => {
    const found: Array<readonly [JsonObject, boolean]> = []
    for (const keyword of appliedArrays) {
      const value = schema[keyword]
      if (Array.isArray(value)) { for (const item of value) if (isObject(item)) found.push([item, false]) }
    }
    for (const keyword of appliedSingles) {
      const value = schema[keyword]
      if (isObject(value)) found.push([value, false])
    }
    for (const keyword of appliedMaps) {
      const value = schema[keyword]
      if (isObject(value)) {
        for (const member of Object.values(value)) if (isObject(member)) found.push([member, false])
      }
    }
    for (const target of targets.get(schema) ?? []) if (isObject(target)) found.push([target, true])
    return found
  }

  const where = (schema: JsonObject) => schemas.get(schema) ?? "#"
  const count = new Map<JsonObject, number>()
  const chain = new Map<JsonObject, number>()
  const entered = new Set<JsonObject>()
  let problem: string | undefined

  // Depth-first, memoized: each schema's count and reference chain are computed once.
  // The recursion is bounded: every level is either a nesting of the document
  // (at most `maxDepth`) or a `$ref` (at most `maxRefChain` in a row).
  const visit = (schema: JsonObject): void => {
    if (count.has(schema) || problem !== undefined) return
    entered.add(schema)
    let total = 1
    let longest = 0
    for (const [child, byReference] of applied(schema)) {
      if (entered.has(child)) {
        problem = `${where(schema)} applies itself again at the same place of the value, through $ref, ` +
          `without descending into it`
        return
      }
      visit(child)
      if (problem !== undefined) return
      total += count.get(child)!
      longest = Math.max(longest, chain.get(child)! + (byReference ? 1 : 0))
      if (longest > limits.maxRefChain) {
        problem = `${where(schema)} starts a chain of more than ${limits.maxRefChain} $ref at one place of the value`
        return
      }
      if (total > limits.maxApplied) {
        problem = `more than ${limits.maxApplied} subschemas (allOf, anyOf, oneOf, $ref …) apply at ` +
          `${where(schema)}`
        return
      }
    }
    entered.delete(schema)
    count.set(schema, total)
    chain.set(schema, longest)
  }

  for (const schema of schemas.keys()) {
    visit(schema)
    if (problem !== undefined) return problem
  }
  return undefined
}
