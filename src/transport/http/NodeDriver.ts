/**
 * Internal: the HTTP driver on `node:http` / `node:https`, used by
 * `HttpTransport.makeNode` and `layerNode`.
 *
 * - One keep-alive agent per protocol, shared by every session of the
 *   process, made when the first session opens and destroyed (its sockets
 *   closed) when the last one closes; idle sockets do not keep the process
 *   alive.
 * - A response that is not an event stream (JSON, an error, an empty 202) is
 *   read whole, within the limit, before the request's effect resumes: one
 *   callback per request, no stream, no scope finalizer.
 * - An event stream is read as Node delivers it, each chunk handled before
 *   the next is read (the socket is not read faster than chunks are
 *   handled); a stream still open when the request's scope closes is
 *   destroyed.
 * - Interrupting the request destroys it, whether it waits for its head or
 *   its body.
 * - A request that finds its kept-alive connection closed under it (reset
 *   before any answer, on a reused connection: the server's idle timeout
 *   ending the connection as the request went out) is sent once more on a
 *   new connection; a reset on a new connection fails the request.
 * - With an exporting tracer installed, the request carries the W3C
 *   `traceparent` of the current span (the MCP request's), as `effect/http`'s
 *   client would; the session's `tracestate` comes with the exchange's headers.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as RcRef from "effect/RcRef"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as http from "node:http"
import type * as https from "node:https"
import type { MessageTooLarge, TransportError } from "../../McpError.ts"
import { type Driver, failure, type Request, type Response, tooLarge } from "./Driver.ts"

/** The process's agents: `https` made with the first https request (loading `node:https` then). */
interface Agents {
  readonly http: http.Agent
  https: https.Agent | undefined
}

const shared = Effect.runSync(
  RcRef.make({
    acquire: Effect.acquireRelease(
      Effect.sync((): Agents => ({ http: new http.Agent({ keepAlive: true }), https: undefined })),
      (agents) =>
        Effect.sync(() => {
          agents.http.destroy()
          agents.https?.destroy()
        })
    )
  }).pipe(Scope.provide(Scope.makeUnsafe()))
)

const httpsAgent = (agents: Agents): https.Agent => {
  if (agents.https === undefined) {
    const { Agent } = process.getBuiltinModule("node:https")
    agents.https = new Agent({ keepAlive: true })
  }
  return agents.https
}

/** Where a URL points, as `http.request` options (what `urlToHttpOptions` gives), worked out once per URL. */
interface Target {
  readonly secure: boolean
  readonly hostname: string
  readonly port: string
  readonly path: string
  readonly auth: string | undefined
}

const targets = new WeakMap<URL, Target>()

const targetOf = (url: URL): Target => {
  let target = targets.get(url)
  if (target === undefined) {
    const hostname = url.hostname
    target = {
      secure: url.protocol === "https:",
      hostname: hostname.startsWith("[") ? hostname.slice(1, -1) : hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      auth: url.username === "" && url.password === ""
        ? undefined
        : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    }
    targets.set(url, target)
  }
  return target
}

const send = (agents: Agents, request: Request, traceparent: string | undefined): http.ClientRequest => {
  const target = targetOf(request.url)
  const headers = request.headers
  if (traceparent !== undefined) headers.traceparent = traceparent
  if (request.body !== undefined) {
    headers["content-type"] = "application/json"
    headers["content-length"] = String(Buffer.byteLength(request.body))
  }
  const options: http.RequestOptions = {
    method: request.method,
    hostname: target.hostname,
    path: target.path,
    headers,
    agent: target.secure ? httpsAgent(agents) : agents.http
  }
  if (target.port !== "") options.port = target.port
  if (target.auth !== undefined) options.auth = target.auth
  const client = target.secure
    ? process.getBuiltinModule("node:https").request(options)
    : http.request(options)
  client.end(request.body)
  return client
}

/** Whether a request failed because its kept-alive connection was closed under it (reset, or written after close). */
const isStaleConnection = (error: unknown): boolean => {
  const code = (error as { readonly code?: unknown } | null)?.code
  return code === "ECONNRESET" || code === "EPIPE"
}

/** Whether a response is read as a stream: a successful event stream. */
const isEventStream = (response: http.IncomingMessage): boolean =>
  (response.statusCode ?? 0) < 300 &&
  /^\s*text\/event-stream\s*(;|$)/i.test(response.headers["content-type"] ?? "")

/** The W3C `traceparent` of the current span, with an exporting tracer installed. */
const traceparentOf = (context: Context.Context<never>, tracer: Tracer.Tracer): string | undefined => {
  if (tracer === Tracer.nativeTracer) return undefined
  const span = Context.getOrUndefined(context, Tracer.ParentSpan)
  return span === undefined ? undefined : `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`
}

/** A response read whole: its body (or how reading it failed) is known. */
const wholeResponse = (
  response: http.IncomingMessage,
  body: Effect.Effect<string, TransportError | MessageTooLarge>
): Response => ({
  status: response.statusCode ?? 0,
  headers: response.headers as Response["headers"],
  text: body,
  read: (onChunk) =>
    Effect.flatMap(body, (text) => {
      const error = onChunk(Buffer.from(text, "utf8"))
      return error === undefined ? Effect.void : Effect.fail(error)
    })
})

/** A response whose body is read as it arrives. */
const streamedResponse = (
  client: http.ClientRequest,
  response: http.IncomingMessage,
  url: URL,
  maxBytes: number
): Response => {
  const read = <E>(onChunk: (chunk: Uint8Array) => E | undefined, done: () => boolean) =>
    Effect.callback<void, E | TransportError>((resume) => {
      const stop = () => {
        response.off("data", onData)
        response.off("end", onEnd)
        response.off("error", onError)
        response.off("close", onClose)
      }
      const onData = (chunk: Buffer) => {
        const last = done()
        const error = onChunk(chunk)
        if (error !== undefined) {
          stop()
          client.destroy()
          resume(Effect.fail(error))
        } else if (last) {
          stop()
          response.pause()
          resume(Effect.void)
        }
      }
      const onEnd = () => {
        stop()
        resume(Effect.void)
      }
      const onError = (error: Error) => {
        stop()
        resume(Effect.fail(failure("Reading from", url)(error)))
      }
      const onClose = () => {
        if (response.readableEnded) return
        stop()
        resume(Effect.fail(failure("Reading from", url)(new Error("the connection closed before the body ended"))))
      }
      if (response.readableEnded) return resume(Effect.void)
      response.on("data", onData)
      response.on("end", onEnd)
      response.on("error", onError)
      response.on("close", onClose)
      response.resume()
      return Effect.sync(() => {
        stop()
        client.destroy()
      })
    })
  return {
    status: response.statusCode ?? 0,
    headers: response.headers as Response["headers"],
    text: Effect.suspend(() => {
      const parts: Array<Uint8Array> = []
      let size = 0
      return Effect.map(
        read((chunk) => {
          size += chunk.length
          if (size > maxBytes) return tooLarge(maxBytes, size)
          parts.push(chunk)
          return undefined
        }, () => false),
        () => Buffer.concat(parts).toString("utf8")
      )
    }),
    read
  }
}

const request = (
  agents: Agents,
  request: Request,
  maxBytes: number,
  traceparent: string | undefined,
  scope: Scope.Scope
) =>
  Effect.callback<Response, TransportError>((resume) => {
    let client: http.ClientRequest
    let settled = false
    let responded = false
    const attempt = (first: boolean): void => {
      try {
        client = send(agents, request, traceparent)
      } catch (error) {
        // An invalid header value, say: Node refuses it before sending.
        settled = true
        return resume(Effect.fail(failure(request.method, request.url)(error)))
      }
      const sent = client
      sent.on("error", (error) => {
        if (settled || sent !== client) return
        // A kept-alive connection the server closed as this request went out on it (its idle timeout): the server
        // never read the request, so it is sent once more, on a new connection.
        if (first && !responded && sent.reusedSocket && isStaleConnection(error)) return attempt(false)
        settled = true
        resume(Effect.fail(failure(request.method, request.url)(error)))
      })
      sent.on("response", (response) => onResponse(sent, response))
    }
    const onResponse = (client: http.ClientRequest, response: http.IncomingMessage) => {
      responded = true
      if (isEventStream(response)) {
        settled = true
        response.pause()
        // Registered before resuming: no gap in which an interruption could leave the stream open.
        const finalizer = Effect.sync(() => {
          if (!response.readableEnded) client.destroy()
        })
        resume(
          Effect.as(Scope.addFinalizer(scope, finalizer), streamedResponse(client, response, request.url, maxBytes))
        )
        return
      }
      const parts: Array<Buffer> = []
      let size = 0
      const done = (body: Effect.Effect<string, TransportError | MessageTooLarge>) => {
        if (settled) return
        settled = true
        resume(Effect.succeed(wholeResponse(response, body)))
      }
      response.on("data", (chunk: Buffer) => {
        if (settled) return
        size += chunk.length
        if (size > maxBytes) {
          client.destroy()
          done(Effect.fail(tooLarge(maxBytes, size)))
          return
        }
        parts.push(chunk)
      })
      response.on("end", () => {
        if (settled) return
        const body = Effect.succeed(
          parts.length === 1 ? parts[0]!.toString("utf8") : Buffer.concat(parts).toString("utf8")
        )
        // The agent frees the socket in a tick scheduled before this listener ran: resuming after it lets a request
        // made at once by the resumed fiber reuse the socket instead of opening another.
        settled = true
        process.nextTick(() => resume(Effect.succeed(wholeResponse(response, body))))
      })
      response.on("error", (error) => done(Effect.fail(failure("Reading from", request.url)(error))))
      response.on("close", () => {
        if (!response.readableEnded) {
          done(
            Effect.fail(failure("Reading from", request.url)(new Error("the connection closed before the body ended")))
          )
        }
      })
    }
    attempt(true)
    return Effect.sync(() => {
      settled = true
      client.destroy()
    })
  })

const driverOf = (agents: Agents): Driver => ({
  request: (req, maxBytes) =>
    Effect.withFiber((fiber) => {
      const scope = Context.get(fiber.context as Context.Context<Scope.Scope>, Scope.Scope)
      return request(agents, req, maxBytes, traceparentOf(fiber.context, fiber.getRef(Tracer.Tracer)), scope)
    })
})

const drivers = new WeakMap<Agents, Driver>()

/**
 * Provides the driver on the process's shared agents to `use`, held while the
 * current scope is open.
 */
export const withDriver = <A, E, R>(
  use: (driver: Driver) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | Scope.Scope> =>
  Effect.flatMap(RcRef.get(shared), (agents) => {
    let driver = drivers.get(agents)
    if (driver === undefined) {
      driver = driverOf(agents)
      drivers.set(agents, driver)
    }
    return use(driver)
  })
