/** The catalog: live refresh on list_changed, lazy servers, search ranking, globs, and closing the host. */
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope, Stream } from "effect"
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Catalog, HostConfig, HostInputs, type McpClient, McpHost, QualifiedName } from "../../src/index.ts"

const server = fileURLToPath(new URL("../fixtures/host/counting-server.mjs", import.meta.url))
const entry = (extra: object = {}) => ({ command: process.execPath, args: [server], ...extra })

const text = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { text?: string }).text ?? "").join("")

/** How many children of this process run the counting server. */
const runningServers = () =>
  readdirSync("/proc").filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("counting-server")
    } catch {
      return false
    }
  }).length

class Counting extends Context.Service<Counting, McpClient.McpClientShape>()("test/Counting") {}

describe("Catalog", () => {
  it.live("a server's list_changed refreshes its part of the catalog", () =>
    Effect.gen(function*() {
      const config = yield* HostConfig.fromObject({ mcpServers: { a: entry(), b: entry({ exclude: ["hold"] }) } })
      const host = yield* McpHost.make(config, { stderr: "ignore" })
      assert.deepStrictEqual((yield* host.listTools).map((tool) => tool.name), [
        "a__hold",
        "a__grow",
        "a__stats",
        "b__grow",
        "b__stats"
      ])
      yield* host.callTool("a__grow")
      const grown = yield* host.catalog.changes.pipe(
        Stream.filter((snapshot) => snapshot.tools.some((tool) => tool.name === "a__extra")),
        Stream.runHead
      )
      assert.isTrue(grown._tag === "Some")
      assert.strictEqual(text(yield* host.callTool("a__extra")), "extra")
      assert.isFalse((yield* host.listTools).some((tool) => tool.name === "b__extra"))
    }).pipe(Effect.scoped))

  it.live("a lazy server starts on first use; closing the host leaves no process behind", () =>
    Effect.gen(function*() {
      const before = runningServers()
      const scope = yield* Scope.make()
      const config = yield* HostConfig.fromObject({ mcpServers: { eager: entry(), later: entry({ lazy: true }) } })
      const host = yield* McpHost.make(config, { stderr: "ignore" }).pipe(Scope.provide(scope))
      assert.strictEqual((yield* host.state("later")).status, "idle")
      const states = yield* host.states.pipe(Stream.take(2), Stream.runCollect)
      assert.deepStrictEqual(
        new Set(Array.from(states, ({ server, state }) => `${server} ${state.status}`)),
        new Set(["eager ready", "later idle"])
      )
      assert.deepStrictEqual((yield* host.listTools).map((tool) => tool.server), ["eager", "eager", "eager"])
      assert.strictEqual(runningServers(), before + 1)
      const later = yield* host.client("later")
      assert.strictEqual(later.serverInfo.name, "counting")
      assert.strictEqual((yield* host.state("later")).status, "ready")
      assert.strictEqual(runningServers(), before + 2)
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual((yield* host.state("later")).status, "stopped")
      assert.strictEqual(runningServers(), before)
    }))

  it.live("a session ended on request (a forgotten session) is restarted, and the catalog follows", () =>
    Effect.gen(function*() {
      const host = yield* McpHost.McpHost
      const supervisor = yield* host.supervisor("a")
      const first = supervisor.latest()!
      yield* supervisor.restart(first, "forgotten")
      const back = yield* supervisor.changes.pipe(
        Stream.filter((state) => state.status === "ready" && state.generation === 2),
        Stream.runHead
      )
      assert.isTrue(back._tag === "Some")
      assert.notStrictEqual(supervisor.latest(), first)
      // Restarting an older session again does nothing.
      yield* supervisor.restart(first, "stale")
      assert.strictEqual((yield* host.state("a")).status, "ready")
      assert.strictEqual((yield* supervisor.counters).restarts, 1)
      assert.strictEqual(text(yield* host.callTool("a__stats")), "0")
    }).pipe(
      // The host's layer from a file's path.
      Effect.provide(Layer.unwrap(Effect.sync(() => {
        const mcpJson = join(mkdtempSync(join(tmpdir(), "host-path-")), ".mcp.json")
        writeFileSync(mcpJson, JSON.stringify({ mcpServers: { a: entry() } }))
        return McpHost.layer(mcpJson, { stderr: "ignore" })
      })))
    ))

  it.live("an undefined variable fails only its server, naming the variable; inputs are asked once", () =>
    Effect.gen(function*() {
      let asked = 0
      const config = yield* HostConfig.fromObject({
        mcpServers: {
          good: entry({ env: { KEY: "${input:key}" } }),
          also: entry({ env: { KEY: "${input:key}", HOME_DIR: "${HOME:-/home}" } }),
          bad: entry({ args: [server, "${UNDEFINED_VARIABLE}"] })
        },
        inputs: [{ type: "promptString", id: "key", password: true }]
      })
      const host = yield* McpHost.make(config, { stderr: "ignore" }).pipe(
        Effect.provide(HostInputs.layer(() => Effect.sync(() => (asked++, "secret"))))
      )
      assert.strictEqual((yield* host.state("good")).status, "ready")
      assert.strictEqual((yield* host.state("also")).status, "ready")
      const bad = yield* host.state("bad")
      assert.strictEqual(bad.status, "failed")
      assert.strictEqual(
        bad.status === "failed" ? bad.lastError : "",
        "Server 'bad': args[1]: ${UNDEFINED_VARIABLE} is not defined and has no default"
      )
      assert.strictEqual(asked, 1)
    }).pipe(Effect.scoped))

  it.live("a stand-alone supervised server as a service of the application's", () =>
    Effect.gen(function*() {
      const counting = yield* Counting
      assert.strictEqual(text(yield* counting.callTool("stats")), "0")
    }).pipe(
      Effect.provide(Layer.unwrap(Effect.map(
        HostConfig.fromObject({ mcpServers: { counting: entry() } }),
        (config) => McpHost.layerStandalone(Counting, config.servers[0]!, { stderr: "ignore" })
      )))
    ))

  const tool = (server: string, name: string, description?: string, title?: string) => ({
    server,
    name: `${server}__${name}`,
    tool: {
      name,
      inputSchema: { type: "object" as const },
      ...(description === undefined ? {} : { description }),
      ...(title === undefined ? {} : { title })
    }
  })
  const snapshot = (tools: ReadonlyArray<Catalog.CatalogTool>): Catalog.Snapshot => ({
    tools,
    prompts: [],
    resources: [],
    resourceTemplates: [],
    servers: [],
    toolNames: QualifiedName.assign([]),
    promptNames: QualifiedName.assign([]),
    routes: { resources: [], resourceTemplates: [] }
  })

  it("search: name words outrank titles, titles outrank descriptions; ties by name; limit", () => {
    const catalog = snapshot([
      tool("docs", "lookup", "Search the documentation"),
      tool("web", "search_web", "Query the web"),
      tool("code", "grep", "Find text", "Search code"),
      tool("git", "searchCommits", "Search commit messages"),
      tool("misc", "unrelated", "Nothing here")
    ])
    assert.deepStrictEqual(Catalog.search(catalog, "search").map((entry) => entry.name), [
      "git__searchCommits",
      "web__search_web",
      "code__grep",
      "docs__lookup"
    ])
    assert.deepStrictEqual(Catalog.search(catalog, "search", { limit: 1 }).map((entry) => entry.name), [
      "git__searchCommits"
    ])
    assert.deepStrictEqual(Catalog.search(catalog, "grep").map((entry) => entry.name), ["code__grep"])
    assert.deepStrictEqual(Catalog.search(catalog, "   "), [])
  })

  it("include and exclude globs", () => {
    assert.isTrue(Catalog.included("read_file", {}))
    assert.isTrue(Catalog.included("read_file", { include: ["read_*"] }))
    assert.isFalse(Catalog.included("write_file", { include: ["read_*"] }))
    assert.isFalse(Catalog.included("read_secret", { include: ["read_*"], exclude: ["*secret"] }))
    assert.isTrue(Catalog.included("a.b", { include: ["a?b"] }))
    assert.isFalse(Catalog.included("axxb", { include: ["a.b"] }))
  })
})
