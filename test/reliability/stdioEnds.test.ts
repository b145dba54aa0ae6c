/** The ends of a stdio connection are reported at once, and the pending table is exact. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { fileURLToPath } from "node:url"
import { McpClient } from "../../src/index.ts"
import { drivers } from "../support/StdioDrivers.ts"

const fixture = fileURLToPath(new URL("../fixtures/stdio/server.mjs", import.meta.url))

describe.each(drivers)("stdio ends over $name", (driver) => {
  const session = (args: ReadonlyArray<string>) =>
    McpClient.layer({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
      Layer.provide(driver.layer({ command: process.execPath, args: [fixture, ...args], stderr: "ignore" }))
    )

  // Under the test clock, no Effect timer ever fires: the failure cannot come from a wait on the clock.
  it.effect("a server that closes stdout and lives on fails the pending requests without a wait on the clock", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.McpClient
      const pings = yield* Effect.forkChild(
        Effect.all([client.ping(), client.ping()], { concurrency: "unbounded", mode: "result" }),
        { startImmediately: true }
      )
      const error = yield* Effect.flip(client.callTool("call", {}, { timeout: "Infinity" }))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "closed its output")
      yield* Fiber.join(pings)
      assert.strictEqual(yield* client.pendingRequests, 0)
      assert.strictEqual((yield* Effect.flip(client.listTools()))._tag, "TransportError")
    }).pipe(Effect.provide(session(["close-stdout-on-call"]))))

  it.live("a server that exits still reports its exit code", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.McpClient
      const error = yield* Effect.flip(client.callTool("call", {}, { timeout: "Infinity" }))
      assert.strictEqual(error._tag === "TransportError" ? error.exitCode : undefined, 3)
      assert.strictEqual(yield* client.pendingRequests, 0)
    }).pipe(Effect.provide(session(["crash-on-call"]))))
})
