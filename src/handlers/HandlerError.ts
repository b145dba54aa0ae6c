/**
 * The failure of a handler the application provides for the server's
 * requests (sampling, elicitation, roots). The session answers the server
 * with a JSON-RPC error built from it and goes on.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A handler's refusal or failure, sent to the server as a JSON-RPC error.
 * `code` defaults to `-32603` (internal error).
 *
 * **Example** (The user rejected a sampling request)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { HandlerError } from "effect-mcp-client"
 *
 * const rejected = Effect.fail(HandlerError.userRejected("The user declined to run the model"))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class HandlerError extends Schema.TaggedError<HandlerError>("effect-mcp-client/HandlerError")("HandlerError", {
  description: Schema.String,
  code: Schema.optionalKey(Schema.Number),
  data: Schema.optionalKey(Schema.Unknown)
}) {
  override get message(): string {
    return this.description
  }
}

/**
 * The user rejected the request (code `-1`, as the sampling chapter of the
 * specification suggests).
 *
 * @category constructors
 * @since 0.1.0
 */
export const userRejected = (description: string): HandlerError => new HandlerError({ description, code: -1 })

/**
 * The request's parameters were not acceptable (code `-32602`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const invalidParams = (description: string): HandlerError => new HandlerError({ description, code: -32602 })
