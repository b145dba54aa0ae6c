/**
 * Where a toolkit's tools come from: something that lists MCP tools, calls
 * them, and says when the list changed. A session is one (`fromClient`); a
 * host of several sessions can be another, naming its tools per server.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { CallToolError, McpClientShape, ProgressEvent, ToolCallOptions } from "../McpClient.ts"
import type * as Mcp from "../protocol/Mcp.ts"

/**
 * One tool of a source.
 *
 * @category models
 * @since 0.1.0
 */
export interface SourceTool {
  /**
   * The tool's name in the source: unique among its tools, and the name
   * options refer to. A session uses the server's name for the tool; a host
   * would qualify it with the server's name.
   */
  readonly name: string
  /** The server the tool belongs to, when the source has several. */
  readonly server?: string | undefined
  /** The tool as the server described it. */
  readonly tool: Mcp.Tool
}

/**
 * A source of tools.
 *
 * @category models
 * @since 0.1.0
 */
export interface ToolSource<E extends { readonly message: string }> {
  /** The tools offered now. */
  readonly list: Effect.Effect<ReadonlyArray<SourceTool>, E>
  /**
   * Calls a tool: the progress it reports, then its result. A tool that ran
   * and failed is a result with `isError: true`.
   */
  readonly call: (
    tool: SourceTool,
    args: { readonly [key: string]: unknown }
  ) => Stream.Stream<ProgressEvent<Mcp.CallToolResult>, E>
  /** An element each time the list of tools may have changed. */
  readonly changes: Stream.Stream<void>
  /**
   * Finds tools for a query, best first (a host's catalog search). Without
   * it, the deferred toolkit ranks the listed tools by the query's words.
   */
  readonly search?: ((query: string, limit: number) => Effect.Effect<ReadonlyArray<SourceTool>, E>) | undefined
}

/**
 * The tools of one session: listed with `listTools`, called with
 * `callToolWithProgress`, changed on `notifications/tools/list_changed`.
 *
 * **Example** (A toolkit from a session)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient } from "effect-mcp-client"
 * import * as ToolSource from "effect-mcp-client/ToolSource"
 *
 * const source = Effect.gen(function*() {
 *   return ToolSource.fromClient(yield* McpClient.McpClient)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromClient = (
  client: McpClientShape,
  options?: { readonly call?: ToolCallOptions | undefined }
): ToolSource<CallToolError> => ({
  list: Effect.map(
    client.listTools(),
    (result): ReadonlyArray<SourceTool> => result.tools.map((tool) => ({ name: tool.name, tool }))
  ),
  call: (tool: SourceTool, args: { readonly [key: string]: unknown }) =>
    client.callToolWithProgress(tool.tool.name, args, options?.call),
  changes: Stream.filter(client.listChanges, (kind) => kind === "tools").pipe(Stream.map(() => undefined))
})
