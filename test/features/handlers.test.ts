import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Queue, Scope, Stream, SubscriptionRef } from "effect"
import { Elicitation, HandlerError, type Mcp, McpClient, Roots, Sampling, Transport } from "../../src/index.ts"
import * as FeatureServer from "../support/FeatureServer.ts"
import * as Scripted from "../support/Scripted.ts"

const textOf = (result: Mcp.CallToolResult) =>
  result.content.map((block) => (block.type === "text" && "text" in block ? block.text : "")).join("")

const connectWith = <R>(handlers: Layer.Layer<R>) =>
  McpClient.make({ name: "test", version: "1.0.0" }).pipe(
    Effect.provideServiceEffect(Transport.Transport, FeatureServer.makeTransport),
    Effect.provide(handlers)
  )

describe("server requests answered by handler services (in-process server)", () => {
  it.effect("sampling: the server's createMessage reaches the Sampling service", () =>
    Effect.gen(function*() {
      const seen: Array<Mcp.CreateMessageParams> = []
      const client = yield* connectWith(Sampling.layer({
        createMessage: (params) => {
          seen.push(params)
          return Effect.succeed({
            role: "assistant",
            content: { type: "text", text: "forty-two" },
            model: "test-model"
          })
        }
      }))
      const result = yield* client.callTool("sample", { prompt: "meaning of life?" })
      assert.include(textOf(result), "forty-two")
      assert.include(textOf(result), "test-model")
      assert.strictEqual(seen.length, 1)
      assert.strictEqual(seen[0]!.maxTokens, 50)
    }))

  it.effect("elicitation: form answers are completed with the schema's defaults", () =>
    Effect.gen(function*() {
      const client = yield* connectWith(Elicitation.layer({
        form: (params) => {
          assert.strictEqual(params.message, "Deploy?")
          return Effect.succeed({ action: "accept", content: { ok: true } })
        }
      }))
      const result = yield* client.callTool("confirm", { question: "Deploy?" })
      assert.strictEqual(textOf(result), `accept: {"ok":true,"note":"none"}`)
    }))

  it.effect("elicitation: an answer that does not match the schema is refused, not sent", () =>
    Effect.gen(function*() {
      const client = yield* connectWith(Elicitation.layer({
        form: () => Effect.succeed({ action: "accept", content: { ok: "yes" } })
      }))
      const result = yield* client.callTool("confirm", {})
      // The server's reverse request failed: the tool reports the failure.
      assert.isTrue(result.isError === true || textOf(result).includes("failed"))
      assert.notInclude(textOf(result), `"ok":"yes"`)
    }))

  it.effect("roots: the server lists the client's roots", () =>
    Effect.gen(function*() {
      const client = yield* connectWith(Roots.layerStatic([{ uri: "file:///work", name: "work" }]))
      const result = yield* client.callTool("roots", {})
      assert.deepStrictEqual(JSON.parse(textOf(result)).roots, [{ uri: "file:///work", name: "work" }])
    }))

  it.effect("without handlers, the server's requests are refused and the session goes on", () =>
    Effect.gen(function*() {
      const client = yield* connectWith(Layer.empty)
      const result = yield* client.callTool("sample", { prompt: "x" })
      assert.strictEqual(result.isError, true)
      const sum = yield* client.callTool("add", { a: 1, b: 2 })
      assert.strictEqual(textOf(sum), "3")
    }))
})

describe("server requests over the wire (scripted server)", () => {
  const setup = <R>(handlers: Layer.Layer<R>, clientOptions: Partial<McpClient.Options> = {}) =>
    Effect.gen(function*() {
      const server = yield* Scripted.start({
        onRequest: (message, peer) => Scripted.reply(peer, message, {})
      })
      // Replies from the client (to the server's requests) arrive on the same stream as its requests.
      const client = yield* McpClient.make({ name: "c", version: "1", ...clientOptions }).pipe(
        Effect.provideService(Transport.Transport, server.transport),
        Effect.provide(handlers)
      )
      const ask = (id: number, method: string, params?: unknown) =>
        server.peer.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) })
      const answerTo = (id: number) => Scripted.takeUntil(server.sent, (m) => m.id === id && m.method === undefined)
      return { client, server, ask, answerTo }
    })

  it.effect("declares exactly the capabilities of the provided handlers", () =>
    Effect.gen(function*() {
      const handlers = Layer.mergeAll(
        Sampling.layer({ createMessage: () => Effect.fail(HandlerError.userRejected("no")), tools: true }),
        Elicitation.layer({ form: () => Effect.succeed({ action: "cancel" }) }),
        Roots.layerSubscriptionRef(yield* SubscriptionRef.make<ReadonlyArray<Mcp.Root>>([]))
      )
      const { server } = yield* setup(handlers)
      const init = yield* Scripted.takeUntil(server.sent, (m) => m.method === "initialize")
      assert.deepStrictEqual(init.params.capabilities, {
        sampling: { tools: {} },
        elicitation: { form: {} },
        roots: { listChanged: true }
      })
      const { server: bare } = yield* setup(Layer.empty)
      const bareInit = yield* Scripted.takeUntil(bare.sent, (m) => m.method === "initialize")
      assert.deepStrictEqual(bareInit.params.capabilities, {})
    }))

  it.effect("on 2025-06-18, elicitation is declared as {} (form only) and sampling without sub-capabilities", () =>
    Effect.gen(function*() {
      const handlers = Layer.mergeAll(
        Sampling.layer({ createMessage: () => Effect.fail(HandlerError.userRejected("no")), tools: true }),
        Elicitation.layer({ form: () => Effect.succeed({ action: "cancel" }) })
      )
      const { server } = yield* setup(handlers, { protocolVersion: "2025-06-18" })
      const init = yield* Scripted.takeUntil(server.sent, (m) => m.method === "initialize")
      assert.deepStrictEqual(init.params.capabilities, { sampling: {}, elicitation: {} })
    }))

  it.effect("answers ping, refuses unknown methods with -32601, and maps handler errors", () =>
    Effect.gen(function*() {
      const { ask, answerTo } = yield* setup(
        Sampling.layer({ createMessage: () => Effect.fail(HandlerError.userRejected("The user said no")) })
      )
      yield* ask(1, "ping")
      assert.deepStrictEqual((yield* answerTo(1)).result, {})
      yield* ask(2, "no/such/method", {})
      assert.strictEqual((yield* answerTo(2)).error.code, -32601)
      yield* ask(3, "sampling/createMessage", { messages: [], maxTokens: 10 })
      assert.deepStrictEqual((yield* answerTo(3)).error, { code: -1, message: "The user said no" })
      yield* ask(4, "sampling/createMessage", { messages: "not a list" })
      assert.strictEqual((yield* answerTo(4)).error.code, -32602)
      yield* ask(5, "roots/list", {})
      assert.strictEqual((yield* answerTo(5)).error.code, -32601)
    }))

  it.effect("sampling with tools is refused unless the handler declared tool support", () =>
    Effect.gen(function*() {
      const { ask, answerTo } = yield* setup(
        Sampling.layer({
          createMessage: () => Effect.succeed({ role: "assistant", content: { type: "text", text: "x" }, model: "m" })
        })
      )
      yield* ask(1, "sampling/createMessage", {
        messages: [{ role: "user", content: { type: "text", text: "hi" } }],
        maxTokens: 10,
        tools: [{ name: "t", inputSchema: { type: "object" } }]
      })
      assert.strictEqual((yield* answerTo(1)).error.code, -32602)
    }))

  it.effect("elicitation modes: an undeclared mode is -32602; URL mode reaches the url handler; complete is reported once", () =>
    Effect.gen(function*() {
      const urls: Array<string> = []
      const { ask, answerTo, client, server } = yield* setup(Elicitation.layer({
        form: () => Effect.succeed({ action: "decline" }),
        url: (params) => {
          urls.push(params.url)
          return Effect.succeed({ action: "accept" })
        }
      }))
      yield* ask(1, "elicitation/create", {
        mode: "form",
        message: "m",
        requestedSchema: { type: "object", properties: {} }
      })
      assert.deepStrictEqual((yield* answerTo(1)).result, { action: "decline" })
      yield* ask(2, "elicitation/create", { mode: "telepathy", message: "m" })
      assert.strictEqual((yield* answerTo(2)).error.code, -32602)
      const completions = yield* Effect.forkChild(Stream.runCollect(Stream.take(client.elicitationCompletions, 1)))
      yield* Effect.yieldNow
      yield* ask(3, "elicitation/create", {
        mode: "url",
        message: "Sign in",
        url: "https://example.com/auth",
        elicitationId: "e1"
      })
      assert.deepStrictEqual((yield* answerTo(3)).result, { action: "accept" })
      assert.deepStrictEqual(urls, ["https://example.com/auth"])
      // Unknown ids are ignored; the known one is reported.
      yield* server.peer.send({
        jsonrpc: "2.0",
        method: "notifications/elicitation/complete",
        params: { elicitationId: "other" }
      })
      yield* server.peer.send({
        jsonrpc: "2.0",
        method: "notifications/elicitation/complete",
        params: { elicitationId: "e1" }
      })
      assert.deepStrictEqual(yield* Fiber.join(completions), ["e1"])
    }))

  it.effect("the server's notifications/cancelled interrupts the handler, and no answer is sent", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const { ask, client, server } = yield* setup(Sampling.layer({
        createMessage: () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.andThen(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          )
      }))
      yield* ask(7, "sampling/createMessage", { messages: [], maxTokens: 5 })
      yield* Deferred.await(started)
      yield* server.peer.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7 } })
      yield* Deferred.await(interrupted)
      yield* client.ping()
      const sent = yield* Queue.takeAll(server.sent)
      assert.isFalse(sent.some((m) => m.id === 7))
    }))

  it.effect("a request under the id of one still being handled replaces it: the first handler is interrupted", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      let calls = 0
      const { answerTo, ask, client, server } = yield* setup(Sampling.layer({
        createMessage: () =>
          ++calls === 1
            ? Deferred.succeed(started, undefined).pipe(
              Effect.andThen(Effect.never),
              Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
            )
            : Effect.succeed({ role: "assistant", content: { type: "text", text: "second" }, model: "m" })
      }))
      yield* ask(7, "sampling/createMessage", { messages: [], maxTokens: 5 })
      yield* Deferred.await(started)
      yield* ask(7, "sampling/createMessage", { messages: [], maxTokens: 5 })
      yield* Deferred.await(interrupted)
      const answer = yield* answerTo(7)
      assert.strictEqual((answer.result as Mcp.CreateMessageResult).model, "m")
      yield* client.ping()
      const sent = yield* Queue.takeAll(server.sent)
      assert.isFalse(sent.some((m) => m.id === 7), "the interrupted handler sent no answer")
    }))

  it.effect("closing the session interrupts a handler still running, and its answer is never sent", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      const { ask, server } = yield* setup(Sampling.layer({
        createMessage: () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.andThen(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          )
      })).pipe(Scope.provide(scope))
      yield* ask(3, "sampling/createMessage", { messages: [], maxTokens: 5 })
      yield* Deferred.await(started)
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(yield* Deferred.isDone(interrupted))
      const sent = yield* Queue.takeAll(server.sent)
      assert.isFalse(sent.some((m) => m.id === 3))
    }))

  it.effect("roots changes are announced with notifications/roots/list_changed", () =>
    Effect.gen(function*() {
      const ref = yield* SubscriptionRef.make<ReadonlyArray<Mcp.Root>>([{ uri: "file:///a" }])
      const { ask, answerTo, server } = yield* setup(Roots.layerSubscriptionRef(ref))
      yield* Scripted.takeUntil(server.sent, (m) => m.method === "notifications/initialized")
      yield* SubscriptionRef.set(ref, [{ uri: "file:///b" }])
      yield* Scripted.takeUntil(server.sent, (m) => m.method === "notifications/roots/list_changed")
      yield* ask(1, "roots/list", {})
      assert.deepStrictEqual((yield* answerTo(1)).result, { roots: [{ uri: "file:///b" }] })
    }))
})

describe("URL elicitation required (-32042)", () => {
  it.effect("fails the call with UrlElicitationRequired and reports the elicitation's completion", () =>
    Effect.gen(function*() {
      const elicitation = {
        mode: "url",
        elicitationId: "auth-1",
        url: "https://example.com/connect",
        message: "Connect your account"
      }
      const { client, peer } = yield* Scripted.client({
        onRequest: (message, peer) =>
          message.method === "tools/call"
            ? peer.send({
              jsonrpc: "2.0",
              id: message.id,
              error: {
                code: -32042,
                message: "This tool needs your authorization",
                data: { elicitations: [elicitation] }
              }
            })
            : Scripted.reply(peer, message, {})
      })
      const error = yield* Effect.flip(client.callTool("private_data"))
      assert.strictEqual(error._tag, "UrlElicitationRequired")
      if (error._tag === "UrlElicitationRequired") {
        assert.deepStrictEqual(error.elicitations, [elicitation])
        assert.include(error.message, "https://example.com/connect")
      }
      const completions = yield* Effect.forkChild(Stream.runHead(client.elicitationCompletions))
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow
      yield* peer.send({
        jsonrpc: "2.0",
        method: "notifications/elicitation/complete",
        params: { elicitationId: "auth-1" }
      })
      const done = yield* Fiber.join(completions)
      assert.strictEqual(done._tag === "Some" ? done.value : undefined, "auth-1")
    }))
})
