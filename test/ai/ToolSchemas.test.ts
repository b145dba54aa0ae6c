/**
 * The provider schema sanitizers, property-tested: for generated schemas,
 * the output accepts what the input accepts (exactly, where only references
 * were inlined), and contains none of the target's refused keywords; and the
 * schemas of real servers' tools.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Layer, Result, Schema } from "effect"
import * as ToolSchemas from "../../src/ai/ToolSchemas.ts"
import { McpClient } from "../../src/index.ts"
import * as JsonSchema from "../../src/protocol/JsonSchema.ts"
import * as Peers from "../support/Peers.ts"

type Json = { readonly [key: string]: unknown }

const kinds = [
  "string",
  "number",
  "integer",
  "boolean",
  "const",
  "enum",
  "array",
  "ref",
  "nullable",
  "oneOf",
  "allOf",
  "default"
] as const
type Kind = typeof kinds[number]

const Property = Schema.Struct({
  name: Schema.Literals(["a", "b", "c", "d"]),
  kind: Schema.Literals(kinds),
  required: Schema.Boolean,
  seed: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 9 }))
})
type Property = typeof Property.Type

const Nested = Schema.Struct({
  name: Schema.Literals(["p", "q"]),
  kind: Schema.Literals(["string", "integer", "boolean"]),
  required: Schema.Boolean,
  seed: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 9 }))
})

const Spec = Schema.Struct({
  properties: Schema.Array(Property).check(Schema.isMaxLength(5)),
  item: Schema.Array(Nested).check(Schema.isMaxLength(3)),
  closed: Schema.Boolean,
  draft07: Schema.Boolean
})
type Spec = typeof Spec.Type

/** Any value an instance may hold, to try against the schemas. */
const Instance = Schema.Record(
  Schema.Literals(["a", "b", "c", "d", "z"]),
  Schema.Union([
    Schema.String,
    Schema.Int,
    Schema.Boolean,
    Schema.Null,
    Schema.Array(Schema.Int),
    Schema.Struct({ x: Schema.Int }),
    Schema.Struct({ p: Schema.String })
  ])
)

const lastByName = <P extends { readonly name: string }>(
  items: ReadonlyArray<P>
): ReadonlyArray<P> => [...new Map(items.map((item) => [item.name, item])).values()]

const keyword = (kind: Kind, draft07: boolean): Json => {
  switch (kind) {
    case "string":
      return { type: "string", minLength: 1 }
    case "number":
      return { type: "number", exclusiveMinimum: 0 }
    case "integer":
      return { type: "integer" }
    case "boolean":
      return { type: "boolean" }
    case "const":
      return { const: "k" }
    case "enum":
      return { enum: ["x", "y"] }
    case "array":
      return { type: "array", items: { type: "integer" } }
    case "ref":
      return { $ref: draft07 ? "#/definitions/Item" : "#/$defs/Item" }
    case "nullable":
      return { type: ["string", "null"] }
    case "oneOf":
      return { oneOf: [{ type: "string" }, { type: "integer" }] }
    case "allOf":
      return { allOf: [{ type: "object", properties: { x: { type: "integer" } } }, { required: ["x"] }] }
    case "default":
      return { type: "string", default: "d" }
  }
}

const schemaOf = (spec: Spec): Json => {
  const properties = lastByName(spec.properties)
  const item = lastByName(spec.item)
  const definition = {
    type: "object",
    properties: Object.fromEntries(item.map((p) => [p.name, keyword(p.kind, spec.draft07)])),
    required: item.filter((p) => p.required).map((p) => p.name)
  }
  return {
    $schema: spec.draft07 ? "http://json-schema.org/draft-07/schema#" : "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: Object.fromEntries(properties.map((p) => [p.name, keyword(p.kind, spec.draft07)])),
    required: properties.filter((p) => p.required).map((p) => p.name),
    ...(spec.closed ? { additionalProperties: false } : {}),
    ...(spec.draft07 ? { definitions: { Item: definition } } : { $defs: { Item: definition } })
  }
}

/** A value of a kind, chosen by the seed. */
const witnessOf = (kind: Kind, seed: number, spec: Spec): unknown => {
  switch (kind) {
    case "string":
    case "default":
      return `s${seed}`
    case "number":
      return seed + 0.5
    case "integer":
      return seed
    case "boolean":
      return seed % 2 === 0
    case "const":
      return "k"
    case "enum":
      return seed % 2 === 0 ? "x" : "y"
    case "array":
      return [seed, seed + 1]
    case "nullable":
      return seed % 2 === 0 ? null : "n"
    case "oneOf":
      return seed % 2 === 0 ? "o" : seed
    case "allOf":
      return { x: seed }
    case "ref":
      return Object.fromEntries(
        lastByName(spec.item).filter((p) => p.required || (p.seed + seed) % 2 === 0).map((p) => [
          p.name,
          witnessOf(p.kind, p.seed, spec)
        ])
      )
  }
}

/** An instance valid by construction: the required properties and, by seed, some optional ones; no others. */
const witness = (spec: Spec): Json =>
  Object.fromEntries(
    lastByName(spec.properties).filter((p) => p.required || p.seed % 2 === 0).map((p) => [
      p.name,
      witnessOf(p.kind, p.seed, spec)
    ])
  )

/** What a model sends under a strict schema: every property, `null` for the ones it leaves out. */
const strictForm = (schema: Json, value: unknown): unknown => {
  const inlined = ToolSchemas.inlineRefs(schema)
  const walk = (node: any, item: unknown): unknown => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item
    const properties = node?.properties ??
      (Array.isArray(node?.allOf) ? Object.assign({}, ...node.allOf.map((m: any) => m.properties ?? {})) : {})
    const out: Record<string, unknown> = {}
    for (const name of Object.keys(properties)) {
      out[name] = name in (item as Json) ? walk(properties[name], (item as Json)[name]) : null
    }
    return out
  }
  return walk(inlined, value)
}

const valid = (schema: Json, value: unknown) =>
  Effect.flatMap(JsonSchema.compile(schema), (compiled) => {
    if (Result.isFailure(compiled)) return Effect.die(new Error(compiled.failure))
    return Effect.succeed(compiled.success(value) === undefined)
  })

const widening = ["gemini", "openai", "anthropic"] as const

describe("ToolSchemas", () => {
  it.effect.prop(
    "gemini, openai, anthropic: the output accepts every instance the input accepts, with no refused keyword",
    [Spec, Instance],
    ([spec, instance]) =>
      Effect.gen(function*() {
        const input = schemaOf(spec)
        const example = witness(spec)
        assert.isTrue(yield* valid(input, example), "the witness is valid")
        for (const target of widening) {
          const output = ToolSchemas.sanitize(input, target)
          assert.isTrue(ToolSchemas.isAcceptable(output, target), `${target}: ${JSON.stringify(output)}`)
          assert.isTrue(yield* valid(output, example), target)
          const accepted = yield* valid(input, instance)
          const acceptedAfter = yield* valid(output, instance)
          if (accepted) assert.isTrue(acceptedAfter, `${target} refuses ${JSON.stringify(instance)}`)
          // Inlining references alone changes nothing.
          if (target !== "gemini") assert.strictEqual(acceptedAfter, accepted, target)
        }
      }),
    { arbitrary: { runs: 150 } }
  )

  it.effect.prop(
    "openai-strict: every object closed and fully required, and the strict form of a valid instance maps back",
    [Spec],
    ([spec]) =>
      Effect.gen(function*() {
        const input = schemaOf(spec)
        const output = ToolSchemas.sanitize(input, "openai-strict")
        assert.isTrue(ToolSchemas.isAcceptable(output, "openai-strict"), JSON.stringify(output))
        const walk = (node: any): void => {
          if (typeof node !== "object" || node === null) return
          if (node.type === "object" || (Array.isArray(node.type) && node.type.includes("object"))) {
            assert.strictEqual(node.additionalProperties, false)
            assert.deepStrictEqual([...node.required].sort(), Object.keys(node.properties).sort())
          }
          Object.values(node).forEach(walk)
        }
        walk(output)
        const example = witness(spec)
        const sent = strictForm(input, example)
        assert.isTrue(yield* valid(output, sent), `${JSON.stringify(sent)} under ${JSON.stringify(output)}`)
        const back = ToolSchemas.strictArguments(input, sent) as Json
        assert.isTrue(yield* valid(input, back), JSON.stringify(back))
        // What was given comes back; a left-out property comes back only where null is a value of its own.
        assert.deepStrictEqual(Object.fromEntries(Object.keys(example).map((key) => [key, back[key]])), example)
        for (const key of Object.keys(back)) if (!(key in example)) assert.isNull(back[key])
      }),
    { arbitrary: { runs: 150 } }
  )

  it("a recursive reference is cut to any value past the depth limit", () => {
    const tree = {
      type: "object",
      properties: { children: { type: "array", items: { $ref: "#" } } }
    }
    const output = ToolSchemas.inlineRefs(tree, 2)
    assert.isFalse(JSON.stringify(output).includes("$ref"))
    assert.deepStrictEqual(
      (output as any).properties.children.items.properties.children.items.properties.children.items,
      {}
    )
  })
})

describe("ToolSchemas on real servers' tools", () => {
  for (const peer of ["everything", "ts-v2", "effect"] as const) {
    layer(McpClient.layer({ name: "schemas", version: "1.0.0" }).pipe(Layer.provide(Peers.stdio(peer))), {
      timeout: "60 seconds"
    })(peer, (it) => {
      it.effect("every tool's schema is acceptable to every target, and still compiles", () =>
        Effect.gen(function*() {
          const { tools } = yield* (yield* McpClient.McpClient).listTools()
          assert.isAbove(tools.length, 0)
          for (const tool of tools) {
            for (const target of [...widening, "openai-strict"] as const) {
              const output = ToolSchemas.sanitize(tool.inputSchema, target)
              assert.isTrue(ToolSchemas.isAcceptable(output, target), `${tool.name} for ${target}`)
              const compiled = yield* JsonSchema.compile(output)
              assert.isTrue(Result.isSuccess(compiled), `${tool.name} for ${target}`)
            }
          }
        }))
    })
  }
})
