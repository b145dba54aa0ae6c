import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Tracer } from "effect"
import { McpClient } from "../../src/index.ts"
import { drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"
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
      const call = spans.find((span) => span.name === "tools/call calculator")
      assert.isDefined(call)
      assert.strictEqual(call!.attributes.get("mcp.method.name"), "tools/call")
      assert.strictEqual(call!.attributes.get("gen_ai.tool.name"), "calculator")
      assert.strictEqual(call!.attributes.get("mcp.protocol.version"), "2025-11-25")
      assert.strictEqual(call!.kind, "client")
      const read = spans.find((span) => span.name === "resources/read")
      assert.strictEqual(read?.attributes.get("mcp.resource.uri"), "resource://examples/dataset")
    }))
})

describe.each(drivers)("HTTP trace headers over $name", (driver) => {
  it.live("HTTP requests carry the trace context when a tracer is installed, and none otherwise", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "traced")) return
        Faults.json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: { tools: [] } })
      })
      const listOnce = Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.listTools()
      }).pipe(
        Effect.provide(
          McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
            Layer.provide(driver.layer({ url: server.url }))
          )
        )
      )
      const lists = () => server.seen.filter((exchange) => exchange.body?.method === "tools/list")
      yield* listOnce
      assert.isUndefined(lists()[0]!.headers.traceparent)
      yield* listOnce.pipe(Effect.withTracer(Tracer.make({ span: (options) => Tracer.nativeTracer.span(options) })))
      assert.match(String(lists()[1]!.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    }).pipe(Effect.scoped))
})
