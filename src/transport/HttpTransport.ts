/**
 * The Streamable HTTP transport, for both protocol eras, with the
 * 2024-11-05 HTTP+SSE transport as the fallback the specification describes.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http)
 *
 * - Every message is its own POST to the one endpoint. A request's reply
 *   comes back on its POST, as one JSON body or as an SSE stream that may
 *   first carry the request's progress, log messages and server requests.
 *   Each request is an exchange of its own (`Transport.exchange`):
 *   interrupting it aborts its POST, which on 2026-07-28 is the cancellation.
 * - An SSE stream that ends or breaks before the reply is resumed with GET
 *   and `Last-Event-ID`, as a `Schedule` says (`Resumption`; never sooner
 *   than the server's `retry` delay, five times by default); events seen
 *   twice are delivered once.
 * - Stateful sessions: `Mcp-Session-Id` is taken from the `initialize`
 *   answer and sent afterwards, with `MCP-Protocol-Version`; the optional GET
 *   stream carries server messages (405 means the server has none); the
 *   session is ended with DELETE when the scope closes. A 404 for a request
 *   that carried the session id fails with `SessionExpired`, and so does an
 *   HTTP 400 whose JSON-RPC error says the session is unknown or the server
 *   not initialized (see `saysSessionIsUnknown`).
 * - Headers: static ones and a provider called per request (tokens); values
 *   may be `Redacted`, and never appear in errors or logs.
 * - Fallback: when the very first POST is refused with 400, 404 or 405 and
 *   no JSON-RPC error, the server is taken for a 2024-11-05 one: the
 *   transport opens the SSE stream, waits for its `endpoint` event and posts
 *   there from then on.
 * - Two HTTP clients under one connection: `make` and `layer` use the
 *   application's `effect/http` `HttpClient` (any runtime; its spans and
 *   `traceparent` header when a tracer is installed); `makeNode` and
 *   `layerNode` drive `node:http` / `node:https` directly, on keep-alive
 *   agents the process's sessions share (docs/decisions/http-driver.md).
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as OAuthClient from "../auth/OAuthClient.ts"
import { AuthorizationError, MessageTooLarge, SessionExpired, TransportError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import type * as Driver from "./http/Driver.ts"
import * as HttpClientDriver from "./http/HttpClientDriver.ts"
import * as NodeDriver from "./http/NodeDriver.ts"
import * as Resumption from "./http/Resumption.ts"
import * as SseParser from "./http/SseParser.ts"
import { Inbox } from "./Inbox.ts"
import * as Redaction from "./Redaction.ts"
import * as SystemError from "./SystemError.ts"
import {
  type ConnectionError,
  type ExchangeContext,
  layerConnect,
  type Listener,
  markRelated,
  type Transport,
  type TransportShape
} from "./Transport.ts"

/**
 * A header value: plain or secret.
 *
 * @category models
 * @since 0.1.0
 */
export type HeaderValue = string | Redacted.Redacted<string>

/**
 * How to reach the server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The MCP endpoint. */
  readonly url: string | URL
  /** Headers sent with every request. */
  readonly headers?: { readonly [name: string]: HeaderValue } | undefined
  /** Headers computed for every request (for example a fresh token). */
  readonly headerProvider?: Effect.Effect<{ readonly [name: string]: HeaderValue }, TransportError> | undefined
  /** The largest message accepted. Defaults to 16 MiB. */
  readonly maxMessageBytes?: number | undefined
  /** How many times a dropped response stream is resumed. Defaults to 5. Ignored with `resumption`. */
  readonly maxResumptions?: number | undefined
  /** The wait before resuming when the server names none (`retry:`). Defaults to 1 second. */
  readonly defaultRetry?: Duration.Input | undefined
  /**
   * When to resume a response stream that ended or broke before its reply
   * (GET with `Last-Event-ID`): a `Schedule` fed each `Resumption.Attempt`;
   * the wait is never shorter than the server's `retry:`. Defaults to
   * `Resumption.schedule({ maxAttempts: maxResumptions })`.
   */
  readonly resumption?: Resumption.Resumption | undefined
  /** Whether to open the GET stream for server messages (stateful sessions). Defaults to true. */
  readonly serverStream?: boolean | undefined
  /** Whether to fall back to the 2024-11-05 HTTP+SSE transport. Defaults to true. */
  readonly legacySseFallback?: boolean | undefined
  /**
   * OAuth authorization: its token goes on every request, and a 401 (or 403
   * `insufficient_scope`) runs its flow before the request is sent again.
   */
  readonly auth?: OAuthClient.OAuthClient | undefined
}

const maxAuthorizationAttempts = 3

const defaults = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxResumptions: 5,
  defaultRetry: Duration.seconds(1)
}

const isObject = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Whether a message is the reply (result or error) to the request `id`. */
const isReplyTo = (value: unknown, id: JsonRpc.RequestId): boolean =>
  isObject(value) && value.id === id && value.method === undefined && ("result" in value || "error" in value)

/**
 * The failure of a request whose POST was answered but whose response broke
 * before the reply (`responseBroken`: the server may have acted on it).
 */
const responseBroken = <E>(error: E): E =>
  error instanceof TransportError && error.responseBroken !== true
    ? new TransportError({
      description: error.description,
      ...(error.status === undefined ? {} : { status: error.status }),
      responseBroken: true,
      ...(error.cause === undefined ? {} : { cause: error.cause })
    }) as E
    : error

/** Whether an exchange is a 2026-07-28 request (it carries the era's `MCP-Protocol-Version` header). */
const isModernExchange = (context: ExchangeContext | undefined): boolean =>
  context?.headers !== undefined && Object.keys(context.headers).some((name) => /^mcp-protocol-version$/i.test(name))

/**
 * The answers, besides the specification's HTTP 404, that servers give to a
 * session id they do not know, within an HTTP 400: a JSON-RPC error whose
 * message speaks of the session as unknown, missing, invalid, expired or
 * terminated ("Bad Request: No valid session ID provided" of the reference
 * servers, "Session not found"), or says the server is not initialized (a
 * restarted server that lost its sessions).
 */
const saysSessionIsUnknown = (message: unknown): boolean => {
  const error = isObject(message) ? message.error : undefined
  const text = isObject(error) && typeof error.message === "string" ? error.message : ""
  return /server not initiali[sz]ed/i.test(text) ||
    (/session/i.test(text) &&
      /not found|unknown|no valid|invalid|missing|expired|terminated|does not exist/i.test(text))
}

/** Parses a JSON body into messages (one, or a 2025-03-26 batch). */
const parseMessages = (text: string): ReadonlyArray<unknown> => {
  // A JSON body starts with its value; only an empty (or blank) one is no message.
  if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return []
  const value = JSON.parse(text) as unknown
  return Array.isArray(value) ? value : [value]
}

/** How much of a refusal's body its message shows. */
const refusalExcerptChars = 200

/** The start of a refusal's body, for its message ("" when empty). */
const bodyExcerpt = (text: string) => text.trim() === "" ? "" : `: ${Redaction.excerpt(text, refusalExcerptChars)}`

/** A response's media type, lower-cased, without parameters. */
const contentType = (response: Driver.Response) =>
  (response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()

/**
 * Connects to a Streamable HTTP endpoint, in the current scope.
 *
 * **Example** (A transport on an HTTP client of the application's)
 *
 * ```ts
 * import { HttpTransport, SharedDispatcher } from "effect-mcp-client"
 *
 * const transport = SharedDispatcher.provideHttpClient(HttpTransport.make({ url: "http://127.0.0.1:3000/mcp" }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<TransportShape, never, Scope.Scope | HttpClient.HttpClient> =>
  Effect.contextWith((context: Context.Context<Scope.Scope | HttpClient.HttpClient>) =>
    connect(
      options,
      HttpClientDriver.of(Context.get(context, HttpClient.HttpClient)),
      Context.get(context, Scope.Scope)
    )
  )

/** A connection over `driver`, its session ended when `scope` closes. */
const connect = (options: Options, driver: Driver.Driver, scope: Scope.Scope): Effect.Effect<TransportShape> => {
  const connection = new Connection(options, driver, scope)
  return Effect.as(Scope.addFinalizerExit(scope, () => connection.endSession()), connection)
}

/**
 * One connection's state, with its behaviour on the prototype: an open
 * session holds its state and little else.
 */
class Connection implements TransportShape {
  readonly #options: Options
  readonly #driver: Driver.Driver
  readonly #scope: Scope.Scope
  readonly #url: URL
  readonly endpoint: string
  readonly #inbox = new Inbox()
  #sessionId: string | undefined = undefined
  /** The session the server forgot, until `initialize` opens the next: nothing else is sent meanwhile. */
  #expiredSession: string | undefined = undefined
  #protocolVersion: string | undefined = undefined
  #initializeId: JsonRpc.RequestId | undefined = undefined
  #serverStreamStarted = false
  /** The 2024-11-05 fallback: where to post, once the SSE stream named it. */
  #legacyEndpoint: URL | undefined = undefined
  #firstPost = true

  constructor(options: Options, driver: Driver.Driver, scope: Scope.Scope) {
    this.#options = options
    this.#driver = driver
    this.#scope = scope
    this.#url = new URL(options.url)
    this.endpoint = this.#url.href
  }

  get #maxBytes() {
    return this.#options.maxMessageBytes ?? defaults.maxMessageBytes
  }

  get #maxResumptions() {
    return this.#options.maxResumptions ?? defaults.maxResumptions
  }

  get #resumption(): Resumption.Resumption {
    return this.#options.resumption ?? Resumption.schedule({ maxAttempts: this.#maxResumptions })
  }

  get #defaultRetry() {
    return Duration.toMillis(
      this.#options.defaultRetry === undefined
        ? defaults.defaultRetry
        : Duration.fromInputUnsafe(this.#options.defaultRetry)
    )
  }

  send(message: JsonRpc.Message): Effect.Effect<void, ConnectionError> {
    return Effect.suspend(() => this.#post(message, undefined))
  }

  exchange(request: JsonRpc.Request, context?: ExchangeContext): Effect.Effect<void, ConnectionError> {
    return Effect.suspend(() => this.#post(request, context))
  }

  get incoming(): Stream.Stream<unknown, ConnectionError> {
    return this.#inbox.incoming
  }

  listen(listener: Listener): void {
    this.#inbox.listen(listener)
  }

  telemetry(): { readonly [attribute: string]: string | number } {
    const url = this.#url
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)
    return {
      "network.transport": "tcp",
      "network.protocol.name": "http",
      "server.address": url.hostname,
      "server.port": port,
      ...(this.#sessionId === undefined ? {} : { "mcp.session.id": this.#sessionId })
    }
  }

  /** Ends a stateful session with DELETE (405: the server keeps no sessions to end). */
  endSession(): Effect.Effect<void> {
    if (this.#sessionId === undefined || this.#legacyEndpoint !== undefined) return Effect.void
    return Effect.flatMap(
      this.#headers("DELETE"),
      (headers) => this.#driver.request({ method: "DELETE", url: this.#url, headers }, this.#maxBytes)
    ).pipe(
      Effect.scoped,
      Effect.timeout("2 seconds"),
      Effect.ignore
    )
  }

  #deliver(value: unknown): void {
    if (this.#initializeId !== undefined && isReplyTo(value, this.#initializeId)) {
      const result = (value as { readonly result?: { readonly protocolVersion?: unknown } }).result
      if (typeof result?.protocolVersion === "string") this.#protocolVersion = result.protocolVersion
    }
    this.#inbox.deliver(value)
  }

  /** The headers of a request (`method` to `target`, which a DPoP proof names). */
  #headers(
    method = "POST",
    target: URL = this.#url
  ): Effect.Effect<Record<string, string>, TransportError | AuthorizationError> {
    const options = this.#options
    // Without a provider or authorization, the headers are known at once.
    if (options.headerProvider === undefined && options.auth === undefined) {
      return Effect.succeed(this.#headersWith(undefined, undefined))
    }
    return Effect.gen({ self: this }, function*() {
      const provided = options.headerProvider === undefined ? undefined : yield* options.headerProvider
      const authorization = options.auth === undefined
        ? undefined
        : yield* options.auth.headers(this.#url, { method, url: target })
      return this.#headersWith(provided, authorization)
    })
  }

  /** The static headers, then the provided ones, the authorization's and the session's. */
  #headersWith(
    provided: { readonly [name: string]: HeaderValue } | undefined,
    authorization: { readonly [name: string]: Redacted.Redacted<string> } | undefined
  ): Record<string, string> {
    const all: Record<string, string> = {}
    const reveal = (headers: { readonly [name: string]: HeaderValue }) => {
      for (const name in headers) {
        const value = headers[name]!
        all[name] = Redacted.isRedacted(value) ? Redacted.value(value) : value
      }
    }
    if (this.#options.headers !== undefined) reveal(this.#options.headers)
    if (provided !== undefined) reveal(provided)
    if (authorization !== undefined) reveal(authorization)
    if (this.#sessionId !== undefined) all["mcp-session-id"] = this.#sessionId
    if (this.#protocolVersion !== undefined) all["mcp-protocol-version"] = this.#protocolVersion
    return all
  }

  /** Sends a request; the response's body is bounded by the size limit. */
  #request(request: Driver.Request): Effect.Effect<Driver.Response, TransportError, Scope.Scope> {
    return this.#driver.request(request, this.#maxBytes)
  }

  /**
   * Reads an SSE body, delivering each message. Returns the last event id and
   * retry delay; stops early once `done()` says the awaited reply arrived.
   */
  #readEvents(
    response: Driver.Response,
    seen: Set<string>,
    onMessage: (value: unknown) => void,
    done: () => boolean
  ) {
    const maxBytes = this.#maxBytes
    const parser = SseParser.make({ maxEventBytes: maxBytes })
    return response.read((chunk) => {
      const events = parser.push(chunk)
      const exceeded = parser.exceeded()
      if (exceeded !== undefined) return new MessageTooLarge({ limitBytes: maxBytes, receivedBytes: exceeded })
      for (const event of events) {
        if (event.data === "") continue
        // Resumed streams may repeat events: each is delivered once.
        if (event.id !== undefined && event.id !== "") {
          if (seen.has(event.id)) continue
          seen.add(event.id)
        }
        let value: unknown
        try {
          value = JSON.parse(event.data)
        } catch {
          continue
        }
        for (const message of Array.isArray(value) ? value : [value]) onMessage(message)
      }
      return undefined
    }, done).pipe(
      Effect.map(() => ({ lastEventId: parser.lastEventId(), retry: parser.retry(), broken: undefined })),
      // A stream that breaks (reset, abort, truncated chunk) is reported with what it had said, for resumption.
      Effect.catchTag(
        "TransportError",
        (broken) => Effect.succeed({ lastEventId: parser.lastEventId(), retry: parser.retry(), broken })
      )
    )
  }

  // ---------------------------------------------------------------------------
  // 2024-11-05 HTTP+SSE fallback
  // ---------------------------------------------------------------------------

  /** `postRefusal`: how the first POST was refused (`POST 404: <body>; `), for the message if GET fails too. */
  #legacyConnect(postRefusal = ""): Effect.Effect<void, TransportError> {
    const url = this.#url
    const inbox = this.#inbox
    return Effect.gen({ self: this }, function*() {
      const ready = yield* Deferred.make<void>()
      let problem: TransportError | undefined
      yield* Effect.gen({ self: this }, function*() {
        const response = yield* this.#request({
          method: "GET",
          url,
          headers: { accept: "text/event-stream", ...(yield* this.#headers("GET")) }
        })
        if (response.status !== 200 || contentType(response) !== "text/event-stream") {
          return yield* new TransportError({
            description: `The server at ${
              Redaction.safeUrl(url)
            } refused both MCP transports (${postRefusal}GET ${response.status})`,
            status: response.status
          })
        }
        const maxBytes = this.#maxBytes
        const parser = SseParser.make({ maxEventBytes: maxBytes })
        yield* response.read((chunk) => {
          const events = parser.push(chunk)
          const exceeded = parser.exceeded()
          if (exceeded !== undefined) return new MessageTooLarge({ limitBytes: maxBytes, receivedBytes: exceeded })
          for (const event of events) {
            if (event.event === "endpoint") {
              const target = new URL(event.data.trim(), url)
              if (target.origin !== url.origin) {
                problem = new TransportError({
                  description: `The server named an endpoint on another origin: ${target.origin}`
                })
              } else {
                this.#legacyEndpoint = target
              }
              Deferred.doneUnsafe(ready, Exit.void)
              continue
            }
            try {
              const value = JSON.parse(event.data) as unknown
              for (const message of Array.isArray(value) ? value : [value]) this.#deliver(message)
            } catch {
              // not a message: ignored
            }
          }
          return undefined
        }, () => false)
        inbox.end(new TransportError({ description: "The server closed its SSE stream" }))
      }).pipe(
        Effect.scoped,
        Effect.catchCause((cause) => {
          const error = Cause.squash(cause)
          problem ??= error instanceof TransportError
            ? error
            : new TransportError({ description: "The SSE stream failed", cause: error })
          inbox.end(problem)
          return Deferred.succeed(ready, undefined)
        }),
        Effect.forkIn(this.#scope)
      )
      yield* Deferred.await(ready)
      if (problem !== undefined || this.#legacyEndpoint === undefined) {
        return yield* (problem ?? new TransportError({ description: "The server sent no endpoint" }))
      }
    })
  }

  #legacyPost(message: JsonRpc.Message): Effect.Effect<void, ConnectionError> {
    return Effect.gen({ self: this }, function*() {
      const target = this.#legacyEndpoint!
      const response = yield* this.#request({
        method: "POST",
        url: target,
        headers: yield* this.#headers("POST", target),
        body: JSON.stringify(message)
      })
      if (response.status >= 300) {
        const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        return yield* new TransportError({
          description: `POST ${Redaction.safeUrl(target)} was refused with HTTP ${response.status}${bodyExcerpt(text)}`,
          status: response.status
        })
      }
    }).pipe(Effect.scoped)
  }

  // ---------------------------------------------------------------------------
  // Streamable HTTP
  // ---------------------------------------------------------------------------

  /** The server no longer knows the session: forget it, so that the next initialize opens a new one. */
  #expire(sessionId: string): Effect.Effect<never, SessionExpired> {
    // A late answer about a session already replaced leaves the new one alone.
    if (this.#sessionId === sessionId) {
      this.#expiredSession = sessionId
      this.#sessionId = undefined
      this.#protocolVersion = undefined
      this.#serverStreamStarted = false
    }
    return Effect.fail(new SessionExpired({ sessionId }))
  }

  /**
   * POSTs a message and handles the answer. For a request, resolves once its
   * reply was delivered (resuming a dropped stream as needed).
   */
  #post(
    message: JsonRpc.Message,
    context: ExchangeContext | undefined,
    attempt = 0
  ): Effect.Effect<void, ConnectionError> {
    if (this.#legacyEndpoint !== undefined) return this.#legacyPost(message)
    const isRequest = "method" in message && "id" in message
    const requestId = isRequest ? (message as JsonRpc.Request).id : undefined
    const initializing = isRequest && (message as JsonRpc.Request).method === "initialize"
    if (initializing) this.#initializeId = requestId
    // Sent without a session id, it would reach the server as a request outside any session; what opens
    // the next session (the era probe, then initialize) goes through.
    const opening = initializing || (isRequest && (message as JsonRpc.Request).method === "server/discover")
    if (this.#expiredSession !== undefined && !opening) {
      return Effect.fail(new SessionExpired({ sessionId: this.#expiredSession }))
    }
    const sentSession = this.#sessionId
    const body = JSON.stringify(message)
    const send = (headers: Record<string, string>) => {
      if (context?.headers !== undefined) Object.assign(headers, context.headers)
      headers.accept = "application/json, text/event-stream"
      return Effect.flatMap(
        this.#request({ method: "POST", url: this.#url, headers, body }),
        (response) => this.#answer(message, context, attempt, sentSession, response)
      )
    }
    const options = this.#options
    return Effect.scoped(
      options.headerProvider === undefined && options.auth === undefined
        ? send(this.#headersWith(undefined, undefined))
        : Effect.flatMap(this.#headers(), send)
    )
  }

  /** Handles the answer to a POST. */
  #answer(
    message: JsonRpc.Message,
    context: ExchangeContext | undefined,
    attempt: number,
    sentSession: string | undefined,
    response: Driver.Response
  ): Effect.Effect<void, ConnectionError, Scope.Scope> {
    const requestId = "method" in message && "id" in message ? (message as JsonRpc.Request).id : undefined
    // The common case, a request's reply as one JSON body, without a generator.
    if (
      requestId !== undefined && response.status < 300 && requestId !== this.#initializeId &&
      contentType(response) === "application/json"
    ) {
      this.#firstPost = false
      return Effect.flatMap(Effect.mapError(response.text, responseBroken), (text) => this.#deliverBody(text))
    }
    const options = this.#options
    const url = this.#url
    return Effect.gen({ self: this }, function*() {
      const isRequest = requestId !== undefined
      const wasFirst = this.#firstPost
      this.#firstPost = false

      // Authorization: run the flow the challenge asks for, then send the message again (bounded).
      const challenge = response.headers["www-authenticate"]
      if (
        options.auth !== undefined &&
        (response.status === 401 || (response.status === 403 && /insufficient_scope/.test(challenge ?? "")))
      ) {
        yield* drain(response)
        if (attempt >= maxAuthorizationAttempts) {
          return yield* new AuthorizationError({
            reason: "insufficient-scope",
            description: `The server still refused the request after ${attempt} authorizations`
          })
        }
        yield* options.auth.challenge(url, {
          status: response.status,
          wwwAuthenticate: challenge,
          dpopNonce: response.headers["dpop-nonce"]
        })
        return yield* Effect.suspend(() => this.#post(message, context, attempt + 1))
      }

      if (requestId !== undefined && requestId === this.#initializeId) {
        const id = response.headers["mcp-session-id"]
        if (id !== undefined && id !== "") this.#sessionId = id
        if (response.status < 400) this.#expiredSession = undefined
      }

      if (response.status === 404 && sentSession !== undefined) return yield* this.#expire(sentSession)

      if (response.status >= 400) {
        const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        let errors: ReadonlyArray<unknown> = []
        try {
          errors = parseMessages(text).filter((m) => isObject(m) && isObject(m.error))
        } catch {
          errors = []
        }
        if (sentSession !== undefined && response.status === 400 && errors.some(saysSessionIsUnknown)) {
          return yield* this.#expire(sentSession)
        }
        if (errors.length > 0 && requestId !== undefined) {
          // The answer to this POST is the answer to this request, even without an id.
          for (const error of errors) this.#deliver({ ...(error as object), id: requestId })
          return
        }
        const fallback = options.legacySseFallback !== false && wasFirst && this.#sessionId === undefined &&
          (response.status === 400 || response.status === 404 || response.status === 405)
        if (fallback) {
          yield* this.#legacyConnect(`POST ${response.status}${bodyExcerpt(text)}; `)
          return yield* this.#legacyPost(message)
        }
        return yield* new TransportError({
          description: `POST ${Redaction.safeUrl(url)} was refused with HTTP ${response.status}${bodyExcerpt(text)}`,
          status: response.status
        })
      }

      // Stateful session: open the server's GET stream once the session is initialized.
      if (!isRequest && (message as JsonRpc.Notification).method === "notifications/initialized") {
        yield* this.#startServerStream()
      }
      if (requestId === undefined) {
        yield* drain(response)
        return
      }
      const type = contentType(response)
      if (type === "application/json") {
        return yield* this.#deliverBody(yield* response.text.pipe(Effect.mapError(responseBroken)))
      }
      if (type !== "text/event-stream") {
        if (response.status === 202) return
        return yield* new TransportError({
          description: `Unexpected response type '${type}' (HTTP ${response.status})`
        })
      }

      // The reply comes on an SSE stream, maybe after a drop and a resumption (2025 era only: 2026-07-28 has none).
      const resumable = !isModernExchange(context)
      let replied = false
      const seen = new Set<string>()
      const onMessage = (value: unknown) => {
        // A server request on this request's stream is sent in its course.
        if (typeof (value as { readonly method?: unknown } | null)?.method === "string") markRelated(value, requestId)
        this.#deliver(value)
        if (isReplyTo(value, requestId)) replied = true
      }
      let state: { lastEventId: string | undefined; retry: number | undefined; broken: TransportError | undefined } =
        yield* this.#readEvents(response, seen, onMessage, () => replied)
      let resume: ((attempt: Resumption.Attempt) => Effect.Effect<boolean>) | undefined
      // Whether the stream ended or broke, it is resumed from its last event id, as the schedule says.
      while (!replied) {
        const lastEventId = state.lastEventId
        if (lastEventId !== undefined && resumable) resume ??= yield* Resumption.stepper(this.#resumption)
        if (
          lastEventId === undefined || resume === undefined ||
          !(yield* resume({
            retry: Duration.millis(state.retry ?? this.#defaultRetry),
            serverRetry: state.retry !== undefined,
            lastEventId,
            broken: state.broken
          }))
        ) {
          return yield* responseBroken(
            state.broken ?? new TransportError({
              description: `The response stream of request ${requestId} ended before its reply`
            })
          )
        }
        const resumed = yield* this.#request({
          method: "GET",
          url,
          headers: { ...(yield* this.#headers("GET")), accept: "text/event-stream", "last-event-id": lastEventId }
        }).pipe(Effect.result)
        if (Result.isFailure(resumed)) {
          state = { ...state, broken: resumed.failure }
          continue
        }
        if (resumed.success.status >= 400 || contentType(resumed.success) !== "text/event-stream") continue
        const next = yield* this.#readEvents(resumed.success, seen, onMessage, () => replied)
        state = {
          lastEventId: next.lastEventId ?? state.lastEventId,
          retry: next.retry ?? state.retry,
          broken: next.broken
        }
      }
    })
  }

  /** Delivers the messages of a JSON body. */
  #deliverBody(text: string): Effect.Effect<void, TransportError> {
    try {
      for (const value of parseMessages(text)) this.#deliver(value)
    } catch (error) {
      return Effect.fail(new TransportError({ description: `The server sent a body that is not JSON`, cause: error }))
    }
    return Effect.void
  }

  /**
   * The optional GET stream of a stateful session, reopened with backoff after
   * a drop, in a fiber of the session's scope.
   */
  #startServerStream(): Effect.Effect<void> {
    if (this.#serverStreamStarted || this.#options.serverStream === false || this.#sessionId === undefined) {
      return Effect.void
    }
    this.#serverStreamStarted = true
    const url = this.#url
    const defaultRetry = this.#defaultRetry
    const maxResumptions = this.#maxResumptions
    let lastEventId: string | undefined
    let retry: number | undefined
    const seen = new Set<string>()
    const deliver = (value: unknown) => this.#deliver(value)
    const once = Effect.gen({ self: this }, function*() {
      const response = yield* this.#request({
        method: "GET",
        url,
        headers: {
          ...(yield* this.#headers("GET")),
          accept: "text/event-stream",
          ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId })
        }
      })
      // 405: the server offers no stream; 404: the session is gone.
      if (response.status === 405 || response.status === 404) return "stop" as const
      if (response.status >= 400 || contentType(response) !== "text/event-stream") return "retry" as const
      const state = yield* this.#readEvents(response, seen, deliver, () => false)
      lastEventId = state.lastEventId ?? lastEventId
      retry = state.retry ?? retry
      if (state.broken !== undefined) return yield* state.broken
      return "retry" as const
    }).pipe(Effect.scoped)
    const inbox = this.#inbox
    const loop = (failures: number): Effect.Effect<void> =>
      once.pipe(
        Effect.matchEffect({
          onSuccess: (next) =>
            next === "stop" ? Effect.void : Effect.andThen(Effect.sleep(retry ?? defaultRetry), loop(0)),
          onFailure: (error) => {
            if (failures < maxResumptions) {
              return Effect.andThen(Effect.sleep(defaultRetry * 2 ** failures), loop(failures + 1))
            }
            // Refused every time: the server is gone, and so is the session.
            if (error._tag === "TransportError" && SystemError.codeOf(error.cause) === "ECONNREFUSED") {
              return Effect.sync(() =>
                inbox.end(
                  new TransportError({
                    description: `The server's event stream could not be reopened: ${error.description}`,
                    cause: error.cause
                  })
                )
              )
            }
            return Effect.void
          }
        })
      )
    // Started at once: the GET goes out before whatever the session sends next, so that the server sees the stream
    // open before the requests that follow the handshake (a server may answer them on it).
    return Effect.asVoid(Effect.forkIn(loop(0), this.#scope, { startImmediately: true }))
  }
}

/** Reads a body to its end, whatever it holds. */
const drain = (response: Driver.Response): Effect.Effect<void> =>
  Effect.ignore(response.read(() => undefined, () => false))

/**
 * A `Transport` layer over Streamable HTTP (falling back to HTTP+SSE) on the
 * application's `effect/http` `HttpClient`, for any runtime, or to control
 * the client (a proxy, its spans); on Node, `layerNode` needs none.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Transport, never, HttpClient.HttpClient> =>
  layerConnect(() => make(options))

/**
 * A `Transport` layer over Streamable HTTP on Node's own `node:http` /
 * `node:https`, without an `HttpClient`: chosen by measurement over
 * `effect/http`'s clients (docs/decisions/http-driver.md,
 * `npm run bench:http-clients`). Sessions share keep-alive agents, closed
 * with the last session; a JSON reply is read whole in one callback. With a
 * tracer installed, requests carry the W3C `traceparent` of the MCP
 * request's span.
 *
 * **Example** (A session with a remote server)
 *
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { HttpTransport, McpClient } from "effect-mcp-client"
 *
 * const Session = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(HttpTransport.layerNode({
 *     url: "https://example.com/mcp",
 *     headers: { authorization: Redacted.make("Bearer secret") }
 *   }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerNode = (options: Options): Layer.Layer<Transport> =>
  // One layer, not a layer over the client's, and not memoized: each layer costs scopes per session.
  layerConnect(() => makeNode(options))

/**
 * Connects to a Streamable HTTP endpoint on `node:http` (as `layerNode`
 * does), in the current scope: `make` without a client to provide. For opening sessions one by one in a scope (`McpClient.make`),
 * as a gateway to many servers does, rather than as layers.
 *
 * **Example** (Sessions opened in a scope)
 *
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as HttpTransport from "effect-mcp-client/HttpTransport"
 * import * as McpClient from "effect-mcp-client/McpClient"
 * import * as Transport from "effect-mcp-client/Transport"
 *
 * const open = (url: string) =>
 *   McpClient.make({ name: "gateway", version: "1.0.0" }).pipe(
 *     Effect.provideServiceEffect(Transport.Transport, HttpTransport.makeNode({ url }))
 *   )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeNode = (options: Options): Effect.Effect<TransportShape, never, Scope.Scope> =>
  Effect.flatMap(Effect.scope, (scope) => NodeDriver.withDriver((driver) => connect(options, driver, scope)))
