/**
 * A scriptable HTTP server on 127.0.0.1, for faults real servers won't
 * produce: cut streams, expired sessions, garbage and oversized bodies.
 */
import { Effect } from "effect"
import * as http from "node:http"

export interface Exchange {
  readonly method: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: any
  readonly request: http.IncomingMessage
  readonly response: http.ServerResponse
}

/** Starts a server for the current scope; `handle` answers each request. */
export const start = (handle: (exchange: Exchange) => void) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly server: http.Server; readonly seen: Array<Exchange> }>(
      (resume) => {
        const seen: Array<Exchange> = []
        const server = http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk) => chunks.push(chunk))
          request.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8")
            const exchange: Exchange = {
              method: request.method ?? "",
              headers: request.headers,
              body: text.length > 0 ? JSON.parse(text) : undefined,
              request,
              response
            }
            seen.push(exchange)
            handle(exchange)
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resume(Effect.succeed({ url: `http://127.0.0.1:${port}/mcp`, server, seen }))
        })
      }
    ),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** Answers with one JSON-RPC message. */
export const json = (exchange: Exchange, message: unknown, headers: Record<string, string> = {}) => {
  exchange.response.writeHead(200, { "content-type": "application/json", ...headers })
  exchange.response.end(JSON.stringify(message))
}

/** The initialize answer of a stateful 2025-11-25 server. */
export const initializeResult = {
  protocolVersion: "2025-11-25",
  capabilities: { tools: {}, resources: {} },
  serverInfo: { name: "faults", version: "1.0.0" }
}

/** Answers the lifecycle of a stateful server (discover refused, initialize with a session, initialized). */
export const lifecycle = (exchange: Exchange, sessionId: string): boolean => {
  const method = exchange.body?.method
  if (exchange.method === "DELETE") {
    exchange.response.writeHead(200).end()
    return true
  }
  if (exchange.method === "GET") {
    exchange.response.writeHead(405).end()
    return true
  }
  if (method === "server/discover") {
    exchange.response.writeHead(400, { "content-type": "application/json" })
    exchange.response.end(
      JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "Bad Request: no session" } })
    )
    return true
  }
  if (method === "initialize") {
    json(exchange, { jsonrpc: "2.0", id: exchange.body.id, result: initializeResult }, { "mcp-session-id": sessionId })
    return true
  }
  if (method === "notifications/initialized" || method === "notifications/cancelled") {
    exchange.response.writeHead(202).end()
    return true
  }
  return false
}
