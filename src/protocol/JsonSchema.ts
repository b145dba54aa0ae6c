/**
 * Validation of values against the JSON Schemas servers send: tool
 * `inputSchema` and `outputSchema`, and elicitation `requestedSchema`.
 *
 * The dialect is the one the schema declares in `$schema` (JSON Schema
 * 2020-12 when it declares none, as the specification says); draft-07 is
 * understood too, since servers of earlier revisions write it. A schema in
 * any other dialect, one that does not match its dialect's meta-schema, or one
 * whose `$ref` cannot be resolved inside the schema, is refused with a clear
 * reason instead of being treated as permissive. No `$ref` is ever fetched
 * from the network. `format` is an annotation, as 2020-12 makes it by
 * default: it is not asserted. Schemas are kept as sent: compiling reads them
 * and never changes them.
 *
 * A schema is data from the server and can never crash or stall a check: one
 * beyond the bounds of `SchemaLimits` (too deep, too large, a `$ref` cycle at
 * one place of the value, too long a `$ref` chain, compositions that multiply)
 * is refused with the reason, and its patterns are matched in linear time
 * (`LinearRegExp`).
 *
 * Validators are compiled by TypeBox (`typebox/schema`); the choice and its
 * measurements are in docs/decisions/json-schema-validator.md. Each schema
 * object is compiled once and the result is cached for as long as the schema
 * object lives. The validator itself is loaded when the first schema is
 * compiled, so a session that checks no schema never loads it.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as TypeBox from "typebox/schema"
import type * as LinearRegExp from "./LinearRegExp.ts"
import * as SchemaLimits from "./SchemaLimits.ts"

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

const draft2020 = "https://json-schema.org/draft/2020-12/schema" as const
const draft07 = "http://json-schema.org/draft-07/schema" as const

/** The meta-schema of each dialect, by its key in TypeBox's bundled meta-schemas. */
const metaSchemaOf = {
  "2020-12": draft2020,
  "draft-07": `${draft07}#`
} as const

type Dialect = keyof typeof metaSchemaOf
type MetaSchemaUri = keyof typeof TypeBox.Meta

interface Compiler {
  readonly Compile: typeof TypeBox.Compile
  readonly Meta: typeof TypeBox.Meta
  /** The bundled meta-schemas, by their URI without fragment: a `$ref` to one is resolved locally. */
  readonly bundled: ReadonlyMap<string, MetaSchemaUri>
  /** A validator of each dialect's meta-schema, compiled on first use. */
  readonly meta: Map<Dialect, TypeBox.Validator>
  /** Runs a call into the validator with the server's patterns matched in linear time. */
  readonly linear: typeof LinearRegExp.withLinearPatterns
}

let compiler: Compiler | undefined
let loading: Promise<Compiler> | undefined

/** TypeBox, loaded on first use. */
const load: Effect.Effect<Compiler> = Effect.suspend(() =>
  compiler !== undefined ?
    Effect.succeed(compiler) :
    Effect.promise(() =>
      loading ??= Promise.all([import("typebox/schema"), import("./LinearRegExp.ts")]).then(([typebox, linear]) =>
        compiler = {
          Compile: typebox.Compile,
          Meta: typebox.Meta,
          bundled: new Map(
            (Object.keys(typebox.Meta) as Array<MetaSchemaUri>).map((uri) => [withoutFragment(uri), uri])
          ),
          meta: new Map(),
          linear: linear.withLinearPatterns
        }
      )
    )
)

const metaValidator = (loaded: Compiler, dialect: Dialect): TypeBox.Validator => {
  let validator = loaded.meta.get(dialect)
  if (validator === undefined) {
    validator = loaded.Compile(loaded.Meta[metaSchemaOf[dialect]] as TypeBox.XSchema)
    loaded.meta.set(dialect, validator)
  }
  return validator
}

/** The dialect a schema declares, or a reason it cannot be used. */
const dialectOf = (schema: { readonly [key: string]: unknown }): Result.Result<Dialect, string> => {
  const declared = schema.$schema
  if (declared === undefined) return Result.succeed("2020-12")
  if (typeof declared !== "string") return Result.fail("$schema must be a string")
  const normalized = declared.replace(/#$/, "")
  if (normalized === draft2020) return Result.succeed("2020-12")
  if (normalized === draft07 || normalized === draft07.replace("http:", "https:")) return Result.succeed("draft-07")
  return Result.fail(`Unsupported JSON Schema dialect ${declared}`)
}

type JsonObject = { [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Keywords whose value is a schema (or, for `items` in draft-07, an array of schemas). */
const schemaKeywords = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "items",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema"
])
/** Keywords whose value is an array of schemas. */
const schemaArrayKeywords = new Set(["allOf", "anyOf", "oneOf", "prefixItems"])
/** Keywords whose value maps names to schemas. */
const schemaMapKeywords = new Set([
  "$defs",
  "definitions",
  "properties",
  "patternProperties",
  "dependentSchemas",
  "dependencies"
])

// The base of a schema without an `$id`: it resolves fragments only, so that a
// relative or absolute reference to anything outside the schema is refused.
const localBase = "urn:effect-mcp-client:schema"

const withoutFragment = (uri: string) => uri.split("#")[0]!

const resolveUri = (reference: string, base: string): string | undefined => {
  try {
    return new URL(reference, base).href
  } catch {
    return undefined
  }
}

const unescapeToken = (token: string) => token.replace(/~1/g, "/").replace(/~0/g, "~")

const escapeToken = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1")

interface Prepared {
  /** The first `$ref` that cannot be resolved inside the schema. */
  readonly unresolved: string | undefined
  /** The bundled meta-schemas the schema refers to. */
  readonly metaSchemas: ReadonlySet<MetaSchemaUri>
  /** Every schema object of the document, with its JSON Pointer. */
  readonly schemas: ReadonlyMap<JsonObject, string>
  /** For each schema holding `$ref` or `$dynamicRef`, the subschemas they resolve to inside the document. */
  readonly targets: ReadonlyMap<JsonObject, ReadonlyArray<unknown>>
}

/**
 * Prepares a copy of a schema for compiling: removes `format` (an annotation
 * here), and checks that every `$ref` resolves inside the schema (or to a
 * bundled meta-schema).
 */
const prepare = (root: JsonObject, bundled: ReadonlyMap<string, MetaSchemaUri>): Prepared => {
  const resources = new Map<string, unknown>()
  const anchors = new Map<string, JsonObject>()
  const references: Array<readonly [string, string, JsonObject]> = []
  const metaSchemas = new Set<MetaSchemaUri>()
  const schemas = new Map<JsonObject, string>()

  const visit = (schema: unknown, base: string, pointer: string): void => {
    if (Array.isArray(schema)) {
      schema.forEach((item, index) => visit(item, base, `${pointer}/${index}`))
      return
    }
    if (!isObject(schema)) return
    schemas.set(schema, pointer)
    let current = base
    const id = schema.$id
    if (typeof id === "string") {
      if (id.startsWith("#")) {
        // draft-07 names a plain-name fragment with `$id`.
        anchors.set(`${withoutFragment(current)}#${id.slice(1)}`, schema)
      } else {
        const resolved = resolveUri(id, current)
        if (resolved !== undefined) {
          current = withoutFragment(resolved)
          resources.set(current, schema)
        }
      }
    }
    for (const anchor of [schema.$anchor, schema.$dynamicAnchor]) {
      if (typeof anchor === "string") anchors.set(`${current}#${anchor}`, schema)
    }
    for (const keyword of ["$ref", "$dynamicRef"]) {
      const reference = schema[keyword]
      if (typeof reference === "string") references.push([reference, current, schema])
    }
    if (typeof schema.format === "string") delete schema.format
    for (const [keyword, value] of Object.entries(schema)) {
      const at = `${pointer}/${escapeToken(keyword)}`
      if (schemaKeywords.has(keyword) || schemaArrayKeywords.has(keyword)) visit(value, current, at)
      else if (schemaMapKeywords.has(keyword) && isObject(value)) {
        for (const [name, member] of Object.entries(value)) visit(member, current, `${at}/${escapeToken(name)}`)
      }
    }
  }

  resources.set(localBase, root)
  visit(root, localBase, "#")

  /** The subschema a reference resolves to (`true` for a bundled meta-schema), or `undefined`. */
  const resolve = (reference: string, base: string): unknown => {
    const target = resolveUri(reference, base)
    if (target === undefined) return undefined
    const resource = withoutFragment(target)
    const hash = target.slice(resource.length + 1)
    const document = resources.get(resource)
    if (document === undefined) {
      const meta = bundled.get(resource)
      if (meta === undefined || hash !== "") return undefined
      metaSchemas.add(meta)
      return true
    }
    if (hash === "") return document
    let fragment: string
    try {
      fragment = decodeURIComponent(hash)
    } catch {
      return undefined
    }
    if (!fragment.startsWith("/")) return anchors.get(`${resource}#${fragment}`)
    let node: unknown = document
    for (const token of fragment.slice(1).split("/").map(unescapeToken)) {
      if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) {
        node = node[Number(token)]
      } else if (isObject(node) && Object.hasOwn(node, token)) node = node[token]
      else return undefined
    }
    return node
  }

  const targets = new Map<JsonObject, Array<unknown>>()
  let unresolved: string | undefined
  for (const [reference, base, holder] of references) {
    const target = resolve(reference, base)
    if (target === undefined) {
      unresolved ??= reference
      continue
    }
    const found = targets.get(holder)
    if (found === undefined) targets.set(holder, [target])
    else found.push(target)
  }
  return { unresolved, metaSchemas, schemas, targets }
}

interface TypeBoxError {
  readonly keyword: string
  readonly instancePath: string
  readonly params: { readonly [key: string]: unknown }
  readonly message: string
}

const firstOf = (value: unknown): string | undefined =>
  Array.isArray(value) && value.length > 0 ? String(value[0]) : undefined

const describe = (error: TypeBoxError): Issue => {
  switch (error.keyword) {
    case "required": {
      const missing = firstOf(error.params.requiredProperties)
      if (missing === undefined) break
      return {
        path: `${error.instancePath}/${escapeToken(missing)}`,
        message: `must have required property '${missing}'`
      }
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const extra = firstOf(error.params[error.keyword])
      if (extra === undefined) break
      return { path: `${error.instancePath}/${escapeToken(extra)}`, message: "must NOT have additional properties" }
    }
    case "boolean":
      // A `false` subschema: `additionalProperties: false`, `items: false`, a forbidden property.
      return { path: error.instancePath, message: "is not allowed" }
  }
  return { path: error.instancePath, message: error.message }
}

/** The first error. Errors are collected only once a value has failed the compiled check. */
const firstError = (validator: TypeBox.Validator, value: unknown): Issue => {
  const first = (validator.Errors(value)[1] as unknown as ReadonlyArray<TypeBoxError>)[0]
  return first === undefined ? { path: "", message: "does not match the schema" } : describe(first)
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

const compileWith = (loaded: Compiler, schema: { readonly [key: string]: unknown }): Result.Result<Check, string> => {
  const cached = cache.get(schema)
  if (cached !== undefined) return cached
  const compiled = Result.flatMap(dialectOf(schema), (dialect): Result.Result<Check, string> => {
    // Bounds first: a schema too deep or too large is refused before anything recurses into it.
    const tooLarge = SchemaLimits.measure(schema)
    if (tooLarge !== undefined) return Result.fail(`Unusable schema: ${tooLarge}`)
    let validator: TypeBox.Validator
    try {
      // A structured clone keeps the compiler from ever touching the server's object.
      const copy = structuredClone(schema) as JsonObject
      const meta = metaValidator(loaded, dialect)
      if (!meta.Check(copy)) {
        const issue = firstError(meta, copy)
        return Result.fail(`Unusable schema: ${issue.path === "" ? "the schema" : issue.path} ${issue.message}`)
      }
      const { metaSchemas, schemas, targets, unresolved } = prepare(copy, loaded.bundled)
      if (unresolved !== undefined) {
        return Result.fail(`Unusable schema: $ref ${unresolved} cannot be resolved inside the schema`)
      }
      const unbounded = SchemaLimits.checkApplication(schemas, targets)
      if (unbounded !== undefined) return Result.fail(`Unusable schema: ${unbounded}`)
      validator = loaded.linear(() =>
        metaSchemas.size === 0
          ? loaded.Compile(copy as TypeBox.XSchema)
          : loaded.Compile(
            Object.fromEntries([...metaSchemas].map((uri) => [uri, loaded.Meta[uri] as TypeBox.XSchema])),
            copy as TypeBox.XSchema
          )
      )
    } catch (error) {
      return Result.fail(`Unusable schema: ${error instanceof Error ? error.message : String(error)}`)
    }
    const check: Check = (value) => {
      try {
        return loaded.linear(() => validator.Check(value) ? undefined : firstError(validator, value))
      } catch (error) {
        // The bounds above keep this from happening; should the validator still throw, the value is not accepted.
        return { path: "", message: `could not be checked: ${error instanceof Error ? error.message : String(error)}` }
      }
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
