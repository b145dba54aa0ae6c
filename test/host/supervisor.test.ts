/**
 * The supervisor's schedule, on the TestClock, over an in-process server:
 * failed starts retried with backoff and then given up, and a session that
 * keeps ending soon after its start restarted with the same backoff.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Stream, SubscriptionRef } from "effect"
import { McpProtocol } from "effect/ai"
import { TestClock } from "effect/testing"
import { McpError, MemoryTransport, Supervisor, type Transport } from "../../src/index.ts"

const server = MemoryTransport.makeServer({ name: "memory", version: "1.0.0", registrations: Layer.empty })

/** A connection that fails its first `failures` attempts. */
const flaky = (failures: number) => {
  let attempts = 0
  return {
    attempts: () => attempts,
    connect: Effect.suspend((): Effect.Effect<Transport.TransportShape, unknown, Scope.Scope> =>
      ++attempts <= failures
        ? Effect.fail(new McpError.TransportError({ description: `refused (attempt ${attempts})` }))
        : server
    )
  }
}

const statusOf = (supervisor: Supervisor.Supervisor) => SubscriptionRef.getUnsafe(supervisor.state).status

const until = (supervisor: Supervisor.Supervisor, f: (state: Supervisor.ServerState) => boolean) =>
  supervisor.changes.pipe(Stream.filter(f), Stream.runHead)

const settle = Effect.gen(function*() {
  for (let i = 0; i < 50; i++) yield* Effect.yieldNow
})

describe("Supervisor", () => {
  it.effect("failed starts are retried on the schedule, with the attempt and the last error in the state", () =>
    Effect.gen(function*() {
      const connection = flaky(2)
      const supervisor = yield* Supervisor.make({
        name: "memory",
        connect: connection.connect,
        client: { name: "test", version: "1.0.0" },
        restart: { initialDelay: 1000, maxDelay: 1000 }
      })
      yield* settle
      const first = yield* until(supervisor, (state) => state.status === "restarting")
      assert.deepStrictEqual(first._tag === "Some" ? first.value : undefined, {
        status: "restarting",
        attempt: 1,
        lastError: "refused (attempt 1)"
      })
      assert.strictEqual(connection.attempts(), 1)
      // Jitter keeps each delay within 80–120% of 1 s: not yet at 0.7 s, surely by 1.3 s.
      yield* TestClock.adjust("700 millis")
      yield* settle
      assert.strictEqual(connection.attempts(), 1)
      yield* TestClock.adjust("600 millis")
      yield* settle
      assert.strictEqual(connection.attempts(), 2)
      yield* TestClock.adjust("1300 millis")
      const ready = yield* until(supervisor, (state) => state.status === "ready")
      assert.isTrue(ready._tag === "Some")
      assert.strictEqual(connection.attempts(), 3)
      assert.deepStrictEqual(yield* supervisor.counters, {
        restarts: 0,
        failedStarts: 2,
        keepalives: 0,
        keepaliveMisses: 0
      })
    }))

  it.effect("after maxAttempts failed starts in a row the server is failed", () =>
    Effect.gen(function*() {
      const connection = flaky(100)
      const supervisor = yield* Supervisor.make({
        name: "memory",
        connect: connection.connect,
        client: { name: "test", version: "1.0.0" },
        restart: { maxAttempts: 2, initialDelay: 10, maxDelay: 10 }
      })
      yield* settle
      yield* TestClock.adjust("1 second")
      const failed = yield* until(supervisor, (state) => state.status === "failed")
      assert.strictEqual(
        failed._tag === "Some" && failed.value.status === "failed" ? failed.value.lastError : "",
        "refused (attempt 3)"
      )
      assert.strictEqual(connection.attempts(), 3)
      const unavailable = yield* Effect.flip(supervisor.ready("1 second"))
      assert.strictEqual(unavailable.state, "failed")
      assert.strictEqual(unavailable.lastError, "refused (attempt 3)")
    }))

  it.effect("a session that keeps ending soon after its start waits the backoff before each restart", () =>
    Effect.gen(function*() {
      const supervisor = yield* Supervisor.make({
        name: "memory",
        connect: server,
        client: { name: "test", version: "1.0.0" },
        restart: { initialDelay: 1000, maxDelay: 5000 }
      })
      const generation = (n: number) => until(supervisor, (state) => state.status === "ready" && state.generation === n)
      yield* generation(1)
      // The first end restarts at once.
      yield* supervisor.restart(supervisor.latest()!, "ended")
      yield* generation(2)
      // The second, soon after, waits 1 s.
      yield* supervisor.restart(supervisor.latest()!, "ended again")
      yield* settle
      assert.strictEqual(statusOf(supervisor), "restarting")
      yield* TestClock.adjust("999 millis")
      yield* settle
      assert.strictEqual(statusOf(supervisor), "restarting")
      yield* TestClock.adjust("1 millis")
      yield* generation(3)
      // A session that lived longer than 10 s was healthy: its end restarts it at once again.
      yield* TestClock.adjust("11 seconds")
      yield* supervisor.restart(supervisor.latest()!, "ended late")
      yield* generation(4)
      assert.strictEqual((yield* supervisor.counters).restarts, 3)
    }))

  for (const era of ["legacy", "modern"] as const) {
    it.effect(`keepalive (${era === "legacy" ? "ping" : "server/discover"}) keeps a healthy session as it is`, () =>
      Effect.gen(function*() {
        const supervisor = yield* Supervisor.make({
          name: "memory",
          connect: MemoryTransport.makeServer({
            name: "memory",
            version: "1.0.0",
            registrations: Layer.empty,
            protocols: era === "legacy" ? [McpProtocol.v2025_11_25] : [McpProtocol.v2026_07_28]
          }),
          client: { name: "test", version: "1.0.0" },
          restart: {},
          keepalive: { interval: 1000, timeout: 500, misses: 2 }
        })
        const ready = yield* until(supervisor, (state) => state.status === "ready")
        assert.strictEqual(
          ready._tag === "Some" && ready.value.status === "ready" ? ready.value.session.era : undefined,
          era
        )
        for (let i = 0; i < 5; i++) {
          yield* TestClock.adjust("1 second")
          yield* settle
        }
        assert.strictEqual(statusOf(supervisor), "ready")
        assert.deepStrictEqual(yield* supervisor.counters, {
          restarts: 0,
          failedStarts: 0,
          keepalives: 5,
          keepaliveMisses: 0
        })
      }))
  }

  it("why a session ended is the restart metric's cause", () => {
    assert.strictEqual(Supervisor.endCause("the server closed the connection"), "closed")
    assert.strictEqual(
      Supervisor.endCause(new McpError.TransportError({ description: "exited", exitCode: null, signal: "SIGKILL" })),
      "exit"
    )
    assert.strictEqual(
      Supervisor.endCause(new McpError.TransportError({ description: "The MCP server closed the connection" })),
      "closed"
    )
    assert.strictEqual(Supervisor.endCause(new McpError.TransportError({ description: "POST failed" })), "connection")
    assert.strictEqual(Supervisor.endCause(new McpError.SessionExpired({ sessionId: "s" })), "session")
    assert.strictEqual(Supervisor.endCause({ _tag: "KeepaliveMissed" }), "keepalive")
    assert.strictEqual(Supervisor.endCause(42), "_OTHER")
  })
})
