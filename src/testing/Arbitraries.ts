/**
 * Generators of MCP values for property tests, derived from the protocol
 * schemas: what a server may send (tools, results, content, notifications),
 * so that an application can check that its own code copes with any of it.
 *
 * Use them with `@effect/vitest`'s `it.prop` / `it.effect.prop` or with
 * `Arbitrary.checkEffect`.
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Mcp from "../protocol/Mcp.ts"

/**
 * Any tool definition.
 *
 * @example
 * ```ts
 * import { describe, it } from "@effect/vitest"
 * import { Arbitraries } from "effect-mcp-client"
 *
 * describe("my tool picker", () => {
 *   it.prop("never throws", { tool: Arbitraries.tool }, ({ tool }) => typeof tool.name === "string")
 * })
 * ```
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const tool: Arbitrary.Arbitrary<Mcp.Tool> = Arbitrary.schema(Mcp.Tool)

/**
 * Any content block of a known type.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const contentBlock: Arbitrary.Arbitrary<Mcp.ContentBlock> = Arbitrary.schema(Mcp.ContentBlock)

/**
 * Any page of `tools/list`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const listToolsResult: Arbitrary.Arbitrary<Mcp.ListToolsResult> = Arbitrary.schema(Mcp.ListToolsResult)

/**
 * Any result of `tools/call`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const callToolResult: Arbitrary.Arbitrary<Mcp.CallToolResult> = Arbitrary.schema(Mcp.CallToolResult)

/**
 * Any result of `resources/read`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const readResourceResult: Arbitrary.Arbitrary<Mcp.ReadResourceResult> = Arbitrary.schema(
  Mcp.ReadResourceResult
)

/**
 * Any result of `prompts/get`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const getPromptResult: Arbitrary.Arbitrary<Mcp.GetPromptResult> = Arbitrary.schema(Mcp.GetPromptResult)

/**
 * Any progress notification's parameters.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const progress: Arbitrary.Arbitrary<Mcp.ProgressNotificationParams> = Arbitrary.schema(
  Mcp.ProgressNotificationParams
)

/**
 * Any log message's parameters.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const logMessage: Arbitrary.Arbitrary<Mcp.LoggingMessageParams> = Arbitrary.schema(Mcp.LoggingMessageParams)
