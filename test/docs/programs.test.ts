/** The whole programs of docs/testing.md and docs/observability.md (their `main`) run, and do what the text says. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))
// The examples as the type check compiles them (docs/examples-compiled, made by scripts/doc-examples.ts), with the
// package's own name pointing at its source.
execFileSync(process.execPath, ["scripts/doc-examples.ts"], { cwd: root, stdio: "ignore" })
// Written outside the type check's folders (test-results/ is not compiled, nor kept).
const runnable = `${root}test-results/doc-programs/`
mkdirSync(runnable, { recursive: true })

const main = (name: string) =>
  Effect.flatMap(
    Effect.promise(() => {
      const source = readFileSync(`${root}docs/examples-compiled/docs-${name}.ts`, "utf8")
      writeFileSync(`${runnable}${name}.ts`, source.replaceAll(`"effect-mcp-client"`, `"../../src/index.ts"`))
      return import(`${runnable}${name}.ts`)
    }),
    (module: { readonly main: Effect.Effect<unknown> }) => module.main
  )

describe("documentation programs", () => {
  it.live("testing: a faulty connection still reads the resource", () =>
    Effect.gen(function*() {
      const contents = (yield* main("testing-1")) as ReadonlyArray<{ readonly text?: string }>
      assert.strictEqual(contents[0]?.text, "alpha")
    }))

  it.live("testing: a recorded session replays to the same answers", () =>
    Effect.gen(function*() {
      const { live, replayed } = (yield* main("testing-2")) as { live: unknown; replayed: unknown }
      assert.deepStrictEqual(replayed, live)
    }))

  it.live("testing: a hand-written conversation answers the call", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* main("testing-3"), [{ type: "text", text: "hello ada" }])
    }))

  it.live("observability: the in-memory exporter has the request's span", () =>
    Effect.gen(function*() {
      assert.include((yield* main("observability-1")) as ReadonlyArray<string>, "resources/read")
    }))

  it.live("observability: the metrics count both reads", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* main("observability-3"), 2)
    }))
})
