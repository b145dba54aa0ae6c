/**
 * Extracts the TypeScript examples of the documentation into files the type
 * check compiles, so that an example that stops compiling fails `npm test`.
 *
 * Every fenced `ts` block of README.md and docs/*.md becomes one module under
 * docs/examples-compiled/ (git-ignored). A block that starts with `// no-check` is
 * skipped.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, join } from "node:path"

const root = join(import.meta.dirname, "..")
const out = join(root, "docs", "examples-compiled")
const sources = [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))
]

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
let count = 0
for (const source of sources) {
  const text = readFileSync(join(root, source), "utf8")
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1]!)
  blocks.forEach((block, index) => {
    if (block.startsWith("// no-check")) return
    const name = `${basename(source, ".md")}-${index + 1}.ts`
    // Top-level bindings are exported so that an example may define values it does not use.
    const body = block.replace(/^const /gm, "export const ")
    writeFileSync(join(out, name), `// Extracted from ${source}, example ${index + 1}.\nexport {}\n${body}`)
    count++
  })
}
console.log(`doc-examples: ${count} examples extracted to docs/examples-compiled`)
