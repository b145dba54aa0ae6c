/**
 * The MCP types a client sends and receives, as `effect/Schema` values.
 *
 * The model follows revision 2025-11-25 and is a superset of 2025-06-18,
 * 2025-03-26 and 2024-11-05: fields a revision added are optional, and the
 * comment on each field says when it appeared. Decoding is liberal: values
 * are validated, never rebuilt, so fields this model does not know (from a
 * newer revision or an extension) stay on the object exactly as the server
 * sent them. Unknown content block types are kept as `UnknownContent`.
 *
 * Each schema has a type of the same name: `Mcp.Tool` is both the schema and
 * the decoded shape.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// Building blocks
// -----------------------------------------------------------------------------

const optional = Schema.optionalKey

/**
 * Free-form metadata (`_meta`) carried by most messages.
 *
 * @category models
 * @since 0.1.0
 */
export const Meta = Schema.Record(Schema.String, Schema.Unknown)
/** @category models @since 0.1.0 */
export type Meta = typeof Meta.Type

/**
 * A JSON object with arbitrary members (tool arguments, JSON Schemas,
 * capability settings).
 *
 * @category models
 * @since 0.1.0
 */
export const JsonObject = Schema.Record(Schema.String, Schema.Unknown)
/** @category models @since 0.1.0 */
export type JsonObject = typeof JsonObject.Type

/**
 * A progress token: a string or a number, unique among active requests.
 *
 * @category models
 * @since 0.1.0
 */
export const ProgressToken = Schema.Union([Schema.String, Schema.Finite])
/** @category models @since 0.1.0 */
export type ProgressToken = typeof ProgressToken.Type

/**
 * An opaque pagination cursor.
 *
 * @category models
 * @since 0.1.0
 */
export const Cursor = Schema.String
/** @category models @since 0.1.0 */
export type Cursor = typeof Cursor.Type

/**
 * Who a message or content block is for.
 *
 * @category models
 * @since 0.1.0
 */
export const Role = Schema.Literals(["user", "assistant"])
/** @category models @since 0.1.0 */
export type Role = typeof Role.Type

/**
 * An icon for a server, tool, resource or prompt (2025-11-25).
 *
 * @category models
 * @since 0.1.0
 */
export const Icon = Schema.Struct({
  src: Schema.String,
  mimeType: optional(Schema.String),
  sizes: optional(Schema.Array(Schema.String)),
  theme: optional(Schema.Literals(["light", "dark"]))
})
/** @category models @since 0.1.0 */
export interface Icon extends Schema.Schema.Type<typeof Icon> {}

/**
 * The name and version of a client or server implementation. `title`
 * appeared in 2025-06-18; `description`, `icons` and `websiteUrl` in
 * 2025-11-25.
 *
 * @category models
 * @since 0.1.0
 */
export const Implementation = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  websiteUrl: optional(Schema.String),
  icons: optional(Schema.Array(Icon))
})
/** @category models @since 0.1.0 */
export interface Implementation extends Schema.Schema.Type<typeof Implementation> {}

/**
 * Hints about how a client should use a content block or resource.
 *
 * @category models
 * @since 0.1.0
 */
export const Annotations = Schema.Struct({
  audience: optional(Schema.Array(Role)),
  priority: optional(Schema.Finite),
  lastModified: optional(Schema.String)
})
/** @category models @since 0.1.0 */
export interface Annotations extends Schema.Schema.Type<typeof Annotations> {}

// -----------------------------------------------------------------------------
// Capabilities
// -----------------------------------------------------------------------------

const Settings = Schema.Record(Schema.String, Schema.Unknown)

const ListChanged = Schema.Struct({ listChanged: optional(Schema.Boolean) })

/**
 * What a client offers the server. Declare only what you serve: the server
 * will send the matching requests.
 *
 * @category models
 * @since 0.1.0
 */
export const ClientCapabilities = Schema.Struct({
  experimental: optional(Schema.Record(Schema.String, Settings)),
  roots: optional(ListChanged),
  sampling: optional(Schema.Struct({ context: optional(Settings), tools: optional(Settings) })),
  elicitation: optional(Schema.Struct({ form: optional(Settings), url: optional(Settings) })),
  tasks: optional(Settings),
  /** 2026-07-28: the extensions supported, by id, with their settings. */
  extensions: optional(Schema.Record(Schema.String, Settings))
})
/** @category models @since 0.1.0 */
export interface ClientCapabilities extends Schema.Schema.Type<typeof ClientCapabilities> {}

/**
 * What a server offers. A client calls only what the server declared.
 *
 * @category models
 * @since 0.1.0
 */
export const ServerCapabilities = Schema.Struct({
  experimental: optional(Schema.Record(Schema.String, Settings)),
  logging: optional(Settings),
  completions: optional(Settings),
  prompts: optional(ListChanged),
  resources: optional(Schema.Struct({ subscribe: optional(Schema.Boolean), listChanged: optional(Schema.Boolean) })),
  tools: optional(ListChanged),
  tasks: optional(Settings),
  /** 2026-07-28: the extensions supported, by id, with their settings. */
  extensions: optional(Schema.Record(Schema.String, Settings))
})
/** @category models @since 0.1.0 */
export interface ServerCapabilities extends Schema.Schema.Type<typeof ServerCapabilities> {}

// -----------------------------------------------------------------------------
// Lifecycle
// -----------------------------------------------------------------------------

/**
 * The parameters of `initialize`.
 *
 * @category models
 * @since 0.1.0
 */
export const InitializeParams = Schema.Struct({
  protocolVersion: Schema.String,
  capabilities: ClientCapabilities,
  clientInfo: Implementation
})
/** @category models @since 0.1.0 */
export interface InitializeParams extends Schema.Schema.Type<typeof InitializeParams> {}

/**
 * The server's answer to `initialize`.
 *
 * @category models
 * @since 0.1.0
 */
export const InitializeResult = Schema.Struct({
  _meta: optional(Meta),
  protocolVersion: Schema.String,
  capabilities: ServerCapabilities,
  serverInfo: Implementation,
  instructions: optional(Schema.String)
})
/** @category models @since 0.1.0 */
export interface InitializeResult extends Schema.Schema.Type<typeof InitializeResult> {}

/**
 * A result with no members (`ping`, `logging/setLevel`, subscriptions).
 *
 * @category models
 * @since 0.1.0
 */
export const EmptyResult = Schema.Struct({ _meta: optional(Meta) })
/** @category models @since 0.1.0 */
export interface EmptyResult extends Schema.Schema.Type<typeof EmptyResult> {}

// -----------------------------------------------------------------------------
// Content
// -----------------------------------------------------------------------------

/**
 * The contents of a text resource.
 *
 * @category models
 * @since 0.1.0
 */
export const TextResourceContents = Schema.Struct({
  _meta: optional(Meta),
  uri: Schema.String,
  mimeType: optional(Schema.String),
  text: Schema.String
})
/** @category models @since 0.1.0 */
export interface TextResourceContents extends Schema.Schema.Type<typeof TextResourceContents> {}

/**
 * The contents of a binary resource (`blob` is base64).
 *
 * @category models
 * @since 0.1.0
 */
export const BlobResourceContents = Schema.Struct({
  _meta: optional(Meta),
  uri: Schema.String,
  mimeType: optional(Schema.String),
  blob: Schema.String
})
/** @category models @since 0.1.0 */
export interface BlobResourceContents extends Schema.Schema.Type<typeof BlobResourceContents> {}

/**
 * Text or binary resource contents.
 *
 * @category models
 * @since 0.1.0
 */
export const ResourceContents = Schema.Union([TextResourceContents, BlobResourceContents])
/** @category models @since 0.1.0 */
export type ResourceContents = typeof ResourceContents.Type

/**
 * A text content block.
 *
 * @category models
 * @since 0.1.0
 */
export const TextContent = Schema.Struct({
  type: Schema.Literal("text"),
  text: Schema.String,
  annotations: optional(Annotations),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface TextContent extends Schema.Schema.Type<typeof TextContent> {}

/**
 * An image content block (`data` is base64).
 *
 * @category models
 * @since 0.1.0
 */
export const ImageContent = Schema.Struct({
  type: Schema.Literal("image"),
  data: Schema.String,
  mimeType: Schema.String,
  annotations: optional(Annotations),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface ImageContent extends Schema.Schema.Type<typeof ImageContent> {}

/**
 * An audio content block (2025-03-26; `data` is base64).
 *
 * @category models
 * @since 0.1.0
 */
export const AudioContent = Schema.Struct({
  type: Schema.Literal("audio"),
  data: Schema.String,
  mimeType: Schema.String,
  annotations: optional(Annotations),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface AudioContent extends Schema.Schema.Type<typeof AudioContent> {}

/**
 * A link to a resource (2025-06-18). The resource need not be listed.
 *
 * @category models
 * @since 0.1.0
 */
export const ResourceLink = Schema.Struct({
  type: Schema.Literal("resource_link"),
  uri: Schema.String,
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  mimeType: optional(Schema.String),
  size: optional(Schema.Finite),
  icons: optional(Schema.Array(Icon)),
  annotations: optional(Annotations),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface ResourceLink extends Schema.Schema.Type<typeof ResourceLink> {}

/**
 * A resource embedded in a result.
 *
 * @category models
 * @since 0.1.0
 */
export const EmbeddedResource = Schema.Struct({
  type: Schema.Literal("resource"),
  resource: ResourceContents,
  annotations: optional(Annotations),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface EmbeddedResource extends Schema.Schema.Type<typeof EmbeddedResource> {}

const knownContentTypes: ReadonlySet<string> = new Set(["text", "image", "audio", "resource_link", "resource"])

/**
 * A content block of a type this model does not know (from a newer revision
 * or an extension). It is kept as sent.
 *
 * @category models
 * @since 0.1.0
 */
export const UnknownContent = Schema.Struct({
  type: Schema.String.check(
    Schema.makeFilter((type: string) => !knownContentTypes.has(type) || `'${type}' is a known content type`)
  )
})
/** @category models @since 0.1.0 */
export interface UnknownContent extends Schema.Schema.Type<typeof UnknownContent> {}

/**
 * Any content block of a tool result or prompt message.
 *
 * @category models
 * @since 0.1.0
 */
export const ContentBlock = Schema.Union([
  TextContent,
  ImageContent,
  AudioContent,
  ResourceLink,
  EmbeddedResource,
  UnknownContent
])
/** @category models @since 0.1.0 */
export type ContentBlock = typeof ContentBlock.Type

/**
 * Guards that narrow content blocks (`isText`, `isImage`, `isAudio`,
 * `isResourceLink`, `isEmbeddedResource`, `isTextResource`) and `textOf`,
 * the text of a result. See `Content.ts`.
 *
 * @since 0.1.0
 */
export {
  isAudio,
  isEmbeddedResource,
  isImage,
  isResourceLink,
  isText,
  isTextResource,
  textOf,
  type TextSource
} from "./Content.ts"

// -----------------------------------------------------------------------------
// Tools
// -----------------------------------------------------------------------------

/**
 * Hints about a tool's behaviour (2025-03-26). Untrusted unless the server
 * is trusted.
 *
 * @category models
 * @since 0.1.0
 */
export const ToolAnnotations = Schema.Struct({
  title: optional(Schema.String),
  readOnlyHint: optional(Schema.Boolean),
  destructiveHint: optional(Schema.Boolean),
  idempotentHint: optional(Schema.Boolean),
  openWorldHint: optional(Schema.Boolean)
})
/** @category models @since 0.1.0 */
export interface ToolAnnotations extends Schema.Schema.Type<typeof ToolAnnotations> {}

/**
 * A tool the server offers. `inputSchema` and `outputSchema` are JSON
 * Schemas, kept exactly as sent.
 *
 * @category models
 * @since 0.1.0
 */
export const Tool = Schema.Struct({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  inputSchema: JsonObject,
  outputSchema: optional(JsonObject),
  annotations: optional(ToolAnnotations),
  execution: optional(Settings),
  icons: optional(Schema.Array(Icon)),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface Tool extends Schema.Schema.Type<typeof Tool> {}

/**
 * One page of `tools/list`.
 *
 * @category models
 * @since 0.1.0
 */
export const ListToolsResult = Schema.Struct({
  _meta: optional(Meta),
  tools: Schema.Array(Tool),
  nextCursor: optional(Cursor)
})
/** @category models @since 0.1.0 */
export interface ListToolsResult extends Schema.Schema.Type<typeof ListToolsResult> {}

/**
 * The result of `tools/call`. `isError: true` means the tool ran and failed;
 * the content explains why, for the model to read.
 *
 * @category models
 * @since 0.1.0
 */
export const CallToolResult = Schema.Struct({
  _meta: optional(Meta),
  content: Schema.Array(ContentBlock),
  structuredContent: optional(Schema.Unknown),
  isError: optional(Schema.Boolean)
})
/** @category models @since 0.1.0 */
export interface CallToolResult extends Schema.Schema.Type<typeof CallToolResult> {}

/**
 * Whether a value is a `tools/call` result in its most common shape: text
 * blocks without annotations or `_meta`, and perhaps `isError` and
 * `structuredContent`. Every such value is a valid `CallToolResult`; this
 * recognizes it without running the schema (see
 * `Validate.validatorWithFastPath`).
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * Mcp.isTextCallToolResult({ content: [{ type: "text", text: "8" }] }) // => true
 * Mcp.isTextCallToolResult({ content: [{ type: "image", data: "", mimeType: "image/png" }] }) // => false (the schema decides)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isTextCallToolResult = (input: unknown): boolean => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false
  const result = input as { readonly [key: string]: unknown }
  if ("_meta" in result || ("isError" in result && typeof result.isError !== "boolean")) return false
  const content = result.content
  if (!Array.isArray(content)) return false
  for (const block of content) {
    if (typeof block !== "object" || block === null || Array.isArray(block)) return false
    const text = block as { readonly [key: string]: unknown }
    if (text.type !== "text" || typeof text.text !== "string" || "annotations" in text || "_meta" in text) return false
  }
  return true
}

// -----------------------------------------------------------------------------
// Resources
// -----------------------------------------------------------------------------

/**
 * A resource the server offers.
 *
 * @category models
 * @since 0.1.0
 */
export const Resource = Schema.Struct({
  uri: Schema.String,
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  mimeType: optional(Schema.String),
  size: optional(Schema.Finite),
  annotations: optional(Annotations),
  icons: optional(Schema.Array(Icon)),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface Resource extends Schema.Schema.Type<typeof Resource> {}

/**
 * A family of resources named by an RFC 6570 URI template.
 *
 * @category models
 * @since 0.1.0
 */
export const ResourceTemplate = Schema.Struct({
  uriTemplate: Schema.String,
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  mimeType: optional(Schema.String),
  annotations: optional(Annotations),
  icons: optional(Schema.Array(Icon)),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface ResourceTemplate extends Schema.Schema.Type<typeof ResourceTemplate> {}

/**
 * One page of `resources/list`.
 *
 * @category models
 * @since 0.1.0
 */
export const ListResourcesResult = Schema.Struct({
  _meta: optional(Meta),
  resources: Schema.Array(Resource),
  nextCursor: optional(Cursor)
})
/** @category models @since 0.1.0 */
export interface ListResourcesResult extends Schema.Schema.Type<typeof ListResourcesResult> {}

/**
 * One page of `resources/templates/list`.
 *
 * @category models
 * @since 0.1.0
 */
export const ListResourceTemplatesResult = Schema.Struct({
  _meta: optional(Meta),
  resourceTemplates: Schema.Array(ResourceTemplate),
  nextCursor: optional(Cursor)
})
/** @category models @since 0.1.0 */
export interface ListResourceTemplatesResult extends Schema.Schema.Type<typeof ListResourceTemplatesResult> {}

/**
 * The result of `resources/read`.
 *
 * @category models
 * @since 0.1.0
 */
export const ReadResourceResult = Schema.Struct({
  _meta: optional(Meta),
  contents: Schema.Array(ResourceContents)
})
/** @category models @since 0.1.0 */
export interface ReadResourceResult extends Schema.Schema.Type<typeof ReadResourceResult> {}

// -----------------------------------------------------------------------------
// Prompts
// -----------------------------------------------------------------------------

/**
 * An argument a prompt accepts.
 *
 * @category models
 * @since 0.1.0
 */
export const PromptArgument = Schema.Struct({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  required: optional(Schema.Boolean)
})
/** @category models @since 0.1.0 */
export interface PromptArgument extends Schema.Schema.Type<typeof PromptArgument> {}

/**
 * A prompt template the server offers.
 *
 * @category models
 * @since 0.1.0
 */
export const Prompt = Schema.Struct({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  arguments: optional(Schema.Array(PromptArgument)),
  icons: optional(Schema.Array(Icon)),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface Prompt extends Schema.Schema.Type<typeof Prompt> {}

/**
 * One page of `prompts/list`.
 *
 * @category models
 * @since 0.1.0
 */
export const ListPromptsResult = Schema.Struct({
  _meta: optional(Meta),
  prompts: Schema.Array(Prompt),
  nextCursor: optional(Cursor)
})
/** @category models @since 0.1.0 */
export interface ListPromptsResult extends Schema.Schema.Type<typeof ListPromptsResult> {}

/**
 * One message of a rendered prompt.
 *
 * @category models
 * @since 0.1.0
 */
export const PromptMessage = Schema.Struct({
  role: Role,
  content: ContentBlock
})
/** @category models @since 0.1.0 */
export interface PromptMessage extends Schema.Schema.Type<typeof PromptMessage> {}

/**
 * The result of `prompts/get`.
 *
 * @category models
 * @since 0.1.0
 */
export const GetPromptResult = Schema.Struct({
  _meta: optional(Meta),
  description: optional(Schema.String),
  messages: Schema.Array(PromptMessage)
})
/** @category models @since 0.1.0 */
export interface GetPromptResult extends Schema.Schema.Type<typeof GetPromptResult> {}

// -----------------------------------------------------------------------------
// Completion
// -----------------------------------------------------------------------------

/**
 * What `completion/complete` completes: a prompt's argument or a resource
 * template's variable.
 *
 * @category models
 * @since 0.1.0
 */
export type CompletionReference =
  | { readonly type: "ref/prompt"; readonly name: string }
  | { readonly type: "ref/resource"; readonly uri: string }

/**
 * The result of `completion/complete`.
 *
 * @category models
 * @since 0.1.0
 */
export const CompleteResult = Schema.Struct({
  _meta: optional(Meta),
  completion: Schema.Struct({
    values: Schema.Array(Schema.String),
    total: optional(Schema.Finite),
    hasMore: optional(Schema.Boolean)
  })
})
/** @category models @since 0.1.0 */
export interface CompleteResult extends Schema.Schema.Type<typeof CompleteResult> {}

// -----------------------------------------------------------------------------
// Logging and notifications
// -----------------------------------------------------------------------------

/**
 * Log severities, as in syslog (RFC 5424).
 *
 * @category models
 * @since 0.1.0
 */
export const LoggingLevel = Schema.Literals([
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency"
])
/** @category models @since 0.1.0 */
export type LoggingLevel = typeof LoggingLevel.Type

/**
 * `notifications/progress` parameters. `message` appeared in 2025-03-26.
 *
 * @category models
 * @since 0.1.0
 */
export const ProgressNotificationParams = Schema.Struct({
  _meta: optional(Meta),
  progressToken: ProgressToken,
  progress: Schema.Finite,
  total: optional(Schema.Finite),
  message: optional(Schema.String)
})
/** @category models @since 0.1.0 */
export interface ProgressNotificationParams extends Schema.Schema.Type<typeof ProgressNotificationParams> {}

/**
 * `notifications/message` parameters: one log entry from the server.
 *
 * @category models
 * @since 0.1.0
 */
export const LoggingMessageParams = Schema.Struct({
  _meta: optional(Meta),
  level: LoggingLevel,
  logger: optional(Schema.String),
  data: Schema.Unknown
})
/** @category models @since 0.1.0 */
export interface LoggingMessageParams extends Schema.Schema.Type<typeof LoggingMessageParams> {}

/**
 * `notifications/cancelled` parameters.
 *
 * @category models
 * @since 0.1.0
 */
export const CancelledParams = Schema.Struct({
  _meta: optional(Meta),
  requestId: optional(Schema.Union([Schema.String, Schema.Finite])),
  reason: optional(Schema.String)
})
/** @category models @since 0.1.0 */
export interface CancelledParams extends Schema.Schema.Type<typeof CancelledParams> {}

/**
 * `notifications/resources/updated` parameters.
 *
 * @category models
 * @since 0.1.0
 */
export const ResourceUpdatedParams = Schema.Struct({
  _meta: optional(Meta),
  uri: Schema.String
})
/** @category models @since 0.1.0 */
export interface ResourceUpdatedParams extends Schema.Schema.Type<typeof ResourceUpdatedParams> {}

/**
 * A notification from the server, as received: its method and parameters.
 * Parameters of known methods can be checked with the schemas above.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerNotification {
  readonly method: string
  readonly params: { readonly [key: string]: unknown } | undefined
}

// -----------------------------------------------------------------------------
// Server → client requests: sampling, elicitation, roots
// -----------------------------------------------------------------------------

/**
 * A model's request to use a tool, in sampling (2025-11-25).
 *
 * @category models
 * @since 0.1.0
 */
export const ToolUseContent = Schema.Struct({
  type: Schema.Literal("tool_use"),
  id: Schema.String,
  name: Schema.String,
  input: JsonObject,
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface ToolUseContent extends Schema.Schema.Type<typeof ToolUseContent> {}

/**
 * The result of a tool use, in sampling (2025-11-25).
 *
 * @category models
 * @since 0.1.0
 */
export const ToolResultContent = Schema.Struct({
  type: Schema.Literal("tool_result"),
  toolUseId: Schema.String,
  content: Schema.Array(ContentBlock),
  structuredContent: optional(Schema.Unknown),
  isError: optional(Schema.Boolean),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface ToolResultContent extends Schema.Schema.Type<typeof ToolResultContent> {}

/**
 * A content block of a sampling message.
 *
 * @category models
 * @since 0.1.0
 */
export const SamplingContent = Schema.Union([
  TextContent,
  ImageContent,
  AudioContent,
  ToolUseContent,
  ToolResultContent
])
/** @category models @since 0.1.0 */
export type SamplingContent = typeof SamplingContent.Type

/**
 * One message of a sampling conversation: one content block or several.
 *
 * @category models
 * @since 0.1.0
 */
export const SamplingMessage = Schema.Struct({
  role: Role,
  content: Schema.Union([SamplingContent, Schema.Array(SamplingContent)]),
  _meta: optional(Meta)
})
/** @category models @since 0.1.0 */
export interface SamplingMessage extends Schema.Schema.Type<typeof SamplingMessage> {}

/**
 * The server's preferences among models.
 *
 * @category models
 * @since 0.1.0
 */
export const ModelPreferences = Schema.Struct({
  hints: optional(Schema.Array(Schema.Struct({ name: optional(Schema.String) }))),
  costPriority: optional(Schema.Finite),
  speedPriority: optional(Schema.Finite),
  intelligencePriority: optional(Schema.Finite)
})
/** @category models @since 0.1.0 */
export interface ModelPreferences extends Schema.Schema.Type<typeof ModelPreferences> {}

/**
 * `sampling/createMessage` parameters: the server asks the client's model
 * for a completion. `tools` and `toolChoice` appeared in 2025-11-25.
 *
 * @category models
 * @since 0.1.0
 */
export const CreateMessageParams = Schema.Struct({
  _meta: optional(Meta),
  messages: Schema.Array(SamplingMessage),
  maxTokens: Schema.Finite,
  modelPreferences: optional(ModelPreferences),
  systemPrompt: optional(Schema.String),
  includeContext: optional(Schema.Literals(["none", "thisServer", "allServers"])),
  temperature: optional(Schema.Finite),
  stopSequences: optional(Schema.Array(Schema.String)),
  metadata: optional(JsonObject),
  tools: optional(Schema.Array(Tool)),
  toolChoice: optional(Schema.Struct({ mode: optional(Schema.Literals(["auto", "required", "none"])) }))
})
/** @category models @since 0.1.0 */
export interface CreateMessageParams extends Schema.Schema.Type<typeof CreateMessageParams> {}

/**
 * The client's answer to `sampling/createMessage`.
 *
 * @category models
 * @since 0.1.0
 */
export interface CreateMessageResult {
  readonly role: Role
  readonly content: SamplingContent | ReadonlyArray<SamplingContent>
  readonly model: string
  readonly stopReason?: string
  readonly _meta?: Meta
}

/**
 * A form elicitation: the server asks the user for values matching a flat
 * JSON Schema. `mode` is absent before 2025-11-25 and means `"form"`.
 *
 * @category models
 * @since 0.1.0
 */
export const ElicitFormParams = Schema.Struct({
  _meta: optional(Meta),
  mode: optional(Schema.Literal("form")),
  message: Schema.String,
  requestedSchema: JsonObject
})
/** @category models @since 0.1.0 */
export interface ElicitFormParams extends Schema.Schema.Type<typeof ElicitFormParams> {}

/**
 * A URL elicitation (2025-11-25): the server asks the user to visit a URL,
 * out of band of the client and the model.
 *
 * @category models
 * @since 0.1.0
 */
export const ElicitUrlParams = Schema.Struct({
  _meta: optional(Meta),
  mode: Schema.Literal("url"),
  message: Schema.String,
  url: Schema.String,
  elicitationId: Schema.String
})
/** @category models @since 0.1.0 */
export interface ElicitUrlParams extends Schema.Schema.Type<typeof ElicitUrlParams> {}

/**
 * The user's answer to an elicitation.
 *
 * @category models
 * @since 0.1.0
 */
export interface ElicitResult {
  readonly action: "accept" | "decline" | "cancel"
  readonly content?: { readonly [key: string]: string | number | boolean | ReadonlyArray<string> }
  readonly _meta?: Meta
}

/**
 * A root: a `file://` location the client lets the server work in.
 *
 * @category models
 * @since 0.1.0
 */
export interface Root {
  readonly uri: string
  readonly name?: string
  readonly _meta?: Meta
}

/**
 * `notifications/elicitation/complete` parameters (2025-11-25).
 *
 * @category models
 * @since 0.1.0
 */
export const ElicitationCompleteParams = Schema.Struct({
  _meta: optional(Meta),
  elicitationId: Schema.String
})
/** @category models @since 0.1.0 */
export interface ElicitationCompleteParams extends Schema.Schema.Type<typeof ElicitationCompleteParams> {}

// -----------------------------------------------------------------------------
// 2026-07-28: discovery, multi-round-trip requests, subscriptions
// -----------------------------------------------------------------------------

/**
 * The `_meta` keys of 2026-07-28 requests and results.
 *
 * @category constants
 * @since 0.1.0
 */
export const MetaKey = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId"
} as const

/**
 * How long a result may be reused, and by whom (2026-07-28).
 *
 * @category models
 * @since 0.1.0
 */
export const CacheHints = Schema.Struct({
  ttlMs: optional(Schema.Finite),
  cacheScope: optional(Schema.Literals(["public", "private"]))
})
/** @category models @since 0.1.0 */
export interface CacheHints extends Schema.Schema.Type<typeof CacheHints> {}

/**
 * The result of `server/discover` (2026-07-28).
 *
 * @category models
 * @since 0.1.0
 */
export const DiscoverResult = Schema.Struct({
  _meta: optional(Meta),
  supportedVersions: Schema.Array(Schema.String),
  capabilities: ServerCapabilities,
  instructions: optional(Schema.String),
  ttlMs: optional(Schema.Finite),
  cacheScope: optional(Schema.Literals(["public", "private"]))
})
/** @category models @since 0.1.0 */
export interface DiscoverResult extends Schema.Schema.Type<typeof DiscoverResult> {}

/**
 * One input a server asks for before it can complete a request
 * (2026-07-28): a request the client answers with its handlers.
 *
 * @category models
 * @since 0.1.0
 */
export const InputRequest = Schema.Struct({
  method: Schema.String,
  params: optional(JsonObject)
})
/** @category models @since 0.1.0 */
export interface InputRequest extends Schema.Schema.Type<typeof InputRequest> {}

/**
 * A result that asks for input before the request can complete
 * (2026-07-28). The client answers every input request and retries with
 * `inputResponses` and `requestState` exactly as given.
 *
 * @category models
 * @since 0.1.0
 */
export const InputRequiredResult = Schema.Struct({
  _meta: optional(Meta),
  resultType: Schema.Literal("input_required"),
  inputRequests: optional(Schema.Record(Schema.String, InputRequest)),
  requestState: optional(Schema.String)
})
/** @category models @since 0.1.0 */
export interface InputRequiredResult extends Schema.Schema.Type<typeof InputRequiredResult> {}

/**
 * What a `subscriptions/listen` stream asks for (2026-07-28).
 *
 * @category models
 * @since 0.1.0
 */
export interface SubscriptionFilter {
  readonly toolsListChanged?: boolean
  readonly promptsListChanged?: boolean
  readonly resourcesListChanged?: boolean
  readonly resourceSubscriptions?: ReadonlyArray<string>
}
