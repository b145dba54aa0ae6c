/**
 * MCP tools as an `effect/ai` toolkit, for `LanguageModel.generateText` and
 * `streamText`.
 *
 * `make` reads the tools of a `ToolSource` (a session, through
 * `ToolSource.fromClient`, or a host's servers, through
 * `ToolSource.fromHost`) and keeps them current: each change of the source
 * (a `notifications/tools/list_changed`, a host's catalog) re-lists them, and `toolkit` (the value
 * to pass as `toolkit`) gives the tools as they are at each model call. Each
 * MCP tool becomes a `Tool.dynamic` with the server's `inputSchema` (made
 * acceptable to the provider by `schemaTarget`), under a name providers
 * accept (`ToolNames`), with its annotations as `Tool.Readonly`,
 * `Tool.Destructive`, `Tool.Idempotent` and `Tool.OpenWorld`, and:
 *
 * - **results** the model reads: text, images and audio as file parts,
 *   embedded resources, resource links (`ToolResults.convert`, replaceable),
 *   `structuredContent` for tools with an `outputSchema`;
 * - **failures returned to the model**: a result with `isError`, a failed
 *   request, a tool the server no longer lists, each a `McpToolFailure` the
 *   model reads (`failureMode: "return"`); `onError: "fail"` fails the
 *   program instead;
 * - **approval**: by default a tool that may be destructive or reach an
 *   open world needs approval (`needsApproval`), as the specification's
 *   defaults for missing annotations say; per tool or by predicate;
 * - **a result budget**: text beyond `resultBudget` characters is cut (head
 *   and tail kept, with a marker); the full text stays readable through the
 *   `read_tool_result` tool the toolkit adds, and through `fullResult`;
 * - **progress** as `effect/ai` preliminary results (`streamText` shows them)
 *   and through `onProgress`.
 *
 * @since 0.1.0
 */
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as Mcp from "../protocol/Mcp.ts"
import * as ToolNames from "./ToolNames.ts"
import * as ToolResults from "./ToolResults.ts"
import * as ToolSchemas from "./ToolSchemas.ts"
import type { SourceTool, ToolSource } from "./ToolSource.ts"

export {
  /** @since 0.1.0 */
  ToolNames,
  /** @since 0.1.0 */
  ToolResults,
  /** @since 0.1.0 */
  ToolSchemas
}

// =============================================================================
// Errors
// =============================================================================

/**
 * A tool call that did not produce a result, as the model reads it (or the
 * program, with `onError: "fail"`): the tool reported an error (`isError`),
 * the request failed, the server no longer offers the tool, the server is
 * not ready (a host's server that is restarting: `unavailable`), or the
 * model's arguments are not an object.
 *
 * @category errors
 * @since 0.1.0
 */
export class McpToolFailure extends Schema.TaggedError<McpToolFailure>("effect-mcp-client/McpToolFailure")(
  "McpToolFailure",
  {
    tool: Schema.String,
    reason: Schema.Literals(["tool-error", "request-failed", "removed", "unavailable", "invalid-arguments"]),
    description: Schema.String
  }
) {
  override get message(): string {
    return `Tool ${this.tool}: ${this.description}`
  }
}

// =============================================================================
// Options
// =============================================================================

/**
 * What to do with a tool's failure: give it to the model (`"return"`), or
 * fail the program (`"fail"`).
 *
 * @category models
 * @since 0.1.0
 */
export type OnError = "return" | "fail"

/**
 * Settings for one tool, by its name in the source.
 *
 * @category models
 * @since 0.1.0
 */
export interface ToolOptions {
  readonly needsApproval?: boolean | undefined
  readonly onError?: OnError | undefined
  readonly resultBudget?: number | false | undefined
}

/**
 * Progress a tool reported, as `onProgress` and preliminary results see it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ToolProgress {
  readonly _tag: "ToolProgress"
  /** The tool's name in the source. */
  readonly tool: string
  readonly toolCallId: string | undefined
  readonly progress: number
  readonly total?: number | undefined
  readonly message?: string | undefined
}

/**
 * How the toolkit is made.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The provider whose schema rules apply (`ToolSchemas`). Defaults to `"none"`. */
  readonly schemaTarget?: ToolSchemas.Target | undefined
  /** Which tools to offer. Defaults to all. */
  readonly include?: ((tool: SourceTool) => boolean) | undefined
  /** The result converter. Defaults to `ToolResults.convert`. */
  readonly convert?: ToolResults.Converter | undefined
  /**
   * Whether a tool needs approval before it runs. Defaults to
   * `needsApprovalByDefault`: tools that may be destructive or open-world.
   */
  readonly needsApproval?: ((tool: SourceTool) => boolean) | undefined
  /** What a tool's failure does. Defaults to `"return"`. */
  readonly onError?: OnError | undefined
  /**
   * The most characters of text a result may give the model; beyond it, the
   * text is cut. Defaults to 50,000; `false` for no limit.
   */
  readonly resultBudget?: number | false | undefined
  /** How many cut results stay readable in full. Defaults to 32. */
  readonly keptResults?: number | undefined
  /** Settings per tool, by name in the source; they take precedence. */
  readonly tools?: { readonly [name: string]: ToolOptions } | undefined
  /**
   * Deferred tools, for large catalogs: instead of every tool, the model is
   * given `search_tools` (finds tools by a query and shows their schemas)
   * and `call_tool` (calls one by name), so that schemas enter its context
   * only when it looks for them. Approval, budget and failures apply to the
   * tool `call_tool` runs. Defaults to false.
   */
  readonly deferred?: boolean | undefined
  /** Sees every progress notification of a tool call. */
  readonly onProgress?: ((progress: ToolProgress) => Effect.Effect<void>) | undefined
}

/**
 * The default approval policy: a tool needs approval unless it is known to
 * be harmless, that is read-only (or explicitly not destructive) and
 * explicitly closed-world. Missing annotations count as the specification's
 * defaults (`destructiveHint` and `openWorldHint` true).
 *
 * @example
 * ```ts
 * import * as McpToolkit from "effect-mcp-client/McpToolkit"
 *
 * McpToolkit.needsApprovalByDefault({ name: "rm", tool: { name: "rm", inputSchema: { type: "object" } } }) // true
 * ```
 *
 * @category approval
 * @since 0.1.0
 */
export const needsApprovalByDefault = (tool: SourceTool): boolean => {
  const hints: Mcp.ToolAnnotations = tool.tool.annotations ?? {}
  const destructive = hints.readOnlyHint !== true && hints.destructiveHint !== false
  const openWorld = hints.openWorldHint !== false
  return destructive || openWorld
}

// =============================================================================
// Models
// =============================================================================

/**
 * The tools of the toolkit: `effect/ai` dynamic tools.
 *
 * @category models
 * @since 0.1.0
 */
export type Tools = Record<string, Tool.Any>

/**
 * One reading of the source's tools, as a toolkit.
 *
 * @category models
 * @since 0.1.0
 */
export interface Snapshot {
  /** The toolkit with its handlers, for `LanguageModel.generateText({ toolkit })`. */
  readonly toolkit: Toolkit.WithHandler<Tools>
  /** The source's tools, by the name the model sees. */
  readonly byModelName: ReadonlyMap<string, SourceTool>
  /** The name the model sees, by the source's name. */
  readonly modelName: ReadonlyMap<string, string>
}

/**
 * A live toolkit over a source.
 *
 * @category models
 * @since 0.1.0
 */
export interface McpToolkit<E> {
  /**
   * The toolkit as it is now: pass it as `toolkit` to `generateText` or
   * `streamText`, which read it at each call.
   */
  readonly toolkit: Effect.Effect<Toolkit.WithHandler<Tools>>
  /** The current snapshot. */
  readonly current: Effect.Effect<Snapshot>
  /** The current snapshot, then each new one. */
  readonly changes: Stream.Stream<Snapshot>
  /** Lists the tools again now. */
  readonly refresh: Effect.Effect<Snapshot, E>
  /** The full text of a result that was cut to the budget, by the id its marker gives. */
  readonly fullResult: (id: string) => Effect.Effect<Option.Option<string>>
}

/**
 * The name of the tool that reads a cut result in full.
 *
 * @category constants
 * @since 0.1.0
 */
export const readResultToolName = "read_tool_result"

/**
 * The names of the deferred mode's tools.
 *
 * @category constants
 * @since 0.1.0
 */
export const deferredToolNames = { search: "search_tools", call: "call_tool" } as const

/**
 * The listed tools that match a query best: scored by how many of the
 * query's words appear in each tool's name, title and description; ties
 * keep the listing's order.
 *
 * @category deferred
 * @since 0.1.0
 */
export const rankTools = (
  tools: ReadonlyArray<SourceTool>,
  query: string,
  limit: number
): ReadonlyArray<SourceTool> => {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0)
  const scored = tools.map((tool, index) => {
    const haystack = [tool.name, tool.tool.title, tool.tool.description, tool.tool.annotations?.title]
      .filter((text): text is string => text !== undefined).join(" ").toLowerCase()
    return { tool, index, score: words.filter((word) => haystack.includes(word)).length }
  })
  return scored.filter((entry) => entry.score > 0 || words.length === 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.tool)
}

// =============================================================================
// Constructors
// =============================================================================

interface Shared<E> {
  readonly source: ToolSource<E & { readonly message: string }>
  readonly options: Options
  readonly results: Map<string, string>
  /** The names of the latest listing (the source's, as keys); a call to a tool not in it fails as removed. */
  latest: ReadonlyMap<string, unknown>
  counter: number
}

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The tools there are now, for a failure the model reads: at most 20 names. */
const describeTools = (tools: ReadonlyMap<string, unknown>): string => {
  if (tools.size === 0) return "it offers no tools now"
  const names = [...tools.keys()]
  const shown = names.slice(0, 20).join(", ")
  return `the tools now are: ${shown}${names.length > 20 ? ` and ${names.length - 20} more` : ""}`
}

const keep = (shared: Shared<unknown>, full: string): string => {
  const id = `result-${++shared.counter}`
  shared.results.set(id, full)
  const limit = shared.options.keptResults ?? 32
  while (shared.results.size > limit) shared.results.delete(shared.results.keys().next().value!)
  return id
}

/** A tool's handler: a closure over the tool only, so that building a toolkit of many tools stays cheap. */
const handlerFor = <E extends { readonly message: string }>(shared: Shared<E>, tool: SourceTool) =>
(
  params: unknown,
  context: Toolkit.HandlerContext<any>
) => runTool(shared, tool, params, context)

const runTool = <E extends { readonly message: string }>(
  shared: Shared<E>,
  tool: SourceTool,
  params: unknown,
  context: Toolkit.HandlerContext<any>
) => {
  const { options, source } = shared
  const perTool = options.tools?.[tool.name]
  const budget = perTool?.resultBudget ?? options.resultBudget ?? 50_000
  const convert = options.convert ?? ToolResults.convert
  const strict = options.schemaTarget === "openai-strict"
  const failure = (reason: McpToolFailure["reason"], description: string) =>
    new McpToolFailure({ tool: tool.name, reason, description })

  return Effect.gen(function*() {
    if (!shared.latest.has(tool.name)) {
      return yield* failure("removed", `the server no longer offers this tool; ${describeTools(shared.latest)}`)
    }
    const given = strict ? ToolSchemas.strictArguments(tool.tool.inputSchema, params) : params
    if (given !== undefined && given !== null && !isRecord(given)) {
      return yield* failure("invalid-arguments", "the arguments must be a JSON object")
    }
    let result: Mcp.CallToolResult | undefined
    yield* source.call(tool, given ?? {}).pipe(
      Stream.runForEach((event) => {
        if (event._tag === "Result") {
          result = event.result
          return Effect.void
        }
        const progress: ToolProgress = {
          _tag: "ToolProgress",
          tool: tool.name,
          toolCallId: context.toolCallId,
          progress: event.progress,
          total: event.total,
          message: event.message
        }
        return Effect.andThen(context.preliminary(progress), options.onProgress?.(progress) ?? Effect.void)
      }),
      Effect.mapError((error: E) => {
        const tag = (error as { readonly _tag?: string })._tag
        return tag === "ToolNotFound"
          ? failure("removed", error.message)
          : tag === "ServerUnavailable"
          ? failure("unavailable", `${error.message}; its tools work again once it is back, so try later`)
          : failure("request-failed", error.message)
      })
    )
    if (result === undefined) return yield* failure("request-failed", "the call ended without a result")
    const parts = convert(result, tool)
    if (result.isError === true) {
      return yield* failure("tool-error", ToolResults.textOf(parts) || "the tool reported an error")
    }
    const structuredContent = tool.tool.outputSchema !== undefined ? result.structuredContent : undefined
    if (budget === false) return new ToolResults.ToolOutput({ parts, structuredContent })
    const id = `result-${shared.counter + 1}`
    const cut = ToolResults.withinBudget(
      parts,
      budget,
      `the full text is ${id}: call ${readResultToolName} with {"id": "${id}", "offset": ${
        Math.ceil(budget * 0.7)
      }} to read on`
    )
    if (cut.full !== undefined) keep(shared, cut.full)
    return new ToolResults.ToolOutput({ parts: cut.parts, structuredContent, truncated: cut.full !== undefined })
  })
}

const toModelOutput = (output: unknown) =>
  output instanceof ToolResults.ToolOutput ? output.parts : [{
    type: "text" as const,
    text: typeof output === "string" ? output : JSON.stringify(output)
  } as any]

const toolFor = (
  tool: SourceTool,
  modelName: string,
  options: Options,
  target: ToolSchemas.Target,
  approval: (tool: SourceTool) => boolean
): Tool.Any => {
  const perTool = options.tools?.[tool.name]
  const onError = perTool?.onError ?? options.onError ?? "return"
  const mcp = tool.tool
  const defined = Tool.dynamic(modelName, {
    description: mcp.description ?? mcp.title ?? mcp.annotations?.title,
    parameters: ToolSchemas.sanitize(mcp.inputSchema, target) as any,
    success: Schema.Unknown,
    failure: McpToolFailure,
    failureMode: onError === "fail" ? "error" : "return",
    needsApproval: perTool?.needsApproval ?? approval(tool),
    toModelOutput
  }) // The tool is new and not yet shared: its annotations are set in place, instead of through the two copies
   // `annotateMerge` and `annotate` would make.
  ;(defined as { annotations: Context.Context<never> }).annotations = annotationsOf(
    mcp.annotations,
    target === "openai-strict",
    mcp.title ?? mcp.annotations?.title
  )
  return defined as unknown as Tool.Any
}

/** A hint as 0 (absent), 1 (false) or 2 (true). */
const hint = (value: boolean | undefined): number => value === undefined ? 0 : value ? 2 : 1

/** The annotations of each combination of hints, made once: tools share them (all but their title). */
const annotationContexts: Array<Context.Context<never> | undefined> = []
const annotationsOf = (
  hints: Mcp.ToolAnnotations | undefined,
  strict: boolean,
  title: string | undefined
): Context.Context<never> => {
  const key = hints === undefined
    ? (strict ? 1 : 0)
    : (((hint(hints.readOnlyHint) * 3 + hint(hints.destructiveHint)) * 3 + hint(hints.idempotentHint)) * 3 +
          hint(hints.openWorldHint)) * 2 + (strict ? 1 : 0)
  let context = annotationContexts[key]
  if (context === undefined) {
    const entries = new Map<string, unknown>([[Tool.Strict.key, strict]])
    if (hints?.readOnlyHint !== undefined) entries.set(Tool.Readonly.key, hints.readOnlyHint)
    if (hints?.destructiveHint !== undefined) entries.set(Tool.Destructive.key, hints.destructiveHint)
    if (hints?.idempotentHint !== undefined) entries.set(Tool.Idempotent.key, hints.idempotentHint)
    if (hints?.openWorldHint !== undefined) entries.set(Tool.OpenWorld.key, hints.openWorldHint)
    context = Context.makeUnsafe(entries)
    annotationContexts[key] = context
  }
  return title === undefined ? context : Context.add(context, Tool.Title, title)
}

const readResultTool = Tool.dynamic(readResultToolName, {
  description: "Reads the full text of a tool result that was cut, from an offset.",
  parameters: {
    type: "object",
    properties: {
      id: { type: "string", description: "The id the cut result names" },
      offset: { type: "integer", minimum: 0, description: "Where to start reading (characters)" },
      length: { type: "integer", minimum: 1, description: "How many characters to read" }
    },
    required: ["id"]
  },
  success: Schema.String,
  failure: McpToolFailure,
  failureMode: "return"
}).annotate(Tool.Readonly, true).annotate(Tool.OpenWorld, false)

const searchTool = Tool.dynamic(deferredToolNames.search, {
  description:
    "Finds the tools that can help with a task. Returns their names, descriptions and input schemas; call one with call_tool.",
  parameters: {
    type: "object",
    properties: {
      query: { type: "string", description: "What the tool should do, in a few words" },
      limit: { type: "integer", minimum: 1, maximum: 50, description: "How many tools to return (default 10)" }
    },
    required: ["query"]
  },
  success: Schema.Unknown,
  failure: McpToolFailure,
  failureMode: "return"
}).annotate(Tool.Readonly, true).annotate(Tool.OpenWorld, false)

const addDeferred = <E extends { readonly message: string }>(
  shared: Shared<E>,
  tools: ReadonlyArray<SourceTool>,
  defined: Array<Tool.Any>,
  handlers: Record<string, (params: any, context: any) => Effect.Effect<any, any>>
) => {
  const { options, source } = shared
  const byName = new Map(tools.map((tool) => [tool.name, tool]))
  const runners = new Map(tools.map((tool) => [tool.name, handlerFor(shared, tool)]))
  const approval = options.needsApproval ?? needsApprovalByDefault
  const needs = (tool: SourceTool) => options.tools?.[tool.name]?.needsApproval ?? approval(tool)
  const callTool = Tool.dynamic(deferredToolNames.call, {
    description: "Calls a tool that search_tools found, by its name, with arguments matching its input schema.",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string", description: "The tool's name, as search_tools gave it" },
        arguments: { type: "object", description: "The tool's arguments" }
      },
      required: ["name"]
    },
    success: Schema.Unknown,
    failure: McpToolFailure,
    failureMode: options.onError === "fail" ? "error" : "return",
    // The called tool's own policy decides.
    needsApproval: (params: any) => {
      const tool = typeof params?.name === "string" ? byName.get(params.name) : undefined
      return tool === undefined ? false : needs(tool)
    },
    toModelOutput
  }) as unknown as Tool.Any
  defined.push(searchTool as unknown as Tool.Any, callTool)
  handlers[deferredToolNames.search] = (params: { query: string; limit?: number }) => {
    const limit = params.limit ?? 10
    const found = source.search === undefined
      ? Effect.succeed(rankTools(tools, params.query, limit))
      : Effect.mapError(
        source.search(params.query, limit),
        (error) =>
          new McpToolFailure({ tool: deferredToolNames.search, reason: "request-failed", description: error.message })
      )
    return Effect.map(found, (list) =>
      list.map((tool) => ({
        name: tool.name,
        ...(tool.tool.description === undefined ? {} : { description: tool.tool.description }),
        inputSchema: ToolSchemas.sanitize(tool.tool.inputSchema, options.schemaTarget ?? "none")
      })))
  }
  handlers[deferredToolNames.call] = (params: { name: string; arguments?: unknown }, context: any) => {
    const run = runners.get(params.name)
    if (run === undefined) {
      return Effect.fail(
        new McpToolFailure({
          tool: params.name,
          reason: shared.latest.size > 0 && !shared.latest.has(params.name) ? "removed" : "invalid-arguments",
          description: `there is no tool named ${params.name}; use ${deferredToolNames.search} to find one`
        })
      )
    }
    return run(params.arguments ?? {}, context)
  }
}

const build = <E extends { readonly message: string }>(
  shared: Shared<E>,
  listed: ReadonlyArray<SourceTool>
): Effect.Effect<Snapshot> => {
  const { options } = shared
  const tools = options.include === undefined ? listed : listed.filter(options.include)
  const sourceNames: Array<string> = []
  for (const tool of tools) sourceNames.push(tool.name)
  const names = ToolNames.make(sourceNames)
  shared.latest = names.toModel
  const byModelName = new Map<string, SourceTool>()
  const defined: Array<Tool.Any> = []
  // Without a prototype the object is a dictionary from the start, instead of a new shape per tool added.
  const handlers: Record<string, (params: any, context: any) => Effect.Effect<any, any>> = {}
  if (options.deferred === true) {
    for (const tool of tools) byModelName.set(names.toModel.get(tool.name)!, tool)
    addDeferred(shared, tools, defined, handlers)
  } else {
    const target = options.schemaTarget ?? "none"
    const approval = options.needsApproval ?? needsApprovalByDefault
    for (const tool of tools) {
      const modelName = names.toModel.get(tool.name)!
      byModelName.set(modelName, tool)
      defined.push(toolFor(tool, modelName, options, target, approval))
      handlers[modelName] = handlerFor(shared, tool)
    }
  }
  const budgeted = options.resultBudget !== false &&
    (options.deferred === true || !names.fromModel.has(readResultToolName))
  if (budgeted) {
    defined.push(readResultTool as unknown as Tool.Any)
    handlers[readResultToolName] = (params: { id: string; offset?: number; length?: number }) => {
      const full = shared.results.get(params.id)
      if (full === undefined) {
        return Effect.fail(
          new McpToolFailure({
            tool: readResultToolName,
            reason: "invalid-arguments",
            description: `no kept result has the id ${params.id}`
          })
        )
      }
      const offset = params.offset ?? 0
      const length = params.length ?? (typeof options.resultBudget === "number" ? options.resultBudget : 50_000)
      return Effect.succeed(full.slice(offset, offset + length))
    }
  }
  const toolkit = Toolkit.make(...defined) as unknown as Toolkit.Toolkit<Tools>
  return Effect.flatMap(toolkit.toHandlers(handlers as any), (context) =>
    Effect.map(
      Effect.provideContext(toolkit as unknown as Effect.Effect<Toolkit.WithHandler<Tools>>, context),
      (withHandler): Snapshot => ({ toolkit: withHandler, byModelName, modelName: names.toModel })
    ))
}

/**
 * One reading of a source's tools, as a toolkit; it does not follow changes
 * (a call to a tool the server has since removed fails as the server
 * answers).
 *
 * **Example** (One model turn over a session's tools)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import { McpClient } from "effect-mcp-client"
 * import * as McpToolkit from "effect-mcp-client/McpToolkit"
 * import * as ToolSource from "effect-mcp-client/ToolSource"
 *
 * const turn = Effect.gen(function*() {
 *   const snapshot = yield* McpToolkit.snapshot(ToolSource.fromClient(yield* McpClient.McpClient))
 *   return yield* LanguageModel.generateText({ prompt: "Add 2 and 3", toolkit: snapshot.toolkit })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const snapshot = <E extends { readonly message: string }>(
  source: ToolSource<E>,
  options: Options = {}
): Effect.Effect<Snapshot, E> =>
  Effect.suspend(() => {
    const shared: Shared<E> = { source, options, results: new Map(), latest: new Map(), counter: 0 }
    return Effect.flatMap(source.list, (listed) => build(shared, listed))
  })

/**
 * A live toolkit over a source, for the current scope: listed now, listed
 * again on each change the source reports. A refresh that fails keeps the
 * previous tools (and is logged).
 *
 * **Example** (An agent turn over a session's live tools)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import { McpClient } from "effect-mcp-client"
 * import * as McpToolkit from "effect-mcp-client/McpToolkit"
 * import * as ToolSource from "effect-mcp-client/ToolSource"
 *
 * const agent = Effect.gen(function*() {
 *   const tools = yield* McpToolkit.make(ToolSource.fromClient(yield* McpClient.McpClient))
 *   return yield* LanguageModel.generateText({ prompt: "What is 2 + 3?", toolkit: tools.toolkit })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <E extends { readonly message: string }>(
  source: ToolSource<E>,
  options: Options = {}
): Effect.Effect<McpToolkit<E>, E, Scope.Scope> =>
  Effect.gen(function*() {
    const shared: Shared<E> = { source, options, results: new Map(), latest: new Map(), counter: 0 }
    // Changes are watched before the first listing, so that none is missed.
    let ref: SubscriptionRef.SubscriptionRef<Snapshot> | undefined
    let missed = false
    const refresh = Effect.suspend(() =>
      source.list.pipe(
        Effect.flatMap((listed) => build(shared, listed)),
        Effect.tap((next) => ref === undefined ? Effect.void : SubscriptionRef.set(ref, next))
      )
    )
    yield* source.changes.pipe(
      Stream.runForEach(() => {
        if (ref === undefined) {
          missed = true
          return Effect.void
        }
        return refresh.pipe(
          Effect.catchCause((cause) => Effect.logWarning("The tool list could not be refreshed", cause))
        )
      }),
      Effect.forkScoped
    )
    yield* Effect.yieldNow
    ref = yield* SubscriptionRef.make(yield* refresh)
    if (missed) yield* refresh
    const current = SubscriptionRef.get(ref)
    const changes = SubscriptionRef.changes(ref)
    return {
      toolkit: Effect.map(current, (snapshot) => snapshot.toolkit),
      current,
      changes,
      refresh,
      fullResult: (id) => Effect.sync(() => Option.fromNullishOr(shared.results.get(id)))
    }
  })
