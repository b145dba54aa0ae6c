/**
 * Every example of the documentation that is a whole program (it runs an
 * effect with `Effect.runPromise` or `NodeRuntime.runMain`, or starts with
 * `// run`) runs under Node against its embedded server, exits 0, and prints
 * the lines its `// prints: …` comments announce.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { findExamples, root, writeExample } from "../../scripts/examples.ts"

const programs = findExamples().filter((example) => example.runnable)

const runNode = (file: string) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    // The `source` condition resolves `effect-mcp-client` to src/, as in the type check.
    execFile(
      process.execPath,
      ["--conditions=source", file],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    )
  })

describe("documentation programs", () => {
  it("README's and the guide's walk-throughs are among the programs", () => {
    const sources = new Set(programs.map((program) => program.source))
    assert.isTrue(sources.has("README.md"))
    assert.isTrue(sources.has("docs/guide.md"))
  })

  for (const program of programs) {
    it(`${program.source}:${program.line} runs and exits 0`, async () => {
      const { code, stderr, stdout } = await runNode(writeExample(program))
      assert.strictEqual(code, 0, `exit ${code}\n${stderr}`)
      // The announced lines appear in order (other output may come between them).
      const lines = stdout.split("\n")
      let from = 0
      for (const expected of program.prints) {
        const at = lines.indexOf(expected, from)
        assert.isTrue(at >= 0, `expected the line ${JSON.stringify(expected)} after line ${from} of:\n${stdout}`)
        from = at + 1
      }
    }, 90_000)
  }
})
