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
/** Metrics of sessions (off unless enabled). @since 0.1.0 */
export * as Metrics from "./client/Metrics.ts"
/** Calls with progress as streams. @since 0.1.0 */
export * as Progress from "./client/Progress.ts"
/** The skills extension (SEP-2640): listing and verified, lazy reads. @since 0.1.0 */
export * as Skills from "./client/Skills.ts"
/** The session engine. @since 0.1.0 */
export * as Engine from "./session/Engine.ts"
/** W3C Trace Context in MCP messages. @since 0.1.0 */
export * as TraceContext from "./session/TraceContext.ts"
/** The transport service. @since 0.1.0 */
export * as Transport from "./transport/Transport.ts"
/** Child-process transport (stdio). @since 0.1.0 */
export * as StdioTransport from "./transport/StdioTransport.ts"
/** Newline-delimited JSON framing. @since 0.1.0 */
export * as Framing from "./transport/stdio/Framing.ts"
/** Streamable HTTP (and the 2024-11-05 HTTP+SSE fallback). @since 0.1.0 */
export * as HttpTransport from "./transport/HttpTransport.ts"
/** Server-sent events parsing. @since 0.1.0 */
export * as Resumption from "./transport/http/Resumption.ts"
export * as SseParser from "./transport/http/SseParser.ts"
/** One undici dispatcher shared by the HTTP sessions of the process. @since 0.1.0 */
export * as SharedDispatcher from "./transport/http/SharedDispatcher.ts"
/** An opt-in log of every JSON-RPC message, with secrets redacted. @since 0.1.0 */
export * as WireLog from "./transport/WireLog.ts"
/** What counts as a secret in errors and logs, and how it is hidden. @since 0.1.0 */
export * as Redaction from "./transport/Redaction.ts"
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
export * as EraMemo from "./session/EraMemo.ts"
export * as ResultCache from "./session/ResultCache.ts"
/** Generators of MCP values for property tests. @since 0.1.0 */
export * as Arbitraries from "./testing/Arbitraries.ts"
/** Generated server behaviours, played as scripted servers. @since 0.1.0 */
export * as ServerBehaviour from "./testing/ServerBehaviour.ts"
/** Fault injection around any transport, from a seed. @since 0.1.0 */
export * as FaultTransport from "./testing/FaultTransport.ts"
/** Recorded conversations: entries, NDJSON, redaction. @since 0.1.0 */
export * as Recording from "./testing/Recording.ts"
/** Records a session's messages both ways. @since 0.1.0 */
export * as Recorder from "./testing/Recorder.ts"
/** Plays a recording as the server. @since 0.1.0 */
export * as ReplayTransport from "./testing/ReplayTransport.ts"
/** A text format for hand-written conversations. @since 0.1.0 */
export * as Conversation from "./testing/Conversation.ts"
/** Authorization by a JWT assertion: workload identity, enterprise-managed. @since 0.1.0 */
export * as AssertionGrant from "./auth/AssertionGrant.ts"
/** DPoP proof-of-possession keys and proofs (RFC 9449). @since 0.1.0 */
export * as Dpop from "./auth/Dpop.ts"
/** OAuth 2.1 authorization for HTTP servers. @since 0.1.0 */
export * as OAuthClient from "./auth/OAuthClient.ts"
/** Where an authorization client keeps its tokens. @since 0.1.0 */
export * as TokenStore from "./auth/TokenStore.ts"
/** The user's side of authorization: loopback redirect or headless. @since 0.1.0 */
export * as UrlPolicy from "./auth/UrlPolicy.ts"
export * as UserAgents from "./auth/UserAgents.ts"
/** Many servers as one service. @since 0.1.0 */
export * as McpHost from "./host/McpHost.ts"
/** Host configuration: `mcpServers` and VS Code `servers`. @since 0.1.0 */
export * as HostConfig from "./host/HostConfig.ts"
/** The host's failures. @since 0.1.0 */
export * as HostError from "./host/HostError.ts"
/** Answers to configuration inputs, and the environment `${VAR}` reads. @since 0.1.0 */
export * as HostInputs from "./host/HostInputs.ts"
/** `${VAR}`, `${VAR:-default}`, `${env:VAR}` and `${input:id}` expansion. @since 0.1.0 */
export * as Expansion from "./host/Expansion.ts"
/** One configured server, expanded and ready to start. @since 0.1.0 */
export * as Launch from "./host/Launch.ts"
/** JSON with comments, with positions. @since 0.1.0 */
export * as Jsonc from "./host/Jsonc.ts"
/** Reversible, collision-free qualified names. @since 0.1.0 */
export * as QualifiedName from "./host/QualifiedName.ts"
/** One server's session, supervised. @since 0.1.0 */
export * as Supervisor from "./host/Supervisor.ts"
/** A supervised server's requests, under its limits. @since 0.1.0 */
export * as ServerClient from "./host/ServerClient.ts"
/** The host's catalog of tools, prompts and resources. @since 0.1.0 */
export * as Catalog from "./host/Catalog.ts"

/** Tool calls as tasks: following, cancelling, resuming by id, listing. @since 0.2.0 */
export * as Tasks from "./tasks/Tasks.ts"
/** The 2025-11-25 task types. @since 0.2.0 */
export * as TaskSchema from "./tasks/TaskSchema.ts"
/** How often a task is polled. @since 0.2.0 */
export * as PollSchedule from "./tasks/PollSchedule.ts"
/** Where the client keeps the tasks it runs for a server. @since 0.2.0 */
export * as TaskStore from "./tasks/TaskStore.ts"
/** The client as a task receiver. @since 0.2.0 */
export * as TaskReceiver from "./tasks/TaskReceiver.ts"
/** The 2026-07-28 Tasks extension behind the same task events. @since 0.2.0 */
export * as TasksExtension from "./tasks/TasksExtension.ts"
