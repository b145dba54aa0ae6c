/** Host configuration: every entry form, JSONC, expansion, and the errors with their path and position. */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Expansion, HostConfig } from "../../src/index.ts"

const failure = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect)

describe("HostConfig", () => {
  it.effect("decodes Claude's mcpServers: stdio, http, sse, type inferred, our options beside them", () =>
    Effect.gen(function*() {
      const config = yield* HostConfig.fromObject({
        mcpServers: {
          files: {
            command: "npx",
            args: ["-y", "server-filesystem", "."],
            env: { ROOT: "/tmp" },
            cwd: "/srv",
            envFile: ".env",
            timeout: 5000,
            maxConcurrency: 2,
            include: ["read_*"],
            exclude: ["read_secret"],
            prefix: "fs",
            lazy: true,
            restart: { maxAttempts: 3, initialDelay: 10, maxDelay: 100 },
            keepalive: { interval: 1000, timeout: 500, misses: 2 },
            somethingElse: { kept: true }
          },
          search: { type: "http", url: "https://search.example/mcp", headers: { Authorization: "Bearer x" } },
          inferred: { url: "https://inferred.example/mcp" },
          legacy: { type: "sse", url: "https://legacy.example/sse" },
          typed: { type: "stdio", command: "server", restart: false, disabled: true }
        }
      })
      assert.deepStrictEqual(config.servers.map((server) => [server.name, server._tag]), [
        ["files", "stdio"],
        ["search", "http"],
        ["inferred", "http"],
        ["legacy", "sse"],
        ["typed", "stdio"]
      ])
      const files = config.servers[0]!
      assert.strictEqual(files._tag, "stdio")
      if (files._tag === "stdio") {
        assert.strictEqual(files.command, "npx")
        assert.deepStrictEqual(files.args, ["-y", "server-filesystem", "."])
        assert.deepStrictEqual(files.env, { ROOT: "/tmp" })
        assert.strictEqual(files.cwd, "/srv")
        assert.strictEqual(files.envFile, ".env")
      }
      assert.strictEqual(files.timeout, 5000)
      assert.strictEqual(files.maxConcurrency, 2)
      assert.deepStrictEqual(files.include, ["read_*"])
      assert.deepStrictEqual(files.exclude, ["read_secret"])
      assert.strictEqual(files.prefix, "fs")
      assert.strictEqual(files.lazy, true)
      assert.deepStrictEqual(files.restart, { maxAttempts: 3, initialDelay: 10, maxDelay: 100 })
      assert.deepStrictEqual(files.keepalive, { interval: 1000, timeout: 500, misses: 2 })
      assert.deepStrictEqual(files.raw.somethingElse, { kept: true })
      const search = config.servers[1]!
      if (search._tag !== "stdio") assert.deepStrictEqual(search.headers, { Authorization: "Bearer x" })
      assert.deepStrictEqual(config.servers[2]!.restart, {})
      assert.strictEqual(config.servers[2]!.enabled, true)
      assert.strictEqual(config.servers[4]!.restart, false)
      assert.strictEqual(config.servers[4]!.enabled, false)
    }))

  it.effect("parses VS Code's servers and inputs, with comments and trailing commas", () =>
    Effect.gen(function*() {
      const config = yield* HostConfig.parse(
        `{
  // The inputs VS Code asks for
  "inputs": [
    { "type": "promptString", "id": "api-key", "description": "API key", "password": true },
  ],
  /* servers */
  "servers": {
    "git": { "type": "stdio", "command": "uvx", "args": ["mcp-server-git"], },
    "api": { "type": "http", "url": "https://api.example/mcp", "headers": { "X-Key": "\${input:api-key}" } }
  }
}`,
        ".vscode/mcp.json"
      )
      assert.deepStrictEqual(config.servers.map((server) => server.name), ["git", "api"])
      assert.deepStrictEqual(config.inputs, [{
        type: "promptString",
        id: "api-key",
        description: "API key",
        password: true
      }])
      assert.strictEqual(config.source, ".vscode/mcp.json")
    }))

  it.effect("a file is read from its path; a missing one is an error naming it", () =>
    Effect.gen(function*() {
      const folder = mkdtempSync(join(tmpdir(), "host-config-"))
      const path = join(folder, ".mcp.json")
      writeFileSync(path, `{ "mcpServers": { "a": { "command": "a" } } }`)
      const config = yield* HostConfig.fromFile(path)
      assert.deepStrictEqual(config.servers.map((server) => server.name), ["a"])
      const missing = yield* failure(HostConfig.fromFile(join(folder, "nope.json")))
      assert.strictEqual(missing.source, join(folder, "nope.json"))
      assert.match(missing.message, /nope\.json: \$: cannot be read: .*ENOENT/)
    }))

  it.effect("errors name the source, the JSON path, and the line and column", () =>
    Effect.gen(function*() {
      const text = `{
  "mcpServers": {
    "ok": { "command": "a" },
    "bad": {
      "command": "b",
      "args": ["x", 2]
    }
  }
}`
      const error = yield* failure(HostConfig.parse(text, "mcp.json"))
      assert.strictEqual(error._tag, "HostConfigError")
      assert.strictEqual(error.path, "$.mcpServers.bad.args[1]")
      assert.strictEqual(error.line, 6)
      assert.strictEqual(error.column, 21)
      assert.strictEqual(error.message, "mcp.json:6:21: $.mcpServers.bad.args[1]: Expected string, got 2")
    }))

  it.effect("each kind of mistake has its own description", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, string, string]> = [
        [`{ "mcpServers": { "a": { "command": "x" } }`, "$", "unexpected end of input in an object"],
        [`{ "mcpServers": { "a": { "command": 'x' } } }`, "$", "unexpected character '''"],
        [`{ "mcpServers": { "a": { } } }`, "$.mcpServers.a", "has neither \"command\" (stdio) nor \"url\" (HTTP)"],
        [`{ "mcpServers": { "a": { "type": "ws", "url": "u" } } }`, "$.mcpServers.a.type", "Unknown server type"],
        [`{ "mcpServers": { "a": { "url": "u", "timeout": 0 } } }`, "$.mcpServers.a.timeout", "greater than 0"],
        [
          `{ "mcpServers": { "a": { "url": "u", "maxConcurrency": 1.5 } } }`,
          "$.mcpServers.a.maxConcurrency",
          "integer"
        ],
        [`{ "mcpServers": { "a": 3 } }`, "$.mcpServers.a", "Expected an object"],
        [`{ "mcpServers": { "a": { "command": "x", "env": { "K": 1 } } } }`, "$.mcpServers.a.env.K", "Expected string"],
        [`{ "tools": {} }`, "$", "has neither \"mcpServers\" nor \"servers\""],
        [
          `{ "mcpServers": { "a": { "command": "x" } }, "servers": { "a": { "command": "y" } } }`,
          "$.servers.a",
          "already configured"
        ],
        [`{ "servers": {}, "inputs": [{ "type": "promptString" }] }`, "$.inputs[0].id", "Missing key"]
      ]
      for (const [text, path, description] of cases) {
        const error = yield* failure(HostConfig.parse(text, "f.json"))
        assert.strictEqual(error.path, path, text)
        assert.include(error.description, description, text)
        assert.strictEqual(error.line, 1, text)
      }
    }))

  it.effect("an object's errors have a path and no position", () =>
    Effect.gen(function*() {
      const error = yield* failure(HostConfig.fromObject({ servers: { "my server": { command: ["x"] } } }))
      assert.strictEqual(error.path, `$.servers["my server"].command`)
      assert.strictEqual(error.line, undefined)
      assert.strictEqual(error.message, `<object>: $.servers["my server"].command: Expected string, got ["x"]`)
    }))

  it.effect("from Effect Config: a JSON text under a key (MCP_CONFIG by default)", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromUnknown({
        MCP_CONFIG: `{ "mcpServers": { "a": { "command": "a" } } }`,
        BROKEN: `{ "mcpServers": { "a": { "url": 1 } } }`
      })
      const config = yield* HostConfig.fromConfig().pipe(Effect.provide(ConfigProvider.layer(provider)))
      assert.deepStrictEqual(config.servers.map((server) => server.name), ["a"])
      assert.strictEqual(config.source, "config MCP_CONFIG")
      const broken = yield* failure(
        HostConfig.fromConfig("BROKEN").pipe(Effect.provide(ConfigProvider.layer(provider)))
      )
      assert.strictEqual(broken._tag, "HostConfigError")
      if (broken._tag === "HostConfigError") assert.strictEqual(broken.path, "$.mcpServers.a.url")
      const missing = yield* failure(HostConfig.fromConfig("NOPE").pipe(Effect.provide(ConfigProvider.layer(provider))))
      assert.strictEqual(missing._tag, "ConfigError")
    }))

  it("env files: comments, export, quotes", () => {
    assert.deepStrictEqual(
      HostConfig.parseEnvFile("# comment\nA=1\nexport B = two\nC=\"three four\"\nD='5'\nnot a line\n\nE=\n"),
      { A: "1", B: "two", C: "three four", D: "5", E: "" }
    )
  })
})

describe("Expansion", () => {
  const resolver = (
    environment: Record<string, string>,
    inputs: Record<string, string | Redacted.Redacted<string>> = {}
  ): Expansion.Resolver => ({
    environment,
    input: (id) => Effect.succeed(inputs[id])
  })
  const where = { server: "s", field: "url" }

  it.effect("every form: ${VAR}, ${VAR:-default}, ${env:VAR}, ${input:id}, and text around them", () =>
    Effect.gen(function*() {
      const r = resolver({ HOST: "example.com", EMPTY: "" }, { port: "8443" })
      assert.strictEqual(
        yield* Expansion.expand("https://${HOST}:${input:port}/mcp", r, where),
        "https://example.com:8443/mcp"
      )
      assert.strictEqual(yield* Expansion.expand("${MISSING:-fallback}", r, where), "fallback")
      assert.strictEqual(yield* Expansion.expand("${EMPTY:-fallback}", r, where), "fallback")
      assert.strictEqual(yield* Expansion.expand("${EMPTY}", r, where), "")
      assert.strictEqual(yield* Expansion.expand("${env:HOST}", r, where), "example.com")
      assert.strictEqual(yield* Expansion.expand("${env:NOPE:-d}", r, where), "d")
      assert.strictEqual(yield* Expansion.expand("${input:unanswered:-d}", r, where), "d")
      assert.strictEqual(yield* Expansion.expand("cost: $5, no braces", r, where), "cost: $5, no braces")
    }))

  it.effect("a secret input makes the whole value Redacted", () =>
    Effect.gen(function*() {
      const value = yield* Expansion.expand(
        "Bearer ${input:token}",
        resolver({}, { token: Redacted.make("s3cret") }),
        where
      )
      assert.isTrue(Redacted.isRedacted(value))
      assert.strictEqual(Expansion.reveal(value), "Bearer s3cret")
      assert.notInclude(String(value), "s3cret")
    }))

  it.effect("an undefined variable with no default is an error naming it, never an empty string", () =>
    Effect.gen(function*() {
      const r = resolver({})
      const missing = yield* failure(Expansion.expand("https://${HOST}/mcp", r, { server: "api", field: "url" }))
      assert.strictEqual(missing.variable, "HOST")
      assert.strictEqual(missing.message, "Server 'api': url: ${HOST} is not defined and has no default")
      const env = yield* failure(Expansion.expand("${env:TOKEN}", r, where))
      assert.strictEqual(env.variable, "env:TOKEN")
      const input = yield* failure(Expansion.expand("${input:key}", r, where))
      assert.strictEqual(input.message, "Server 's': url: ${input:key} was not answered")
      const unclosed = yield* failure(Expansion.expand("${HOST", r, where))
      assert.include(unclosed.message, "not closed")
      const invalid = yield* failure(Expansion.expand("${1abc}", r, where))
      assert.include(invalid.message, "not a variable name")
    }))

  it("references lists what a value refers to", () => {
    assert.deepStrictEqual(Expansion.references("${A}/${env:B:-x}/${input:c}"), ["A", "env:B", "input:c"])
  })
})
