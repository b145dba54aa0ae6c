/**
 * Many MCP servers as one service.
 *
 * `McpHost.layer(config)` opens one supervised session per enabled server of
 * a configuration (`HostConfig`): eagerly and in parallel, or on first use
 * for `lazy` ones, each in a scope of its own. A server that cannot start
 * never stops the others: the host starts, and that server's state says why.
 * The host offers one catalog of all ready servers' tools, prompts and
 * resources (`Catalog`), routes `callTool`, `getPrompt`, `readResource` and
 * `complete` to the server that owns the name or URI, and gives each server
 * as a session of its own (`client(name)`, `layerClient`). Closing the
 * host's scope closes every session and leaves no process behind.
 *
 * A host is a set of sessions, not a new engine: each server is an
 * `McpClient` session over the transports of this library, kept by a
 * `Supervisor`. `${VAR}` references read only the environment the
 * application provides (`HostInputs.Environment`), and `${input:id}` asks the
 * application's `HostInputs` service.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type { CallOptions, CallToolError, FeatureError, ToolCallOptions } from "../client/Options.ts"
import * as McpClient from "../McpClient.ts"
import type { InputDeclined } from "../McpError.ts"
import { PromptNotFound, ResourceNotFound, ToolNotFound } from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import * as HttpTransport from "../transport/HttpTransport.ts"
import * as StdioTransport from "../transport/StdioTransport.ts"
import * as Catalog from "./Catalog.ts"
import type * as Expansion from "./Expansion.ts"
import * as HostConfig from "./HostConfig.ts"
import type { HostConfigError } from "./HostError.ts"
import { ServerUnavailable } from "./HostError.ts"
import * as HostInputs from "./HostInputs.ts"
import type { Input } from "./HostInputs.ts"
import * as Launch from "./Launch.ts"
import type * as QualifiedName from "./QualifiedName.ts"
import * as ServerClient from "./ServerClient.ts"
import * as Supervisor from "./Supervisor.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * How the host's sessions identify themselves and behave.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The sessions' settings (`clientInfo`, default timeout, …). Defaults to `effect-mcp-client-host` 0.1.0. */
  readonly client?: McpClient.Options | undefined
  /** How tool and prompt names are qualified. */
  readonly naming?: QualifiedName.Scheme | undefined
  /**
   * The handlers that answer one server's requests (a layer of any of
   * `Sampling`, `Elicitation` and `Roots`), made knowing which server asks.
   */
  readonly handlers?: ((server: string) => Layer.Layer<never>) | undefined
  /** Where stdio servers' stderr goes (see `StdioTransport.Options`). Defaults to `"log"`. */
  readonly stderr?: StdioTransport.StderrSink | undefined
  /**
   * How long building the host waits for the eager servers to be ready (or
   * failed) and listed. Defaults to 30 seconds; the host starts anyway.
   */
  readonly startTimeout?: Duration.Input | undefined
}

/**
 * A server's notification, with the server.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerNotification {
  readonly server: string
  readonly notification: Mcp.ServerNotification
}

/**
 * The host's API.
 *
 * @category models
 * @since 0.1.0
 */
export interface McpHostShape {
  /** The enabled servers, in the configuration's order. */
  readonly servers: ReadonlyArray<string>
  /** A server's state now. */
  readonly state: (server: string) => Effect.Effect<Supervisor.ServerState, ServerUnavailable>
  /** Every server's state changes, tagged with the server (each server's current state first). */
  readonly states: Stream.Stream<{ readonly server: string; readonly state: Supervisor.ServerState }>
  /** A server's supervisor (its state as a `SubscriptionRef`, its counters). */
  readonly supervisor: (server: string) => Effect.Effect<Supervisor.Supervisor, ServerUnavailable>
  /**
   * One server as a session, once it is ready (a lazy server starts now).
   * Its requests wait for the server across restarts.
   */
  readonly client: (
    server: string,
    options?: { readonly timeout?: Duration.Input | undefined }
  ) => Effect.Effect<McpClient.McpClientShape, ServerUnavailable>

  /** The catalog, live. */
  readonly catalog: Catalog.Catalog
  readonly listTools: Effect.Effect<ReadonlyArray<Catalog.CatalogTool>>
  readonly listPrompts: Effect.Effect<ReadonlyArray<Catalog.CatalogPrompt>>
  readonly listResources: Effect.Effect<ReadonlyArray<Catalog.CatalogResource>>
  readonly listResourceTemplates: Effect.Effect<ReadonlyArray<Catalog.CatalogResourceTemplate>>
  /** Tools ranked for a query (`Catalog.search`). */
  readonly searchTools: (
    query: string,
    options?: { readonly limit?: number | undefined }
  ) => Effect.Effect<ReadonlyArray<Catalog.CatalogTool>>

  /** Calls a tool by qualified name on the server that owns it. */
  readonly callTool: (
    name: string,
    args?: { readonly [key: string]: unknown },
    options?: ToolCallOptions
  ) => Effect.Effect<Mcp.CallToolResult, CallToolError | ServerUnavailable>
  /** Renders a prompt by qualified name. */
  readonly getPrompt: (
    name: string,
    args?: { readonly [key: string]: string },
    options?: CallOptions
  ) => Effect.Effect<Mcp.GetPromptResult, FeatureError | InputDeclined | PromptNotFound | ServerUnavailable>
  /**
   * Reads a resource from the server that lists it or has a template for it
   * (the first in the configuration's order, when several do), or from
   * `options.server`.
   */
  readonly readResource: (
    uri: string,
    options?: CallOptions & { readonly server?: string | undefined }
  ) => Effect.Effect<Mcp.ReadResourceResult, FeatureError | InputDeclined | ResourceNotFound | ServerUnavailable>
  /**
   * Completes an argument of a prompt (by qualified name) or resource
   * template (by URI, routed as `readResource` is).
   */
  readonly complete: (
    ref: Mcp.CompletionReference,
    argument: { readonly name: string; readonly value: string },
    options?: CallOptions & {
      readonly context?: { readonly [name: string]: string } | undefined
      readonly server?: string | undefined
    }
  ) => Effect.Effect<Mcp.CompleteResult, FeatureError | PromptNotFound | ResourceNotFound | ServerUnavailable>

  /** Every server's notifications, tagged with the server, across restarts. */
  readonly notifications: Stream.Stream<ServerNotification>
}

/**
 * The host service.
 *
 * **Example** (Three servers from a file)
 *
 * ```ts
 * import { Console, Effect, Layer } from "effect"
 * import { HostConfig, HostInputs, McpHost } from "effect-mcp-client"
 *
 * const Host = McpHost.layer(HostConfig.fromFile(".mcp.json")).pipe(
 *   Layer.provide(HostInputs.layerProcessEnvironment)
 * )
 * const program = Effect.gen(function*() {
 *   const host = yield* McpHost.McpHost
 *   for (const tool of yield* host.listTools) yield* Console.log(tool.name)
 *   yield* host.callTool("github__search_issues", { q: "is:open" })
 * }).pipe(Effect.provide(Host))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class McpHost extends Context.Service<McpHost, McpHostShape>()("effect-mcp-client/McpHost") {}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Opens the host in the current scope.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HostConfig, McpHost } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const config = yield* HostConfig.fromObject({ mcpServers: { git: { command: "uvx", args: ["mcp-server-git"] } } })
 *   const host = yield* McpHost.make(config)
 *   return yield* host.listTools
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  config: HostConfig.HostConfig,
  options: Options = {}
): Effect.Effect<McpHostShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const resolver = yield* HostInputs.resolver(config.inputs)
    const enabled = config.servers.filter((server) => server.enabled)
    const servers = new Map<string, ServerClient.ServerClient>()
    const members: Array<Catalog.Member> = []
    for (const server of enabled) {
      const serverClient = yield* open(server, resolver, options)
      servers.set(server.name, serverClient)
      members.push({
        supervisor: serverClient.supervisor,
        prefix: server.prefix,
        include: server.include,
        exclude: server.exclude
      })
    }
    const catalog = yield* Catalog.make(members, options.naming)
    yield* catalog.settled(enabled.filter((server) => !server.lazy).map((server) => server.name)).pipe(
      Effect.timeoutOption(options.startTimeout ?? defaultStartTimeout)
    )
    return new Host(servers, catalog)
  })

/**
 * The host as a layer, from a configuration file's path, a decoded
 * configuration, or an effect that reads one (`HostConfig.fromFile`,
 * `fromConfig`, …).
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { HostConfig, HostInputs, McpHost } from "effect-mcp-client"
 *
 * const Host = McpHost.layer(HostConfig.fromFile(".vscode/mcp.json")).pipe(
 *   Layer.provide(HostInputs.layerValues({ "api-key": "sk-test" }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: {
  (path: string, options?: Options): Layer.Layer<McpHost, HostConfigError>
  <E = never, R = never>(
    config: HostConfig.HostConfig | Effect.Effect<HostConfig.HostConfig, E, R>,
    options?: Options
  ): Layer.Layer<McpHost, E, Exclude<R, Scope.Scope>>
} = ((
  config: string | HostConfig.HostConfig | Effect.Effect<HostConfig.HostConfig, unknown, unknown>,
  options?: Options
) =>
  Layer.effect(
    McpHost,
    Effect.flatMap(
      typeof config === "string"
        ? HostConfig.fromFile(config)
        : Effect.isEffect(config)
        ? config
        : Effect.succeed(config),
      (decoded) => make(decoded, options)
    )
  )) as typeof layer

/**
 * Gives a service of the application's the session of one named server of
 * the host, so that servers compose as layers (`Github`, `Filesystem`).
 *
 * @example
 * ```ts
 * import { Context } from "effect"
 * import { McpHost, type McpClient } from "effect-mcp-client"
 *
 * class Github extends Context.Service<Github, McpClient.McpClientShape>()("app/Github") {}
 * const GithubLive = McpHost.layerClient(Github, "github")
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerClient = <I>(
  tag: Context.Key<I, McpClient.McpClientShape>,
  server: string,
  options?: { readonly timeout?: Duration.Input | undefined }
): Layer.Layer<I, ServerUnavailable, McpHost> =>
  Layer.effect(
    tag,
    Effect.gen(function*() {
      const host = yield* McpHost
      return yield* host.client(server, options)
    })
  )

/**
 * Gives a service of the application's one supervised server without a host:
 * the same restarts, keepalive and limits, from one configuration entry.
 *
 * @example
 * ```ts
 * import { Context, Effect, Layer } from "effect"
 * import { HostConfig, McpHost, type McpClient } from "effect-mcp-client"
 *
 * class Git extends Context.Service<Git, McpClient.McpClientShape>()("app/Git") {}
 * const GitLive = Layer.unwrap(Effect.map(
 *   HostConfig.fromObject({ mcpServers: { git: { command: "uvx", args: ["mcp-server-git"] } } }),
 *   (config) => McpHost.layerStandalone(Git, config.servers[0]!)
 * ))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerStandalone = <I>(
  tag: Context.Key<I, McpClient.McpClientShape>,
  server: HostConfig.ServerConfig,
  options: Options & { readonly inputs?: ReadonlyArray<Input> | undefined; readonly timeout?: Duration.Input } = {}
): Layer.Layer<I, ServerUnavailable> =>
  Layer.effect(
    tag,
    Effect.gen(function*() {
      const resolver = yield* HostInputs.resolver(options.inputs ?? [])
      const serverClient = yield* open({ ...server, lazy: false }, resolver, options)
      yield* serverClient.supervisor.ready(options.timeout ?? options.startTimeout ?? defaultStartTimeout)
      return serverClient.client
    })
  )

// =============================================================================
// Internal
// =============================================================================

const defaultStartTimeout = Duration.seconds(30)
/** Sessions the server forgets are renewed (and safe requests repeated) before the supervisor restarts them. */
const defaultClient: McpClient.Options = { name: "effect-mcp-client-host", version: "0.1.0", recoverSessions: true }

const open = (
  server: HostConfig.ServerConfig,
  resolver: Expansion.Resolver,
  options: Options
): Effect.Effect<ServerClient.ServerClient, never, Scope.Scope> =>
  Effect.gen(function*() {
    const base = options.client ?? defaultClient
    const supervisor = yield* Supervisor.make({
      name: server.name,
      connect: connect(server, resolver, options),
      client: server.timeout === undefined ? base : { ...base, timeout: Duration.millis(server.timeout) },
      restart: server.restart,
      keepalive: server.keepalive,
      lazy: server.lazy,
      handlers: options.handlers?.(server.name)
    })
    return yield* ServerClient.make(supervisor, { maxConcurrency: server.maxConcurrency, timeout: server.timeout })
  })

const connect = (server: HostConfig.ServerConfig, resolver: Expansion.Resolver, options: Options) =>
  Effect.flatMap(Launch.resolve(server, resolver), (launch) =>
    launch._tag === "stdio"
      ? StdioTransport.makeNode({ ...launch, name: server.name, stderr: options.stderr })
      : HttpTransport.makeNode({ url: launch.url, headers: launch.headers, legacySseFallback: true }))

type Route<A> = { readonly server: ServerClient.ServerClient; readonly name: A }

class Host implements McpHostShape {
  readonly servers: ReadonlyArray<string>
  readonly catalog: Catalog.Catalog
  readonly #servers: ReadonlyMap<string, ServerClient.ServerClient>

  constructor(servers: ReadonlyMap<string, ServerClient.ServerClient>, catalog: Catalog.Catalog) {
    this.#servers = servers
    this.servers = [...servers.keys()]
    this.catalog = catalog
  }

  #server(name: string): Effect.Effect<ServerClient.ServerClient, ServerUnavailable> {
    const server = this.#servers.get(name)
    return server === undefined
      ? Effect.fail(new ServerUnavailable({ server: name, state: "unknown", lastError: "not in the configuration" }))
      : Effect.succeed(server)
  }
  get #snapshot() {
    return Catalog.current(this.catalog)
  }

  readonly state = (server: string) =>
    Effect.flatMap(this.#server(server), (found) => SubscriptionRef.get(found.supervisor.state))
  get states() {
    return Stream.mergeAll(
      [...this.#servers.values()].map((server) =>
        server.supervisor.changes.pipe(Stream.map((state) => ({ server: server.name, state })))
      ),
      { concurrency: "unbounded" }
    )
  }
  readonly supervisor = (server: string) => Effect.map(this.#server(server), (found) => found.supervisor)
  readonly client: McpHostShape["client"] = (server, options) =>
    Effect.flatMap(
      this.#server(server),
      (found) => Effect.as(found.supervisor.ready(options?.timeout ?? defaultStartTimeout), found.client)
    )

  get listTools() {
    return Effect.map(this.#snapshot, (snapshot) => snapshot.tools)
  }
  get listPrompts() {
    return Effect.map(this.#snapshot, (snapshot) => snapshot.prompts)
  }
  get listResources() {
    return Effect.map(this.#snapshot, (snapshot) => snapshot.resources)
  }
  get listResourceTemplates() {
    return Effect.map(this.#snapshot, (snapshot) => snapshot.resourceTemplates)
  }
  readonly searchTools: McpHostShape["searchTools"] = (query, options) =>
    Effect.map(this.#snapshot, (snapshot) => Catalog.search(snapshot, query, options))

  /** Where a qualified name goes, in the catalog as it is now (read without waiting: a call is routed in one step). */
  #route(
    table: (snapshot: Catalog.Snapshot) => QualifiedName.Table,
    name: string
  ): Route<string> | undefined {
    const entry = table(SubscriptionRef.getUnsafe(this.catalog.ref)).entries.get(name)
    const server = entry === undefined ? undefined : this.#servers.get(entry.server)
    return entry === undefined || server === undefined ? undefined : { server, name: entry.name }
  }

  readonly callTool: McpHostShape["callTool"] = (name, args, options) =>
    Effect.suspend(() => {
      const route = this.#route((snapshot) => snapshot.toolNames, name)
      return route === undefined
        ? Effect.fail(new ToolNotFound({ name }))
        : route.server.run(
          "tools/call",
          (session, timeout) => session.callTool(route.name, args, { ...options, timeout }),
          options?.timeout
        )
    })

  readonly getPrompt: McpHostShape["getPrompt"] = (name, args, options) =>
    Effect.suspend(() => {
      const route = this.#route((snapshot) => snapshot.promptNames, name)
      return route === undefined
        ? Effect.fail(new PromptNotFound({ name }))
        : route.server.run(
          "prompts/get",
          (session, timeout) => session.getPrompt(route.name, args, { ...options, timeout }),
          options?.timeout
        )
    })

  readonly readResource: McpHostShape["readResource"] = (uri, options) =>
    Effect.flatMap(this.#snapshot, (snapshot) => {
      const owner = options?.server ?? Catalog.resourceOwner(snapshot, uri)
      const server = owner === undefined ? undefined : this.#servers.get(owner)
      return server === undefined
        ? Effect.fail(new ResourceNotFound({ uri }))
        : server.run(
          "resources/read",
          (session, timeout) => session.readResource(uri, { ...options, timeout }),
          options?.timeout
        )
    })

  readonly complete: McpHostShape["complete"] = (ref, argument, options) =>
    Effect.flatMap(this.#snapshot, (snapshot): ReturnType<McpHostShape["complete"]> => {
      if (ref.type === "ref/prompt") {
        const entry = snapshot.promptNames.entries.get(ref.name)
        const server = entry === undefined ? undefined : this.#servers.get(entry.server)
        if (entry === undefined || server === undefined) return Effect.fail(new PromptNotFound({ name: ref.name }))
        return server.run(
          "completion/complete",
          (session, timeout) =>
            session.complete({ type: "ref/prompt", name: entry.name }, argument, { ...options, timeout }),
          options?.timeout
        )
      }
      const owner = options?.server ?? Catalog.resourceOwner(snapshot, ref.uri)
      const server = owner === undefined ? undefined : this.#servers.get(owner)
      if (server === undefined) return Effect.fail(new ResourceNotFound({ uri: ref.uri }))
      return server.run(
        "completion/complete",
        (session, timeout) => session.complete(ref, argument, { ...options, timeout }),
        options?.timeout
      )
    })

  get notifications() {
    return Stream.mergeAll(
      [...this.#servers.values()].map((server) =>
        server.client.notifications.pipe(Stream.map((notification) => ({ server: server.name, notification })))
      ),
      { concurrency: "unbounded" }
    )
  }
}
