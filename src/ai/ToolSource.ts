/**
 * Where a toolkit's tools come from: something that lists MCP tools, calls
 * them, and says when the list changed. A session is one (`fromClient`); a
 * host of several sessions is another (`fromHost`), naming its tools per
 * server.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Progress from "../client/Progress.ts"
import { ServerUnavailable } from "../host/HostError.ts"
import type { McpHostShape } from "../host/McpHost.ts"
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
   * its qualified name (`server__tool`).
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

/**
 * How a host's tools are called.
 *
 * @category models
 * @since 0.1.0
 */
export interface HostOptions {
  /** Settings of every call (timeout, argument validation, …). */
  readonly call?: ToolCallOptions | undefined
  /**
   * How long a call to a server that is starting or restarting waits for it.
   * Without it such a call fails at once with `ServerUnavailable`, which the
   * model reads (the server's state and why), instead of holding the model's
   * turn.
   */
  readonly waitForServer?: Duration.Input | undefined
}

/**
 * The tools of a host's servers, under the host's qualified names
 * (`server__tool`), called through the host (which routes each call to its
 * server and keeps the server's concurrency limit and timeout).
 *
 * The list follows the host's catalog: a server's `list_changed`, and a
 * restarted server's refreshed part, are changes. While a server restarts its
 * tools stay listed as they were last, so that the model keeps seeing them;
 * a call to one fails at once with `ServerUnavailable` (unless
 * `waitForServer`). The source remembers what it listed: one made while a
 * server restarts lists that server's tools once it is back. A server that
 * has failed for good leaves the list, and a lazy server's tools join it once
 * it has started. `search` is the host's `searchTools`.
 *
 * **Example** (A live toolkit over a host)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpHost } from "effect-mcp-client"
 * import * as McpToolkit from "effect-mcp-client/McpToolkit"
 * import * as ToolSource from "effect-mcp-client/ToolSource"
 *
 * const tools = Effect.gen(function*() {
 *   const host = yield* McpHost.McpHost
 *   return yield* McpToolkit.make(ToolSource.fromHost(host), { schemaTarget: "openai" })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromHost = (
  host: McpHostShape,
  options?: HostOptions
): ToolSource<CallToolError | ServerUnavailable> => {
  // Each server's tools as last listed, for while it restarts.
  const remembered = new Map<string, ReadonlyArray<Mcp.Tool>>()
  const list = Effect.gen(function*() {
    const snapshot = yield* SubscriptionRef.get(host.catalog.ref)
    const listed = new Map<string, Array<SourceTool>>()
    for (const entry of snapshot.tools) {
      let tools = listed.get(entry.server)
      if (tools === undefined) listed.set(entry.server, tools = [])
      tools.push({ name: entry.name, server: entry.server, tool: entry.tool })
    }
    const tools: Array<SourceTool> = []
    for (const server of host.servers) {
      const own = listed.get(server)
      if (own !== undefined || snapshot.servers.includes(server)) {
        remembered.set(server, own === undefined ? [] : own.map((entry) => entry.tool))
        if (own !== undefined) tools.push(...own)
        continue
      }
      const last = remembered.get(server)
      if (last === undefined) continue
      const state = yield* Effect.orDie(host.state(server))
      if (state.status !== "restarting" && state.status !== "starting") {
        remembered.delete(server)
        continue
      }
      for (const tool of last) {
        const name = snapshot.toolNames.qualified(server, tool.name)
        if (name !== undefined) tools.push({ name, server, tool })
      }
    }
    return tools
  })
  const ready = (server: string): Effect.Effect<void, ServerUnavailable> =>
    Effect.flatMap(host.supervisor(server), (supervisor) => {
      if (options?.waitForServer !== undefined) return Effect.asVoid(supervisor.ready(options.waitForServer))
      const state = SubscriptionRef.getUnsafe(supervisor.state)
      return state.status === "ready" ? Effect.void : Effect.fail(
        new ServerUnavailable({
          server,
          state: state.status,
          ...("lastError" in state ? { lastError: state.lastError } : {})
        })
      )
    })
  return {
    list,
    call: (tool, args) =>
      Stream.unwrap(Effect.as(
        tool.server === undefined ? Effect.void : ready(tool.server),
        Progress.stream((onProgress) => host.callTool(tool.name, args, { ...options?.call, onProgress }))
      )),
    // The catalog's first element is the snapshot the toolkit lists itself.
    changes: host.catalog.changes.pipe(Stream.drop(1), Stream.map(() => undefined)),
    search: (query, limit) =>
      Effect.map(
        host.searchTools(query, { limit }),
        (found) => found.map((entry): SourceTool => ({ name: entry.name, server: entry.server, tool: entry.tool }))
      )
  }
}
