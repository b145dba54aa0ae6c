/**
 * A TCP proxy on 127.0.0.1 in front of a real server that can cut a
 * response socket in the middle of an SSE event: once armed, the chunk of a
 * POST's `text/event-stream` response that carries the JSON-RPC result, after
 * at least one complete event with an id, is forwarded only in part, then
 * both sockets are reset, as a proxy or a network blip would do.
 *
 * The result is cut rather than an earlier event because of the reference
 * `everything` server: its event store replays what it has stored, but
 * routes what comes after a resumption to no stream, so only a break after the
 * last event was stored can be resumed whole there.
 */
import { Effect } from "effect"
import * as net from "node:net"

export interface Proxy {
  readonly url: string
  /** Cut the next POST's SSE response in the middle of the event that carries its result. */
  readonly arm: () => void
  /**
   * Cut the response to the next POST that carries a JSON-RPC request for
   * `method`, whatever its body (JSON or SSE, event ids or none): its headers
   * and the part of its body before the result are forwarded, then both
   * sockets are reset.
   */
  readonly armRequest: (method: string) => void
  /** How many cuts were made. */
  readonly cuts: () => number
  /** The JSON-RPC requests that went through the proxy, in order. */
  readonly requests: () => ReadonlyArray<{ readonly method: string; readonly id: unknown }>
}

/** Starts a proxy to `target` (an `http://127.0.0.1:<port>/<path>` URL) for the current scope. */
export const start = (target: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly proxy: Proxy; readonly server: net.Server; readonly sockets: Set<net.Socket> }>(
      (resume) => {
        const upstream = new URL(target)
        const sockets = new Set<net.Socket>()
        let armed = false
        let armedMethod: string | undefined
        let cuts = 0
        const requests: Array<{ readonly method: string; readonly id: unknown }> = []
        const server = net.createServer((client) => {
          const origin = net.connect(Number(upstream.port), upstream.hostname)
          sockets.add(client).add(origin)
          let seen = ""
          let streaming = false
          let eventWithId = false
          let post = false
          let sent = ""
          let cutThis = false
          let recorded = false
          let response = ""
          client.on("data", (chunk: Buffer) => {
            const head = chunk.subarray(0, 8).toString("latin1")
            if (/^[A-Z]+ /.test(head)) {
              // A new request on this connection: only a POST's response is cut.
              post = head.startsWith("POST ")
              seen = ""
              sent = ""
              streaming = false
              eventWithId = false
              cutThis = false
              recorded = false
              response = ""
            }
            sent += chunk.toString("utf8")
            const body = sent.indexOf("\r\n\r\n")
            if (post && !recorded && body >= 0) {
              try {
                const message = JSON.parse(sent.slice(body + 4)) as { method?: unknown; id?: unknown }
                recorded = true
                if (typeof message.method === "string" && message.id !== undefined) {
                  requests.push({ method: message.method, id: message.id })
                  if (armedMethod === message.method) {
                    armedMethod = undefined
                    cutThis = true
                  }
                }
              } catch {
                // the body is not complete yet
              }
            }
            origin.write(chunk)
          })
          origin.on("data", (chunk: Buffer) => {
            if (cutThis) {
              response += chunk.toString("latin1")
              const headersEnd = response.indexOf("\r\n\r\n")
              const result = response.indexOf("\"result\"", headersEnd)
              if (headersEnd < 0 || result < 0) return
              // Everything before the result, then a reset.
              cutThis = false
              cuts++
              const forwarded = Buffer.from(response.slice(0, Math.max(headersEnd + 4, result - 1)), "latin1")
              client.write(forwarded, () => {
                client.resetAndDestroy()
                origin.destroy()
              })
              return
            }
            if (!armed || !post) return void client.write(chunk)
            seen += chunk.toString("latin1")
            streaming ||= /content-type: text\/event-stream/i.test(seen)
            if (streaming && eventWithId && chunk.includes("\"result\"")) {
              // Mid-event: half of this chunk, then a reset.
              armed = false
              cuts++
              client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => {
                client.resetAndDestroy()
                origin.destroy()
              })
              return
            }
            client.write(chunk)
            eventWithId ||= streaming && /\nid: ?[^\n]+\n(?:[^\n]*\n)*?\n/.test(seen.slice(seen.indexOf("\r\n\r\n")))
          })
          const close = () => {
            client.destroy()
            origin.destroy()
          }
          client.on("error", close).on("close", close)
          origin.on("error", close).on("close", close)
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resume(Effect.succeed({
            proxy: {
              url: `http://127.0.0.1:${port}${upstream.pathname}`,
              arm: () => {
                armed = true
              },
              armRequest: (method) => {
                armedMethod = method
              },
              cuts: () => cuts,
              requests: () => requests
            },
            server,
            sockets
          }))
        })
      }
    ),
    ({ server, sockets }) =>
      Effect.callback<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))
