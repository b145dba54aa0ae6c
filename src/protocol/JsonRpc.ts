/**
 * JSON-RPC 2.0 envelopes as MCP uses them: the messages this client sends,
 * and the classification of the messages it receives.
 *
 * Outgoing messages are plain JSON objects, built once and handed to the
 * transport. Incoming values are classified by shape with one pass over the
 * envelope's keys; payloads (`result`, `params`) are validated later against
 * the schema of the method they belong to, so nothing is decoded twice.
 *
 * @since 0.1.0
 */

/**
 * A request id: a string or an integer, never `null`.
 *
 * @category models
 * @since 0.1.0
 */
export type RequestId = string | number

/**
 * A JSON object, as carried in `params` and `result`.
 *
 * @category models
 * @since 0.1.0
 */
export type JsonObject = { readonly [key: string]: unknown }

/**
 * A request: expects a response with the same id.
 *
 * @category models
 * @since 0.1.0
 */
export interface Request {
  readonly jsonrpc: "2.0"
  readonly id: RequestId
  readonly method: string
  readonly params?: JsonObject
}

/**
 * A notification: no id, never answered.
 *
 * @category models
 * @since 0.1.0
 */
export interface Notification {
  readonly jsonrpc: "2.0"
  readonly method: string
  readonly params?: JsonObject
}

/**
 * A successful response.
 *
 * @category models
 * @since 0.1.0
 */
export interface SuccessResponse {
  readonly jsonrpc: "2.0"
  readonly id: RequestId
  readonly result: JsonObject
}

/**
 * The `error` member of an error response.
 *
 * @category models
 * @since 0.1.0
 */
export interface ErrorObject {
  readonly code: number
  readonly message: string
  readonly data?: unknown
}

/**
 * An error response. Its id is `null` only when the request was unreadable.
 *
 * @category models
 * @since 0.1.0
 */
export interface ErrorResponse {
  readonly jsonrpc: "2.0"
  readonly id: RequestId | null
  readonly error: ErrorObject
}

/**
 * Any JSON-RPC message.
 *
 * @category models
 * @since 0.1.0
 */
export type Message = Request | Notification | SuccessResponse | ErrorResponse

/**
 * The standard and MCP-defined error codes a client maps.
 *
 * @category constants
 * @since 0.1.0
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ResourceNotFound: -32002,
  UrlElicitationRequired: -32042,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022
} as const

/**
 * Builds a request.
 *
 * @category constructors
 * @since 0.1.0
 */
export const request = (id: RequestId, method: string, params: JsonObject | undefined): Request =>
  params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params }

/**
 * Builds a notification.
 *
 * @category constructors
 * @since 0.1.0
 */
export const notification = (method: string, params?: JsonObject): Notification =>
  params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params }

/**
 * Builds a successful response.
 *
 * @category constructors
 * @since 0.1.0
 */
export const success = (id: RequestId, result: JsonObject): SuccessResponse => ({ jsonrpc: "2.0", id, result })

/**
 * Builds an error response.
 *
 * @category constructors
 * @since 0.1.0
 */
export const failure = (id: RequestId | null, error: ErrorObject): ErrorResponse => ({ jsonrpc: "2.0", id, error })

/**
 * An incoming message, classified. `Invalid` carries the reason and, when it
 * could be read, the id of the request it refers to, so a server request can
 * still be answered with an error.
 *
 * @category models
 * @since 0.1.0
 */
export type Incoming =
  | { readonly _tag: "Success"; readonly id: RequestId; readonly result: JsonObject }
  | { readonly _tag: "Failure"; readonly id: RequestId | null; readonly error: ErrorObject }
  | {
    readonly _tag: "Request"
    readonly id: RequestId
    readonly method: string
    readonly params: JsonObject | undefined
  }
  | { readonly _tag: "Notification"; readonly method: string; readonly params: JsonObject | undefined }
  | { readonly _tag: "Invalid"; readonly reason: string; readonly path: string; readonly id: RequestId | null }

const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const isId = (u: unknown): u is RequestId => typeof u === "string" || (typeof u === "number" && Number.isInteger(u))

const invalid = (reason: string, path: string, id: RequestId | null = null): Incoming => ({
  _tag: "Invalid",
  reason,
  path,
  id
})

/**
 * Classifies one incoming JSON value (already parsed) as a JSON-RPC 2.0
 * message. Never throws: anything malformed comes back as `Invalid` with the
 * path of the offending member.
 *
 * @category decoding
 * @since 0.1.0
 */
export const classify = (value: unknown): Incoming => {
  if (!isObject(value)) return invalid("Expected a JSON-RPC message object", "")
  if (value.jsonrpc !== "2.0") return invalid("Expected jsonrpc \"2.0\"", "jsonrpc")
  const id = value.id
  const method = value.method
  if (method !== undefined) {
    if (typeof method !== "string") return invalid("Expected a string", "method", isId(id) ? id : null)
    const params = value.params
    if (params !== undefined && !isObject(params)) {
      return invalid("Expected an object", "params", isId(id) ? id : null)
    }
    if (id === undefined) return { _tag: "Notification", method, params }
    if (!isId(id)) return invalid("Expected a string or integer id", "id")
    return { _tag: "Request", id, method, params }
  }
  if ("result" in value) {
    if (!isId(id)) return invalid("Expected a string or integer id", "id")
    // Neither outcome can be trusted when a response claims both.
    if ("error" in value) return invalid("A response must carry either result or error, not both", "", id)
    const result = value.result
    if (!isObject(result)) return invalid("Expected an object", "result", id)
    return { _tag: "Success", id, result }
  }
  const error = value.error
  if (error !== undefined) {
    if (id !== null && id !== undefined && !isId(id)) return invalid("Expected a string or integer id", "id")
    if (!isObject(error)) return invalid("Expected an object", "error", id ?? null)
    if (typeof error.code !== "number" || !Number.isInteger(error.code)) {
      return invalid("Expected an integer", "error.code", id ?? null)
    }
    if (typeof error.message !== "string") return invalid("Expected a string", "error.message", id ?? null)
    const object: ErrorObject = error.data === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, data: error.data }
    return { _tag: "Failure", id: id ?? null, error: object }
  }
  return invalid("Expected a request, notification or response", "", isId(id) ? id : null)
}
