/**
 * Which protocol era and revision a session speaks, decided with the server.
 *
 * A client that may speak either era probes with `server/discover` first
 * (2026-07-28). A discovery result, or one of the errors only a 2026-07-28
 * server sends (`-32022`, `-32021`, `-32020`), proves the server speaks the
 * new era; anything else (another error, or no answer in time) means an
 * older server, which is then opened with `initialize`. The fallback never
 * depends on one particular error code, since older servers answer unknown
 * methods in their own ways.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { ConnectError, McpServerError } from "../McpError.ts"
import { UnsupportedProtocolVersion } from "../McpError.ts"
import * as HttpHeaders from "../protocol/HttpHeaders.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Mcp from "../protocol/Mcp.ts"
import * as ProtocolVersion from "../protocol/ProtocolVersion.ts"
import { validator } from "../protocol/Validate.ts"
import type { Engine } from "./Engine.ts"
import * as EraMemo from "./EraMemo.ts"

/**
 * Which eras a session may speak: `"auto"` probes and picks the newest the
 * server offers.
 *
 * @category models
 * @since 0.1.0
 */
export type Era = "auto" | "legacy" | "modern"

/**
 * The outcome of negotiation.
 *
 * @category models
 * @since 0.1.0
 */
export interface Negotiated {
  readonly era: "legacy" | "modern"
  readonly protocolVersion: ProtocolVersion.Version
  readonly serverInfo: Mcp.Implementation
  readonly capabilities: Mcp.ServerCapabilities
  readonly instructions: string | undefined
}

/**
 * What negotiation needs to know about the client.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly era: Era
  /** A pinned revision; its era wins over `era`. */
  readonly protocolVersion: ProtocolVersion.Version | undefined
  readonly clientInfo: (version: string) => Mcp.Implementation
  readonly capabilities: (version: string) => Mcp.ClientCapabilities
  readonly discoverTimeout: Duration.Input | undefined
  readonly initializeTimeout: Duration.Input | undefined
  /** Whether requests travel on exchanges of their own (HTTP), where closing the stream cancels. */
  readonly exchanges: boolean
  /** The key under which `"auto"` remembers the server's era (`EraMemo`), if it does. */
  readonly memo?: string | undefined
}

const validateDiscover = validator(Mcp.DiscoverResult)
const validateInitialize = validator(Mcp.InitializeResult)

/**
 * The `_meta` every 2026-07-28 request carries.
 *
 * @category constructors
 * @since 0.1.0
 */
export const modernMeta = (settings: Settings, version: string, logLevel?: Mcp.LoggingLevel): JsonRpc.JsonObject => ({
  [Mcp.MetaKey.protocolVersion]: version,
  [Mcp.MetaKey.clientCapabilities]: settings.capabilities(version),
  [Mcp.MetaKey.clientInfo]: settings.clientInfo(version),
  ...(logLevel === undefined ? {} : { [Mcp.MetaKey.logLevel]: logLevel })
})

/**
 * The versions a `-32022` error says the server supports (its
 * `data.supported`), strings only.
 *
 * @example
 * ```ts
 * import { McpServerError } from "../McpError.ts"
 * import { supportedOf } from "./Negotiation.ts"
 *
 * const error = new McpServerError({
 *   method: "tools/list",
 *   code: -32022,
 *   description: "Unsupported protocol version",
 *   data: { supported: ["2026-07-28", 7] }
 * })
 * supportedOf(error)
 * // ["2026-07-28"]
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const supportedOf = (error: McpServerError): ReadonlyArray<string> => {
  const data = error.data as { readonly supported?: unknown } | undefined
  return Array.isArray(data?.supported) ? data.supported.filter((v): v is string => typeof v === "string") : []
}

/**
 * The version to retry with after a `-32022`: the newest of `ours` that the
 * server offers and that was not tried yet; failing that, one the server
 * lists as supported though it refused it, a second time (such a refusal
 * contradicts the server's own list, and may be transient), never a third.
 * `undefined` when there is none: retries are bounded by twice the versions
 * the client speaks.
 *
 * @example
 * ```ts
 * import { retryVersion } from "./Negotiation.ts"
 *
 * retryVersion(["2026-07-28", "2027-01-01"], ["2026-07-28"], ["2027-01-01", "2026-07-28"]) // "2027-01-01"
 * retryVersion(["2026-07-28"], ["2026-07-28"]) // "2026-07-28": listed as supported, tried once
 * retryVersion(["2026-07-28"], ["2026-07-28", "2026-07-28"]) // undefined
 * retryVersion(["2027-01-01"], ["2026-07-28"]) // undefined: nothing in common
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const retryVersion = <V extends string = ProtocolVersion.ModernVersion>(
  offered: ReadonlyArray<string>,
  tried: ReadonlyArray<string>,
  ours: ReadonlyArray<V> = ProtocolVersion.modernVersions as unknown as ReadonlyArray<V>
): V | undefined => {
  const times = (v: string) => tried.reduce((n, t) => t === v ? n + 1 : n, 0)
  const common = ours.filter((v) => offered.includes(v))
  return common.find((v) => times(v) === 0) ?? common.find((v) => times(v) === 1)
}

/** How a probe showed an older server: by its answer, or by its silence (weaker: a slow server is silent too). */
interface OlderServer {
  readonly _tag: "OlderServer"
  readonly answered: boolean
}
const answered: OlderServer = { _tag: "OlderServer", answered: true }
const silent: OlderServer = { _tag: "OlderServer", answered: false }

/**
 * Probes with `server/discover` at `version`. Succeeds with the negotiated
 * session, fails with the proof of a 2026-07-28 server that cannot be
 * spoken to, or with `OlderServer` when the server is not a 2026-07-28 one.
 */
const discover = (
  engine: Engine,
  settings: Settings,
  version: ProtocolVersion.ModernVersion,
  tried: ReadonlyArray<string>
): Effect.Effect<Negotiated, ConnectError | OlderServer> => {
  engine.configure({
    requestMeta: modernMeta(settings, version),
    notifyCancellation: !settings.exchanges,
    headers: settings.exchanges
      ? (method, params) => ({ "MCP-Protocol-Version": version, ...HttpHeaders.forRequest(method, params) })
      : undefined
  })
  return engine.request("server/discover", {}, validateDiscover, {
    timeout: settings.discoverTimeout,
    // An older server may be in no state to hear a cancellation before `initialize`.
    cancellable: false
  }).pipe(
    Effect.matchEffect({
      onSuccess: (result): Effect.Effect<Negotiated, ConnectError | OlderServer> => {
        const common = ProtocolVersion.modernVersions.find((v) => result.supportedVersions.includes(v))
        if (common === undefined) {
          // A server that only offers older revisions through discovery is opened with initialize.
          return Effect.fail(answered)
        }
        if (common !== version) {
          // Asked again at the version the server listed, once per version.
          if (tried.includes(common)) return Effect.fail(answered)
          return discover(engine, settings, common, [...tried, version])
        }
        const serverInfo = result._meta?.[Mcp.MetaKey.serverInfo] as Mcp.Implementation | undefined
        return Effect.succeed({
          era: "modern",
          protocolVersion: version,
          serverInfo: serverInfo ?? { name: "unknown", version: "unknown" },
          capabilities: result.capabilities,
          instructions: result.instructions
        })
      },
      onFailure: (error): Effect.Effect<Negotiated, ConnectError | OlderServer> => {
        // Only a 2026-07-28 server sends these: it speaks the era, but not this request.
        if (error._tag === "MissingClientCapability" || error._tag === "HeaderMismatch") return Effect.fail(error)
        if (error._tag !== "McpServerError" || error.code !== JsonRpc.ErrorCode.UnsupportedProtocolVersion) {
          // No answer in time, or an answer only an older server gives.
          return error._tag === "McpServerError" || error._tag === "ProtocolError"
            ? Effect.fail(answered)
            : error._tag === "RequestTimeout"
            ? Effect.fail(silent)
            : Effect.fail(error)
        }
        // "The client SHOULD pick a version from supported that it also speaks and retry the request":
        // one both sides speak, not tried yet first (see retryVersion), so retries are bounded.
        const offered = supportedOf(error)
        const next = retryVersion(offered, [...tried, version])
        if (next !== undefined) return discover(engine, settings, next, [...tried, version])
        return Effect.fail(
          new UnsupportedProtocolVersion({
            requested: version,
            received: offered.join(", "),
            supported: [...ProtocolVersion.modernVersions, ...ProtocolVersion.legacyVersions]
          })
        )
      }
    })
  )
}

/**
 * Opens a stateful session: `initialize`, then `notifications/initialized`.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle)
 */
const initialize = Effect.fnUntraced(function*(
  engine: Engine,
  settings: Settings,
  offered: ProtocolVersion.LegacyVersion
) {
  engine.configure({})
  // "The client MUST initiate this phase by sending an initialize request"
  const init = yield* engine.request(
    "initialize",
    {
      protocolVersion: offered,
      capabilities: settings.capabilities(offered),
      clientInfo: settings.clientInfo(offered)
    },
    validateInitialize,
    // "The client MUST NOT cancel its initialize request"
    { cancellable: false, timeout: settings.initializeTimeout }
  )
  // "If the client does not support the version in the server's response, it SHOULD disconnect."
  if (!ProtocolVersion.isLegacyVersion(init.protocolVersion)) {
    return yield* new UnsupportedProtocolVersion({
      requested: offered,
      received: init.protocolVersion,
      supported: ProtocolVersion.legacyVersions
    })
  }
  // "After successful initialization, the client MUST send an initialized notification"
  yield* engine.notify("notifications/initialized")
  return {
    era: "legacy",
    protocolVersion: init.protocolVersion,
    serverInfo: init.serverInfo,
    capabilities: init.capabilities,
    instructions: init.instructions
  } satisfies Negotiated as Negotiated
})

/**
 * Decides the era and revision with the server.
 *
 * @category constructors
 * @since 0.1.0
 */
export const negotiate = (engine: Engine, settings: Settings): Effect.Effect<Negotiated, ConnectError> => {
  const pinned = settings.protocolVersion
  const era: Era = pinned === undefined
    ? settings.era
    : ProtocolVersion.isModernVersion(pinned)
    ? "modern"
    : "legacy"
  const legacyVersion = pinned !== undefined && ProtocolVersion.isLegacyVersion(pinned)
    ? pinned
    : ProtocolVersion.latestLegacy
  if (era === "legacy") return initialize(engine, settings, legacyVersion)
  const modernVersion = pinned !== undefined && ProtocolVersion.isModernVersion(pinned)
    ? pinned
    : ProtocolVersion.latestModern
  const key = era === "auto" ? settings.memo : undefined
  // Suspended: the probe configures the engine for its era when it runs, not when it is built.
  const probed = Effect.suspend(() => discover(engine, settings, modernVersion, [])).pipe(
    Effect.tap(() => Effect.sync(() => key !== undefined && EraMemo.remember(key, "modern"))),
    Effect.catch((error) => {
      if (error._tag !== "OlderServer") return Effect.fail(error)
      if (era === "modern") {
        return Effect.fail(
          new UnsupportedProtocolVersion({
            requested: modernVersion,
            received: "a revision before 2026-07-28",
            supported: ProtocolVersion.modernVersions
          })
        )
      }
      const opened = initialize(engine, settings, legacyVersion)
      // Only an answer proves an older server: one that was merely silent (it may be slow) is probed next time.
      return key === undefined || !error.answered
        ? opened
        : Effect.tap(opened, () => Effect.sync(() => EraMemo.remember(key, "legacy")))
    })
  )
  if (key === undefined || EraMemo.recall(key) !== "legacy") return probed
  // A server known to be an older one is opened without the probe. If it refuses, it may have been replaced
  // by a 2026-07-28 one: the memo is forgotten and the server probed (authorization failures aside).
  return initialize(engine, settings, legacyVersion).pipe(
    Effect.catch((error) =>
      error._tag === "AuthorizationError"
        ? Effect.fail(error)
        : Effect.andThen(Effect.sync(() => EraMemo.forget(key)), probed)
    )
  )
}
