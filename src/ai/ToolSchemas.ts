/**
 * Tool input schemas made acceptable to a model provider.
 *
 * Servers send JSON Schemas (2020-12 or draft-07) with whatever keywords
 * they like. Providers accept subsets:
 *
 * - `"gemini"`: no `$ref`/`$defs`/`definitions`, no `additionalProperties`,
 *   `$schema`, `const`, `oneOf`, `allOf`, `not`, `patternProperties`,
 *   `if`/`then`/`else`, no `type` arrays. References are inlined, `const`
 *   becomes a one-value `enum`, `oneOf` becomes `anyOf`, a `type` array
 *   becomes an `anyOf`, an `allOf` of objects is merged, and the
 *   keywords without equivalent are dropped (the schema only widens).
 * - `"openai-strict"` (structured outputs): references inlined, every object
 *   closed (`additionalProperties: false`) with all its properties required,
 *   a property that was optional made nullable (the model sends `null` for
 *   it, which `strictArguments` removes before the call), and the keywords
 *   strict mode refuses dropped.
 * - `"openai"`, `"anthropic"`: references inlined (some of their endpoints
 *   refuse `$ref`), everything else kept.
 * - `"none"`: the schema as sent.
 *
 * A recursive reference cannot be inlined; past `maxDepth` it becomes `{}`
 * (any value), so the result still accepts every instance the input does.
 *
 * @since 0.1.0
 */

/**
 * A provider's schema rules.
 *
 * @category models
 * @since 0.1.0
 */
export type Target = "none" | "openai" | "openai-strict" | "anthropic" | "gemini"

type JsonObject = { readonly [key: string]: unknown }
type Mutable = { [key: string]: unknown }

const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The keywords each target refuses, and that `sanitize` removes.
 *
 * @category constants
 * @since 0.1.0
 */
export const refusedKeywords: { readonly [target in Target]: ReadonlyArray<string> } = {
  none: [],
  openai: ["$ref", "$defs", "definitions"],
  anthropic: ["$ref", "$defs", "definitions"],
  "openai-strict": [
    "$ref",
    "$defs",
    "definitions",
    "$schema",
    "$id",
    "oneOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "propertyNames",
    "default",
    "examples"
  ],
  gemini: [
    "$ref",
    "$defs",
    "definitions",
    "$schema",
    "$id",
    "additionalProperties",
    "const",
    "oneOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "propertyNames",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "examples"
  ]
}

/** Keywords whose value is one schema. */
const schemaKeywords = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"]
/** Keywords whose value is a list of schemas. */
const schemaListKeywords = ["anyOf", "oneOf", "allOf", "prefixItems"]
/** Keywords whose value maps names to schemas. */
const schemaMapKeywords = ["properties", "patternProperties", "dependentSchemas"]

/** Resolves a local JSON pointer (`#/$defs/x`) against the root. */
const resolvePointer = (root: JsonObject, ref: string): unknown => {
  if (ref === "#") return root
  if (!ref.startsWith("#/")) return undefined
  let node: unknown = root
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
    if (!isObject(node) && !Array.isArray(node)) return undefined
    node = (node as any)[key]
  }
  return node
}

/**
 * The schema with every local `$ref` replaced by what it points to, and
 * `$defs`/`definitions` removed. A reference deeper than `maxDepth` in a
 * chain of references (recursion), or one that cannot be resolved, becomes
 * `{}`.
 *
 * @example
 * ```ts
 * import { ToolSchemas } from "effect-mcp-client/McpToolkit"
 *
 * ToolSchemas.inlineRefs({
 *   type: "object",
 *   properties: { at: { $ref: "#/$defs/point" } },
 *   $defs: { point: { type: "object", properties: { x: { type: "number" } } } }
 * })
 * // { type: "object", properties: { at: { type: "object", properties: { x: { type: "number" } } } } }
 * ```
 *
 * @category transformations
 * @since 0.1.0
 */
export const inlineRefs = (schema: JsonObject, maxDepth = 8): JsonObject => {
  const walk = (node: unknown, depth: number): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, depth))
    if (!isObject(node)) return node
    const ref = node.$ref
    let source: JsonObject = node
    let nextDepth = depth
    if (typeof ref === "string") {
      const target = resolvePointer(schema, ref)
      if (depth >= maxDepth || !isObject(target)) return {}
      const { $ref: _ref, ...siblings } = node
      // 2020-12 allows keywords beside $ref; both apply.
      source = Object.keys(siblings).length === 0 ? target : { allOf: [target, siblings] }
      nextDepth = depth + 1
    }
    const out: Mutable = {}
    for (const [key, value] of Object.entries(source)) {
      if (key === "$defs" || key === "definitions") continue
      if (key === "$ref") continue
      out[key] = schemaKeywords.includes(key) || schemaListKeywords.includes(key)
        ? walk(value, nextDepth)
        : schemaMapKeywords.includes(key) && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, nextDepth)]))
        : value
    }
    return out
  }
  return walk(schema, 0) as JsonObject
}

const mapSubschemas = (node: JsonObject, f: (schema: unknown) => unknown): Mutable => {
  const out: Mutable = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] = schemaKeywords.includes(key) && isObject(value)
      ? f(value)
      : schemaListKeywords.includes(key) && Array.isArray(value)
      ? value.map(f)
      : schemaMapKeywords.includes(key) && isObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]))
      : value
  }
  return out
}

/** Merges an `allOf` whose members are plain object schemas; other `allOf`s are widened to their first member. */
const mergeAllOf = (members: ReadonlyArray<unknown>): Mutable => {
  const merged: Mutable = {}
  const properties: Mutable = {}
  const required = new Set<string>()
  for (const member of members) {
    if (!isObject(member)) continue
    for (const [key, value] of Object.entries(member)) {
      if (key === "properties" && isObject(value)) Object.assign(properties, value)
      else if (key === "required" && Array.isArray(value)) value.forEach((name) => required.add(String(name)))
      else if (!(key in merged)) merged[key] = value
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties
  if (required.size > 0) merged.required = [...required]
  return merged
}

const gemini = (node: unknown): unknown => {
  if (!isObject(node)) return node
  let current: Mutable = { ...node }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current
    current = mergeAllOf([rest, ...(allOf as ReadonlyArray<unknown>)])
  }
  if ("const" in current) {
    const { const: value, ...rest } = current
    current = { ...rest, enum: [value] }
  }
  if (Array.isArray(current.oneOf)) {
    const { oneOf, ...rest } = current
    current = { ...rest, anyOf: oneOf }
  }
  if (Array.isArray(current.type)) {
    const { type, ...rest } = current
    const types = type as ReadonlyArray<string>
    current = types.length === 1 ? { ...rest, type: types[0] } : { anyOf: types.map((t) => ({ ...rest, type: t })) }
  }
  const out = mapSubschemas(current, gemini)
  for (const keyword of refusedKeywords.gemini) delete out[keyword]
  return out
}

const nullable = (schema: unknown): unknown => {
  if (!isObject(schema)) return schema
  if (typeof schema.type === "string") {
    return schema.type === "null" ? schema : {
      ...schema,
      type: [schema.type, "null"],
      ...(Array.isArray(schema.enum) && !schema.enum.includes(null) ? { enum: [...schema.enum, null] } : {})
    }
  }
  return { anyOf: [schema, { type: "null" }] }
}

const openAiStrict = (node: unknown): unknown => {
  if (!isObject(node)) return node
  let current: Mutable = { ...node }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current
    current = mergeAllOf([rest, ...(allOf as ReadonlyArray<unknown>)])
  }
  if (Array.isArray(current.oneOf)) {
    const { oneOf, ...rest } = current
    current = { ...rest, anyOf: oneOf }
  }
  const out = mapSubschemas(current, openAiStrict)
  const isObjectSchema = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object")) ||
    isObject(out.properties)
  if (isObjectSchema) {
    const properties = isObject(out.properties) ? out.properties : {}
    const required = new Set(Array.isArray(out.required) ? out.required.map(String) : [])
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, schema]) => [name, required.has(name) ? schema : nullable(schema)])
    )
    out.required = Object.keys(properties)
    out.additionalProperties = false
    if (out.type === undefined) out.type = "object"
  }
  for (const keyword of refusedKeywords["openai-strict"]) delete out[keyword]
  return out
}

/**
 * A tool input schema made acceptable to a target (see the module's
 * description). The input is not modified.
 *
 * **Example** (Gemini)
 *
 * ```ts
 * import { ToolSchemas } from "effect-mcp-client/McpToolkit"
 *
 * ToolSchemas.sanitize({ type: "object", properties: { mode: { const: "fast" } }, additionalProperties: false }, "gemini")
 * // { type: "object", properties: { mode: { enum: ["fast"] } } }
 * ```
 *
 * @category transformations
 * @since 0.1.0
 */
export const sanitize = (schema: JsonObject, target: Target): JsonObject => {
  if (target === "none") return schema
  // Schemas are values the server sent, never changed: each is converted once per target.
  const cache = sanitized[target]
  let out = cache.get(schema)
  if (out === undefined) {
    const inlined = hasRefs(schema) ? inlineRefs(schema) : schema
    out = target === "gemini"
      ? gemini(inlined) as JsonObject
      : target === "openai-strict"
      ? openAiStrict(inlined) as JsonObject
      : inlined
    cache.set(schema, out)
  }
  return out
}

const sanitized: { readonly [target in Exclude<Target, "none">]: WeakMap<JsonObject, JsonObject> } = {
  openai: new WeakMap(),
  anthropic: new WeakMap(),
  gemini: new WeakMap(),
  "openai-strict": new WeakMap()
}

/** Whether a `$ref`, `$defs` or `definitions` is anywhere in the value (without copying it). */
const hasRefs = (node: unknown): boolean => {
  if (typeof node !== "object" || node === null) return false
  if (Array.isArray(node)) {
    for (const item of node) if (hasRefs(item)) return true
    return false
  }
  for (const key in node) {
    if (key === "$ref" || key === "$defs" || key === "definitions") return true
    if (hasRefs((node as JsonObject)[key])) return true
  }
  return false
}

const acceptsNull = (schema: unknown): boolean => {
  if (!isObject(schema)) return schema === true
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) return true
  if (schema.const === null || (Array.isArray(schema.enum) && schema.enum.includes(null))) return true
  const members = [
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])
  ]
  if (members.some(acceptsNull)) return true
  return Object.keys(schema).every((key) => ["description", "title", "$comment", "default", "examples"].includes(key))
}

/**
 * Arguments a model sent under an `"openai-strict"` schema, made right for
 * the original schema: a `null` given for a property the original schema
 * did not require, and whose own schema does not accept `null`, is removed
 * (strict mode makes the model send every property). Nested objects are
 * handled as well.
 *
 * @category transformations
 * @since 0.1.0
 */
export const strictArguments = (original: JsonObject, args: unknown): unknown => {
  const schema = hasRefs(original) ? inlineRefs(original) : original
  const walk = (node: unknown, value: unknown): unknown => {
    if (!isObject(node) || !isObject(value)) return value
    const properties = isObject(node.properties) ? node.properties : {}
    const required = new Set(Array.isArray(node.required) ? node.required.map(String) : [])
    const out: Mutable = {}
    for (const [key, item] of Object.entries(value)) {
      if (item === null && !required.has(key) && key in properties && !acceptsNull(properties[key])) continue
      out[key] = key in properties ? walk(properties[key], item) : item
    }
    return out
  }
  return walk(schema, args)
}

/**
 * Whether a schema contains none of the target's refused keywords, at any
 * depth (as a schema keyword, not as a property name).
 *
 * @category guards
 * @since 0.1.0
 */
export const isAcceptable = (schema: unknown, target: Target): boolean => {
  const refused = refusedKeywords[target]
  const walk = (node: unknown): boolean => {
    if (!isObject(node)) return true
    for (const [key, value] of Object.entries(node)) {
      if (refused.includes(key)) return false
      if (target === "gemini" && key === "type" && Array.isArray(value)) return false
      if (schemaKeywords.includes(key) && !walk(value)) return false
      if (schemaListKeywords.includes(key) && Array.isArray(value) && !value.every(walk)) return false
      if (schemaMapKeywords.includes(key) && isObject(value) && !Object.values(value).every(walk)) return false
    }
    return true
  }
  return walk(schema)
}
