/**
 * Spans through @effect/opentelemetry, exported to OpenTelemetry's in-memory
 * exporter, named and attributed as OpenTelemetry's MCP conventions say;
 * the trace context reaches the server in `params._meta`.
 */
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import { assert, describe, it } from "@effect/vitest"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { McpClient, Roots, TraceContext, Transport } from "../../src/index.ts"
import { drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Scripted from "../support/Scripted.ts"

/** An OpenTelemetry tracer exporting to memory, installed as the Effect tracer. */
const otel = () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const layer = OtelTracer.layer.pipe(Layer.provide(Layer.succeed(OtelTracer.OtelTracerProvider, provider)))
  return { exporter, layer }
}

const CLIENT = 2
const SERVER = 1
const ERROR = 2

const named = (spans: ReadonlyArray<ReadableSpan>, name: string) => {
  const span = spans.find((s) => s.name === name)
  assert.isDefined(span, `a span named "${name}" among ${spans.map((s) => s.name).join(", ")}`)
  return span!
}

describe.each(drivers)("OpenTelemetry over $name", (driver) => {
  it.live("a call to an HTTP server is a span following the MCP conventions, and its trace reaches the server", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "session-7")) return
        const { id, method, params } = exchange.body
        if (method === "tools/call" && params.name === "broken") {
          return Faults.json(exchange, { jsonrpc: "2.0", id, error: { code: -32603, message: "it broke" } })
        }
        if (method === "tools/call") {
          return Faults.json(exchange, { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "hi" }] } })
        }
        Faults.json(exchange, { jsonrpc: "2.0", id, result: { tools: [{ name: "echo", inputSchema: {} }] } })
      })
      const { exporter, layer } = otel()
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("echo", { text: "hi" })
        yield* Effect.flip(client.callTool("broken"))
      }).pipe(
        Effect.provide(
          McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
            Layer.provide(driver.layer({ url: server.url }))
          )
        ),
        Effect.provide(layer)
      )
      const spans = exporter.getFinishedSpans()
      const call = named(spans, "tools/call echo")
      assert.strictEqual(call.kind, CLIENT)
      const port = Number(new URL(server.url).port)
      const received = server.seen.find((e) => e.body?.method === "tools/call" && e.body.params.name === "echo")!
      assert.deepInclude(call.attributes, {
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "echo",
        "gen_ai.operation.name": "execute_tool",
        "mcp.protocol.version": "2025-11-25",
        "mcp.session.id": "session-7",
        "jsonrpc.request.id": String(received.body.id),
        "network.transport": "tcp",
        "network.protocol.name": "http",
        "server.address": "127.0.0.1",
        "server.port": port
      })
      // The server gets the call's own span as parent, in _meta and in the HTTP headers.
      const context = call.spanContext()
      assert.strictEqual(
        received.body.params._meta.traceparent,
        `00-${context.traceId}-${context.spanId}-01`
      )
      assert.match(String(received.headers.traceparent), new RegExp(`^00-${context.traceId}-[0-9a-f]{16}-01$`))

      const broken = named(spans, "tools/call broken")
      assert.strictEqual(broken.attributes["error.type"], "-32603")
      assert.strictEqual(broken.attributes["rpc.response.status_code"], "-32603")
      assert.strictEqual(broken.status.code, ERROR)
    }).pipe(Effect.scoped))

  it.effect("progress becomes events of the call's span; a timeout is error.type timeout", () =>
    Effect.gen(function*() {
      const { exporter, layer } = otel()
      yield* Effect.gen(function*() {
        const { client } = yield* Scripted.client({
          onRequest: (message, peer) => {
            if (message.method === "tools/list") return Scripted.reply(peer, message, { tools: [] })
            if (message.params?.name === "silent") return Effect.void
            return Effect.gen(function*() {
              const progressToken = message.params._meta.progressToken
              yield* peer.send({
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken, progress: 1, total: 2 }
              })
              yield* peer.send({
                jsonrpc: "2.0",
                method: "notifications/progress",
                params: { progressToken, progress: 2, total: 2, message: "done" }
              })
              yield* Scripted.reply(peer, message, { content: [] })
            })
          }
        })
        yield* client.callToolWithProgress("slow").pipe(Stream.runDrain)
        const silent = yield* Effect.forkChild(Effect.flip(client.callTool("silent", {}, { timeout: "1 second" })))
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(silent)
      }).pipe(Effect.scoped, Effect.provide(layer))
      const spans = exporter.getFinishedSpans()
      const slow = named(spans, "tools/call slow")
      assert.deepStrictEqual(
        slow.events.map((event) => [event.name, event.attributes]),
        [
          ["mcp.progress", { "mcp.progress.value": 1, "mcp.progress.total": 2 }],
          ["mcp.progress", { "mcp.progress.value": 2, "mcp.progress.total": 2, "mcp.progress.message": "done" }]
        ]
      )
      assert.strictEqual(named(spans, "tools/call silent").attributes["error.type"], "timeout")
    }))

  it.effect("a server request is handled in a span continued from the traceparent in its _meta", () =>
    Effect.gen(function*() {
      const { exporter, layer } = otel()
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
      const parentId = "00f067aa0ba902b7"
      yield* Effect.gen(function*() {
        const server = yield* Scripted.start()
        yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
          Effect.provideService(Transport.Transport, server.transport)
        )
        yield* server.peer.send({
          jsonrpc: "2.0",
          id: "s-1",
          method: "roots/list",
          params: { _meta: { traceparent: `00-${traceId}-${parentId}-01` } }
        })
        yield* Scripted.takeUntil(server.sent, (m) => m.id === "s-1")
      }).pipe(Effect.scoped, Effect.provide(layer))
      const handled = named(exporter.getFinishedSpans(), "roots/list")
      assert.strictEqual(handled.kind, SERVER)
      assert.strictEqual(handled.spanContext().traceId, traceId)
      assert.strictEqual(handled.parentSpanContext?.spanId, parentId)
      assert.strictEqual(handled.attributes["jsonrpc.request.id"], "s-1")
    }))

  it.live("the tracestate of the caller's trace goes with traceparent, in _meta and in the HTTP headers", () =>
    Effect.gen(function*() {
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "session-8")) return
        const { id } = exchange.body
        Faults.json(exchange, { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "hi" }] } })
      })
      const { exporter, layer } = otel()
      // The caller's own trace, continued from a remote parent that has vendor entries.
      const remote = TraceContext.fromMeta({
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
      })
      assert.isDefined(remote)
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("echo", { text: "hi" }).pipe(Effect.withSpan("agent step", { parent: remote! }))
      }).pipe(
        Effect.provide(
          McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
            Layer.provide(driver.layer({ url: server.url }))
          )
        ),
        Effect.provide(layer)
      )
      const call = named(exporter.getFinishedSpans(), "tools/call echo")
      assert.strictEqual(call.spanContext().traceId, "4bf92f3577b34da6a3ce929d0e0e4736")
      const received = server.seen.find((e) => e.body?.method === "tools/call")!
      assert.strictEqual(received.body.params._meta.tracestate, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
      assert.strictEqual(
        received.body.params._meta.traceparent,
        `00-4bf92f3577b34da6a3ce929d0e0e4736-${call.spanContext().spanId}-01`
      )
      assert.strictEqual(received.headers.tracestate, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
      assert.match(String(received.headers.traceparent), /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/)
      // Without one, no tracestate is sent.
      const initialize = server.seen.find((e) => e.body?.method === "initialize")!
      assert.isUndefined(initialize.body.params._meta?.tracestate)
      assert.isUndefined(initialize.headers.tracestate)
    }).pipe(Effect.scoped))

  it.effect("a server request's tracestate continues with its traceparent into the handler's span", () =>
    Effect.gen(function*() {
      const { exporter, layer } = otel()
      yield* Effect.gen(function*() {
        const server = yield* Scripted.start()
        yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
          Effect.provideService(Transport.Transport, server.transport)
        )
        yield* server.peer.send({
          jsonrpc: "2.0",
          id: "s-2",
          method: "roots/list",
          params: {
            _meta: {
              traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
              tracestate: "vendor=opaque, Invalid Key=x"
            }
          }
        })
        yield* Scripted.takeUntil(server.sent, (m) => m.id === "s-2")
      }).pipe(Effect.scoped, Effect.provide(layer))
      const handled = named(exporter.getFinishedSpans(), "roots/list")
      assert.strictEqual(handled.spanContext().traceId, "4bf92f3577b34da6a3ce929d0e0e4736")
      assert.strictEqual(handled.spanContext().traceState?.serialize(), "vendor=opaque")
    }))

  it("tracestate values are read as W3C Trace Context says: invalid members dropped, at most 32", () => {
    assert.strictEqual(TraceContext.parseTraceState("a=1,b@tenant=2, c=3 ")?.serialize(), "a=1,b@tenant=2,c=3")
    assert.strictEqual(TraceContext.parseTraceState("a=1,,B=2,c=,d=x=y,e=ok")?.serialize(), "a=1,e=ok")
    assert.strictEqual(TraceContext.parseTraceState("a=1,a=2")?.serialize(), "a=1")
    const many = Array.from({ length: 40 }, (_, i) => `k${i}=${i}`).join(",")
    assert.strictEqual(TraceContext.parseTraceState(many)?.serialize(), many.split(",").slice(0, 32).join(","))
    assert.isUndefined(TraceContext.parseTraceState(`a=${"x".repeat(600)}`))
    assert.isUndefined(TraceContext.parseTraceState("B=1"))
    assert.isUndefined(TraceContext.parseTraceState(42))
    const state = TraceContext.parseTraceState("a=1,b=2")!
    assert.strictEqual(state.set("b", "3").serialize(), "b=3,a=1")
    assert.strictEqual(state.unset("a").serialize(), "b=2")
    assert.strictEqual(state.get("b"), "2")
  })

  it.live("a server request sent on a call's HTTP stream is an event of the call's span, and its handler's child", () =>
    Effect.gen(function*() {
      // The tools/call stream carries a roots/list request; the reply comes once the client has answered it.
      let callStream: Faults.Exchange | undefined
      const server = yield* Faults.start((exchange) => {
        if (Faults.lifecycle(exchange, "session-9")) return
        const body = exchange.body
        if (body.method === "tools/call") {
          callStream = exchange
          exchange.response.writeHead(200, { "content-type": "text/event-stream" })
          exchange.response.write(
            `data: ${JSON.stringify({ jsonrpc: "2.0", id: "s-7", method: "roots/list", params: {} })}\n\n`
          )
          return
        }
        if (body.id === "s-7") {
          exchange.response.writeHead(202).end()
          const reply = { jsonrpc: "2.0", id: callStream!.body.id, result: { content: [{ type: "text", text: "ok" }] } }
          callStream!.response.end(`data: ${JSON.stringify(reply)}\n\n`)
          return
        }
        Faults.json(exchange, { jsonrpc: "2.0", id: body.id, result: {} })
      })
      const { exporter, layer } = otel()
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("where")
      }).pipe(
        Effect.provide(
          McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
            Layer.provide(driver.layer({ url: server.url })),
            Layer.provide(Roots.layerStatic([{ uri: "file:///srv", name: "srv" }]))
          )
        ),
        Effect.provide(layer)
      )
      const spans = exporter.getFinishedSpans()
      const call = named(spans, "tools/call where")
      assert.deepStrictEqual(
        call.events.map((event) => [event.name, event.attributes]),
        [["mcp.server_request", { "mcp.method.name": "roots/list", "jsonrpc.request.id": "s-7" }]]
      )
      // Without a traceparent of the server's, the handler's span is a child of the call's.
      const handled = named(spans, "roots/list")
      assert.strictEqual(handled.parentSpanContext?.spanId, call.spanContext().spanId)
      const answer = server.seen.find((e) => e.body?.id === "s-7")!
      assert.deepStrictEqual(answer.body.result, { roots: [{ uri: "file:///srv", name: "srv" }] })
    }).pipe(Effect.scoped))

  it.effect("the inputs a 2026-07-28 server asks for in a call are events of the call's span", () =>
    Effect.gen(function*() {
      const { exporter, layer } = otel()
      yield* Effect.gen(function*() {
        const server = yield* Scripted.start({
          modern: true,
          onRequest: (message, peer) => {
            if (message.method === "server/discover") {
              return Scripted.reply(peer, message, {
                supportedVersions: ["2026-07-28"],
                capabilities: { tools: {} },
                _meta: { "io.modelcontextprotocol/serverInfo": { name: "modern", version: "1" } },
                resultType: "complete"
              })
            }
            return message.params.inputResponses === undefined
              ? Scripted.reply(peer, message, {
                resultType: "input_required",
                inputRequests: {
                  where: { method: "roots/list", params: {} },
                  model: { method: "sampling/createMessage", params: { messages: [], maxTokens: 5 } }
                }
              })
              : Scripted.reply(peer, message, { content: [{ type: "text", text: "ok" }] })
          }
        })
        const client = yield* McpClient.make({ name: "test", version: "1.0.0" }).pipe(
          Effect.provideService(Transport.Transport, server.transport),
          Effect.provide(Roots.layerStatic([{ uri: "file:///srv", name: "srv" }]))
        )
        yield* Effect.flip(client.callTool("where"))
      }).pipe(Effect.scoped, Effect.provide(layer))
      const call = named(exporter.getFinishedSpans(), "tools/call where")
      // The call's failure is recorded too, as OpenTelemetry's exception event.
      const events = call.events.filter((event) => event.name === "mcp.server_request").map((event) => event.attributes)
      assert.sameDeepMembers(events as Array<unknown>, [
        { "mcp.method.name": "roots/list", "mcp.input.key": "where" },
        // No sampling handler: the input cannot be given, and the call fails with InputDeclined.
        { "mcp.method.name": "sampling/createMessage", "mcp.input.key": "model", "error.type": "-32601" }
      ])
    }))

  it.effect("without a tracer, requests carry no trace context", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({
        onRequest: (message, peer) => Scripted.reply(peer, message, {})
      })
      yield* client.ping()
      const ping = yield* Scripted.takeUntil(sent, (m) => m.method === "ping")
      assert.isUndefined(ping.params?._meta?.traceparent)
    }).pipe(Effect.scoped))

  it("traceparent values are written and read as W3C Trace Context version 00", () => {
    const parent = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    assert.deepInclude(parent, {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      sampled: false
    })
    assert.strictEqual(TraceContext.traceparent(parent!), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    for (
      const invalid of [
        undefined,
        42,
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
      ]
    ) assert.isUndefined(TraceContext.parse(invalid), String(invalid))
  })
})
