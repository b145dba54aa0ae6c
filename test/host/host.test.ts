/**
 * A host over a configuration file naming three real servers at once
 * (`everything` over stdio, the TS SDK v2 server over HTTP, the Effect server
 * over stdio) and one whose command does not exist.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Stream } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HostConfig, HostInputs, type McpClient, McpHost, Sampling } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

const configFile = (url: string) => {
  const everything = Peers.stdioCommand("everything")
  const effect = Peers.stdioCommand("effect")
  const path = join(mkdtempSync(join(tmpdir(), "host-")), "mcp.json")
  writeFileSync(
    path,
    `{
  // Claude's format; the peers' commands come from the environment the test gives.
  "mcpServers": {
    "everything": {
      "command": "\${PEERS}",
      "args": ${JSON.stringify(everything.args)},
      "exclude": ["get-*", "gzip-*"]
    },
    "tsv2": { "type": "http", "url": "${url}", "headers": { "Authorization": "Bearer \${input:token}" } },
    "effect": { "command": "\${env:EFFECT_COMMAND}", "args": ${JSON.stringify(effect.args)}, "prefix": "fx" },
    "missing": { "command": "/nonexistent/mcp-server-\${USER:-test}", "restart": { "maxAttempts": 1 } },
    "off": { "command": "never-started", "enabled": false },
  },
  "inputs": [{ "type": "promptString", "id": "token", "password": true }],
}`
  )
  return { path, everything: everything.command, effect: effect.command }
}

const HostLive = Layer.unwrap(Effect.gen(function*() {
  const url = yield* Peers.http("ts-v2")
  const { effect, everything, path } = configFile(url)
  return McpHost.layer(HostConfig.fromFile(path), {
    stderr: "ignore",
    handlers: (server) =>
      Sampling.layer({
        createMessage: () =>
          Effect.succeed({
            role: "assistant",
            content: { type: "text", text: `answered for ${server}` },
            model: "test"
          })
      })
  }).pipe(
    Layer.provide(HostInputs.layerValues({ token: "t0ken" })),
    Layer.provide(HostInputs.layerEnvironment({ PEERS: everything, EFFECT_COMMAND: effect }))
  )
}))

class Effectful extends Context.Service<Effectful, McpClient.McpClientShape>()("test/Effectful") {}

const text = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { text?: string }).text ?? "").join("")

describe("McpHost over three real servers and a missing one", () => {
  layer(HostLive, { timeout: "60 seconds" })((it) => {
    it.effect("the three are ready; the missing command is failed with ENOENT; disabled servers are not there", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        assert.deepStrictEqual(host.servers, ["everything", "tsv2", "effect", "missing"])
        for (const server of ["everything", "tsv2", "effect"]) {
          assert.strictEqual((yield* host.state(server)).status, "ready", server)
        }
        const missing = yield* host.state("missing")
        assert.strictEqual(missing.status, "failed")
        if (missing.status === "failed") assert.include(missing.lastError, "ENOENT")
        const unavailable = yield* Effect.flip(host.client("missing"))
        assert.strictEqual(unavailable._tag, "ServerUnavailable")
        assert.strictEqual(unavailable.state, "failed")
        assert.include(unavailable.lastError, "ENOENT")
        const unknown = yield* Effect.flip(host.client("off"))
        assert.strictEqual(unknown.state, "unknown")
      }))

    it.effect("one catalog: qualified names, each entry's server, prefix and exclude applied", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        const tools = yield* host.listTools
        const names = tools.map((tool) => tool.name)
        assert.include(names, "everything__echo")
        assert.include(names, "tsv2__add")
        assert.include(names, "fx__add")
        assert.isFalse(names.some((name) => name.startsWith("everything__get-") || name.startsWith("everything__gzip")))
        assert.isFalse(names.some((name) => name.startsWith("effect__")))
        assert.strictEqual(new Set(names).size, names.length)
        const fxAdd = tools.find((tool) => tool.name === "fx__add")!
        assert.strictEqual(fxAdd.server, "effect")
        assert.strictEqual(fxAdd.tool.name, "add")
        assert.deepStrictEqual(
          new Set(tools.map((tool) => tool.server)),
          new Set(["everything", "tsv2", "effect"])
        )
        const prompts = (yield* host.listPrompts).map((prompt) => prompt.name)
        assert.include(prompts, "everything__simple-prompt")
        assert.include(prompts, "fx__greet")
        const resources = yield* host.listResources
        assert.isTrue(
          resources.some((entry) => entry.server === "effect" && entry.resource.uri === "bench://static/hello")
        )
        const templates = yield* host.listResourceTemplates
        assert.isTrue(
          templates.some((entry) => entry.server === "effect" && entry.template.uriTemplate === "bench://items/{id}")
        )
      }))

    it.effect("calls are routed by qualified name, reads by URI or template, completion by either", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        assert.strictEqual(text(yield* host.callTool("everything__echo", { message: "hi" })), "Echo: hi")
        assert.strictEqual(text(yield* host.callTool("fx__add", { a: 2, b: 3 })), "5")
        assert.strictEqual(text(yield* host.callTool("tsv2__add", { a: 4, b: 5 })), "9")
        const missing = yield* Effect.flip(host.callTool("everything__get-env"))
        assert.strictEqual(missing._tag, "ToolNotFound")
        const prompt = yield* host.getPrompt("fx__greet", { name: "Ada" })
        assert.include(JSON.stringify(prompt.messages), "Say hello to Ada.")
        // Two servers list it: the first in the configuration answers, unless a server is named.
        const first = yield* host.readResource("bench://static/hello")
        assert.notInclude(JSON.stringify(first.contents), "test-effect")
        const read = yield* host.readResource("bench://static/hello", { server: "effect" })
        assert.include(JSON.stringify(read.contents), "hello from test-effect")
        const item = yield* host.readResource("demo://resource/dynamic/text/7")
        assert.include(JSON.stringify(item.contents), "demo://resource/dynamic/text/7")
        const templated = yield* host.complete(
          { type: "ref/resource", uri: "bench://items/{id}" },
          { name: "id", value: "" },
          { server: "effect" }
        )
        assert.isAbove(templated.completion.values.length, 0)
        const nowhere = yield* Effect.flip(host.readResource("nowhere://x"))
        assert.strictEqual(nowhere._tag, "ResourceNotFound")
        const completion = yield* host.complete({ type: "ref/prompt", name: "fx__greet" }, { name: "name", value: "" })
        assert.isAbove(completion.completion.values.length, 0)
      }))

    it.effect("searchTools ranks by name, title and description", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        const found = yield* host.searchTools("echo")
        assert.strictEqual(found[0]?.name, "everything__echo")
        const adds = yield* host.searchTools("add two numbers", { limit: 2 })
        assert.strictEqual(adds.length, 2)
        assert.deepStrictEqual(new Set(adds.map((tool) => tool.tool.name)), new Set(["add"]))
        assert.deepStrictEqual(yield* host.searchTools("zzzz-nothing"), [])
      }))

    it.effect("one server as its own service, from the host", () =>
      Effect.gen(function*() {
        const effectful = yield* Effectful
        assert.strictEqual(effectful.serverInfo.name, "test-effect")
        assert.strictEqual(text(yield* effectful.callTool("add", { a: 1, b: 1 })), "2")
      }).pipe(Effect.provide(McpHost.layerClient(Effectful, "effect"))))

    it.effect("sampling handlers are told which server asks", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        const fromEffect = yield* host.callTool("fx__sample", { prompt: "hi" })
        assert.include(text(fromEffect), "answered for effect")
        const fromTsV2 = yield* host.callTool("tsv2__sample", { prompt: "hi" })
        assert.include(text(fromTsV2), "answered for tsv2")
      }))

    it.effect("notifications are merged and tagged with their server", () =>
      Effect.gen(function*() {
        const host = yield* McpHost.McpHost
        const effect = yield* host.client("effect")
        yield* effect.setLoggingLevel("info")
        const logs = yield* host.notifications.pipe(
          Stream.filter((entry) => entry.notification.method === "notifications/message"),
          Stream.take(1),
          Stream.runCollect,
          Effect.forkChild
        )
        // The subscriber sees what arrives once it is subscribed: the log is asked for until one reaches it.
        for (let attempt = 0; attempt < 20 && logs.pollUnsafe() === undefined; attempt++) {
          yield* host.callTool("fx__log", { message: "from the effect server" })
          for (let turn = 0; turn < 5; turn++) yield* Effect.yieldNow
        }
        const [entry] = yield* Fiber.join(logs)
        assert.strictEqual(entry?.server, "effect")
        assert.include(JSON.stringify(entry?.notification.params), "from the effect server")
      }))
  })
})
