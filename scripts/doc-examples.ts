/**
 * Extracts the TypeScript examples of the documentation (README.md,
 * docs/*.md and the JSDoc `@example` blocks of src/) into
 * docs/examples-compiled/, which the type check compiles, so that an example
 * that stops compiling fails `npm test`. The whole programs among them are
 * run by test/docs/examples.test.ts. See scripts/examples.ts for the rules.
 */
import { writeExamples } from "./examples.ts"

const examples = writeExamples()
const runnable = examples.filter((example) => example.runnable).length
console.log(`doc-examples: ${examples.length} examples extracted to docs/examples-compiled (${runnable} programs)`)
