/**
 * MCP inside Effect AI: a session's or a host's tools as an `effect/ai`
 * toolkit, server sampling answered by the application's `LanguageModel`,
 * prompts and resources as `effect/ai` prompts. Loads `effect/ai`; the root
 * module does not.
 *
 * @since 0.1.0
 */

/** A source's tools as a live `effect/ai` toolkit. @since 0.1.0 */
export * as McpToolkit from "./McpToolkit.ts"
/** Where a toolkit's tools come from (a session, or a host). @since 0.1.0 */
export * as ToolSource from "./ToolSource.ts"
/** Provider-valid, reversible tool names. @since 0.1.0 */
export * as ToolNames from "./ToolNames.ts"
/** What a model reads of a tool result. @since 0.1.0 */
export * as ToolResults from "./ToolResults.ts"
/** Tool schemas made acceptable to a provider. @since 0.1.0 */
export * as ToolSchemas from "./ToolSchemas.ts"
/** The `Sampling` handler service, with `layerLanguageModel`. @since 0.1.0 */
export * as Sampling from "./Sampling.ts"
/** Sampling answered by the application's `LanguageModel`. @since 0.1.0 */
export * as SamplingLanguageModel from "./SamplingLanguageModel.ts"
/** MCP prompts and resources as `effect/ai` prompts. @since 0.1.0 */
export * as McpPrompt from "./McpPrompt.ts"
