/**
 * The application's answer to the server's `sampling/createMessage`: the
 * server asks the client's model for a completion.
 *
 * Provide the `Sampling` service to `McpClient.layer` to declare the
 * `sampling` capability; without it, the capability is not declared and the
 * server's requests are refused. Keep a human in the loop: the specification
 * asks that users can review both the prompt and the completion.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Mcp from "../protocol/Mcp.ts"
import type { HandlerError } from "./HandlerError.ts"

/**
 * What a sampling handler does.
 *
 * @category models
 * @since 0.1.0
 */
export interface SamplingShape {
  /** Produces the completion. Respect `params.maxTokens`. */
  readonly createMessage: (params: Mcp.CreateMessageParams) => Effect.Effect<Mcp.CreateMessageResult, HandlerError>
  /**
   * Whether the handler can give the model tools (`params.tools`,
   * 2025-11-25). Declared as `sampling.tools`; a request with tools is
   * refused when this is off.
   */
  readonly tools?: boolean | undefined
  /** Whether the handler honours `includeContext` (declared as `sampling.context`). */
  readonly context?: boolean | undefined
}

/**
 * The sampling handler service.
 *
 * @category services
 * @since 0.1.0
 */
export class Sampling extends Context.Service<Sampling, SamplingShape>()("effect-mcp-client/Sampling") {}

/**
 * Provides a sampling handler.
 *
 * **Example** (A canned model)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Sampling } from "effect-mcp-client"
 *
 * const CannedModel = Sampling.layer({
 *   createMessage: () =>
 *     Effect.succeed({ role: "assistant", content: { type: "text", text: "42" }, model: "canned" })
 * })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (handler: SamplingShape): Layer.Layer<Sampling> => Layer.succeed(Sampling, handler)
