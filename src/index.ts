/**
 * effect-mcp-client: a Model Context Protocol client for Effect.
 *
 * Import the modules as namespaces: `McpClient.layer`, `MemoryTransport.layerServer`,
 * `McpError.ToolNotFound`, `Mcp.Tool`.
 *
 * @since 0.1.0
 */

/** The session service and its layer. @since 0.1.0 */
export * as McpClient from "./McpClient.ts"
/** Typed failures. @since 0.1.0 */
export * as McpError from "./McpError.ts"
/** The MCP types, as schemas. @since 0.1.0 */
export * as Mcp from "./protocol/Mcp.ts"
/** JSON-RPC 2.0 envelopes. @since 0.1.0 */
export * as JsonRpc from "./protocol/JsonRpc.ts"
/** Protocol revisions. @since 0.1.0 */
export * as ProtocolVersion from "./protocol/ProtocolVersion.ts"
/** The headers 2026-07-28 mirrors on HTTP. @since 0.1.0 */
export * as HttpHeaders from "./protocol/HttpHeaders.ts"
/** JSON Schema validation of server-sent schemas. @since 0.1.0 */
export * as JsonSchema from "./protocol/JsonSchema.ts"
/** Payload validation. @since 0.1.0 */
export * as Validate from "./protocol/Validate.ts"
/** Calls with progress as streams. @since 0.1.0 */
export * as Progress from "./client/Progress.ts"
/** The skills extension (SEP-2640): listing and verified, lazy reads. @since 0.1.0 */
export * as Skills from "./client/Skills.ts"
/** The session engine. @since 0.1.0 */
export * as Engine from "./session/Engine.ts"
/** The transport service. @since 0.1.0 */
export * as Transport from "./transport/Transport.ts"
/** Child-process transport (stdio). @since 0.1.0 */
export * as StdioTransport from "./transport/StdioTransport.ts"
/** Newline-delimited JSON framing. @since 0.1.0 */
export * as Framing from "./transport/stdio/Framing.ts"
/** Streamable HTTP (and the 2024-11-05 HTTP+SSE fallback). @since 0.1.0 */
export * as HttpTransport from "./transport/HttpTransport.ts"
/** Server-sent events parsing. @since 0.1.0 */
export * as SseParser from "./transport/http/SseParser.ts"
/** One undici dispatcher shared by the HTTP sessions of the process. @since 0.1.0 */
export * as SharedDispatcher from "./transport/http/SharedDispatcher.ts"
/** In-process transports. @since 0.1.0 */
export * as MemoryTransport from "./transport/MemoryTransport.ts"
/** The sampling handler service. @since 0.1.0 */
export * as Sampling from "./handlers/Sampling.ts"
/** The elicitation handler service. @since 0.1.0 */
export * as Elicitation from "./handlers/Elicitation.ts"
/** The roots service. @since 0.1.0 */
export * as Roots from "./handlers/Roots.ts"
/** The failure of a handler. @since 0.1.0 */
export * as HandlerError from "./handlers/HandlerError.ts"
/** A cache of results the server marks reusable. @since 0.1.0 */
export * as ResultCache from "./session/ResultCache.ts"
/** Generators of MCP values for property tests. @since 0.1.0 */
export * as Arbitraries from "./testing/Arbitraries.ts"
/** Authorization by a JWT assertion: workload identity, enterprise-managed. @since 0.1.0 */
export * as AssertionGrant from "./auth/AssertionGrant.ts"
/** DPoP proof-of-possession keys and proofs (RFC 9449). @since 0.1.0 */
export * as Dpop from "./auth/Dpop.ts"
/** OAuth 2.1 authorization for HTTP servers. @since 0.1.0 */
export * as OAuthClient from "./auth/OAuthClient.ts"
/** Where an authorization client keeps its tokens. @since 0.1.0 */
export * as TokenStore from "./auth/TokenStore.ts"
/** The user's side of authorization: loopback redirect or headless. @since 0.1.0 */
export * as UserAgents from "./auth/UserAgents.ts"
