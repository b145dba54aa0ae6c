/** The fast path of result validation accepts exactly what the schema accepts. */
import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Mcp, Validate } from "../../src/index.ts"

const Json = Schema.Union([Schema.String, Schema.Number, Schema.Boolean, Schema.Null])
/** Content blocks near the text shape: right, wrong, and other kinds. */
const Block = Schema.Union([
  Schema.Struct({
    type: Schema.Literals(["text", "image", "other"]),
    text: Schema.optionalKey(Schema.Union([Schema.String, Schema.Number])),
    annotations: Schema.optionalKey(Schema.Union([Json, Schema.Struct({ priority: Schema.optionalKey(Json) })])),
    _meta: Schema.optionalKey(Schema.Union([Json, Schema.Struct({ a: Schema.optionalKey(Json) })])),
    data: Schema.optionalKey(Json),
    mimeType: Schema.optionalKey(Json)
  }),
  Json
])
/** Values near a tools/call result. */
const Candidate = Schema.Struct({
  content: Schema.Union([Schema.Array(Block), Json]),
  isError: Schema.optionalKey(Json),
  structuredContent: Schema.optionalKey(Schema.Union([Json, Schema.Struct({ n: Schema.optionalKey(Json) })])),
  _meta: Schema.optionalKey(Schema.Union([Json, Schema.Struct({ a: Schema.optionalKey(Json) })]))
})

const full = Validate.validator(Mcp.CallToolResult)
const fast = Validate.validatorWithFastPath(Mcp.isTextCallToolResult, Mcp.CallToolResult)
const isValid = Schema.is(Mcp.CallToolResult)

describe("tools/call results through the fast path", () => {
  it.prop("the fast path recognizes only valid results", [Candidate], ([candidate]) => {
    if (Mcp.isTextCallToolResult(candidate)) assert.isTrue(isValid(candidate))
  }, { arbitrary: { runs: 2000 } })

  it.prop("with or without the fast path, the same values pass", [Schema.Union([Candidate, Json])], ([candidate]) => {
    assert.strictEqual(Result.isSuccess(fast(candidate, "tools/call")), Result.isSuccess(full(candidate, "tools/call")))
  }, { arbitrary: { runs: 2000 } })

  it("recognizes text results, and leaves anything richer to the schema", () => {
    assert.isTrue(Mcp.isTextCallToolResult({ content: [{ type: "text", text: "a" }] }))
    assert.isTrue(Mcp.isTextCallToolResult({ content: [], isError: true, structuredContent: { n: 1 } }))
    assert.isFalse(Mcp.isTextCallToolResult({ content: [{ type: "text", text: "a", annotations: {} }] }))
    assert.isFalse(Mcp.isTextCallToolResult({ content: [{ type: "image", data: "", mimeType: "image/png" }] }))
    assert.isFalse(Mcp.isTextCallToolResult({ content: [{ type: "text", text: 1 }] }))
    assert.isFalse(Mcp.isTextCallToolResult({ content: [], isError: "yes" }))
    assert.isFalse(Mcp.isTextCallToolResult({ content: [], _meta: {} }))
  })
})
