/**
 * MCP prompts and resources as `effect/ai` prompts.
 *
 * `toPrompt` turns a `prompts/get` result into `effect/ai` messages:
 * consecutive messages of one role are kept as they came, text as text
 * parts, images and audio as file parts, an embedded resource as its text
 * (or a file part for a blob), a resource link as a line naming it.
 * `resourceParts` does the same for a `resources/read` result, to put a
 * resource in a user message. `get` and `read` fetch and convert in one step.
 *
 * @since 0.1.0
 */
import * as Prompt from "effect/ai/Prompt"
import * as Effect from "effect/Effect"
import type { FeatureError, McpClientShape } from "../McpClient.ts"
import type { InputDeclined, PromptNotFound, ResourceNotFound } from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import * as ToolResults from "./ToolResults.ts"

const contentsParts = (contents: Mcp.ResourceContents): ReadonlyArray<Prompt.UserMessagePart> =>
  "text" in contents
    ? [Prompt.textPart({ text: contents.text })]
    : [Prompt.filePart({
      mediaType: contents.mimeType ?? "application/octet-stream",
      fileName: contents.uri.slice(contents.uri.lastIndexOf("/") + 1),
      data: contents.blob
    })]

/**
 * The parts of a resource's contents, for a user message: text as text
 * parts, blobs as file parts.
 *
 * @example
 * ```ts
 * import * as McpPrompt from "effect-mcp-client/McpPrompt"
 *
 * McpPrompt.resourceParts({ contents: [{ uri: "file:///a.txt", text: "hello" }] }).map((part) => part.type) // ["text"]
 * ```
 *
 * @category converters
 * @since 0.1.0
 */
export const resourceParts = (result: Mcp.ReadResourceResult): ReadonlyArray<Prompt.UserMessagePart> =>
  result.contents.flatMap(contentsParts)

/**
 * The `effect/ai` prompt of a `prompts/get` result.
 *
 * **Example** (A rendered prompt)
 *
 * ```ts
 * import * as McpPrompt from "effect-mcp-client/McpPrompt"
 *
 * const prompt = McpPrompt.toPrompt({
 *   messages: [
 *     { role: "user", content: { type: "text", text: "Review this:" } },
 *     { role: "user", content: { type: "resource", resource: { uri: "file:///a.ts", text: "let a = 1" } } }
 *   ]
 * })
 * prompt.content.length // 1: one user message with two parts
 * ```
 *
 * @category converters
 * @since 0.1.0
 */
export const toPrompt = (result: Mcp.GetPromptResult): Prompt.Prompt => {
  const messages: Array<Prompt.Message> = []
  let role: Mcp.PromptMessage["role"] | undefined
  let parts: Array<Prompt.UserMessagePart> = []
  const flush = () => {
    if (role === undefined || parts.length === 0) return
    messages.push(
      role === "user" ? Prompt.userMessage({ content: parts }) : Prompt.assistantMessage({ content: parts })
    )
    parts = []
  }
  for (const message of result.messages) {
    if (message.role !== role) {
      flush()
      role = message.role
    }
    const block = message.content
    if (block.type === "resource") {
      const resource = (block as Mcp.EmbeddedResource).resource
      parts.push(...contentsParts(resource))
    } else {
      parts.push(...ToolResults.convert({ content: [block] }, { name: "", tool: { name: "", inputSchema: {} } }))
    }
  }
  flush()
  return Prompt.fromMessages(messages)
}

/**
 * Renders a server's prompt and converts it.
 *
 * **Example** (A server's prompt as the start of a conversation)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import { McpClient } from "effect-mcp-client"
 * import * as McpPrompt from "effect-mcp-client/McpPrompt"
 *
 * const answer = Effect.gen(function*() {
 *   const prompt = yield* McpPrompt.get(yield* McpClient.McpClient, "code-review", { file: "main.ts" })
 *   return yield* LanguageModel.generateText({ prompt })
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const get = (
  client: McpClientShape,
  name: string,
  args?: { readonly [key: string]: string }
): Effect.Effect<Prompt.Prompt, FeatureError | InputDeclined | PromptNotFound> =>
  Effect.map(client.getPrompt(name, args), toPrompt)

/**
 * Reads a resource as one user message.
 *
 * @category constructors
 * @since 0.1.0
 */
export const read = (
  client: McpClientShape,
  uri: string
): Effect.Effect<Prompt.Prompt, FeatureError | InputDeclined | ResourceNotFound> =>
  Effect.map(
    client.readResource(uri),
    (result) => Prompt.fromMessages([Prompt.userMessage({ content: resourceParts(result) })])
  )
