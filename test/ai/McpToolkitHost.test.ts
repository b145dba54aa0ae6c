/**
 * MCP tools of a host in front of a model: a scripted LanguageModel drives
 * `LanguageModel.generateText` over the toolkit of a host of real servers
 * (`everything` over stdio, the TS SDK v2 server over HTTP, and a small
 * server that adds a tool on request), and over a server that restarts.
 * Real processes force real time, so each step waits for a state, not a
 * duration.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { LanguageModel, Prompt } from "effect/ai"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as McpToolkit from "../../src/ai/McpToolkit.ts"
import * as ToolSource from "../../src/ai/ToolSource.ts"
import { HostConfig, McpHost } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"
import * as ScriptedModel from "./ScriptedModel.ts"

const counting = fileURLToPath(new URL("../fixtures/host/counting-server.mjs", import.meta.url))

/**
 * The counting server, started only while its flag file exists; without the file, the shell runs `otherwise`
 * instead (hang without answering, or exit). Remove `flag` to make its next start fail.
 */
const gatedServer = (name: string, otherwise: string) => {
  const flag = join(mkdtempSync(join(tmpdir(), `toolkit-${name}-`)), "flag")
  writeFileSync(flag, "")
  return {
    flag,
    command: "/bin/sh",
    args: ["-c", `test -f "$1" && exec "$0" "$2"; ${otherwise}`, process.execPath, flag, counting]
  }
}

const offers = (name: string) => (snapshot: McpToolkit.Snapshot) => snapshot.byModelName.has(name)

const output = (part: { readonly result: unknown } | undefined) => part?.result as McpToolkit.ToolResults.ToolOutput
const failure = (part: { readonly result: unknown } | undefined) => part?.result as McpToolkit.McpToolFailure

/** The tool results the model was given in a call, by tool call id. */
const given = (options: LanguageModel.ProviderOptions) =>
  new Map(
    options.prompt.content.flatMap((message) =>
      message.role === "tool"
        ? message.content.flatMap((part) => part.type === "tool-result" ? [[part.id, part] as const] : [])
        : []
    )
  )

describe("McpToolkit over a host", () => {
  it.live(
    "a multi-step exchange across servers: an image, an isError result, a destructive tool stopped, a refresh after list_changed",
    () =>
      Effect.gen(function*() {
        const everything = Peers.stdioCommand("everything")
        const config = yield* HostConfig.fromObject({
          mcpServers: {
            everything: { ...everything, exclude: ["trigger-*", "gzip-*"] },
            tsv2: { type: "http", url: yield* Peers.http("ts-v2") },
            growing: { command: process.execPath, args: [counting], exclude: ["hold"] }
          }
        })
        const host = yield* McpHost.make(config, { stderr: "ignore" })
        const tools = yield* McpToolkit.make(ToolSource.fromHost(host), {
          schemaTarget: "openai",
          // Tools without annotations need approval by default: these two are known to be safe.
          tools: { tsv2__add: { needsApproval: false }, growing__extra: { needsApproval: false } }
        })

        const task = Prompt.make("Show the tiny image, add 2 and 3, touch the hello resource, and grow")
        const script = ScriptedModel.make([
          (options) => {
            const offered = options.tools.map((tool) => tool.name)
            for (const name of ["everything__get-tiny-image", "everything__get-sum", "tsv2__add", "growing__grow"]) {
              assert.include(offered, name)
            }
            assert.notInclude(offered, "growing__extra")
            assert.notInclude(offered, "everything__gzip-file-as-resource")
            return Effect.succeed([
              ScriptedModel.toolCall("image", "everything__get-tiny-image", {}),
              ScriptedModel.toolCall("sum", "everything__get-sum", { a: "two", b: 1 }),
              ScriptedModel.toolCall("add", "tsv2__add", { a: 2, b: 3 }),
              // Neither has annotations: by the specification's defaults both may be destructive.
              ScriptedModel.toolCall("touch", "tsv2__touch", { uri: "bench://static/hello" }),
              ScriptedModel.toolCall("grow", "growing__grow", {}),
              ScriptedModel.finish("tool-calls")
            ])
          },
          (options) => {
            // The model reads the image as a file part, and the failed sum as a failure.
            const results = given(options)
            assert.isTrue(
              results.get("image")?.modelOutput?.some((part) =>
                part.type === "file" && part.mediaType === "image/png"
              ) === true
            )
            assert.isTrue(results.get("sum")?.isFailure)
            assert.isFalse(results.get("add")?.isFailure)
            return Effect.succeed([ScriptedModel.text("The tools ran; growing."), ScriptedModel.finish("stop")])
          },
          (options) => {
            assert.include(options.tools.map((tool) => tool.name), "growing__extra")
            return Effect.succeed([
              ScriptedModel.toolCall("extra", "growing__extra", {}),
              ScriptedModel.finish("tool-calls")
            ])
          },
          (options) => {
            assert.include(output(given(options).get("extra")).text, "extra")
            return Effect.succeed([ScriptedModel.text("Done: 2 + 3 = 5."), ScriptedModel.finish("stop")])
          }
        ])
        const turn = (prompt: Prompt.Prompt) =>
          LanguageModel.generateText({ prompt, toolkit: tools.toolkit }).pipe(Effect.provide(script.layer))

        const first = yield* turn(task)
        const results = ScriptedModel.toolResults(first.content)
        const image = output(results.get("image"))
        assert.isTrue(image.parts.some((part) => part.type === "file" && part.mediaType === "image/png"))
        assert.isTrue(results.get("sum")!.isFailure)
        assert.strictEqual(failure(results.get("sum")).reason, "tool-error")
        assert.include(failure(results.get("sum")).message, "everything__get-sum")
        assert.strictEqual(output(results.get("add")).text, "5")
        const approvals = ScriptedModel.approvalRequests(first.content)
        assert.deepStrictEqual([...approvals.keys()].sort(), ["grow", "touch"])
        assert.isFalse(results.has("touch"))
        assert.isFalse(results.has("grow"))

        // The user denies touch and approves grow: grow runs before the model is asked again.
        let prompt = Prompt.concat(task, Prompt.fromResponseParts(first.content))
        prompt = Prompt.concat(
          prompt,
          Prompt.fromMessages([Prompt.toolMessage({
            content: [
              Prompt.toolApprovalResponsePart({ approvalId: approvals.get("touch")!.approvalId, approved: false }),
              Prompt.toolApprovalResponsePart({ approvalId: approvals.get("grow")!.approvalId, approved: true })
            ]
          })])
        )
        const second = yield* turn(prompt)
        const ran = given(script.calls[1]!)
        assert.isTrue(ran.get("touch")?.isFailure)
        assert.deepStrictEqual(ran.get("touch")?.result, { type: "execution-denied", reason: undefined })
        assert.include(JSON.stringify(ran.get("grow")?.result), "grown")

        // The server announced its new tool: the toolkit follows the host's catalog.
        yield* tools.changes.pipe(Stream.filter(offers("growing__extra")), Stream.runHead)
        prompt = Prompt.concat(prompt, Prompt.fromResponseParts(second.content))
        const third = yield* turn(prompt)
        assert.strictEqual(output(ScriptedModel.toolResults(third.content).get("extra")).text, "extra")
        const last = yield* turn(Prompt.concat(prompt, Prompt.fromResponseParts(third.content)))
        assert.strictEqual(last.text, "Done: 2 + 3 = 5.")
        assert.strictEqual(script.calls.length, 4)
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "a restarting server's tools stay offered and fail clearly; they work again once it is back",
    () =>
      Effect.gen(function*() {
        // Without its flag file, the server's process hangs without answering.
        const { flag, ...growing } = gatedServer("restart", "exec sleep 600")
        const config = yield* HostConfig.fromObject({
          mcpServers: {
            growing: {
              ...growing,
              timeout: 2000,
              restart: { initialDelay: 50, maxDelay: 200 }
            }
          }
        })
        const host = yield* McpHost.make(config, { stderr: "ignore" })
        const tools = yield* McpToolkit.make(ToolSource.fromHost(host), { needsApproval: () => false })
        const supervisor = yield* host.supervisor("growing")

        const patient = yield* McpToolkit.snapshot(ToolSource.fromHost(host, { waitForServer: "30 seconds" }), {
          needsApproval: () => false
        })

        rmSync(flag)
        yield* supervisor.restart(supervisor.latest()!, "test")
        // The catalog drops the server's part while it restarts; the toolkit keeps its tools.
        yield* host.catalog.changes.pipe(
          Stream.filter((snapshot) => !snapshot.servers.includes("growing")),
          Stream.runHead
        )
        const during = yield* tools.refresh
        assert.isTrue(during.byModelName.has("growing__stats"))

        const script = ScriptedModel.make([
          () =>
            Effect.succeed([ScriptedModel.toolCall("c1", "growing__stats", {}), ScriptedModel.finish("tool-calls")]),
          () => Effect.succeed([ScriptedModel.toolCall("c2", "growing__stats", {}), ScriptedModel.finish("tool-calls")])
        ])
        const failed = yield* LanguageModel.generateText({ prompt: "stats", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        const result = ScriptedModel.toolResults(failed.content).get("c1")!
        assert.isTrue(result.isFailure)
        assert.strictEqual(failure(result).reason, "unavailable")
        assert.include(failure(result).message, "MCP server 'growing' is unavailable (restarting)")
        assert.include(failure(result).message, "try later")

        // With waitForServer, a call made during the restart waits for the server instead.
        const waiting = yield* Effect.forkChild(
          Effect.flatMap(patient.toolkit.handle("growing__stats", {}), Stream.runCollect)
        )

        // Back: the hung start times out, the next one works, and the catalog has the server's part again.
        writeFileSync(flag, "")
        const waited = yield* Fiber.join(waiting)
        assert.isFalse(waited[waited.length - 1]!.isFailure)
        assert.strictEqual(output(waited[waited.length - 1]).text, "0")
        yield* host.catalog.changes.pipe(
          Stream.filter((snapshot) => snapshot.servers.includes("growing")),
          Stream.runHead
        )
        const back = yield* LanguageModel.generateText({ prompt: "stats", toolkit: tools.toolkit }).pipe(
          Effect.provide(script.layer)
        )
        assert.strictEqual(output(ScriptedModel.toolResults(back.content).get("c2")).text, "0")
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "a server that fails for good leaves the toolkit; a call to one of its tools fails as removed",
    () =>
      Effect.gen(function*() {
        // Without its flag file, the server's process exits at once.
        const { flag, ...growing } = gatedServer("failed", "exit 1")
        const config = yield* HostConfig.fromObject({
          mcpServers: {
            growing: {
              ...growing,
              timeout: 1000,
              restart: { initialDelay: 50, maxDelay: 50, maxAttempts: 1 }
            },
            steady: { command: process.execPath, args: [counting], include: ["stats"] }
          }
        })
        const host = yield* McpHost.make(config, { stderr: "ignore" })
        const tools = yield* McpToolkit.make(ToolSource.fromHost(host), { needsApproval: () => false })
        const before = yield* tools.current
        assert.isTrue(before.byModelName.has("growing__stats"))

        rmSync(flag)
        const supervisor = yield* host.supervisor("growing")
        yield* supervisor.restart(supervisor.latest()!, "test")
        yield* supervisor.changes.pipe(Stream.filter((state) => state.status === "failed"), Stream.runHead)
        const after = yield* tools.changes.pipe(
          Stream.filter((snapshot) => !snapshot.byModelName.has("growing__stats")),
          Stream.runHead
        )
        assert.deepStrictEqual(
          after._tag === "Some" ? [...after.value.byModelName.keys()] : [],
          ["steady__stats"]
        )
        // A model that still has the earlier toolkit calls the tool: it is told the tool is gone, and what there is.
        const outputs = yield* Stream.runCollect(yield* before.toolkit.handle("growing__stats", {}))
        const last = outputs[outputs.length - 1]!
        assert.isTrue(last.isFailure)
        assert.strictEqual(failure(last).reason, "removed")
        assert.include(failure(last).message, "the tools now are: steady__stats")
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("deferred tools search the host's catalog, and call_tool routes to the server", () =>
    Effect.gen(function*() {
      const config = yield* HostConfig.fromObject({
        mcpServers: {
          everything: Peers.stdioCommand("everything"),
          growing: { command: process.execPath, args: [counting] }
        }
      })
      const host = yield* McpHost.make(config, { stderr: "ignore" })
      const tools = yield* McpToolkit.make(ToolSource.fromHost(host), { deferred: true })
      const script = ScriptedModel.make([
        (options) => {
          assert.deepStrictEqual(options.tools.map((tool) => tool.name).sort(), [
            "call_tool",
            McpToolkit.readResultToolName,
            "search_tools"
          ])
          return Effect.succeed([
            ScriptedModel.toolCall("s1", "search_tools", { query: "tiny image", limit: 2 }),
            ScriptedModel.finish("tool-calls")
          ])
        },
        () =>
          Effect.succeed([
            ScriptedModel.toolCall("c1", "call_tool", { name: "everything__get-tiny-image", arguments: {} }),
            ScriptedModel.toolCall("c2", "call_tool", { name: "growing__grow" }),
            ScriptedModel.finish("tool-calls")
          ])
      ])
      const found = yield* LanguageModel.generateText({ prompt: "find", toolkit: tools.toolkit }).pipe(
        Effect.provide(script.layer)
      )
      const listed = ScriptedModel.toolResults(found.content).get("s1")!.result as ReadonlyArray<{ name: string }>
      assert.strictEqual(listed[0]!.name, "everything__get-tiny-image")
      const called = yield* LanguageModel.generateText({ prompt: "call", toolkit: tools.toolkit }).pipe(
        Effect.provide(script.layer)
      )
      const results = ScriptedModel.toolResults(called.content)
      assert.isTrue(output(results.get("c1")).parts.some((part) => part.type === "file"))
      // grow has no annotations: its own approval policy stops it.
      assert.isTrue(ScriptedModel.approvalRequests(called.content).has("c2"))
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
