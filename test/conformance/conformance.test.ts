/** A fast subset of the official conformance suite, run against this client on every test run. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))
const runner = join(root, "../shared/tools/conformance/run-client.sh")

const run = (args: ReadonlyArray<string>) =>
  Effect.callback<{ readonly code: number; readonly output: string }>((resume) => {
    execFile(
      "bash",
      [join(root, "scripts/conformance.sh"), ...args],
      { cwd: root, timeout: 240_000 },
      (error, stdout, stderr) => {
        resume(
          Effect.succeed({ code: error === null ? 0 : (error as { code?: number }).code ?? 1, output: stdout + stderr })
        )
      }
    )
  })

describe.runIf(existsSync(runner))("official conformance scenarios", () => {
  it.live(
    "initialize, tools_call, sse-retry and schema preservation pass, the client exiting 0",
    () =>
      Effect.gen(function*() {
        const out = mkdtempSync(join(tmpdir(), "conformance-"))
        const { code, output } = yield* run([
          "--spec-version",
          "2025-11-25",
          "--scenario",
          "initialize",
          "--scenario",
          "tools_call",
          "--scenario",
          "sse-retry",
          "--scenario",
          "json-schema-2020-12-preservation",
          "--out",
          out
        ])
        assert.strictEqual(code, 0, output)
        assert.match(output, /^4 passed, 0 failed$/m)
      }),
    240_000
  )

  it.live("2026-07-28 headers, request metadata and request state pass", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "conformance-"))
      const { code, output } = yield* run([
        "--spec-version",
        "2026-07-28",
        "--scenario",
        "request-metadata",
        "--scenario",
        "http-custom-headers",
        "--scenario",
        "sep-2322-client-request-state",
        "--out",
        out
      ])
      assert.strictEqual(code, 0, output)
      assert.match(output, /^3 passed, 0 failed$/m)
    }), 240_000)

  it.live("authorization: discovery, step-up and the iss check pass", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "conformance-"))
      const { code, output } = yield* run([
        "--spec-version",
        "2026-07-28",
        "--scenario",
        "auth/metadata-default",
        "--scenario",
        "auth/scope-step-up",
        "--scenario",
        "auth/iss-wrong-issuer",
        "--out",
        out
      ])
      assert.strictEqual(code, 0, output)
      assert.match(output, /^3 passed, 0 failed$/m)
    }), 240_000)
})
