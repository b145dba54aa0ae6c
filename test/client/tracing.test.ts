import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, References, Schema, Tracer } from "effect"
import { McpClient, TraceContext } from "../../src/index.ts"
import { drivers } from "../support/HttpDrivers.ts"
import * as Faults from "../support/HttpFaultServer.ts"
import * as Scripted from "../support/Scripted.ts"
import * as Seed from "../support/Seed.ts"

/** A tracer keeping Effect's native spans, and the spans it made. */
const collecting = () => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span(options) {
      const span = Tracer.nativeTracer.span(options)
      spans.push(span)
      return span
    }
  })
  const named = (name: string) => {
    const span = spans.find((s) => s.name === name)
    assert.isDefined(span, `a span named "${name}" among ${spans.map((s) => s.name).join(", ")}`)
    return span!
  }
  return { spans, tracer, named }
}

const parentOf = (span: Tracer.Span) => span.parent._tag === "Some" ? span.parent.value : undefined

/** A request of the fiber it runs on, as the client traces one. */
const request = <A, E>(name: string, effect: Effect.Effect<A, E>) =>
  Effect.withFiber((fiber) =>
    TraceContext.traceRequest(fiber, effect, name, (span) => span.attribute("mcp.method.name", name))
  )

/** A tree of requests: each runs its children in turn, a forked one on a fiber of its own. */
interface Node {
  readonly forked: boolean
  readonly children: Array<Node>
}

/** Reads steps as a tree: "request" and "fork" open a request, "end" closes the innermost open one. */
const treeOf = (steps: ReadonlyArray<"request" | "fork" | "end">): Array<Node> => {
  const root: Array<Node> = []
  const open: Array<Node> = []
  for (const step of steps) {
    if (step === "end") {
      open.pop()
      continue
    }
    const node: Node = { forked: step === "fork", children: [] }
    ;(open.at(-1)?.children ?? root).push(node)
    open.push(node)
  }
  return root
}

/** A scripted server that answers every call, and a client over it. */
const echo = Scripted.client({
  onRequest: (message, peer) => Scripted.reply(peer, message, { content: [{ type: "text", text: "hi" }] })
}, { era: "legacy" })

describe("spans", () => {
  it.effect("every request is a span with MCP attributes when a tracer is installed", () =>
    Effect.gen(function*() {
      const { spans, tracer, named } = collecting()
      const seed = yield* Seed.make()
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("calculator", { operation: "add", a: 1, b: 2 })
        yield* client.readResource("resource://examples/dataset")
      }).pipe(Effect.provide(seed.layer), Effect.withTracer(tracer))
      const call = named("tools/call calculator")
      assert.strictEqual(call.attributes.get("mcp.method.name"), "tools/call")
      assert.strictEqual(call.attributes.get("gen_ai.tool.name"), "calculator")
      assert.strictEqual(call.attributes.get("mcp.protocol.version"), "2025-11-25")
      assert.strictEqual(call.kind, "client")
      assert.strictEqual(named("resources/read").attributes.get("mcp.resource.uri"), "resource://examples/dataset")
      assert.isTrue(spans.every((span) => span.status._tag === "Ended"))
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

describe("request spans", () => {
  it.effect("a request inside another on its fiber is its child; one on a fiber forked inside is its sibling", () =>
    Effect.gen(function*() {
      const { tracer, named } = collecting()
      const running: Array<Tracer.Span | undefined> = []
      yield* request(
        "outer",
        Effect.gen(function*() {
          yield* request(
            "inner",
            Effect.withFiber((fiber) => Effect.sync(() => running.push(TraceContext.requestSpan(fiber))))
          )
          running.push(yield* Effect.withFiber((fiber) => Effect.succeed(TraceContext.requestSpan(fiber))))
          yield* Fiber.join(yield* Effect.forkChild(request("forked", Effect.void)))
        })
      ).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
      const caller = named("caller")
      const outer = named("outer")
      assert.strictEqual(parentOf(outer), caller)
      assert.strictEqual(parentOf(named("inner")), outer)
      assert.strictEqual(parentOf(named("forked")), caller)
      // The fiber's request span is the innermost one while it runs, and the outer one again once it ends.
      assert.deepStrictEqual(running, [named("inner"), outer])
      for (const name of ["outer", "inner", "forked"]) assert.strictEqual(named(name).status._tag, "Ended")
      assert.isUndefined(yield* Effect.withFiber((fiber) => Effect.succeed(TraceContext.requestSpan(fiber))))
    }))

  it.effect("request spans take the caller's span annotations and links, as Effect's spans do", () =>
    Effect.gen(function*() {
      const { tracer, named } = collecting()
      const { client } = yield* echo
      const link = Tracer.externalSpan({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" })
      yield* client.callTool("echo", {}).pipe(
        Effect.annotateSpans({ "app.user": "u-1" }),
        Effect.linkSpans(link),
        Effect.withTracer(tracer)
      )
      const call = named("tools/call echo")
      assert.strictEqual(call.attributes.get("app.user"), "u-1")
      assert.strictEqual(call.attributes.get("mcp.method.name"), "tools/call")
      assert.deepStrictEqual(call.links.map((l) => l.span), [link])
      assert.isTrue(call.sampled)
    }).pipe(Effect.scoped))

  it.effect("with tracing disabled no span is made and no trace context is sent; below the trace level, it is unsampled", () =>
    Effect.gen(function*() {
      const { spans, tracer } = collecting()
      const { client, sent } = yield* echo
      yield* client.callTool("echo", {}).pipe(
        Effect.provideService(References.TracerEnabled, false),
        Effect.withTracer(tracer)
      )
      const first = yield* Scripted.takeUntil(sent, (m) => m.method === "tools/call")
      assert.isUndefined(first.params._meta?.traceparent)
      assert.strictEqual(spans.length, 0)
      yield* client.callTool("echo", {}).pipe(
        Effect.provideService(Tracer.MinimumTraceLevel, "Error"),
        Effect.withTracer(tracer)
      )
      const second = yield* Scripted.takeUntil(sent, (m) => m.method === "tools/call")
      assert.strictEqual(spans.length, 1)
      assert.isFalse(spans[0]!.sampled)
      assert.strictEqual(second.params._meta.traceparent, `00-${spans[0]!.traceId}-${spans[0]!.spanId}-00`)
    }).pipe(Effect.scoped))

  it.effect("an interrupted request ends its span, with error.type _OTHER", () =>
    Effect.gen(function*() {
      const { tracer, named } = collecting()
      const { client, sent } = yield* Scripted.client({ onRequest: () => undefined }, { era: "legacy" })
      const call = yield* client.callTool("stuck", {}).pipe(Effect.withTracer(tracer), Effect.forkChild)
      yield* Scripted.takeUntil(sent, (m) => m.method === "tools/call")
      yield* Fiber.interrupt(call)
      const span = named("tools/call stuck")
      assert.strictEqual(span.status._tag, "Ended")
      assert.strictEqual(span.attributes.get("error.type"), "_OTHER")
    }).pipe(Effect.scoped))

  it.effect.prop(
    "in any tree of requests, each is its enclosing request's child on its fiber, and the caller's on a forked one",
    [Schema.Array(Schema.Literals(["request", "fork", "end"])).check(Schema.isMaxLength(30))],
    ([steps]) =>
      Effect.gen(function*() {
        const { spans, tracer, named } = collecting()
        const expected = new Map<string, string>()
        let next = 0
        const run = (node: Node, enclosing: string): Effect.Effect<void> => {
          const name = `r${next++}`
          expected.set(name, node.forked ? "caller" : enclosing)
          const children = Effect.forEach(node.children, (child) => run(child, name), { discard: true })
          const traced = request(name, Effect.suspend(() => children))
          return node.forked ? Effect.flatMap(Effect.forkChild(traced), Fiber.join) : traced
        }
        yield* Effect.forEach(treeOf(steps), (node) => run(node, "caller"), { discard: true }).pipe(
          Effect.withSpan("caller"),
          Effect.withTracer(tracer)
        )
        assert.strictEqual(spans.length, expected.size + 1)
        for (const [name, parent] of expected) {
          assert.strictEqual(parentOf(named(name)), named(parent), name)
          assert.strictEqual(named(name).status._tag, "Ended")
        }
        assert.isUndefined(yield* Effect.withFiber((fiber) => Effect.succeed(TraceContext.requestSpan(fiber))))
      })
  )
})
