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
  /** How many cuts were made. */
  readonly cuts: () => number
}

/** Starts a proxy to `target` (an `http://127.0.0.1:<port>/<path>` URL) for the current scope. */
export const start = (target: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly proxy: Proxy; readonly server: net.Server; readonly sockets: Set<net.Socket> }>(
      (resume) => {
        const upstream = new URL(target)
        const sockets = new Set<net.Socket>()
        let armed = false
        let cuts = 0
        const server = net.createServer((client) => {
          const origin = net.connect(Number(upstream.port), upstream.hostname)
          sockets.add(client).add(origin)
          let seen = ""
          let streaming = false
          let eventWithId = false
          let post = false
          client.on("data", (chunk: Buffer) => {
            const head = chunk.subarray(0, 8).toString("latin1")
            if (/^[A-Z]+ /.test(head)) {
              // A new request on this connection: only a POST's response is cut.
              post = head.startsWith("POST ")
              seen = ""
              streaming = false
              eventWithId = false
            }
            origin.write(chunk)
          })
          origin.on("data", (chunk: Buffer) => {
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
              cuts: () => cuts
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
