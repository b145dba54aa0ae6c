/** Hostile JSON Schemas from a server are refused as data: no stack overflow, no exponential pattern. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { JsonSchema } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const refusal = (schema: Record<string, unknown>) =>
  Effect.map(JsonSchema.compile(schema), (result) => {
    if (Result.isSuccess(result)) assert.fail("the schema was accepted")
    return (result as Result.Failure<JsonSchema.Check, string>).failure
  })

const compiled = (schema: Record<string, unknown>) =>
  Effect.map(JsonSchema.compile(schema), (result) => {
    if (Result.isFailure(result)) assert.fail(result.failure)
    return (result as Result.Success<JsonSchema.Check, string>).success
  })

/** `depth` levels of `{ not: { not: … } }`. */
const nested = (depth: number): Record<string, unknown> => {
  let schema: Record<string, unknown> = { type: "string" }
  for (let i = 0; i < depth; i++) schema = { not: schema }
  return schema
}

describe("hostile schemas", () => {
  it.effect("a schema referring to itself in place is refused, and so are two $defs referring to each other", () =>
    Effect.gen(function*() {
      assert.include(yield* refusal({ $ref: "#" }), "applies itself again")
      const mutual = yield* refusal({
        $defs: { a: { $ref: "#/$defs/b" }, b: { allOf: [{ $ref: "#/$defs/a" }] } },
        $ref: "#/$defs/a"
      })
      assert.include(mutual, "applies itself again")
      assert.include(mutual, "#/$defs/")
      assert.include(
        yield* refusal({ $defs: { a: { $anchor: "self", anyOf: [{ $ref: "#self" }] } } }),
        "applies itself"
      )
    }))

  it.effect("a recursive schema that descends into the value (a tree) still validates", () =>
    Effect.gen(function*() {
      const check = yield* compiled({
        $defs: {
          node: {
            type: "object",
            properties: { value: { type: "number" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
            required: ["value"]
          }
        },
        $ref: "#/$defs/node"
      })
      assert.isUndefined(check({ value: 1, children: [{ value: 2, children: [{ value: 3 }] }] }))
      assert.deepStrictEqual(check({ value: 1, children: [{ value: 2, children: [{}] }] }), {
        path: "/children/0/children/0/value",
        message: "must have required property 'value'"
      })
      const self = yield* compiled({ type: "object", properties: { next: { $ref: "#" } }, required: ["id"] })
      assert.isUndefined(self({ id: 1, next: { id: 2 } }))
      assert.strictEqual(self({ id: 1, next: {} })?.path, "/next/id")
    }))

  it.effect("a chain of $ref longer than the bound is refused; one within it validates", () =>
    Effect.gen(function*() {
      const chain = (length: number) => {
        const defs: Record<string, unknown> = { [`d${length}`]: { type: "number" } }
        for (let i = 0; i < length; i++) defs[`d${i}`] = { $ref: `#/$defs/d${i + 1}` }
        return { $defs: defs, $ref: "#/$defs/d0" }
      }
      assert.include(yield* refusal(chain(40)), "chain of more than 32 $ref")
      const check = yield* compiled(chain(20))
      assert.isUndefined(check(1))
      assert.isDefined(check("one"))
    }))

  it.effect("compositions that multiply beyond the bound are refused", () =>
    Effect.gen(function*() {
      // Each level applies the next one twice: 2^20 subschemas at the root.
      const defs: Record<string, unknown> = { l20: { type: "number" } }
      for (let i = 0; i < 20; i++) {
        defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i + 1}` }, { $ref: `#/$defs/l${i + 1}` }] }
      }
      assert.include(yield* refusal({ $defs: defs, $ref: "#/$defs/l0" }), "subschemas (allOf, anyOf, oneOf, $ref …)")
    }))

  it.effect("schemas too deep or too large are refused before anything recurses into them", () =>
    Effect.gen(function*() {
      assert.include(yield* refusal(nested(100_000)), "nests deeper than 128 levels")
      const properties = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`p${i}`, { type: "string" }]))
      assert.include(yield* refusal({ type: "object", properties }), "more than 100000 JSON values")
      const deep = yield* compiled(nested(40))
      assert.isUndefined(deep("one"))
      assert.isDefined(deep(1))
    }))

  it.effect("patterns match in linear time; one the linear engine cannot run is refused naming it", () =>
    Effect.gen(function*() {
      // With a backtracking engine, this check would not end in the lifetime of the test run.
      const check = yield* compiled({ type: "string", pattern: "^(a+)+$" })
      assert.isUndefined(check("aaaa"))
      assert.deepInclude(check("a".repeat(50_000) + "!"), { path: "" })
      const keys = yield* compiled({
        type: "object",
        patternProperties: { "^(x+x+)+y$": { type: "number" } },
        additionalProperties: false
      })
      assert.isUndefined(keys({ xxy: 1 }))
      assert.strictEqual(keys({ [`${"x".repeat(40_000)}z`]: 1 })?.path, `/${"x".repeat(40_000)}z`)
      assert.strictEqual(keys({ xxy: "one" })?.path, "/xxy")
      const escapes = yield* compiled({ type: "string", pattern: "^\\u00e9\\d+\\p{L}$" })
      assert.isUndefined(escapes("é12x"))
      assert.include(yield* refusal({ type: "string", pattern: "(a)\\1" }), "cannot be matched in linear time")
      // Outside the validator, RegExp is the built-in one.
      assert.strictEqual(new RegExp("(a)\\1").test("aa"), true)
    }))

  it.effect("a tool whose schemas are hostile fails its calls with a typed error, and the session goes on", () =>
    Effect.gen(function*() {
      const tools = [
        { name: "loop", inputSchema: { type: "object" }, outputSchema: { type: "object", $ref: "#" } },
        {
          name: "mutual",
          inputSchema: {
            type: "object",
            $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } },
            $ref: "#/$defs/a"
          }
        },
        { name: "echo", inputSchema: { type: "object" } }
      ]
      const { client } = yield* Scripted.client({
        onRequest: (message, peer) => {
          if (message.method === "tools/list") return Scripted.reply(peer, message, { tools })
          if (message.method === "tools/call") {
            return Scripted.reply(peer, message, {
              content: [{ type: "text", text: "ok" }],
              structuredContent: { a: 1 }
            })
          }
          return undefined
        }
      }, { validateToolArguments: true })
      const output = yield* client.callTool("loop", {}).pipe(Effect.flip)
      assert.strictEqual(output._tag, "OutputValidationError")
      assert.include(output.message, "applies itself again")
      const input = yield* client.callTool("mutual", {}).pipe(Effect.flip)
      assert.strictEqual(input._tag, "InvalidToolArguments")
      const echoed = yield* client.callTool("echo", {})
      assert.deepStrictEqual(echoed.content, [{ type: "text", text: "ok" }])
    }))
})
