/**
 * Guards and accessors for content blocks: the `content` of a tool result,
 * of a prompt message, of a tool result embedded in a sampling message.
 *
 * `Mcp.ContentBlock` is an open union: beside its five known variants it
 * keeps blocks of types this client does not know (`UnknownContent`, whose
 * `type` is any other string), so `block.type === "text"` does not narrow
 * it. The guards do. They are re-exported by `Mcp` (`Mcp.isText`,
 * `Mcp.textOf`, …), which is where to import them from.
 *
 * A guard looks at `type` only: a block that passed the `ContentBlock`
 * schema (every block this client returns did) with `type: "text"` is a
 * valid `TextContent`, since `UnknownContent` refuses the known types.
 *
 * @since 0.1.0
 */
import type {
  AudioContent,
  ContentBlock,
  EmbeddedResource,
  ImageContent,
  PromptMessage,
  ResourceContents,
  ResourceLink,
  TextContent
} from "./Mcp.ts"

/**
 * Whether a content block is text, narrowing it to `TextContent`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Mcp, McpClient } from "effect-mcp-client"
 *
 * const firstText = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const { content } = yield* client.callTool("echo", { text: "hi" })
 *   return content.find(Mcp.isText)?.text
 * })
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isText = (block: ContentBlock): block is TextContent => block.type === "text"

/**
 * Whether a content block is an image (`data` in base64, `mimeType`),
 * narrowing it to `ImageContent`.
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * declare const result: Mcp.CallToolResult
 * const pngs = result.content.filter(Mcp.isImage).filter((image) => image.mimeType === "image/png")
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isImage = (block: ContentBlock): block is ImageContent => block.type === "image"

/**
 * Whether a content block is audio (2025-03-26), narrowing it to
 * `AudioContent`.
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * declare const result: Mcp.CallToolResult
 * const clips = result.content.filter(Mcp.isAudio).map((audio) => audio.mimeType)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isAudio = (block: ContentBlock): block is AudioContent => block.type === "audio"

/**
 * Whether a content block is a link to a resource (2025-06-18), narrowing it
 * to `ResourceLink`. Read the resource with `client.readResource(link.uri)`.
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * declare const result: Mcp.CallToolResult
 * const uris = result.content.filter(Mcp.isResourceLink).map((link) => link.uri)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isResourceLink = (block: ContentBlock): block is ResourceLink => block.type === "resource_link"

/**
 * Whether a content block embeds a resource's contents, narrowing it to
 * `EmbeddedResource`.
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * declare const result: Mcp.CallToolResult
 * const embedded = result.content.filter(Mcp.isEmbeddedResource).map((block) => block.resource.uri)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isEmbeddedResource = (block: ContentBlock): block is EmbeddedResource => block.type === "resource"

/**
 * Whether resource contents are text (rather than a base64 `blob`),
 * narrowing them to `TextResourceContents`.
 *
 * @example
 * ```ts
 * import { Mcp } from "effect-mcp-client"
 *
 * declare const result: Mcp.ReadResourceResult
 * const texts = result.contents.filter(Mcp.isTextResource).map((contents) => contents.text)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isTextResource = (
  contents: ResourceContents
): contents is Extract<ResourceContents, { readonly text: string }> => "text" in contents

/**
 * What `textOf` reads text from: a tool result (or anything with `content`
 * blocks), a prompt's result (`messages`), a resource's contents
 * (`contents`), or a list of content blocks.
 *
 * @category models
 * @since 0.1.0
 */
export type TextSource =
  | { readonly content: ReadonlyArray<ContentBlock> }
  | { readonly messages: ReadonlyArray<PromptMessage> }
  | { readonly contents: ReadonlyArray<ResourceContents> }
  | ReadonlyArray<ContentBlock>

/**
 * The text of a result: its text blocks, in order, joined by `separator`
 * (a newline by default). Other blocks (images, audio, links, embedded
 * resources, unknown types) are left out. For a prompt, the text of each
 * message; for a resource read, each text contents' `text`.
 *
 * @example
 * ```ts
 * import { Console, Effect } from "effect"
 * import { Mcp, McpClient } from "effect-mcp-client"
 *
 * const summary = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const result = yield* client.callTool("summarize", { text: "…" })
 *   yield* Console.log(Mcp.textOf(result))
 *   const prompt = yield* client.getPrompt("greeting")
 *   yield* Console.log(Mcp.textOf(prompt, " "))
 * })
 * ```
 *
 * @category accessors
 * @since 0.1.0
 */
export const textOf = (source: TextSource, separator: string = "\n"): string => {
  const texts: Array<string> = []
  if (isBlockList(source)) {
    collectBlocks(source, texts)
  } else if ("content" in source) {
    collectBlocks(source.content, texts)
  } else if ("messages" in source) {
    for (const message of source.messages) if (isText(message.content)) texts.push(message.content.text)
  } else {
    for (const contents of source.contents) if (isTextResource(contents)) texts.push(contents.text)
  }
  return texts.join(separator)
}

// =============================================================================
// Internal
// =============================================================================

const isBlockList = (source: TextSource): source is ReadonlyArray<ContentBlock> => Array.isArray(source)

const collectBlocks = (blocks: ReadonlyArray<ContentBlock>, texts: Array<string>): void => {
  for (const block of blocks) if (isText(block)) texts.push(block.text)
}
