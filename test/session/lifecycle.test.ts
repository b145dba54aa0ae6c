import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Queue, Scope } from "effect"
import { McpClient } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"
import * as Seed from "../support/Seed.ts"

describe("lifecycle bound to Scope", () => {
  it.effect("closing the scope fails in-flight requests with SessionClosed and stops the server's work", () =>
    Effect.gen(function*() {
      const seed = yield* Seed.make()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(seed.layer, scope)
      const client = context.mapUnsafe.get(McpClient.McpClient.key) as McpClient.McpClientShape
      const call = yield* Effect.forkChild(client.callTool("slow_tool", {}))
      yield* Deferred.await(seed.started)
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(call)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const reason = exit.cause.reasons[0]
        assert.strictEqual(reason?._tag, "Fail")
        if (reason?._tag === "Fail") assert.strictEqual(reason.error._tag, "SessionClosed")
      }
      // The in-process server was stopped with the transport: its handler was interrupted.
      assert.strictEqual(yield* Queue.take(seed.cancelled), "slow_tool")
      // Any use after close fails with SessionClosed, and nothing is pending.
      const after = yield* Effect.flip(client.ping())
      assert.strictEqual(after._tag, "SessionClosed")
      const listing = yield* Effect.flip(client.listTools())
      assert.strictEqual(listing._tag, "SessionClosed")
      assert.strictEqual(yield* client.pendingRequests, 0)
      // Closing again is harmless.
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("a transport that dies fails every pending request with TransportError, and later calls too", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* Scripted.client({ onRequest: () => undefined })
      const a = yield* Effect.forkChild(Effect.flip(client.ping()))
      const b = yield* Effect.forkChild(Effect.flip(client.callTool("x")))
      yield* Effect.yieldNow
      yield* peer.fail("connection reset")
      const errorA = yield* Fiber.join(a)
      const errorB = yield* Fiber.join(b)
      assert.strictEqual(errorA._tag, "TransportError")
      assert.strictEqual(errorA.message, "connection reset")
      assert.strictEqual(errorB._tag, "TransportError")
      const later = yield* Effect.flip(client.listTools())
      assert.strictEqual(later._tag, "TransportError")
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("a server that closes its end fails pending requests promptly", () =>
    Effect.gen(function*() {
      const { client, peer } = yield* Scripted.client({ onRequest: () => undefined })
      const call = yield* Effect.forkChild(Effect.flip(client.ping()))
      yield* Effect.yieldNow
      yield* peer.close
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "closed the connection")
    }))
})
