import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Stderr from "../../../src/transport/stdio/Stderr.ts"

const encoder = new TextEncoder()

/** Splits `bytes` at the given offsets. */
const splitAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts.map((c) => Math.abs(c) % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Array<Uint8Array> = []
  let start = 0
  for (const point of points) {
    chunks.push(bytes.subarray(start, point))
    start = point
  }
  chunks.push(bytes.subarray(start))
  return chunks
}

describe("stdio stderr lines", () => {
  it.prop(
    "any split of the output gives its lines, \\r\\n or \\n, the last one without its end included",
    [Schema.Array(Schema.String.check(Schema.isPattern(/^[^\n\r]*$/))), Schema.Array(Schema.Int), Schema.Boolean],
    ([lines, cuts, crlf]) => {
      const text = lines.join(crlf ? "\r\n" : "\n")
      const stderr = Stderr.make(1000)
      const out: Array<string> = []
      for (const chunk of splitAt(encoder.encode(text), cuts)) out.push(...stderr.push(chunk))
      out.push(...stderr.end())
      const expected = lines.length > 0 && lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines
      assert.deepStrictEqual(out, expected)
    }
  )

  it("keeps the last lines only, with credentials redacted", () => {
    const stderr = Stderr.make(2)
    stderr.push(encoder.encode("one\ntwo\nAuthorization: Bearer abcdefghijklmnop\n"))
    assert.deepStrictEqual(stderr.tail().split("\n")[0], "two")
    assert.notInclude(stderr.tail(), "abcdefghijklmnop")
  })
})
