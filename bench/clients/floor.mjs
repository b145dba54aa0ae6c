// The floor: a minimal hand-written client. NDJSON over the child's pipes,
// or node:http with a keep-alive agent; a map from id to resolver; nothing else.
import { spawn } from "node:child_process"
import * as http from "node:http"
import { main, serverScript } from "./harness.mjs"

const stdio = async (config) => {
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
    close: async () => {
      child.stdin.end()
      child.kill()
    }
  }
}

const httpClient = async (config) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const url = new URL(config.url)
  let nextId = 1
  const post = (message) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(message)
      const req = http.request({
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "content-length": Buffer.byteLength(body)
        }
      }, (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk) => text += chunk)
        res.on("end", () => resolve(text === "" ? undefined : JSON.parse(text).result))
      })
      req.on("error", reject)
      req.end(body)
    })
  const request = (method, params) => post({ jsonrpc: "2.0", id: nextId++, method, params })
  await request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "floor", version: "1" } })
  await post({ jsonrpc: "2.0", method: "notifications/initialized" })
  return {
    call: (name, args) => request("tools/call", { name, arguments: args }),
    list: () => request("tools/list", {}).then((r) => r.tools.length),
    close: async () => agent.destroy()
  }
}

main({ connect: (config) => (config.transport === "http" ? httpClient(config) : stdio(config)) })
