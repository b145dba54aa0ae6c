import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as ToolNames from "../../src/ai/ToolNames.ts"

const providerRule = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/

/** Names as servers and hosts make them: any characters, long, often alike. */
const Name = Schema.Union([
  Schema.String,
  Schema.Literals(["files/read", "files.read", "files_read", "files read", "1st", "-x", "é", ""]),
  Schema.String.pipe(Schema.check(Schema.isMinLength(60)))
])

describe("ToolNames", () => {
  it.prop("every name gets a unique model name providers accept, which maps back", [Schema.Array(Name)], ([names]) => {
    const map = ToolNames.make(names)
    const unique = new Set(names)
    assert.strictEqual(map.toModel.size, unique.size)
    assert.strictEqual(map.fromModel.size, unique.size)
    for (const name of unique) {
      const model = map.toModel.get(name)!
      assert.match(model, providerRule)
      assert.strictEqual(map.fromModel.get(model), name)
    }
  }, { arbitrary: { runs: 1000 } })

  it.prop(
    "a valid name is kept, and the mapping does not depend on the other names",
    [Name, Schema.Array(Name)],
    ([name, others]) => {
      const alone = ToolNames.make([name]).toModel.get(name)!
      if (ToolNames.isValid(name)) assert.strictEqual(alone, name)
      // Stable across refreshes: the first name listed keeps its model name whatever follows.
      assert.strictEqual(ToolNames.make([name, ...others]).toModel.get(name), alone)
    }
  )

  it("names that sanitize alike stay apart", () => {
    const map = ToolNames.make(["files/read", "files.read", "files_read"])
    assert.strictEqual(map.toModel.get("files_read"), "files_read")
    assert.notStrictEqual(map.toModel.get("files/read"), map.toModel.get("files.read"))
    assert.isAtMost(ToolNames.sanitize("x".repeat(200)).length, 64)
  })
})
