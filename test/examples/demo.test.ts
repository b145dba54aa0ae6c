/**
 * `npm start` (examples/demo.ts) as a user runs it: a child process, its output and exit code, against the
 * embedded server, the reference filesystem and memory servers (from node_modules), and a missing command.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Peers from "../support/Peers.ts"

const root = fileURLToPath(new URL("../..", import.meta.url))
const serverScript = (name: string) => join(root, "node_modules", "@modelcontextprotocol", name, "dist", "index.js")

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const demo = (args: ReadonlyArray<string>) =>
  Effect.callback<Run>((resume) => {
    execFile(
      process.execPath,
      [join(root, "examples", "demo.ts"), ...args],
      { cwd: root, timeout: 100_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
  })

/** Each run starts Node on the example's TypeScript sources: generous on a loaded machine. */
const timeout = 120_000

const lines = (text: string) => text.split("\n").filter((line) => line.length > 0)

describe("npm start", () => {
  it.live("runs the guide's walk-through against the embedded server and exits 0", () =>
    Effect.gen(function*() {
      const run = yield* demo([])
      assert.strictEqual(run.code, 0, run.stderr)
      const out = lines(run.stdout)
      assert.match(out[0]!, /^Connected to seed-server 1\.0\.0 \(protocol \d{4}-\d{2}-\d{2}\)$/)
      assert.match(out[1]!, /^Capabilities: /)
      for (const capability of ["tools", "resources", "prompts"]) {
        assert.match(out[1]!, new RegExp(`\\b${capability}\\b`))
      }
      assert.include(out, "calculator add 5 3 = 8")
      assert.include(out, "An error occurred: ToolNotFound: Tool 'unknown_tool' not found")
      assert.include(out, "Server confirmed: slow_tool was cancelled")
      assert.strictEqual(out.at(-1), "Session closed cleanly")
    }), timeout)

  it.live(
    "--stdio server-filesystem: tools only, the rest said to be not offered, exit 0",
    () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(join(tmpdir(), "mcp-demo-fs-"))
        const run = yield* demo(["--stdio", process.execPath, serverScript("server-filesystem"), dir])
        assert.strictEqual(run.code, 0, run.stderr)
        const out = lines(run.stdout)
        assert.match(out[0]!, /^Connected to secure-filesystem-server \S+$/)
        assert.match(out[1]!, /^Protocol revision: \d{4}-\d{2}-\d{2} \((legacy|modern) era\)$/)
        assert.strictEqual(out[2], "Capabilities: tools (listChanged)")
        assert.match(out[3]!, /^Tools \(\d+\):$/)
        assert.isTrue(out.some((line) => line.startsWith("  - read_text_file: ")))
        assert.isTrue(out.some((line) => line.startsWith("  - list_allowed_directories: ")))
        for (const missing of ["resources", "resource templates", "prompts", "completions", "logging"]) {
          assert.include(out, `The server does not offer ${missing}.`)
        }
        assert.include(out, "Ping: answered")
        assert.strictEqual(out.at(-1), "Session closed cleanly")
        assert.strictEqual(run.stderr, "")
      }),
    timeout
  )

  it.live("--stdio server-memory: tools and resources, prompts not offered, exit 0", () =>
    Effect.gen(function*() {
      const run = yield* demo(["--stdio", process.execPath, serverScript("server-memory")])
      assert.strictEqual(run.code, 0, run.stderr)
      const out = lines(run.stdout)
      assert.match(out[0]!, /^Connected to memory-server \S+$/)
      assert.match(out[2]!, /^Capabilities: tools \(listChanged\), resources \(/)
      assert.isTrue(out.some((line) => line.startsWith("  - create_entities: ")))
      assert.include(out, "Resources (1):")
      assert.include(out, "  - memory://knowledge-graph (knowledge-graph)")
      assert.include(out, "The server does not offer prompts.")
      assert.notInclude(out, "The server does not offer resources.")
      assert.strictEqual(out.at(-1), "Session closed cleanly")
    }), timeout)

  it.live(
    "--stdio a server that declares resources but lists no templates: said so, and the walk-through goes on",
    () =>
      Effect.gen(function*() {
        const run = yield* demo(["--stdio", process.execPath, join(root, "test", "fixtures", "stdio", "partial.mjs")])
        assert.strictEqual(run.code, 0, run.stderr)
        const out = lines(run.stdout)
        assert.include(out, "  - file:///notes.txt (notes)")
        assert.include(
          out,
          "The server declares resource templates but does not answer: resources/templates/list failed with -32601: Method not found"
        )
        assert.strictEqual(out.at(-1), "Session closed cleanly")
      }),
    timeout
  )

  it.live(
    "--stdio /no/such/command: one paragraph naming the command and ENOENT, exit 1",
    () =>
      Effect.gen(function*() {
        const run = yield* demo(["--stdio", "/no/such/command"])
        assert.strictEqual(run.code, 1)
        assert.strictEqual(run.stdout, "")
        assert.strictEqual(
          run.stderr,
          "Error (TransportError): Could not start the MCP server '/no/such/command': spawn /no/such/command ENOENT " +
            "(no such file or directory: is the command installed, and on PATH?)\n"
        )
      }),
    timeout
  )

  it.live("--stdio a server that exits: its exit code and stderr, exit 1", () =>
    Effect.gen(function*() {
      const run = yield* demo(["--stdio", process.execPath, "-e", "console.error('bad config'); process.exit(3)"])
      assert.strictEqual(run.code, 1)
      assert.strictEqual(
        run.stderr,
        `Error (TransportError): The MCP server '${process.execPath}' exited; exit code 3; stderr: bad config\n`
      )
    }), timeout)

  it.live("--stdio without a command prints the usage, exit 2", () =>
    Effect.gen(function*() {
      const run = yield* demo(["--stdio"])
      assert.strictEqual(run.code, 2)
      assert.strictEqual(run.stderr, "Usage: npm start [-- [--wire] --stdio <command> [args…] | --config <file>]\n")
    }), timeout)

  it.live(
    "--config: a host over an mcpServers file shows each server's state and one catalog, exit 0",
    () =>
      Effect.gen(function*() {
        const effect = Peers.stdioCommand("effect")
        const file = join(mkdtempSync(join(tmpdir(), "mcp-demo-host-")), "mcp.json")
        writeFileSync(
          file,
          JSON.stringify({
            mcpServers: {
              effect: { command: effect.command, args: effect.args, prefix: "fx" },
              missing: { command: "/no/such/mcp-server", restart: { maxAttempts: 1 } }
            }
          })
        )
        const run = yield* demo(["--config", file])
        assert.strictEqual(run.code, 0, run.stderr)
        const out = lines(run.stdout)
        // The host's own log lines (the missing server's failed start) come before the report.
        assert.include(out, "Servers:")
        assert.isTrue(
          out.some((line) => /^ {2}effect: ready: test-effect 1\.0\.0 \(\d{4}-\d{2}-\d{2}\)$/.test(line)),
          run.stdout
        )
        assert.isTrue(out.some((line) => line.startsWith("  missing: failed: ") && line.includes("ENOENT")), run.stdout)
        assert.isTrue(out.some((line) => line.startsWith("  fx__add")), run.stdout)
        assert.isTrue(out.some((line) => /^Tools \(\d+\):$/.test(line)))
      }),
    timeout
  )

  it.live(
    "--config: a malformed file is one line naming the file, line and column, exit 1",
    () =>
      Effect.gen(function*() {
        const file = join(mkdtempSync(join(tmpdir(), "mcp-demo-host-")), "mcp.json")
        writeFileSync(file, `{\n  "mcpServers": {\n    "a": { "command": 3 }\n  }\n}\n`)
        const run = yield* demo(["--config", file])
        assert.strictEqual(run.code, 1)
        assert.include(run.stderr, `${file}:3:`)
        assert.include(run.stderr, "$.mcpServers.a.command")
      }),
    timeout
  )
})
