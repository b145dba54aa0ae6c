/** Transports that queue a message synchronously (`Transport.offer`, as stdio and memory do). */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Queue, Stream } from "effect"
import { TestClock } from "effect/testing"
import { type JsonRpc, McpClient, McpError, Transport } from "../../src/index.ts"

const initializeResult = {
  protocolVersion: "2025-11-25",
  capabilities: { tools: {} },
  serverInfo: { name: "s", version: "1" }
}

/**
 * A transport with `offer` only (its `send` is never meant to be used for requests), whose
 * replies are scripted per message; `refuse` makes the next offers fail.
 */
const makeTransport = (reply: (request: JsonRpc.Request) => unknown | undefined) =>
  Effect.gen(function*() {
    const incoming = yield* Queue.unbounded<unknown>()
    const offered: Array<JsonRpc.Message> = []
    const state = { refuse: false, sends: 0 }
    const transport: Transport.TransportShape = {
      send: (message) =>
        Effect.sync(() => {
          state.sends++
          offered.push(message)
        }),
      offer: (message) => {
        if (state.refuse) return new McpError.TransportError({ description: "pipe closed" })
        offered.push(message)
        if ("id" in message && "method" in message) {
          const answer = message.method === "initialize"
            ? { jsonrpc: "2.0", id: message.id, result: initializeResult }
            : reply(message)
          if (answer !== undefined) Queue.offerUnsafe(incoming, answer)
        }
        return undefined
      },
      incoming: Stream.fromQueue(incoming)
    }
    const client = yield* McpClient.make({ name: "c", version: "1", era: "legacy" }).pipe(
      Effect.provideService(Transport.Transport, transport)
    )
    return { client, offered, state }
  })

describe("transports that queue synchronously", () => {
  it.effect("requests go through offer, and their results are validated", () =>
    Effect.gen(function*() {
      const { client, offered, state } = yield* makeTransport((request) =>
        request.method === "tools/call"
          ? { jsonrpc: "2.0", id: request.id, result: { content: "not an array" } }
          : { jsonrpc: "2.0", id: request.id, result: {} }
      )
      yield* client.ping()
      const error = yield* Effect.flip(client.callTool("echo"))
      assert.strictEqual(error._tag, "ProtocolError")
      assert.deepStrictEqual(offered.filter((m) => "id" in m).map((m) => (m as JsonRpc.Request).method), [
        "initialize",
        "ping",
        "tools/call"
      ])
      // Only notifications used send.
      assert.strictEqual(state.sends, 1)
      assert.strictEqual(yield* client.pendingRequests, 0)
    }))

  it.effect("a refused offer fails the request with its TransportError and leaves nothing pending", () =>
    Effect.gen(function*() {
      const { client, state } = yield* makeTransport((request) => ({ jsonrpc: "2.0", id: request.id, result: {} }))
      state.refuse = true
      const error = yield* Effect.flip(client.ping())
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error.message, "pipe closed")
      assert.strictEqual(yield* client.pendingRequests, 0)
      state.refuse = false
      yield* client.ping()
    }))

  it.effect("interrupting a request cancels it on the server and forgets it", () =>
    Effect.gen(function*() {
      const { client, offered } = yield* makeTransport(() => undefined)
      const call = yield* Effect.forkChild(client.callTool("slow"), { startImmediately: true })
      assert.strictEqual(yield* client.pendingRequests, 1)
      yield* Fiber.interrupt(call)
      yield* TestClock.adjust(0)
      assert.strictEqual(yield* client.pendingRequests, 0)
      const request = offered.find((m) => "method" in m && m.method === "tools/call") as JsonRpc.Request
      const cancelled = offered.find((m) => "method" in m && m.method === "notifications/cancelled")
      assert.deepStrictEqual((cancelled as JsonRpc.Notification | undefined)?.params?.requestId, request.id)
    }))
})
