/** SIGINT or SIGTERM to a client run by NodeRuntime.runMain closes its sessions and leaves no server process. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { alive, parentOf } from "../support/Processes.ts"

const program = fileURLToPath(new URL("../fixtures/stdio/client-main.ts", import.meta.url))

const runAndSignal = (signal: NodeJS.Signals) =>
  Effect.callback<{ readonly tree: ReadonlyArray<number>; readonly code: number | null }>((resume) => {
    const client = spawn(process.execPath, [program], { stdio: ["ignore", "pipe", "inherit"] })
    let tree: Array<number> = []
    let output = ""
    client.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const ready = /ready ([\d ]+)\n/.exec(output)
      if (ready === null || tree.length > 0) return
      // The grandchild, its parent (the server) and the server's parent (the wrapper).
      const grandchild = Number(ready[1]!.trim().split(" ")[0])
      const server = parentOf(grandchild)
      tree = [grandchild, server, parentOf(server)]
      client.kill(signal)
    })
    client.once("exit", (code) => resume(Effect.succeed({ tree, code })))
    return Effect.sync(() => client.kill("SIGKILL"))
  })

describe("stopping the client process", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it.live(
      `${signal}: every session is closed and no server process of the tree is left`,
      () =>
        Effect.gen(function*() {
          const { tree } = yield* runAndSignal(signal)
          assert.strictEqual(tree.length, 3)
          for (const pid of tree) assert.isFalse(alive(pid), `process ${pid} outlived the client`)
        }),
      60_000
    )
  }
})
