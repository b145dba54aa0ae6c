/**
 * `effect-mcp --config <file> [--server <name>]`: an entry of the
 * configuration files `McpHost` reads, expanded as the host expands it, and
 * the usage errors (exit code 2) that name what is wrong with the file or the
 * command line.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Target from "../../src/cli/Target.ts"
import { Elicitation, McpClient, StdioTransport, Transport } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"
import * as Run from "./Run.ts"

const cli = (args: ReadonlyArray<string>, options?: Run.RunOptions) => Effect.promise(() => Run.run(args, options))

const folder = mkdtempSync(path.join(tmpdir(), "effect-mcp-config-"))
let files = 0
/** Writes a configuration file; returns its path. */
const configFile = (text: string) => {
  const file = path.join(folder, `servers-${++files}.json`)
  writeFileSync(file, text)
  return file
}

const everything = Peers.stdioCommand("everything")
const everythingEnv = Peers.stdioCommand("everything", ["--inherit-env"])

describe.concurrent("effect-mcp --config", () => {
  it.live(
    "the entry --server names, in an mcpServers file: the same tools the library lists",
    () =>
      Effect.gen(function*() {
        const file = configFile(JSON.stringify({
          mcpServers: {
            everything: { command: everything.command, args: everything.args },
            unused: { command: "/nonexistent/never-started" }
          }
        }))
        const outcome = yield* cli(["tools", "--json", "--config", file, "--server", "everything"])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        const expected = yield* Effect.scoped(
          McpClient.make({ ...Target.clientInfo }).pipe(
            Effect.provideServiceEffect(
              Transport.Transport,
              StdioTransport.makeNode({ ...everything, stderr: "ignore" })
            ),
            Effect.flatMap((client) => client.listTools()),
            // The command offers elicitation (form and URL), and the server lists tools by what a client offers.
            Effect.provide(Elicitation.layer({
              form: () => Effect.succeed({ action: "decline" }),
              url: () => Effect.succeed({ action: "decline" })
            }))
          )
        )
        assert.deepStrictEqual(Run.json(outcome), JSON.parse(JSON.stringify(expected)))
      }),
    300_000
  )

  it.live(
    "the file's only enabled server, with ${env:VAR:-default} and ${VAR} from the environment, and --env on top",
    () =>
      Effect.gen(function*() {
        const file = configFile(`{
        // VS Code's format, with comments
        "servers": {
          "local": {
            "command": "${everythingEnv.command}",
            "args": ${JSON.stringify(everythingEnv.args)},
            "env": { "FROM_CONFIG": "\${env:EFFECT_MCP_CONFIG_VALUE:-unused default}", "DEFAULTED": "\${NOT_SET_ANYWHERE:-the default}" }
          },
          "off": { "command": "/nonexistent/never-started", "disabled": true },
        },
      }`)
        const outcome = yield* cli([
          "call",
          "get-env",
          "--config",
          file,
          "--env",
          "FROM_FLAG=given on the command line"
        ], {
          env: { EFFECT_MCP_CONFIG_VALUE: "from the environment" }
        })
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.include(outcome.stdout, "from the environment")
        assert.include(outcome.stdout, "the default")
        assert.include(outcome.stdout, "given on the command line")
        assert.notInclude(outcome.stdout, "unused default")
      }),
    300_000
  )

  it.live(
    "an HTTP entry whose URL takes ${input:port}, answered by --input; the entry's timeout applies unless --timeout",
    () =>
      Effect.gen(function*() {
        const url = yield* Peers.http("ts-v2")
        const port = new URL(url).port
        const file = configFile(JSON.stringify({
          inputs: [{ id: "port", type: "promptString", description: "The server's port" }],
          servers: {
            v2: { type: "http", url: "http://127.0.0.1:${input:port}/mcp", timeout: 30_000 },
            hasty: { type: "http", url: "http://127.0.0.1:${input:port}/mcp", timeout: 300 }
          }
        }))
        const slow = ["call", "slow", "steps=1", "delayMs=2000", "--json", "--config", file, "--server", "hasty"]
        const [answered, unanswered, late, given] = yield* Effect.all([
          cli(["call", "add", "a=2", "b=3", "--json", "--config", file, "--server", "v2", "--input", `port=${port}`]),
          cli(["call", "add", "a=2", "b=3", "--json", "--config", file, "--server", "v2"]),
          cli([...slow, "--input", `port=${port}`]),
          cli([...slow, "--input", `port=${port}`, "--timeout", "30"])
        ], { concurrency: 2 })
        // The entry's 300 ms deadline ends the slow call (exit code 5); --timeout, when given, wins over it.
        assert.strictEqual(late.code, 5, late.stderr)
        assert.strictEqual(given.code, 0, given.stderr)
        assert.deepStrictEqual(Run.json(given).content, [{ type: "text", text: "counted to 1" }])
        assert.strictEqual(answered.code, 0, answered.stderr)
        assert.deepStrictEqual(Run.json(answered).content, [{ type: "text", text: "5" }])
        // Not a terminal, no --input: the input stays unanswered, and nothing is sent.
        assert.strictEqual(unanswered.code, 2)
        assert.include(unanswered.stderr, "Server 'v2': url: ${input:port} was not answered")
        assert.strictEqual(unanswered.stdout, "")
      }).pipe(Effect.scoped),
    300_000
  )

  it.live("2: the errors name the file, the entry, the variable, or the line and column", () =>
    Effect.gen(function*() {
      const two = configFile(JSON.stringify({
        mcpServers: { a: { command: "/nonexistent/a" }, b: { command: "/nonexistent/b" } }
      }))
      const broken = configFile("{\n  \"mcpServers\": {\n    \"a\": { \"command\": }\n  }\n}\n")
      const badEntry = configFile(JSON.stringify({ mcpServers: { a: { args: ["x"] } } }))
      const undefinedVariable = configFile(JSON.stringify({
        mcpServers: { a: { command: "/nonexistent/a", args: ["${EFFECT_MCP_UNDEFINED_VARIABLE}"] } }
      }))
      const missing = path.join(folder, "no-such-file.json")
      const [unknown, ambiguous, syntax, entry, variable, absent, both, alone] = yield* Effect.all([
        cli(["tools", "--config", two, "--server", "c"]),
        cli(["tools", "--config", two]),
        cli(["tools", "--config", broken]),
        cli(["tools", "--config", badEntry]),
        cli(["tools", "--config", undefinedVariable]),
        cli(["tools", "--config", missing]),
        cli(["tools", "--config", two, "--server", "a", "--url", "http://127.0.0.1:9/mcp"]),
        cli(["tools", "--server", "a"])
      ], { concurrency: 4 })
      for (const outcome of [unknown, ambiguous, syntax, entry, variable, absent, both, alone]) {
        assert.strictEqual(outcome.code, 2, outcome.stderr)
        assert.strictEqual(outcome.stdout, "")
      }
      assert.include(unknown.stderr, `${two} has no server 'c'; it has 'a', 'b'`)
      assert.include(ambiguous.stderr, `${two} has 2 servers: name one with --server (a, b)`)
      assert.include(syntax.stderr, `${broken}:3:`)
      assert.include(entry.stderr, `${badEntry}`)
      assert.include(entry.stderr, "mcpServers.a")
      assert.include(variable.stderr, "${EFFECT_MCP_UNDEFINED_VARIABLE}")
      assert.include(absent.stderr, `${missing}: $: cannot be read`)
      assert.include(both.stderr, "--config names the server")
      assert.include(alone.stderr, "--server names an entry of --config <file>")
    }), 300_000)
})
