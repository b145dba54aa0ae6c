/** Command-line `key=value` arguments read by the types of a tool's input schema. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as ToolArguments from "../../src/cli/ToolArguments.ts"

const inputSchema = {
  type: "object",
  properties: {
    count: { type: "integer" },
    ratio: { type: "number" },
    flag: { type: "boolean" },
    text: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
    options: { type: "object" },
    either: { type: ["integer", "string"] }
  },
  additionalProperties: false
}

const Args = Schema.Struct({
  count: Schema.optionalKey(Schema.Int),
  ratio: Schema.optionalKey(Schema.Finite),
  flag: Schema.optionalKey(Schema.Boolean),
  text: Schema.optionalKey(Schema.String),
  tags: Schema.optionalKey(Schema.Array(Schema.String)),
  options: Schema.optionalKey(Schema.Struct({ depth: Schema.optionalKey(Schema.Int) })),
  either: Schema.optionalKey(Schema.Union([Schema.Int, Schema.String.check(Schema.isPattern(/^[a-z]*$/))]))
})

/** How a user types a value: strings as they are, the rest as JSON. */
const typed = (key: string, value: unknown) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`

describe("tool arguments from key=value", () => {
  it.effect.prop(
    "any arguments typed as key=value read back as themselves",
    { args: Args },
    ({ args }) =>
      Effect.gen(function*() {
        const pairs = Object.entries(args).map(([key, value]) => typed(key, value))
        const read = yield* ToolArguments.forTool(inputSchema, pairs)
        assert.deepStrictEqual(read, JSON.parse(JSON.stringify(args)))
      }),
    { arbitrary: { runs: 300 } }
  )

  it.effect.prop(
    "a word where the schema wants a number is refused, naming the argument",
    { word: Schema.String.check(Schema.isPattern(/^[a-z]+$/)) },
    ({ word }) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(ToolArguments.forTool(inputSchema, [`count=${word}`]))
        assert.strictEqual(error.message, `Argument 'count': '${word}' is not an integer`)
      })
  )

  it.effect("key:=json forces JSON, --json-args is the base, the schema is checked as a whole", () =>
    Effect.gen(function*() {
      const base = yield* ToolArguments.jsonObject("{\"text\":\"base\",\"count\":1}")
      assert.deepStrictEqual(yield* ToolArguments.forTool(inputSchema, ["count=2", "text:=\"quoted\""], base), {
        text: "quoted",
        count: 2
      })
      const unknown = yield* Effect.flip(ToolArguments.forTool(inputSchema, ["colour=red"]))
      assert.include(unknown.message, "Invalid arguments")
      const notPair = yield* Effect.flip(ToolArguments.forTool(inputSchema, ["count"]))
      assert.strictEqual(notPair.message, "Expected key=value, got 'count'")
      const notObject = yield* Effect.flip(ToolArguments.jsonObject("[1]"))
      assert.include(notObject.message, "--json-args must be a JSON object")
    }))

  it.effect("without a schema, values that parse as JSON are JSON, others strings", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* ToolArguments.forTool(undefined, ["n=3", "b=true", "s=hello", "o={\"a\":1}"]), {
        n: 3,
        b: true,
        s: "hello",
        o: { a: 1 }
      })
    }))
})
