/** Runs the `effect-mcp` command as a child process (Node 22 runs the TypeScript entry directly). */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Peers from "../support/Peers.ts"

export const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))

export interface Outcome {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly env?: Record<string, string>
  /** Called with each chunk of stderr, with the child, for tests that act on what it prints. */
  readonly onStderr?: (text: string, child: ReturnType<typeof spawn>) => void
}

/** Runs the command to its end. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
      options.onStderr?.(stderr, child)
    })
    child.once("error", reject)
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** The words after `--` that start a peer over stdio. */
export const stdio = (peer: Peers.Peer): ReadonlyArray<string> => {
  const { args, command } = Peers.stdioCommand(peer)
  return ["--", command, ...args]
}

/** The JSON document on stdout. */
export const json = (outcome: Outcome): any => {
  try {
    return JSON.parse(outcome.stdout)
  } catch {
    throw new Error(`stdout is not JSON (exit ${outcome.code}):\n${outcome.stdout}\nstderr:\n${outcome.stderr}`)
  }
}
