/**
 * Internal: what the Streamable HTTP transport needs of an HTTP client, and
 * nothing more: a request (POST with a JSON text body, GET, DELETE) with its
 * headers; a response's status and lower-cased headers; its body read whole
 * within a byte limit, or chunk by chunk (SSE). A request is aborted when the
 * effect waiting for it is interrupted, and a response still being read when
 * the request's scope closes.
 *
 * Two drivers implement it: `HttpClientDriver` over `effect/http`'s
 * `HttpClient` (any runtime) and `NodeDriver` on `node:http` / `node:https`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { MessageTooLarge, TransportError } from "../../McpError.ts"
import * as Redaction from "../Redaction.ts"
import * as SystemError from "../SystemError.ts"

/** A request: a JSON text body goes with a POST. */
export interface Request {
  readonly method: "GET" | "POST" | "DELETE"
  readonly url: URL
  /** Made for this request: the driver may add its own (`content-type`, `traceparent`). */
  readonly headers: Record<string, string>
  /** The body, sent as `application/json`. */
  readonly body?: string | undefined
}

/** A response's head, and its body to read once. */
export interface Response {
  readonly status: number
  /** Lower-cased names. */
  readonly headers: { readonly [name: string]: string | undefined }
  /** The body whole as UTF-8 text, within the request's `maxBytes`. */
  readonly text: Effect.Effect<string, TransportError | MessageTooLarge>
  /**
   * The body chunk by chunk: `onChunk` returns an error to stop with, or
   * `undefined` to go on. Reading stops after the chunk following the one
   * after which `done()` became true (or at the body's end), so that a body
   * that ends right after its last message ends before the request's scope
   * closes and leaves its connection reusable.
   */
  readonly read: <E>(
    onChunk: (chunk: Uint8Array) => E | undefined,
    done: () => boolean
  ) => Effect.Effect<void, E | TransportError | MessageTooLarge>
}

/** An HTTP client, as the transport uses it. */
export interface Driver {
  /**
   * Sends a request and waits for its head. Interrupted, the request is
   * aborted; a body still unread when the scope closes is discarded and its
   * connection closed. `maxBytes` bounds `text`.
   */
  readonly request: (request: Request, maxBytes: number) => Effect.Effect<Response, TransportError, Scope.Scope>
}

/**
 * The failure of `what` (`POST`, `GET`, `DELETE`, `Reading from`) to `url`,
 * naming its reason (ECONNREFUSED, a TLS error, …) in the message, not only in
 * `cause`; the URL without credentials.
 */
export const failure = (what: string, url: URL) => (error: unknown): TransportError =>
  new TransportError({
    description: `${what} ${Redaction.safeUrl(url)} failed: ${SystemError.describe(error)}`,
    cause: error
  })

/** A body beyond its limit. */
export const tooLarge = (limitBytes: number, receivedBytes: number): MessageTooLarge =>
  new MessageTooLarge({ limitBytes, receivedBytes })
