/**
 * The application's answer to the server's `elicitation/create`: the server
 * asks the user for information, with a form (a flat JSON Schema) or, from
 * 2025-11-25, by sending the user to a URL.
 *
 * Provide the `Elicitation` service to `McpClient.layer` to declare the
 * `elicitation` capability, with the modes the handler implements. Form
 * answers are completed with the schema's defaults and checked against the
 * schema before they are sent. URL mode never opens anything by itself: the
 * handler shows the URL and asks the user.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Mcp from "../protocol/Mcp.ts"
import type { HandlerError } from "./HandlerError.ts"

/**
 * What an elicitation handler does, per mode. A mode left out is not
 * declared, and requests in it are refused with `-32602`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ElicitationShape {
  /** Shows `params.message` and a form for `params.requestedSchema`. */
  readonly form?: ((params: Mcp.ElicitFormParams) => Effect.Effect<Mcp.ElicitResult, HandlerError>) | undefined
  /** Shows `params.url` (its full address and host) and asks the user whether to open it. */
  readonly url?: ((params: Mcp.ElicitUrlParams) => Effect.Effect<Mcp.ElicitResult, HandlerError>) | undefined
}

/**
 * The elicitation handler service.
 *
 * @category services
 * @since 0.1.0
 */
export class Elicitation extends Context.Service<Elicitation, ElicitationShape>()("effect-mcp-client/Elicitation") {}

/**
 * Provides an elicitation handler.
 *
 * **Example** (Declining everything)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Elicitation } from "effect-mcp-client"
 *
 * const Decline = Elicitation.layer({ form: () => Effect.succeed({ action: "decline" }) })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (handler: ElicitationShape): Layer.Layer<Elicitation> => Layer.succeed(Elicitation, handler)
