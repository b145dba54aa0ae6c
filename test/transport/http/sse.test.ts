import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { SseParser } from "../../../src/index.ts"

const encoder = new TextEncoder()
const stream = encoder.encode(
  ": keep-alive comment\n" +
    "retry: 1500\n" +
    "id: 1\ndata: first\n\n" +
    "event: endpoint\r\ndata: /messages?session=1\r\n\r\n" +
    "id: 2\rdata: multi\rdata: line\r\r" +
    "data: {\"emoji\":\"🎉 ü\"}\n\n" +
    "data\n\n" +
    "event: ignored-without-data\n\n"
)

const expected = [
  { event: "message", data: "first", id: "1" },
  { event: "endpoint", data: "/messages?session=1", id: "1" },
  { event: "message", data: "multi\nline", id: "2" },
  { event: "message", data: "{\"emoji\":\"🎉 ü\"}", id: "2" },
  { event: "message", data: "", id: "2" }
]

const parseChunks = (cuts: ReadonlyArray<number>) => {
  const points = [...new Set(cuts.map((c) => Math.abs(c) % (stream.length + 1)))].sort((a, b) => a - b)
  const parser = SseParser.make()
  const events: Array<SseParser.Event> = []
  let start = 0
  for (const point of [...points, stream.length]) {
    events.push(...parser.push(stream.subarray(start, point)))
    start = point
  }
  return { events, parser }
}

describe("SSE parsing", () => {
  it.prop("any chunking of a stream yields the same events, ids and retry", [Schema.Array(Schema.Int)], ([cuts]) => {
    const { events, parser } = parseChunks(cuts)
    assert.deepStrictEqual(events, expected)
    assert.strictEqual(parser.retry(), 1500)
    assert.strictEqual(parser.lastEventId(), "2")
  })
})
