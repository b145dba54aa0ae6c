// Runs consumer.ts under plain Node ESM, and counts the copies of `effect`
// the process loads: every module resolution is seen by the hook.
import { registerHooks } from "node:module"

const effectCopies = new Set()
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context)
    const copy = /^file:\/\/.*\/node_modules\/effect\//.exec(resolved.url)
    if (copy !== null) effectCopies.add(copy[0])
    return resolved
  }
})

const { Effect } = await import("effect")
const { main } = await import("./consumer.ts")
for (const line of await Effect.runPromise(main)) console.log(line)
console.log(`copies of effect: ${effectCopies.size}`)
