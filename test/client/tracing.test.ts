import { assert, describe, it } from "@effect/vitest"
import { Effect, Tracer } from "effect"
import { McpClient } from "../../src/index.ts"
import * as Seed from "../support/Seed.ts"

describe("spans", () => {
  it.effect("every request is a span with MCP attributes when a tracer is installed", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = Tracer.make({
        span(options) {
          const span = Tracer.nativeTracer.span(options)
          spans.push(span)
          return span
        }
      })
      const seed = yield* Seed.make()
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("calculator", { operation: "add", a: 1, b: 2 })
        yield* client.readResource("resource://examples/dataset")
      }).pipe(Effect.provide(seed.layer), Effect.withTracer(tracer))
      const call = spans.find((span) => span.name === "McpClient tools/call")
      assert.isDefined(call)
      assert.strictEqual(call!.attributes.get("mcp.method.name"), "tools/call")
      assert.strictEqual(call!.attributes.get("gen_ai.tool.name"), "calculator")
      assert.strictEqual(call!.attributes.get("mcp.protocol.version"), "2025-11-25")
      assert.strictEqual(call!.kind, "client")
      const read = spans.find((span) => span.name === "McpClient resources/read")
      assert.strictEqual(read?.attributes.get("mcp.resource.uri"), "resource://examples/dataset")
    }))
})
