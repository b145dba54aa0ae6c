/**
 * One catalog of the tools, prompts, resources and resource templates of a
 * host's ready servers, each entry with its server.
 *
 * Tools and prompts carry qualified names (`QualifiedName`), which route a
 * call back to the server that owns it; resources route by URI, exactly or
 * through a template. Each server's part is loaded when its session is ready,
 * loaded again when the server announces `list_changed` or comes back from a
 * restart, and dropped while it is not ready. `include` / `exclude` globs
 * (`*` for any run of characters, `?` for one) filter a server's tools.
 *
 * `search` ranks tools for a query by keywords: the query is split into
 * lower-case words; for each word, a tool scores 6 when it equals a word of
 * the tool's name, 3 when the name contains it, 2 when the title does and 1
 * when the description does; the query equal to the name (original or
 * qualified) adds 10. Tools that score 0 are left out; ties go by name.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as McpClient from "../McpClient.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import * as QualifiedName from "./QualifiedName.ts"
import type { Supervisor } from "./Supervisor.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * A tool of one server, under its qualified name.
 *
 * @category models
 * @since 0.1.0
 */
export interface CatalogTool {
  readonly server: string
  /** The qualified name, to call it through the host. */
  readonly name: string
  /** The tool as the server lists it (its own `name`). */
  readonly tool: Mcp.Tool
}

/**
 * A prompt of one server, under its qualified name.
 *
 * @category models
 * @since 0.1.0
 */
export interface CatalogPrompt {
  readonly server: string
  readonly name: string
  readonly prompt: Mcp.Prompt
}

/**
 * A resource of one server.
 *
 * @category models
 * @since 0.1.0
 */
export interface CatalogResource {
  readonly server: string
  readonly resource: Mcp.Resource
}

/**
 * A resource template of one server.
 *
 * @category models
 * @since 0.1.0
 */
export interface CatalogResourceTemplate {
  readonly server: string
  readonly template: Mcp.ResourceTemplate
}

/**
 * The catalog at one moment.
 *
 * @category models
 * @since 0.1.0
 */
export interface Snapshot {
  readonly tools: ReadonlyArray<CatalogTool>
  readonly prompts: ReadonlyArray<CatalogPrompt>
  readonly resources: ReadonlyArray<CatalogResource>
  readonly resourceTemplates: ReadonlyArray<CatalogResourceTemplate>
  /** The servers whose part is loaded. */
  readonly servers: ReadonlyArray<string>
  /**
   * Qualified names of the tools and prompts of the listed servers and of
   * those restarting (as they were last listed), so that a call made during
   * a restart still finds its server, and waits for it.
   */
  readonly toolNames: QualifiedName.Table
  readonly promptNames: QualifiedName.Table
  /** The resources and templates of the listed and the restarting servers, for routing by URI. */
  readonly routes: {
    readonly resources: ReadonlyArray<CatalogResource>
    readonly resourceTemplates: ReadonlyArray<CatalogResourceTemplate>
  }
}

/**
 * How one server takes part: its prefix and tool filter.
 *
 * @category models
 * @since 0.1.0
 */
export interface Member {
  readonly supervisor: Supervisor
  readonly prefix?: string | undefined
  readonly include?: ReadonlyArray<string> | undefined
  readonly exclude?: ReadonlyArray<string> | undefined
}

/**
 * A live catalog.
 *
 * @category models
 * @since 0.1.0
 */
export interface Catalog {
  readonly ref: SubscriptionRef.SubscriptionRef<Snapshot>
  /** The snapshot now, and each one after. */
  readonly changes: Stream.Stream<Snapshot>
  /** Completes once every named server has its part loaded, or is not going to be ready. */
  readonly settled: (servers: ReadonlyArray<string>) => Effect.Effect<void>
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Keeps a catalog of the members' servers, in the current scope.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Catalog, type Supervisor } from "effect-mcp-client"
 *
 * declare const git: Supervisor.Supervisor
 * const program = Effect.gen(function*() {
 *   const catalog = yield* Catalog.make([{ supervisor: git, exclude: ["*delete*"] }])
 *   return Catalog.search(yield* Catalog.current(catalog), "commit", { limit: 5 })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  members: ReadonlyArray<Member>,
  scheme: QualifiedName.Scheme = {}
): Effect.Effect<Catalog, never, Scope.Scope> =>
  Effect.gen(function*() {
    const parts = new Map<string, Part>()
    const stale = new Map<string, Part>()
    const order = members.map((member) => member.supervisor.name)
    const ref = yield* SubscriptionRef.make(build(parts, stale, order, members, scheme))
    const publish = Effect.suspend(() => SubscriptionRef.set(ref, build(parts, stale, order, members, scheme)))
    // Not ready: the part leaves the listing; while the server restarts it still routes.
    const retire = (name: string, restarting: boolean) =>
      Effect.suspend(() => {
        const part = parts.get(name) ?? stale.get(name)
        const changed = parts.delete(name) || (!restarting && stale.has(name))
        if (restarting && part !== undefined) stale.set(name, part)
        else stale.delete(name)
        return changed ? publish : Effect.void
      })

    for (const member of members) {
      const name = member.supervisor.name
      const follow = member.supervisor.changes.pipe(
        Stream.switchMap((state) =>
          state.status === "ready"
            ? Stream.merge(Stream.make("all" as const), state.session.listChanges).pipe(
              Stream.mapEffect((kind) =>
                load(state.session, kind, parts.get(name), member).pipe(
                  Effect.flatMap((part) =>
                    Effect.suspend(() => {
                      parts.set(name, part)
                      stale.delete(name)
                      return publish
                    })
                  ),
                  Effect.catchCause((cause) =>
                    Effect.logWarning(`Could not list the ${kind} of MCP server '${name}'`, cause).pipe(
                      Effect.andThen(Effect.suspend(() => {
                        if (!parts.has(name)) parts.set(name, emptyPart)
                        return publish
                      }))
                    )
                  )
                )
              )
            )
            : Stream.fromEffect(retire(name, state.status === "restarting" || state.status === "starting"))
        ),
        Stream.runDrain
      )
      yield* Effect.forkScoped(follow)
    }

    const states = new Map(members.map((member) => [member.supervisor.name, member.supervisor] as const))
    return {
      ref,
      changes: SubscriptionRef.changes(ref),
      settled: (servers) =>
        Effect.forEach(servers, (server) => {
          const supervisor = states.get(server)
          if (supervisor === undefined) return Effect.void
          return Stream.zipLatest(supervisor.changes, SubscriptionRef.changes(ref)).pipe(
            Stream.filter(([state, snapshot]) =>
              state.status === "failed" || state.status === "stopped" || state.status === "idle" ||
              (state.status === "ready" && snapshot.servers.includes(server))
            ),
            Stream.runHead,
            Effect.asVoid
          )
        }, { concurrency: "unbounded", discard: true })
    }
  })

/**
 * The snapshot now.
 *
 * @category utils
 * @since 0.1.0
 */
export const current = (catalog: Catalog): Effect.Effect<Snapshot> => SubscriptionRef.get(catalog.ref)

/**
 * Tools ranked for a query (see the module's description of the ranking).
 *
 * @example
 * ```ts
 * import { Catalog } from "effect-mcp-client"
 *
 * declare const snapshot: Catalog.Snapshot
 * const best = Catalog.search(snapshot, "create issue", { limit: 3 })
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const search = (
  snapshot: Snapshot,
  query: string,
  options: { readonly limit?: number | undefined } = {}
): ReadonlyArray<CatalogTool> => {
  const terms = words(query)
  const whole = query.trim().toLowerCase()
  const scored: Array<{ readonly entry: CatalogTool; readonly score: number }> = []
  for (const entry of snapshot.tools) {
    const name = entry.tool.name.toLowerCase()
    const nameWords = new Set([...words(entry.tool.name), ...words(entry.name)])
    const title = (entry.tool.title ?? entry.tool.annotations?.title ?? "").toLowerCase()
    const description = (entry.tool.description ?? "").toLowerCase()
    let score = whole.length > 0 && (whole === name || whole === entry.name.toLowerCase()) ? 10 : 0
    for (const term of terms) {
      if (nameWords.has(term)) score += 6
      else if (name.includes(term)) score += 3
      if (title.includes(term)) score += 2
      if (description.includes(term)) score += 1
    }
    if (score > 0) scored.push({ entry, score })
  }
  scored.sort((a, b) => b.score - a.score || (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0))
  return scored.slice(0, options.limit ?? 10).map(({ entry }) => entry)
}

/**
 * Whether a name passes `include` / `exclude` globs.
 *
 * @example
 * ```ts
 * import { Catalog } from "effect-mcp-client"
 *
 * Catalog.included("delete_repo", { exclude: ["delete_*"] }) // false
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const included = (
  name: string,
  filter: { readonly include?: ReadonlyArray<string> | undefined; readonly exclude?: ReadonlyArray<string> | undefined }
): boolean =>
  (filter.include === undefined || filter.include.some((glob) => globToRegExp(glob).test(name))) &&
  !(filter.exclude ?? []).some((glob) => globToRegExp(glob).test(name))

/**
 * The server owning a resource URI: a listed resource, else a template that
 * matches it.
 *
 * @category utils
 * @since 0.1.0
 */
export const resourceOwner = (snapshot: Snapshot, uri: string): string | undefined =>
  snapshot.routes.resources.find((entry) => entry.resource.uri === uri)?.server ??
    snapshot.routes.resourceTemplates.find((entry) =>
      entry.template.uriTemplate === uri || templateToRegExp(entry.template.uriTemplate).test(uri)
    )?.server

// =============================================================================
// Internal
// =============================================================================

interface Part {
  readonly tools: ReadonlyArray<Mcp.Tool>
  readonly prompts: ReadonlyArray<Mcp.Prompt>
  readonly resources: ReadonlyArray<Mcp.Resource>
  readonly resourceTemplates: ReadonlyArray<Mcp.ResourceTemplate>
}

const emptyPart: Part = { tools: [], prompts: [], resources: [], resourceTemplates: [] }

const words = (text: string): ReadonlyArray<string> =>
  text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 0)

const globCache = new Map<string, RegExp>()
const globToRegExp = (glob: string): RegExp => {
  let regExp = globCache.get(glob)
  if (regExp === undefined) {
    const source = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")
    regExp = new RegExp(`^${source}$`)
    if (globCache.size < 1024) globCache.set(glob, regExp)
  }
  return regExp
}

/** RFC 6570 level 1–2 expressions as patterns: `{var}` one segment, `{+var}` / `{#var}` anything. */
const templateToRegExp = (template: string): RegExp => {
  let source = ""
  let index = 0
  for (const match of template.matchAll(/\{([+#/?&.;]?)[^}]*\}/g)) {
    source += template.slice(index, match.index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    source += match[1] === "+" || match[1] === "#" ? ".*" : match[1] === "" ? "[^/?#]+" : ".*"
    index = match.index + match[0].length
  }
  source += template.slice(index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  return new RegExp(`^${source}$`)
}

const load = (
  session: McpClient.McpClientShape,
  kind: "all" | McpClient.ListKind,
  previous: Part | undefined,
  filter: Member
): Effect.Effect<Part, unknown> =>
  Effect.gen(function*() {
    const capabilities = session.serverCapabilities
    const base = previous ?? emptyPart
    const tools = kind === "all" || kind === "tools"
      ? capabilities.tools === undefined
        ? []
        : (yield* session.listTools()).tools.filter((tool) => included(tool.name, filter))
      : base.tools
    const prompts = kind === "all" || kind === "prompts"
      ? capabilities.prompts === undefined ? [] : (yield* session.listPrompts()).prompts
      : base.prompts
    const resources = kind === "all" || kind === "resources"
      ? capabilities.resources === undefined ? [] : (yield* session.listResources()).resources
      : base.resources
    const resourceTemplates = kind === "all" || kind === "resources"
      ? capabilities.resources === undefined
        ? []
        : yield* session.listResourceTemplates().pipe(
          Effect.map((result) => result.resourceTemplates),
          // Servers from before templates answer the method with an error: no templates.
          Effect.catchTag("McpServerError", () => Effect.succeed([]))
        )
      : base.resourceTemplates
    return { tools, prompts, resources, resourceTemplates }
  })

const build = (
  parts: ReadonlyMap<string, Part>,
  stale: ReadonlyMap<string, Part>,
  order: ReadonlyArray<string>,
  members: ReadonlyArray<Member>,
  scheme: QualifiedName.Scheme
): Snapshot => {
  const prefixes = new Map(members.map((member) => [member.supervisor.name, member.prefix] as const))
  const servers = order.filter((server) => parts.has(server))
  const known = order.filter((server) => parts.has(server) || stale.has(server))
  const partOf = (server: string) => parts.get(server) ?? stale.get(server)!
  const toolEntries: Array<QualifiedName.Entry> = []
  const promptEntries: Array<QualifiedName.Entry> = []
  for (const server of known) {
    const part = partOf(server)
    const prefix = prefixes.get(server)
    for (const tool of part.tools) toolEntries.push({ server, name: tool.name, prefix })
    for (const prompt of part.prompts) promptEntries.push({ server, name: prompt.name, prefix })
  }
  const toolNames = QualifiedName.assign(toolEntries, scheme)
  const promptNames = QualifiedName.assign(promptEntries, scheme)
  const resourcesOf = (list: ReadonlyArray<string>) =>
    list.flatMap((server) => partOf(server).resources.map((resource) => ({ server, resource })))
  const templatesOf = (list: ReadonlyArray<string>) =>
    list.flatMap((server) => partOf(server).resourceTemplates.map((template) => ({ server, template })))
  return {
    servers,
    toolNames,
    promptNames,
    tools: servers.flatMap((server) =>
      parts.get(server)!.tools.map((tool) => ({ server, name: toolNames.qualified(server, tool.name)!, tool }))
    ),
    prompts: servers.flatMap((server) =>
      parts.get(server)!.prompts.map((prompt) => ({
        server,
        name: promptNames.qualified(server, prompt.name)!,
        prompt
      }))
    ),
    resources: resourcesOf(servers),
    resourceTemplates: templatesOf(servers),
    routes: { resources: resourcesOf(known), resourceTemplates: templatesOf(known) }
  }
}
