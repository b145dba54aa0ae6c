/**
 * A fast subset of the official conformance suite, run against this client on
 * every test run through the project's runner (`npm run conformance`,
 * scripts/conformance.ts) and its strict verdict.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))

const run = (args: ReadonlyArray<string>) =>
  Effect.callback<{ readonly code: number; readonly output: string }>((resume) => {
    const out = mkdtempSync(join(tmpdir(), "conformance-"))
    execFile(
      process.execPath,
      [join(root, "scripts/conformance.ts"), ...args, "--out", out],
      { cwd: root, timeout: 240_000 },
      (error, stdout, stderr) => {
        resume(
          Effect.succeed({ code: error === null ? 0 : (error as { code?: number }).code ?? 1, output: stdout + stderr })
        )
      }
    )
  })

const scenarios = (names: ReadonlyArray<string>) => names.flatMap((name) => ["--scenario", name])

describe("official conformance scenarios", () => {
  it.live(
    "initialize, tools_call, sse-retry and schema preservation pass, the client exiting 0",
    () =>
      Effect.gen(function*() {
        const { code, output } = yield* run([
          "--spec-version",
          "2025-11-25",
          ...scenarios(["initialize", "tools_call", "sse-retry", "json-schema-2020-12-preservation"])
        ])
        assert.strictEqual(code, 0, output)
        assert.match(output, /^4 passed, 0 failed$/m)
      }),
    240_000
  )

  it.live("2026-07-28 headers, request metadata and request state pass", () =>
    Effect.gen(function*() {
      const { code, output } = yield* run([
        "--spec-version",
        "2026-07-28",
        ...scenarios(["request-metadata", "http-custom-headers", "sep-2322-client-request-state"])
      ])
      assert.strictEqual(code, 0, output)
      assert.match(output, /^3 passed, 0 failed$/m)
    }), 240_000)

  it.live("authorization: discovery, step-up and the iss check pass", () =>
    Effect.gen(function*() {
      const { code, output } = yield* run([
        "--spec-version",
        "2026-07-28",
        ...scenarios(["auth/metadata-default", "auth/scope-step-up", "auth/iss-wrong-issuer"])
      ])
      assert.strictEqual(code, 0, output)
      assert.match(output, /^3 passed, 0 failed$/m)
    }), 240_000)

  it.live(
    "extensions: DPoP with nonces, enterprise-managed authorization, workload identity and skills pass",
    () =>
      Effect.gen(function*() {
        const { code, output } = yield* run([
          "--spec-version",
          "2026-07-28",
          "--jobs",
          "2",
          ...scenarios([
            "auth/dpop-nonce",
            "auth/enterprise-managed-authorization",
            "auth/wif-jwt-bearer",
            "sep-2640-client-verify-digest"
          ])
        ])
        assert.strictEqual(code, 0, output)
        assert.match(output, /^4 passed, 0 failed$/m)
      }),
    240_000
  )

  it.live(
    "the verdict is strict: a client that does nothing and exits 1 fails, and so does the run",
    () =>
      Effect.gen(function*() {
        const { code, output } = yield* run([
          "--spec-version",
          "2025-11-25",
          "--scenario",
          "initialize",
          "--client",
          "false"
        ])
        assert.strictEqual(code, 1, output)
        assert.match(output, /^initialize\s+2025-11-25\s+FAIL\b.*no check passed; client exited with 1/m)
        assert.match(output, /^0 passed, 1 failed$/m)
      }),
    240_000
  )
})
