/**
 * The `effect-mcp` command against real servers: each command's `--json`
 * output is the library's own answer, its human output is readable, and each
 * exit code comes from a real case.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Target from "../../src/cli/Target.ts"
import { Elicitation, HttpTransport, McpClient, StdioTransport, Transport } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"
import * as Run from "./Run.ts"

const everything = Run.stdio("everything")

/** The library's answer, from a session that declares what the command declares. */
const library = <A, E>(
  connect: Effect.Effect<Transport.TransportShape, unknown, any>,
  era: "auto" | "legacy" | "modern",
  f: (client: McpClient.McpClientShape) => Effect.Effect<A, E>
) =>
  Effect.scoped(
    McpClient.make({ ...Target.clientInfo, era, discoverTimeout: "15 seconds" }).pipe(
      Effect.provideServiceEffect(Transport.Transport, connect),
      Effect.flatMap(f),
      Effect.provide(Elicitation.layer({
        form: () => Effect.succeed({ action: "decline" }),
        url: () => Effect.succeed({ action: "decline" })
      }))
    )
  ) as Effect.Effect<A, unknown>

const stdioPeer = (peer: Peers.Peer) => StdioTransport.makeNode({ ...Peers.stdioCommand(peer), stderr: "ignore" })

const cli = (args: ReadonlyArray<string>, options?: Run.RunOptions) => Effect.promise(() => Run.run(args, options))

describe.concurrent("effect-mcp --json against everything over stdio", () => {
  const cases: ReadonlyArray<
    readonly [string, ReadonlyArray<string>, (client: McpClient.McpClientShape) => Effect.Effect<unknown, unknown>]
  > = [
    ["tools", ["tools"], (client) => client.listTools()],
    ["call", ["call", "get-sum", "a=2", "b=3"], (client) => client.callTool("get-sum", { a: 2, b: 3 })],
    [
      "call --json-args",
      ["call", "echo", "--json-args", "{\"message\":\"hi\"}"],
      (client) => client.callTool("echo", { message: "hi" })
    ],
    ["resources", ["resources"], (client) => client.listResources()],
    ["templates", ["templates"], (client) => client.listResourceTemplates()],
    [
      "read",
      ["read", "demo://resource/static/document/architecture.md"],
      (client) => client.readResource("demo://resource/static/document/architecture.md")
    ],
    ["prompts", ["prompts"], (client) => client.listPrompts()],
    [
      "prompt",
      ["prompt", "args-prompt", "city=Paris", "state=TX"],
      (client) => client.getPrompt("args-prompt", { city: "Paris", state: "TX" })
    ],
    [
      "complete",
      ["complete", "--prompt", "completable-prompt", "department", "E"],
      (client) =>
        client.complete({ type: "ref/prompt", name: "completable-prompt" }, { name: "department", value: "E" })
    ],
    ["ping", ["ping"], (client) => Effect.as(client.ping(), {})],
    ["info", ["info"], (client) =>
      Effect.succeed({
        protocolVersion: client.protocolVersion,
        era: client.era,
        serverInfo: client.serverInfo,
        capabilities: client.serverCapabilities,
        instructions: client.instructions
      })],
    ["the Inspector's --method form", [
      "--method",
      "tools/call",
      "--tool-name",
      "get-sum",
      "--tool-arg",
      "a=1",
      "--tool-arg",
      "b=41"
    ], (client) => client.callTool("get-sum", { a: 1, b: 41 })]
  ]
  // The library's answers, from one session.
  const expected = Effect.runPromise(
    library(stdioPeer("everything"), "auto", (client) => Effect.forEach(cases, ([, , answer]) => answer(client))).pipe(
      Effect.map((answers) => JSON.parse(JSON.stringify(answers)) as ReadonlyArray<unknown>)
    )
  )
  // Each test awaits it; this keeps a failure from being reported before then as unhandled.
  expected.catch(() => undefined)
  cases.forEach(([name, args], index) => {
    it.live(`${name}: stdout is exactly the protocol result`, () =>
      Effect.gen(function*() {
        const outcome = yield* cli([...args, ...(args[0] === "--method" ? [] : ["--json"]), ...everything])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.deepStrictEqual(Run.json(outcome), (yield* Effect.promise(() => expected))[index])
      }), 300_000)
  })
})

describe.concurrent("effect-mcp for people", () => {
  it.live("tools: a table with each tool's arguments, optional ones marked", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["tools", ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      const lines = outcome.stdout.split("\n")
      assert.match(lines[0]!, /^NAME\s+ARGUMENTS\s+DESCRIPTION$/)
      assert.match(outcome.stdout, /\nget-sum\s+a b\s+Returns the sum of two numbers\n/)
      assert.match(outcome.stdout, /\nget-resource-links\s+count\?\s+/)
    }), 300_000)

  it.live("call: the text of the result; arguments read as the schema's numbers", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["call", "get-sum", "a=2", "b=3.5", ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.strictEqual(outcome.stdout, "The sum of 2 and 3.5 is 5.5.\n")
    }), 300_000)

  it.live("call --out: an image is saved to a file, and its path printed", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(path.join(tmpdir(), "effect-mcp-out-"))
      const outcome = yield* cli(["call", "get-tiny-image", "--out", dir, ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      const file = path.join(dir, "get-tiny-image-1.png")
      assert.include(outcome.stdout, `[image image/png saved to ${file}]`)
      assert.deepStrictEqual([...readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])
    }), 300_000)

  it.live("call without --out: an image is described, nothing written", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["call", "get-tiny-image", ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.match(outcome.stdout, /\[image image\/png, \d+ bytes; --out DIR saves it\]/)
    }), 300_000)

  it.live(
    "call: progress is reported on stderr when it is not a terminal, the result on stdout",
    () =>
      Effect.gen(function*() {
        const outcome = yield* cli(["call", "trigger-long-running-operation", "duration=1", "steps=2", ...everything])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.include(outcome.stderr, "progress 1/2")
        assert.include(outcome.stderr, "progress 2/2")
        assert.strictEqual(outcome.stdout, "Long running operation completed. Duration: 1 seconds, Steps: 2.\n")
      }),
    300_000
  )

  it.live("read, prompts, prompt, templates, resources, complete, ping, info", () =>
    Effect.gen(function*() {
      const [read, prompts, prompt, templates, resources, complete, ping, info] = yield* Effect.all([
        cli(["read", "demo://resource/static/document/architecture.md", ...everything]),
        cli(["prompts", ...everything]),
        cli(["prompt", "args-prompt", "city=Paris", ...everything]),
        cli(["templates", ...everything]),
        cli(["resources", ...everything]),
        cli(["complete", "--prompt", "completable-prompt", "department", "E", ...everything]),
        cli(["ping", ...everything]),
        cli(["info", ...everything])
      ], { concurrency: 4 })
      assert.match(read.stdout, /^# Everything Server – Architecture/)
      assert.match(prompts.stdout, /\nargs-prompt\s+city state\?\s+A prompt with two arguments/)
      assert.match(prompt.stdout, /^user: .*Paris/)
      assert.match(templates.stdout, /^URI TEMPLATE\s+NAME\s+DESCRIPTION\n/)
      assert.include(templates.stdout, "demo://resource/dynamic/text/{resourceId}")
      assert.match(
        resources.stdout,
        /\ndemo:\/\/resource\/static\/document\/architecture\.md\s+architecture\.md\s+text\/markdown/
      )
      assert.strictEqual(complete.stdout, "Engineering\n")
      assert.match(ping.stdout, /^ok \(\d+ ms\)\n$/)
      assert.match(
        info.stdout,
        /^server\s+mcp-servers\/everything .*\nprotocol\s+2025-11-25 \(legacy\)\ncapabilities\s+tools/
      )
      for (const outcome of [read, prompts, prompt, templates, resources, complete, ping, info]) {
        assert.strictEqual(outcome.code, 0, outcome.stderr)
      }
    }), 300_000)
})

describe.concurrent("effect-mcp over HTTP and in the 2026-07-28 era", () => {
  it.live(
    "--url: everything over Streamable HTTP, tools and a call as the library sees them",
    () =>
      Effect.gen(function*() {
        const url = yield* Peers.http("everything")
        const tools = yield* cli(["tools", "--json", "--url", url])
        const call = yield* cli(["call", "echo", "message=over http", "--json", "--url", url])
        assert.strictEqual(tools.code, 0, tools.stderr)
        const expected = yield* library(
          HttpTransport.makeNode({ url }),
          "auto",
          (client) => Effect.all([client.listTools(), client.callTool("echo", { message: "over http" })])
        )
        assert.deepStrictEqual(Run.json(tools), JSON.parse(JSON.stringify(expected[0])))
        assert.deepStrictEqual(Run.json(call), JSON.parse(JSON.stringify(expected[1])))
      }).pipe(Effect.scoped),
    300_000
  )

  it.live(
    "--url: the TS SDK v2 server speaks 2026-07-28; --era legacy asks for 2025-11-25",
    () =>
      Effect.gen(function*() {
        const url = yield* Peers.http("ts-v2")
        const [modern, legacy, call] = yield* Effect.all([
          cli(["info", "--json", "--url", url]),
          cli(["info", "--json", "--era", "legacy", "--url", url]),
          cli(["call", "add", "a=20", "b=22", "--json", "--url", url])
        ], { concurrency: 3 })
        assert.strictEqual(Run.json(modern).protocolVersion, "2026-07-28")
        assert.strictEqual(Run.json(modern).era, "modern")
        assert.strictEqual(Run.json(legacy).protocolVersion, "2025-11-25")
        assert.strictEqual(Run.json(legacy).era, "legacy")
        const expected = yield* library(
          HttpTransport.makeNode({ url }),
          "auto",
          (client) => client.callTool("add", { a: 20, b: 22 })
        )
        assert.deepStrictEqual(Run.json(call), JSON.parse(JSON.stringify(expected)))
      }).pipe(Effect.scoped),
    300_000
  )

  it.live(
    "the Effect server over stdio, 2026-07-28: tools, resources, read as the library sees them",
    () =>
      Effect.gen(function*() {
        const effect = Run.stdio("effect")
        const [tools, resources, read] = yield* Effect.all([
          cli(["tools", "--json", ...effect]),
          cli(["resources", "--json", ...effect]),
          cli(["read", "bench://static/hello", "--json", ...effect])
        ], { concurrency: 3 })
        const expected = yield* library(
          stdioPeer("effect"),
          "modern",
          (client) =>
            Effect.all([client.listTools(), client.listResources(), client.readResource("bench://static/hello")])
        )
        assert.deepStrictEqual(Run.json(tools), JSON.parse(JSON.stringify(expected[0])))
        assert.deepStrictEqual(Run.json(resources).resources, JSON.parse(JSON.stringify(expected[1].resources)))
        assert.deepStrictEqual(Run.json(read).contents, JSON.parse(JSON.stringify(expected[2].contents)))
      }),
    300_000
  )

  it.live("logs: the log messages a tool sends, one JSON line each (ts-v2, 2026-07-28)", () =>
    Effect.gen(function*() {
      const outcome = yield* cli([
        "logs",
        "--level",
        "debug",
        "--count",
        "1",
        "--call",
        "log",
        "--arg",
        "message=hello from the server",
        "--arg",
        "level=warning",
        "--json",
        ...Run.stdio("ts-v2")
      ])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      const message = Run.json(outcome)
      assert.strictEqual(message.level, "warning")
      assert.strictEqual(message.data, "hello from the server")
    }), 300_000)

  it.live("logs for people, in the 2025 era: [level] data", () =>
    Effect.gen(function*() {
      const outcome = yield* cli([
        "logs",
        "--era",
        "legacy",
        "--level",
        "info",
        "--count",
        "1",
        "--call",
        "log",
        "--arg",
        "message=plain",
        "--arg",
        "level=error",
        ...Run.stdio("ts-v2")
      ])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.match(outcome.stdout, /^\[error\]( \S+:)? plain\n$/)
    }), 300_000)

  for (const era of ["legacy", "modern"] as const) {
    it.live(`watch: an update of the watched resource (ts-v2, ${era})`, () =>
      Effect.gen(function*() {
        const uri = "bench://static/hello"
        const outcome = yield* cli([
          "watch",
          uri,
          "--era",
          era,
          "--count",
          "1",
          "--call",
          "touch",
          "--arg",
          `uri=${uri}`,
          "--json",
          ...Run.stdio("ts-v2")
        ])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.strictEqual(Run.json(outcome).uri, uri)
      }), 300_000)
  }
})

describe.concurrent("effect-mcp answering the server", () => {
  it.live("form elicitation: declined when stdin is not a terminal", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["call", "trigger-elicitation-request", "--json", ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.include(outcome.stderr, "Declined the server's question")
      assert.include(JSON.stringify(Run.json(outcome)), "declined")
    }), 300_000)

  it.live("form elicitation: answered by --elicit-json", () =>
    Effect.gen(function*() {
      const answer = { name: "Ada Lovelace", check: true, integer: 42, email: "ada@example.com" }
      const outcome = yield* cli([
        "call",
        "trigger-elicitation-request",
        "--elicit-json",
        JSON.stringify(answer),
        ...everything
      ])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.include(outcome.stdout, "Ada Lovelace")
      assert.include(outcome.stdout, "accept")
    }), 300_000)

  it.live("sampling: answered by --sampling-reply", () =>
    Effect.gen(function*() {
      const outcome = yield* cli([
        "call",
        "trigger-sampling-request",
        "prompt=Say something",
        "--sampling-reply",
        "a fixed answer",
        ...everything
      ])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.include(outcome.stdout, "a fixed answer")
    }), 300_000)

  it.live(
    "URL elicitation: the URL and its host are shown; off a terminal the step is accepted",
    () =>
      Effect.gen(function*() {
        const outcome = yield* cli([
          "call",
          "trigger-url-elicitation",
          "url=https://example.com/consent",
          ...everything
        ])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.include(outcome.stderr, "The server asks you to open https://example.com/consent (at example.com)")
        assert.include(outcome.stdout, "User completed the URL elicitation flow")
      }),
    300_000
  )

  it.live(
    "-32042: the steps are shown, the server's completion awaited, and the call sent again",
    () =>
      Effect.gen(function*() {
        const outcome = yield* cli(["call", "authorize", "--json", "--era", "legacy", ...Run.stdio("ts-v2")])
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.deepStrictEqual(Run.json(outcome).content, [{ type: "text", text: "authorized" }])
        assert.include(outcome.stderr, "Sign in to the example service\n  open https://auth.example/step")
        assert.match(outcome.stderr, /The server reports step \S+ complete/)
      }),
    300_000
  )

  it.live(
    "-32042 that the server never reports complete: exit 4 once the deadline passes",
    () =>
      Effect.gen(function*() {
        const outcome = yield* cli([
          "call",
          "trigger-url-elicitation",
          "url=https://example.com/consent",
          "errorPath=true",
          "--timeout",
          "2",
          ...everything
        ])
        assert.strictEqual(outcome.code, 4, outcome.stderr)
        assert.include(outcome.stderr, "open https://modelcontextprotocol.io")
        assert.include(outcome.stderr, "tools/call needs the user to visit https://modelcontextprotocol.io")
      }),
    300_000
  )

  it.live("roots: the folders given with --root", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(path.join(tmpdir(), "effect-mcp-root-"))
      const outcome = yield* cli(["call", "get-roots-list", "--root", dir, ...everything])
      assert.strictEqual(outcome.code, 0, outcome.stderr)
      assert.include(outcome.stdout, `file://${dir}`)
    }), 300_000)
})

describe.concurrent("effect-mcp target flags", () => {
  it.live(
    "--env: a variable for the stdio server, on top of the allow-listed environment",
    () =>
      Effect.gen(function*() {
        const { args, command } = Peers.stdioCommand("everything", ["--inherit-env"])
        const outcome = yield* cli([
          "call",
          "get-env",
          "--env",
          "EFFECT_MCP_TEST=from the flag",
          "--",
          command,
          ...args
        ], {
          env: { EFFECT_MCP_SECRET: "not passed on" }
        })
        assert.strictEqual(outcome.code, 0, outcome.stderr)
        assert.include(outcome.stdout, "from the flag")
        assert.notInclude(outcome.stdout, "not passed on")
      }),
    300_000
  )

  it.live(
    "2: a header that is not 'Name: value', or a flag for the other kind of server",
    () =>
      Effect.gen(function*() {
        const [header, env] = yield* Effect.all([
          cli(["tools", "--url", "http://127.0.0.1:9/mcp", "--header", "no-colon"]),
          cli(["tools", "--url", "http://127.0.0.1:9/mcp", "--env", "A=b"])
        ], { concurrency: 2 })
        assert.strictEqual(header.code, 2)
        assert.include(header.stderr, "--header expects NAME:VALUE, got 'no-colon'")
        assert.strictEqual(env.code, 2)
        assert.include(env.stderr, "--env applies to a stdio server")
      }),
    300_000
  )
})

describe.concurrent("effect-mcp exit codes", () => {
  it.live("1: the tool reported isError (its result still printed)", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["call", "gzip-file-as-resource", "name=x", "data=http://192.0.2.1/x", ...everything])
      assert.strictEqual(outcome.code, 1)
      assert.include(outcome.stdout, "not in the allowed domains list")
      assert.include(outcome.stderr, "Tool 'gzip-file-as-resource' reported an error")
    }), 300_000)

  it.live("2: an argument that does not fit the tool's inputSchema; nothing is called", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["call", "get-sum", "a=two", "b=3", ...everything])
      assert.strictEqual(outcome.code, 2)
      assert.include(outcome.stderr, "Argument 'a': 'two' is not a number")
      assert.strictEqual(outcome.stdout, "")
    }), 300_000)

  it.live("2: a required argument missing, a bad flag, no server", () =>
    Effect.gen(function*() {
      const [missing, flag, none, config] = yield* Effect.all([
        cli(["call", "get-sum", "a=1", ...everything]),
        cli(["tools", "--no-such-flag", ...everything]),
        cli(["tools"]),
        cli(["tools", "--config", "servers.json", "--server", "x"])
      ], { concurrency: 4 })
      assert.strictEqual(missing.code, 2)
      assert.include(missing.stderr, "Invalid arguments")
      assert.strictEqual(flag.code, 2)
      assert.strictEqual(none.code, 2)
      assert.include(none.stderr, "No server")
      assert.strictEqual(config.code, 2)
      assert.include(config.stderr, "servers.json: $: cannot be read")
    }), 300_000)

  it.live("3: the server command does not exist; nothing listens at the URL", () =>
    Effect.gen(function*() {
      const port = yield* Peers.freePort
      const [command, url] = yield* Effect.all([
        cli(["tools", "--", "/nonexistent/mcp-server"]),
        cli(["tools", "--url", `http://127.0.0.1:${port}/mcp`])
      ], { concurrency: 2 })
      assert.strictEqual(command.code, 3)
      assert.include(command.stderr, "/nonexistent/mcp-server")
      assert.strictEqual(url.code, 3)
    }), 300_000)

  it.live("4: the server refused: an unknown tool, resource or prompt", () =>
    Effect.gen(function*() {
      const [tool, resource, prompt] = yield* Effect.all([
        cli(["call", "no-such-tool", ...everything]),
        cli(["read", "demo://no/such/resource", ...everything]),
        cli(["prompt", "no-such-prompt", ...everything])
      ], { concurrency: 3 })
      assert.strictEqual(tool.code, 4)
      assert.include(tool.stderr, "Tool 'no-such-tool' not found")
      assert.strictEqual(resource.code, 4)
      assert.strictEqual(prompt.code, 4)
    }), 300_000)

  it.live("5: the deadline passed", () =>
    Effect.gen(function*() {
      const outcome = yield* cli([
        "call",
        "trigger-long-running-operation",
        "duration=20",
        "steps=1",
        "--timeout",
        "1",
        ...everything
      ])
      assert.strictEqual(outcome.code, 5)
      assert.include(outcome.stderr, "tools/call timed out after 1000 ms")
    }), 300_000)

  it.live("130: Ctrl-C during a call cancels it and closes the session", () =>
    Effect.gen(function*() {
      let interrupted = false
      const outcome = yield* cli(["call", "trigger-long-running-operation", "duration=60", "steps=60", ...everything], {
        onStderr: (text, child) => {
          if (!interrupted && text.includes("progress 1/60")) {
            interrupted = true
            child.kill("SIGINT")
          }
        }
      })
      assert.isTrue(interrupted)
      assert.strictEqual(outcome.code, 130)
      assert.strictEqual(outcome.stdout, "")
    }), 300_000)

  it.live("--help exits 0 and lists the commands", () =>
    Effect.gen(function*() {
      const outcome = yield* cli(["--help"])
      assert.strictEqual(outcome.code, 0)
      for (const command of ["info", "tools", "call", "read", "prompt", "complete", "logs", "watch", "logout"]) {
        assert.include(outcome.stdout, command)
      }
    }), 60_000)
})
