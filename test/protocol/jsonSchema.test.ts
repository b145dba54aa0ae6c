/** Validation against the JSON Schemas servers send: dialects, references, refusals. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { JsonSchema } from "../../src/index.ts"

const compiled = (schema: Record<string, unknown>) =>
  Effect.map(JsonSchema.compile(schema), (result) => {
    if (Result.isFailure(result)) assert.fail(result.failure)
    return (result as Result.Success<JsonSchema.Check, string>).success
  })

const refusal = (schema: Record<string, unknown>) =>
  Effect.map(JsonSchema.compile(schema), (result) => {
    if (Result.isSuccess(result)) assert.fail("the schema was accepted")
    return (result as Result.Failure<JsonSchema.Check, string>).failure
  })

describe("JsonSchema", () => {
  it.effect("2020-12: $defs and $ref, prefixItems, unevaluatedProperties, with the path of the first issue", () =>
    Effect.gen(function*() {
      const check = yield* compiled({
        $defs: { point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } },
        type: "object",
        properties: { at: { $ref: "#/$defs/point" }, pair: { prefixItems: [{ type: "string" }, { type: "number" }] } },
        unevaluatedProperties: false
      })
      assert.isUndefined(check({ at: { x: 1 }, pair: ["a", 2] }))
      assert.deepStrictEqual(check({ at: {} }), { path: "/at/x", message: "must have required property 'x'" })
      assert.strictEqual(check({ pair: [1] })?.path, "/pair/0")
      assert.strictEqual(check({ extra: true })?.path, "/extra")
    }))

  it.effect("draft-07 schemas are understood by their $schema", () =>
    Effect.gen(function*() {
      const check = yield* compiled({
        $schema: "http://json-schema.org/draft-07/schema#",
        definitions: { name: { type: "string", minLength: 1 } },
        type: "object",
        properties: { name: { $ref: "#/definitions/name" } }
      })
      assert.isUndefined(check({ name: "a" }))
      assert.strictEqual(check({ name: "" })?.path, "/name")
    }))

  it.effect("the same $id in schemas of two listings compiles both times", () =>
    Effect.gen(function*() {
      const schema = () => ({ $id: "https://example.com/tool-output", type: "object", required: ["ok"] })
      const first = yield* compiled(schema())
      const second = yield* compiled(schema())
      assert.isDefined(first({}))
      assert.isDefined(second({}))
      assert.isUndefined(second({ ok: true }))
    }))

  it.effect("a $ref outside the schema is refused, naming it, and nothing is fetched", () =>
    Effect.gen(function*() {
      const fetched: Array<string> = []
      const original = globalThis.fetch
      globalThis.fetch = ((input: string | URL | Request) => {
        fetched.push(String(input))
        return original(input)
      }) as typeof fetch
      const reason = yield* refusal({ properties: { x: { $ref: "https://example.com/schemas/x.json" } } }).pipe(
        Effect.ensuring(Effect.sync(() => {
          globalThis.fetch = original
        }))
      )
      assert.include(reason, "https://example.com/schemas/x.json")
      assert.deepStrictEqual(fetched, [])
      assert.include(yield* refusal({ properties: { x: { $ref: "#/$defs/missing" } } }), "#/$defs/missing")
    }))

  it.effect("an invalid schema or an unknown dialect is refused instead of accepting everything", () =>
    Effect.gen(function*() {
      assert.include(yield* refusal({ type: 12 }), "Unusable schema")
      assert.include(yield* refusal({ $schema: "https://example.com/my-dialect" }), "Unsupported JSON Schema dialect")
    }))

  it.effect("format is an annotation; the server's schema object is never changed", () =>
    Effect.gen(function*() {
      const schema = { type: "object", properties: { email: { type: "string", format: "email" } } }
      const before = structuredClone(schema)
      const check = yield* compiled(schema)
      assert.isUndefined(check({ email: "not an address" }))
      assert.deepStrictEqual(schema, before)
    }))

  it.effect("checkForm describes the first mismatch of an elicitation answer", () =>
    Effect.gen(function*() {
      const schema = { type: "object", properties: { age: { type: "integer", minimum: 0 } }, required: ["age"] }
      assert.isUndefined(yield* JsonSchema.checkForm(schema, { age: 3 }))
      assert.match(String(yield* JsonSchema.checkForm(schema, { age: -1 })), /^\/age /)
      assert.match(String(yield* JsonSchema.checkForm(schema, {})), /^\/age must have required property/)
    }))
})
