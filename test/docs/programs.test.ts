/** The whole programs of docs/testing.md and docs/observability.md (their `main`) run, and do what the text says. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))
// Written outside the type check's folders (test-results/ is not compiled, nor kept).
const runnable = `${root}test-results/doc-programs/`
mkdirSync(runnable, { recursive: true })

/**
 * The `index`-th fenced `ts` block of a documentation page (1-based, counting every block), as a module whose
 * `main` the test runs; the package's own name points at its source.
 */
const main = (page: string, index: number) =>
  Effect.flatMap(
    Effect.promise(() => {
      const text = readFileSync(`${root}docs/${page}.md`, "utf8")
      const block = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)][index - 1]?.[1]
      if (block === undefined) throw new Error(`docs/${page}.md has no example ${index}`)
      const file = `${runnable}${page}-${index}.ts`
      writeFileSync(
        file,
        block.replace(/^const /gm, "export const ").replaceAll(`"effect-mcp-client"`, `"../../src/index.ts"`)
      )
      return import(file)
    }),
    (module: { readonly main: Effect.Effect<unknown> }) => module.main
  )

describe("documentation programs", () => {
  it.live("testing: a faulty connection still reads the resource", () =>
    Effect.gen(function*() {
      const contents = (yield* main("testing", 1)) as ReadonlyArray<{ readonly text?: string }>
      assert.strictEqual(contents[0]?.text, "alpha")
    }))

  it.live("testing: a recorded session replays to the same answers", () =>
    Effect.gen(function*() {
      const { live, replayed } = (yield* main("testing", 2)) as { live: unknown; replayed: unknown }
      assert.deepStrictEqual(replayed, live)
    }))

  it.live("testing: a hand-written conversation answers the call", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* main("testing", 3), [{ type: "text", text: "hello ada" }])
    }))

  it.live("observability: the in-memory exporter has the request's span", () =>
    Effect.gen(function*() {
      assert.include((yield* main("observability", 1)) as ReadonlyArray<string>, "resources/read")
    }))

  it.live("observability: the metrics count both reads", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* main("observability", 3), 2)
    }))
})
