import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Queue, Scope, Stream } from "effect"
import { McpClient, MemoryTransport, Transport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

describe("initialize handshake", () => {
  it.effect("offers the newest revision with clientInfo and capabilities, then sends initialized", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* Scripted.client({}, { title: "Test Client" })
      const probe = yield* Queue.take(sent)
      assert.strictEqual(probe.method, "server/discover")
      assert.strictEqual(probe.params._meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28")
      const init = yield* Queue.take(sent)
      assert.strictEqual(init.method, "initialize")
      assert.deepStrictEqual(init.params, {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "test-client", version: "1.0.0", title: "Test Client" }
      })
      const initialized = yield* Queue.take(sent)
      assert.strictEqual(initialized.method, "notifications/initialized")
      assert.isUndefined(initialized.id)
      assert.strictEqual(client.protocolVersion, "2025-11-25")
    }))

  it.effect("leaves out clientInfo.title on revisions before 2025-06-18", () =>
    Effect.gen(function*() {
      const { sent } = yield* Scripted.client({}, { title: "Test Client", protocolVersion: "2025-03-26" })
      // A pinned stateful revision skips the probe.
      const init = yield* Queue.take(sent)
      assert.deepStrictEqual(init.params.clientInfo, { name: "test-client", version: "1.0.0" })
      assert.strictEqual(init.params.protocolVersion, "2025-03-26")
    }))

  it.effect("accepts an older revision the server answers with", () =>
    Effect.gen(function*() {
      const { client } = yield* Scripted.client({ protocolVersion: "2024-11-05" })
      assert.strictEqual(client.protocolVersion, "2024-11-05")
    }))

  it.effect("a revision the client does not speak fails with UnsupportedProtocolVersion and closes the connection", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* Scripted.start({ protocolVersion: "1999-01-01" }).pipe(Scope.provide(scope))
      const exit = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server.transport),
        Effect.scoped,
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      assert.strictEqual(error?._tag, "Fail")
      if (error?._tag === "Fail") {
        assert.strictEqual(error.error._tag, "UnsupportedProtocolVersion")
        if (error.error._tag === "UnsupportedProtocolVersion") {
          assert.strictEqual(error.error.received, "1999-01-01")
          assert.strictEqual(error.error.requested, "2025-11-25")
        }
      }
      // Nothing but the probe and initialize was sent: no initialized notification for a failed negotiation.
      assert.strictEqual((yield* Queue.take(server.sent)).method, "server/discover")
      const init = yield* Queue.take(server.sent)
      assert.strictEqual(init.method, "initialize")
      assert.isTrue((yield* Queue.poll(server.sent))._tag === "None")
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("the layer form fails to build the same way", () =>
    Effect.gen(function*() {
      const error = yield* Effect.service(McpClient.McpClient).pipe(
        Effect.provide(
          McpClient.layer({ name: "c", version: "1" }).pipe(
            Layer.provide(Scripted.layer({ protocolVersion: "3000-01-01" }))
          )
        ),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnsupportedProtocolVersion")
    }))

  it.effect("a server error on initialize fails the connection with McpServerError", () =>
    Effect.gen(function*() {
      const server = yield* MemoryPairServer
      const error = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, server),
        Effect.scoped,
        Effect.flip
      )
      assert.strictEqual(error._tag, "McpServerError")
    }))
})

/** A server that rejects initialize. */
const MemoryPairServer = Effect.gen(function*() {
  const { client, peer } = yield* MemoryTransport.makePair
  yield* peer.incoming.pipe(
    Stream.runForEach((m: any) =>
      m.id === undefined ? Effect.void : peer.send({
        jsonrpc: "2.0",
        id: m.id,
        error: { code: -32602, message: "Unsupported protocol version", data: { supported: ["2030-01-01"] } }
      })
    ),
    Effect.forkScoped
  )
  return client
})
