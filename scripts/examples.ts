/**
 * The TypeScript examples of the documentation, found where they are written:
 * every fenced `ts` block of README.md and docs/*.md, and every fenced `ts`
 * block inside a JSDoc comment of src/ (an `@example`, with the ` * `
 * prefixes stripped).
 *
 * A block that starts with `// no-check` is left out. A block that runs an
 * effect (`Effect.runPromise(…)`, `NodeRuntime.runMain(…)`) or starts with
 * `// run` is a whole program: `npm test` runs it and it must exit 0. Its
 * `// prints: …` comments are the lines it must print, in order. A program
 * that runs until it is stopped, or needs a server from the network, starts
 * with `// compile-only`: it is type-checked, not run.
 *
 * A JSDoc example may import its own module, or a neighbour, by the relative
 * path the source file would use (`import { make } from "./Outbox.ts"`): it is
 * rewritten for the extracted module.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

/** One example: where it was written, and the module it becomes. */
export interface Example {
  /** The file it was written in, relative to the repository (`docs/guide.md`, `src/McpClient.ts`). */
  readonly source: string
  /** The line of its opening fence in that file (1-based). */
  readonly line: number
  /** The name of the module it becomes under docs/examples-compiled/. */
  readonly name: string
  readonly code: string
  /** Whether it is a whole program, run by `npm test`. */
  readonly runnable: boolean
  /** The lines it must print (its `// prints: …` comments), in order. */
  readonly prints: ReadonlyArray<string>
}

/** The repository's root. */
export const root = join(import.meta.dirname, "..")

/** Where the examples are written as modules for the type check (git-ignored). */
export const outDir = join(root, "docs", "examples-compiled")

const fence = /^```ts\n([\s\S]*?)^```/gm

const isRunnable = (code: string): boolean =>
  !code.startsWith("// compile-only") &&
  (code.startsWith("// run") || /^(?:Effect\.runPromise|NodeRuntime\.runMain)\(/m.test(code))

const printed = (code: string): ReadonlyArray<string> =>
  [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((match) => match[1]!)

const lineOf = (text: string, index: number): number => text.slice(0, index).split("\n").length

const blocksOf = (text: string): ReadonlyArray<{ readonly code: string; readonly index: number }> =>
  [...text.matchAll(fence)].map((match) => ({ code: match[1]!, index: match.index }))

/** The fenced blocks of the JSDoc comments of a source file, with the line of each fence in the file. */
const jsdocBlocksOf = (text: string): ReadonlyArray<{ readonly code: string; readonly line: number }> =>
  [...text.matchAll(/\/\*\*[\s\S]*?\*\//g)].flatMap((comment) => {
    const stripped = comment[0]
      .replace(/^\/\*\*/, "")
      .replace(/\*\/$/, "")
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n")
    // The comment's first line is on the line of `/**`, as the stripped text's first line.
    const start = lineOf(text, comment.index)
    return blocksOf(stripped).map(({ code, index }) => ({ code, line: start + lineOf(stripped, index) - 1 }))
  })

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
      ? [join(dir, entry.name)]
      : []
  )

const example = (source: string, line: number, index: number, code: string): Example => ({
  source,
  line,
  name: `${source.replace(/\.(md|ts)$/, "").replaceAll("/", "-")}-${index + 1}.ts`,
  code,
  runnable: isRunnable(code),
  prints: printed(code)
})

/** Every example of README.md, docs/*.md and src/**\/*.ts, in file order. */
export const findExamples = (): ReadonlyArray<Example> => {
  const markdown = [
    "README.md",
    ...readdirSync(join(root, "docs")).filter((file) => file.endsWith(".md")).sort().map((file) => `docs/${file}`)
  ].flatMap((source) => {
    const text = readFileSync(join(root, source), "utf8")
    return blocksOf(text).map(({ code, index }, n) => example(source, lineOf(text, index), n, code))
  })
  const jsdoc = sourceFiles(join(root, "src")).sort().flatMap((file) => {
    const source = relative(root, file).replaceAll("\\", "/")
    return jsdocBlocksOf(readFileSync(file, "utf8")).map(({ code, line }, n) => example(source, line, n, code))
  })
  return [...markdown, ...jsdoc].filter((found) => !found.code.startsWith("// no-check"))
}

/**
 * Writes an example as a module under docs/examples-compiled/, and returns
 * the module's path.
 */
export const writeExample = (found: Example): string => {
  mkdirSync(outDir, { recursive: true })
  // Top-level bindings are exported so that an example may define values it does not use.
  const body = found.code.replace(/^const /gm, "export const ").replace(
    /(from |import\()"(\.\.?\/[^"]+)"/g,
    (_, keyword: string, path: string) =>
      `${keyword}"${relative(outDir, resolve(root, dirname(found.source), path)).replaceAll("\\", "/")}"`
  )
  writeFileSync(
    join(outDir, found.name),
    `// Extracted from ${found.source}:${found.line}.\nexport {}\n${body}`
  )
  return join(outDir, found.name)
}

/**
 * Writes every example as a module under docs/examples-compiled/, for the
 * type check (`tsconfig.json` includes docs/), and returns them.
 */
export const writeExamples = (): ReadonlyArray<Example> => {
  const examples = findExamples()
  rmSync(outDir, { recursive: true, force: true })
  for (const found of examples) writeExample(found)
  return examples
}
