/**
 * What the benchmark scripts share: free ports, the one-line JSON protocol of
 * a measuring child process, medians and number formatting.
 */
import { spawn } from "node:child_process"
import * as net from "node:net"

/** A port on 127.0.0.1 that nothing listens on. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

/**
 * Runs a fresh Node process and reads the JSON of the last line it prints;
 * `undefined` (reported on stderr, as `label`) when it prints none or runs
 * past `timeoutMs`.
 */
export const runJson = <A>(args: ReadonlyArray<string>, label: string, timeoutMs: number) =>
  new Promise<A | undefined>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.stdout.on("data", (chunk) => out += chunk)
    child.stderr.on("data", (chunk) => err += chunk)
    child.on("close", () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as A)
      } catch {
        process.stderr.write(`${label}: no result\n${err.slice(-1000)}\n`)
        resolve(undefined)
      }
    })
  })

/** The median of a non-empty list. */
export const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 0 ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[mid]!
}

/** A number for a table: thousands grouped, three significant figures below that. */
export const format = (value: number) =>
  value >= 1000 ? Math.round(value).toLocaleString("en-US") : value >= 10 ? value.toFixed(1) : value.toFixed(2)
