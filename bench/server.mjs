// The benchmark's fixed MCP server: hand-written, on no SDK, so that it is
// never the bottleneck. Speaks 2025-11-25 over stdio (NDJSON) or Streamable
// HTTP with JSON responses (no sessions) on 127.0.0.1.
//
//   node bench/server.mjs stdio
//   node bench/server.mjs http <port>
// BENCH_TOOLS=<n> sets how many tools tools/list returns (default 1).
import * as http from "node:http"

const toolCount = Number(process.env.BENCH_TOOLS ?? 1)
const tools = Array.from({ length: toolCount }, (_, i) => ({
  name: i === 0 ? "echo" : `tool_${i}`,
  description: `Tool number ${i}, which echoes its text.`,
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] }
}))
const big = "x".repeat(1024 * 1024)
// The tool "big16" returns 16 MiB of text less 1 KiB (so that the whole message stays under clients' default limit
// of 16 MiB): with `{ text: "sse" }` as one Server-Sent Event over HTTP, otherwise as a JSON body (the same bytes).
const big16 = "x".repeat(16 * 1024 * 1024 - 1024)

const answer = (message) => {
  if (message.id === undefined) return undefined
  const result = (value) => ({ jsonrpc: "2.0", id: message.id, result: value })
  switch (message.method) {
    case "initialize":
      return result({
        protocolVersion: message.params?.protocolVersion ?? "2025-11-25",
        capabilities: { tools: {} },
        serverInfo: { name: "bench-server", version: "1.0.0" }
      })
    case "tools/list":
      return result({ tools })
    case "tools/call":
      return result({
        content: [{ type: "text", text: message.params?.name === "big"
            ? big
            : message.params?.name === "big16"
            ? big16
            : String(message.params?.arguments?.text ?? "") }]
      })
    case "ping":
      return result({})
    default:
      return { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }
  }
}

const [mode, port] = process.argv.slice(2)
if (mode === "stdio") {
  let buffered = ""
  process.stdin.setEncoding("utf8")
  process.stdin.on("data", (chunk) => {
    buffered += chunk
    let index
    let out = ""
    while ((index = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, index)
      buffered = buffered.slice(index + 1)
      if (line.trim() === "") continue
      const reply = answer(JSON.parse(line))
      if (reply !== undefined) out += JSON.stringify(reply) + "\n"
    }
    if (out !== "") process.stdout.write(out)
  })
  process.stdin.on("end", () => process.exit(0))
} else if (mode === "http") {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    if (request.method !== "POST") {
      response.writeHead(405).end()
      return
    }
    let body = ""
    request.setEncoding("utf8")
    request.on("data", (chunk) => body += chunk)
    request.on("end", () => {
      const reply = answer(JSON.parse(body))
      if (reply === undefined) {
        response.writeHead(202).end()
        return
      }
      const text = JSON.stringify(reply)
      if (reply.result?.content?.[0]?.text === big16 && JSON.parse(body).params?.arguments?.text === "sse") {
        response.writeHead(200, { "content-type": "text/event-stream" })
        response.end(`event: message\ndata: ${text}\n\n`)
        return
      }
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
      response.end(text)
    })
  })
  server.listen(Number(port), "127.0.0.1", () => process.stderr.write(`listening ${port}\n`))
  process.on("SIGTERM", () => server.close(() => process.exit(0)))
} else {
  process.stderr.write("usage: server.mjs stdio | http <port>\n")
  process.exit(2)
}
