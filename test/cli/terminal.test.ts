/**
 * The `effect-mcp` command on a real pseudo-terminal (tmux): the progress bar
 * of a long call, and a form elicitation answered field by field, read from
 * the screen. tmux must be installed (CI: `apt-get install -y tmux`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Peers from "../support/Peers.ts"
import * as Run from "./Run.ts"

// The terminal is tmux's: `.ci/run` installs it where it is missing, and without it these tests fail, never skip.
const tmuxVersion = spawnSync("tmux", ["-V"], { encoding: "utf8" })

/** A tmux server of its own, running one command in a 200×50 window, killed with the scope. */
const terminal = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const socket = `effect-mcp-test-${randomBytes(4).toString("hex")}`
      const quoted = [process.execPath, Run.main, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`)
      const tmux = (...words: ReadonlyArray<string>) => execFileSync("tmux", ["-L", socket, ...words]).toString()
      tmux(
        "new-session",
        "-d",
        "-s",
        "cli",
        "-x",
        "200",
        "-y",
        "50",
        `${quoted.join(" ")}; echo "EXIT=$?"; sleep 600`
      )
      return {
        screen: () => tmux("capture-pane", "-p", "-J", "-t", "cli"),
        keys: (...keys: ReadonlyArray<string>) => void tmux("send-keys", "-t", "cli", ...keys),
        text: (text: string) => void tmux("send-keys", "-t", "cli", "-l", text),
        kill: () => void spawnSync("tmux", ["-L", socket, "kill-server"])
      }
    }),
    (pane) => Effect.sync(pane.kill)
  )

/** Waits until the screen matches; fails with the screen after two minutes. */
const waitFor = (pane: { readonly screen: () => string }, pattern: RegExp | string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1200; i++) {
      const screen = pane.screen()
      if (typeof pattern === "string" ? screen.includes(pattern) : pattern.test(screen)) return screen
      yield* Effect.sleep("100 millis")
    }
    return yield* Effect.die(new Error(`The screen never showed ${String(pattern)}:\n${pane.screen()}`))
  })

describe("effect-mcp on a terminal", () => {
  it("runs on a machine with tmux", () => {
    assert.strictEqual(tmuxVersion.status, 0, "tmux is needed for the terminal tests (apt-get install tmux)")
  })

  it.live("a call that reports progress draws a bar, then clears it for the result", () =>
    Effect.gen(function*() {
      const pane = yield* terminal([
        "call",
        "trigger-long-running-operation",
        "duration=6",
        "steps=3",
        ...Run.stdio("everything")
      ])
      yield* waitFor(pane, /\[#{10}-{20}\]\s+33% 1\/3/)
      const done = yield* waitFor(pane, "EXIT=")
      assert.include(done, "Long running operation completed. Duration: 6 seconds, Steps: 3.")
      assert.include(done, "EXIT=0")
      assert.notMatch(done, /\d+% \d\/3/)
    }).pipe(Effect.scoped), 300_000)

  it.live("a form elicitation is asked field by field, validated, and sent", () =>
    Effect.gen(function*() {
      const pane = yield* terminal(["call", "trigger-elicitation-request", ...Run.stdio("everything")])
      yield* waitFor(pane, "Please provide inputs for the following fields")
      yield* waitFor(pane, "Answer?")
      pane.keys("Enter")
      yield* waitFor(pane, "Your full, legal name")
      pane.text("Ada Lovelace")
      pane.keys("Enter")
      // Each following field: its prompt appears, Enter keeps the default (or leaves it out).
      for (
        const field of [
          "Agree to the terms and conditions",
          "Favorite first line of a story",
          "Your email address",
          "Portfolio / personal website",
          "Your date of birth"
        ]
      ) {
        yield* waitFor(pane, field)
        pane.keys("Enter")
      }
      // A value outside the schema's range is refused where it is typed (the default 42 is there to edit).
      yield* waitFor(pane, "Your favorite integer")
      pane.keys("BSpace", "BSpace")
      pane.text("500")
      pane.keys("Enter")
      yield* waitFor(pane, /integer must be <= 100/)
      pane.keys("BSpace", "BSpace", "BSpace")
      pane.text("7")
      pane.keys("Enter")
      for (
        const field of [
          "Favorite number",
          "Choose your favorite friend",
          "Choose your favorite instruments",
          "Choose your favorite hero",
          "Choose your favorite types of fish",
          "Choose your favorite type of pet"
        ]
      ) {
        yield* waitFor(pane, field)
        pane.keys("Enter")
      }
      const done = yield* waitFor(pane, "EXIT=")
      assert.include(done, "User provided the requested information!")
      assert.include(done, "- Name: Ada Lovelace")
      assert.include(done, "- Favorite Integer: 7")
      assert.include(done, "- Favorite Number: 3.14")
      assert.include(done, "EXIT=0")
    }).pipe(Effect.scoped), 300_000)

  it.live(
    "a -32042 step the server never reports: the user says it is done, the call is retried, its URL step accepted",
    () =>
      Effect.gen(function*() {
        const pane = yield* terminal([
          "call",
          "trigger-url-elicitation",
          "url=https://example.com/consent",
          "errorPath=true",
          ...Run.stdio("everything")
        ])
        yield* waitFor(pane, "open https://modelcontextprotocol.io")
        yield* waitFor(pane, "When you have finished in the browser:")
        pane.keys("Enter")
        // The retry asks in the request itself: the URL, its host, and whether the user will open it.
        yield* waitFor(pane, "The server asks you to open https://example.com/consent (at example.com)")
        yield* waitFor(pane, "Will you open it?")
        pane.keys("Enter")
        const done = yield* waitFor(pane, "EXIT=")
        assert.include(done, "User completed the URL elicitation flow")
        assert.include(done, "EXIT=0")
      }).pipe(Effect.scoped),
    300_000
  )

  it.live(
    "an input of the configuration is asked on the terminal, a secret one without echo",
    () =>
      Effect.gen(function*() {
        const { args, command } = Peers.stdioCommand("everything", ["--inherit-env"])
        const file = path.join(mkdtempSync(path.join(tmpdir(), "effect-mcp-inputs-")), "mcp.json")
        writeFileSync(
          file,
          JSON.stringify({
            inputs: [{ id: "token", type: "promptString", description: "Your access token", password: true }],
            servers: { local: { command, args, env: { ACCESS_TOKEN: "${input:token}" } } }
          })
        )
        const pane = yield* terminal(["call", "get-env", "--config", file])
        yield* waitFor(pane, "Your access token")
        pane.text("s3cret-value")
        // What the terminal shows once the keys are in (a bare read could come before they are drawn).
        yield* Effect.sleep("500 millis")
        const typed = pane.screen()
        pane.keys("Enter")
        const done = yield* waitFor(pane, "EXIT=")
        assert.notInclude(typed, "s3cret-value")
        assert.include(done, "s3cret-value")
        assert.include(done, "EXIT=0")
      }).pipe(Effect.scoped),
    300_000
  )
})
