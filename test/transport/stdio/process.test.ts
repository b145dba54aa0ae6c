/** The stdio transport against real child processes, with each driver: faults, shutdown, environment. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Scope } from "effect"
import { fileURLToPath } from "node:url"
import { McpClient, type StdioTransport } from "../../../src/index.ts"
import { alive } from "../../support/Processes.ts"
import { drivers } from "../../support/StdioDrivers.ts"

const fixture = fileURLToPath(new URL("../../fixtures/stdio/server.mjs", import.meta.url))
const wrapper = fileURLToPath(new URL("../../fixtures/stdio/wrapper.sh", import.meta.url))

const session = (transport: Layer.Layer<any, any>, options: Partial<McpClient.Options> = {}) =>
  McpClient.layer({ name: "test", version: "1.0.0", era: "legacy", ...options }).pipe(Layer.provide(transport))

const withClient = <A, E>(
  transport: Layer.Layer<any, any>,
  body: (client: McpClient.McpClientShape) => Effect.Effect<A, E>
) => Effect.flatMap(Effect.service(McpClient.McpClient), body).pipe(Effect.provide(session(transport)))

describe.each(drivers)("StdioTransport over $name", (driver) => {
  const fixtureServer = (args: ReadonlyArray<string>, options: Partial<StdioTransport.Options> = {}) =>
    driver.layer({ command: process.execPath, args: [fixture, ...args], stderr: "ignore", ...options })

  it.live("a banner on stdout does not break the session", () =>
    withClient(fixtureServer(["banner"]), (client) =>
      Effect.gen(function*() {
        const result = yield* client.callTool("call")
        assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
      })))

  it.live("a reply written byte by byte, splitting UTF-8 characters, decodes correctly", () =>
    withClient(fixtureServer(["split-utf8"]), (client) =>
      Effect.gen(function*() {
        const result = yield* client.callTool("call")
        assert.deepStrictEqual(result.content, [{ type: "text", text: "€ 🎉 ü" }])
      })))

  it.live("a 10 MiB result arrives whole", () =>
    withClient(fixtureServer(["big", String(10 * 1024 * 1024)]), (client) =>
      Effect.gen(function*() {
        const result = yield* client.callTool("call")
        const block = result.content[0]!
        assert.strictEqual(block.type === "text" && "text" in block ? block.text.length : 0, 10 * 1024 * 1024)
      })))

  it.live("a message past the limit fails with MessageTooLarge and closes the connection", () =>
    withClient(fixtureServer(["big", "200000"], { maxMessageBytes: 100_000 }), (client) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(client.callTool("call"))
        assert.strictEqual(error._tag, "MessageTooLarge")
        if (error._tag === "MessageTooLarge") assert.strictEqual(error.limitBytes, 100_000)
        const later = yield* Effect.flip(client.callTool("call"))
        assert.strictEqual(later._tag, "MessageTooLarge")
      })))

  it.live("a reply read together with a message past the limit still reaches its caller", () =>
    withClient(
      fixtureServer(["reply-then-big", "5000"], { maxMessageBytes: 1000 }),
      (client) =>
        Effect.gen(function*() {
          const result = yield* client.callTool("call")
          assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
          const later = yield* Effect.flip(client.callTool("call"))
          assert.strictEqual(later._tag, "MessageTooLarge")
        })
    ))

  it.live("a server that dies mid-request fails the request at once with its exit code and stderr", () =>
    withClient(
      fixtureServer(["crash-on-call"], { stderr: "ignore" }),
      (client) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(client.callTool("call", {}, { timeout: "Infinity" }))
          assert.strictEqual(error._tag, "TransportError")
          if (error._tag === "TransportError") assert.strictEqual(error.exitCode, 3)
          const later = yield* Effect.flip(client.listTools())
          assert.strictEqual(later._tag, "TransportError")
        })
    ))

  it.live("a command that does not exist fails the layer with a TransportError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        withClient(driver.layer({ command: "no-such-mcp-server-xyz" }), (client) => client.listTools())
      )
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "no-such-mcp-server-xyz")
    }))

  it.live("a server that ignores SIGTERM is killed", () =>
    Effect.gen(function*() {
      const pids: Array<number> = []
      const scope = yield* Scope.make()
      const transport = yield* driver.make({
        command: process.execPath,
        args: [
          "-e",
          "process.on('SIGTERM', () => {}); process.stdin.on('end', () => {}); console.error('pid ' + process.pid); setInterval(() => {}, 1000)"
        ],
        stderr: (line) => Effect.sync(() => void pids.push(Number(line.replace("pid ", "")))),
        closeTimeout: "100 millis",
        killTimeout: "200 millis"
      }).pipe(Scope.provide(scope))
      void transport
      while (pids.length === 0) yield* Effect.sleep("20 millis")
      assert.isTrue(alive(pids[0]!))
      yield* Scope.close(scope, Exit.void)
      assert.isFalse(alive(pids[0]!))
    }))

  it.live("a wrapper's grandchild does not outlive the session", () =>
    Effect.gen(function*() {
      const children: Array<number> = []
      const transport = driver.layer({
        command: wrapper,
        env: { NODE: process.execPath },
        stderr: (line) =>
          Effect.sync(() => {
            if (line.startsWith("child ")) children.push(Number(line.slice(6)))
          }),
        closeTimeout: "200 millis",
        killTimeout: "500 millis"
      })
      yield* withClient(transport, (client) =>
        Effect.gen(function*() {
          yield* client.callTool("call")
          while (children.length === 0) yield* Effect.sleep("20 millis")
          assert.isTrue(alive(children[0]!))
        }))
      assert.isFalse(alive(children[0]!))
    }))

  it.live("the default environment passes only the allow-list and the caller's variables", () =>
    Effect.gen(function*() {
      process.env.EFFECT_MCP_CLIENT_SECRET = "do-not-leak"
      const read = (options: Partial<StdioTransport.Options>) =>
        withClient(fixtureServer(["env"], options), (client) =>
          Effect.map(client.callTool("call"), (result) => {
            const block = result.content[0]!
            return JSON.parse(block.type === "text" && "text" in block ? block.text : "{}") as Record<string, string>
          }))
      const plain = yield* read({ env: { GIVEN: "yes" } })
      assert.isUndefined(plain.EFFECT_MCP_CLIENT_SECRET)
      assert.strictEqual(plain.GIVEN, "yes")
      assert.strictEqual(plain.PATH, process.env.PATH)
      const inherited = yield* read({ inheritEnv: true })
      assert.strictEqual(inherited.EFFECT_MCP_CLIENT_SECRET, "do-not-leak")
      delete process.env.EFFECT_MCP_CLIENT_SECRET
    }))

  it.live("requests larger than the pipe holds are written whole, waiting for stdin to drain", () =>
    withClient(fixtureServer([]), (client) =>
      Effect.gen(function*() {
        // 32 calls of 256 KiB each: far more than a pipe's buffer, so writes wait for stdin's drain.
        const results = yield* Effect.forEach(
          Array.from({ length: 32 }, (_, i) => i),
          (i) => client.callTool("call", { padding: String(i).repeat(256 * 1024) }),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(results.length, 32)
        for (const result of results) assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
      })))

  it.live("interrupting a call over stdio still leaves the session usable", () =>
    withClient(fixtureServer([]), (client) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(client.callTool("call"))
        yield* Fiber.interrupt(fiber)
        const result = yield* client.callTool("call")
        assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
      })))
})
