import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Framing from "../../../src/transport/stdio/Framing.ts"

const encoder = new TextEncoder()
const messages = [
  { jsonrpc: "2.0", id: 1, result: { text: "ascii" } },
  { jsonrpc: "2.0", method: "notifications/message", params: { data: "€ 🎉 ü — 日本語" } },
  { jsonrpc: "2.0", id: "x", result: { nested: { array: [1, 2, 3], empty: "" } } }
]
const stream = encoder.encode(messages.map((m) => JSON.stringify(m)).join("\n") + "\n")

/** Splits `bytes` at the given offsets (sorted, deduplicated, within range). */
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

const decodeAll = (chunks: ReadonlyArray<Uint8Array>, max = 1 << 20) => {
  const decoder = Framing.makeDecoder(max)
  const out: Array<unknown> = []
  for (const chunk of chunks) {
    const frames = decoder.push(chunk)
    if (!Array.isArray(frames)) throw new Error("overflow")
    for (const frame of frames as ReadonlyArray<Framing.Frame>) out.push(frame._tag === "Message" ? frame.value : frame)
  }
  return out
}

describe("NDJSON framing", () => {
  it.prop("any split of a valid byte stream yields the same messages", [Schema.Array(Schema.Int)], ([cuts]) => {
    assert.deepStrictEqual(decodeAll(splitAt(stream, cuts)), messages)
  })

  it("a multi-byte character split across chunks decodes correctly", () => {
    const bytes = encoder.encode(JSON.stringify({ text: "🎉" }) + "\n")
    const at = bytes.indexOf(0xf0) + 2 // inside the 4-byte emoji
    assert.deepStrictEqual(decodeAll([bytes.subarray(0, at), bytes.subarray(at)]), [{ text: "🎉" }])
  })

  it("accepts \\r\\n and blank lines, and reports lines that are not JSON", () => {
    const out = decodeAll([encoder.encode("\n{\"a\":1}\r\n\r\n  \nnot json\n{\"b\":2}\n")])
    assert.deepStrictEqual(out[0], { a: 1 })
    assert.strictEqual((out[1] as Framing.Frame)._tag, "Invalid")
    assert.deepStrictEqual(out[2], { b: 2 })
    assert.strictEqual(out.length, 3)
  })

  it("decodes a 10 MiB message delivered in 64 KiB chunks", () => {
    const text = "y".repeat(10 * 1024 * 1024)
    const bytes = encoder.encode(JSON.stringify({ text }) + "\n")
    const chunks: Array<Uint8Array> = []
    for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536))
    const out = decodeAll(chunks, 16 * 1024 * 1024) as Array<{ text: string }>
    assert.strictEqual(out.length, 1)
    assert.strictEqual(out[0]!.text.length, text.length)
  })

  it("refuses a line past the limit as soon as it passes it", () => {
    const decoder = Framing.makeDecoder(100)
    assert.deepStrictEqual(decoder.push(encoder.encode("x".repeat(60))), [])
    const overflow = decoder.push(encoder.encode("x".repeat(60)))
    assert.isFalse(Array.isArray(overflow))
    assert.strictEqual((overflow as Framing.Overflow).limitBytes, 100)
    // A line of exactly the limit is accepted.
    const exact = Framing.makeDecoder(9)
    assert.deepStrictEqual(exact.push(encoder.encode("\"1234567\"\n")), [{ _tag: "Message", value: "1234567" }])
  })
  it("an overflow carries the messages its chunk completed before the long line", () => {
    const decoder = Framing.makeDecoder(20)
    const overflow = decoder.push(encoder.encode("{\"a\":1}\n{\"b\":2}\n" + "z".repeat(40)))
    assert.isFalse(Array.isArray(overflow))
    assert.deepStrictEqual((overflow as Framing.Overflow).frames, [
      { _tag: "Message", value: { a: 1 } },
      { _tag: "Message", value: { b: 2 } }
    ])
  })
})
