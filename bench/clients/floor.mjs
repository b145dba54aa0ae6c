// The floor: a minimal hand-written client. NDJSON over the child's pipes,
// or node:http with a keep-alive agent; a map from id to resolver; nothing else.
import * as http from "node:http"
import { stdio } from "./bare-stdio.mjs"
import { main } from "./harness.mjs"

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
