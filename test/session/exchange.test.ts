/** Transports whose requests travel on a channel of their own (`Transport.exchange`, as HTTP does). */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Queue, Stream } from "effect"
import { type JsonRpc, McpClient, McpError, Transport } from "../../src/index.ts"

/** A transport whose exchanges are scripted per method. */
const makeTransport = (
  onExchange: (
    request: JsonRpc.Request,
    deliver: (message: unknown) => Effect.Effect<void>
  ) => Effect.Effect<void, McpError.TransportError>
) =>
  Effect.gen(function*() {
    const incoming = yield* Queue.unbounded<unknown>()
    const deliver = (message: unknown) => Queue.offer(incoming, message).pipe(Effect.asVoid)
    const transport: Transport.TransportShape = {
      send: () => Effect.void,
      incoming: Stream.fromQueue(incoming),
      exchange: (request) =>
        request.method === "initialize"
          ? deliver({
            jsonrpc: "2.0",
            id: request.id,
            result: {
              protocolVersion: "2025-11-25",
              capabilities: { tools: {} },
              serverInfo: { name: "s", version: "1" }
            }
          })
          : onExchange(request, deliver)
    }
    return yield* McpClient.make({ name: "c", version: "1", era: "legacy" }).pipe(
      Effect.provideService(Transport.Transport, transport)
    )
  })

describe("per-request exchanges", () => {
  it.effect("the reply delivered by the exchange completes the request", () =>
    Effect.gen(function*() {
      const client = yield* makeTransport((request, deliver) => deliver({ jsonrpc: "2.0", id: request.id, result: {} }))
      yield* client.ping()
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("an exchange that breaks before the reply fails the request with its TransportError", () =>
    Effect.gen(function*() {
      const client = yield* makeTransport(() => Effect.fail(new McpError.TransportError({ description: "stream cut" })))
      const error = yield* Effect.flip(client.ping())
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error.message, "stream cut")
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("interrupting the request abandons its exchange", () =>
    Effect.gen(function*() {
      const abandoned = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const client = yield* makeTransport(() =>
        Deferred.succeed(started, undefined).pipe(
          Effect.andThen(Effect.never),
          Effect.onInterrupt(() => Deferred.succeed(abandoned, undefined))
        )
      )
      const call = yield* Effect.forkChild(client.callTool("slow"))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(call)
      yield* Deferred.await(abandoned)
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))
})
