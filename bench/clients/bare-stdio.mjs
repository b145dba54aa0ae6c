// The floor's stdio client: NDJSON over the child's pipes and a map from id to
// resolver, nothing else. The floor runner and the host's bare start use it.
import { spawn } from "node:child_process"
import { serverScript } from "./harness.mjs"

export const stdio = async (config) => {
  const child = spawn(process.execPath, [serverScript, "stdio"], {
    env: { ...process.env, BENCH_TOOLS: String(config.tools ?? 1) },
    stdio: ["pipe", "pipe", "ignore"]
  })
  const pending = new Map()
  let nextId = 1
  let buffered = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk) => {
    buffered += chunk
    let index
    while ((index = buffered.indexOf("\n")) !== -1) {
      const message = JSON.parse(buffered.slice(0, index))
      buffered = buffered.slice(index + 1)
      const resolve = pending.get(message.id)
      if (resolve !== undefined) {
        pending.delete(message.id)
        resolve(message.result)
      }
    }
  })
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n")
    })
  await request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "floor", version: "1" } })
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n")
  return {
    call: (name, args) => request("tools/call", { name, arguments: args }),
    list: () => request("tools/list", {}).then((r) => r.tools.length),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.stdin.end()
        child.kill()
      })
  }
}
