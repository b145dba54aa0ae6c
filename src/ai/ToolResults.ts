/**
 * What a model reads of an MCP tool result.
 *
 * A `tools/call` result is a list of content blocks. The default converter
 * turns each block into an `effect/ai` tool output part: text as text,
 * images and audio as file parts (providers that take only text in tool
 * results show a placeholder naming the media type), an embedded resource as
 * its text (or a file part for a blob), a resource link as a line naming it,
 * and a block of unknown type as a placeholder. The application may replace
 * the converter.
 *
 * `truncate` keeps a long text within a budget: its head and tail, with a
 * marker that says how much was left out and how to read it.
 *
 * @since 0.1.0
 */
import * as Prompt from "effect/ai/Prompt"
import type * as Mcp from "../protocol/Mcp.ts"
import type { SourceTool } from "./ToolSource.ts"

/**
 * Turns a tool's result into the parts the model reads.
 *
 * @category models
 * @since 0.1.0
 */
export type Converter = (
  result: Mcp.CallToolResult,
  tool: SourceTool
) => ReadonlyArray<Prompt.ToolModelOutputPart>

const describeLink = (link: Mcp.ResourceLink): string => {
  const details = [link.mimeType, link.description].filter((d): d is string => d !== undefined && d.length > 0)
  return `Resource link: ${link.title ?? link.name} <${link.uri}>${
    details.length > 0 ? ` (${details.join("; ")})` : ""
  }`
}

const blockParts = (block: Mcp.ContentBlock): ReadonlyArray<Prompt.ToolModelOutputPart> => {
  switch (block.type) {
    case "text":
      return [Prompt.textPart({ text: (block as Mcp.TextContent).text })]
    case "image":
    case "audio": {
      const media = block as Mcp.ImageContent | Mcp.AudioContent
      return [Prompt.filePart({ mediaType: media.mimeType, data: media.data })]
    }
    case "resource_link":
      return [Prompt.textPart({ text: describeLink(block as Mcp.ResourceLink) })]
    case "resource": {
      const resource = (block as Mcp.EmbeddedResource).resource
      if ("text" in resource) {
        return [Prompt.textPart({ text: `Resource <${resource.uri}>:\n${resource.text}` })]
      }
      return [
        Prompt.textPart({ text: `Resource <${resource.uri}>:` }),
        Prompt.filePart({
          mediaType: resource.mimeType ?? "application/octet-stream",
          fileName: resource.uri.slice(resource.uri.lastIndexOf("/") + 1),
          data: resource.blob
        })
      ]
    }
    default:
      return [Prompt.textPart({ text: `[content of type ${block.type} omitted]` })]
  }
}

/**
 * The default converter. When the result has `structuredContent` and no
 * text, the structured value is given as JSON text.
 *
 * **Example** (An image result)
 *
 * ```ts
 * import { ToolResults } from "effect-mcp-client/McpToolkit"
 *
 * const parts = ToolResults.convert(
 *   { content: [{ type: "text", text: "A dot:" }, { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" }] },
 *   { name: "dot", tool: { name: "dot", inputSchema: { type: "object" } } }
 * )
 * parts.map((part) => part.type) // ["text", "file"]
 * ```
 *
 * @category converters
 * @since 0.1.0
 */
export const convert: Converter = (result) => {
  const parts = result.content.flatMap(blockParts)
  if (result.structuredContent !== undefined && !parts.some((part) => part.type === "text")) {
    parts.unshift(Prompt.textPart({ text: JSON.stringify(result.structuredContent) }))
  }
  return parts
}

/**
 * The text of some parts, with a placeholder for each file
 * (`Prompt.toolModelOutputToText`).
 *
 * @category converters
 * @since 0.1.0
 */
export const textOf = (parts: ReadonlyArray<Prompt.ToolModelOutputPart>): string => Prompt.toolModelOutputToText(parts)

/**
 * A text cut to at most `budget` characters plus a marker: about seven
 * tenths of the budget from the head, the rest from the tail. `hint` is
 * appended to the marker (for example how to read the full text).
 *
 * **Example** (A long log)
 *
 * ```ts
 * import { ToolResults } from "effect-mcp-client/McpToolkit"
 *
 * ToolResults.truncate("a".repeat(100) + "b".repeat(100), 20)
 * // "aaaaaaaaaaaaaa\n[… 180 characters omitted …]\nbbbbbb"
 * ```
 *
 * @category converters
 * @since 0.1.0
 */
export const truncate = (text: string, budget: number, hint?: string): string => {
  if (text.length <= budget) return text
  const head = Math.ceil(budget * 0.7)
  const tail = budget - head
  const omitted = text.length - head - tail
  const marker = `\n[… ${omitted} characters omitted${hint === undefined ? "" : `; ${hint}`} …]\n`
  return text.slice(0, head) + marker + (tail > 0 ? text.slice(text.length - tail) : "")
}

/**
 * The value a tool handler returns to the model: the text of the result
 * (what a provider that takes only text reads), its `structuredContent`
 * when the tool declares an `outputSchema`, and the parts for providers
 * that take files in tool results (`Tool.toModelOutput`). Serialized as
 * `{ text, structuredContent? }`.
 *
 * @category models
 * @since 0.1.0
 */
export class ToolOutput {
  /** The text of the result, with a placeholder for each file. */
  readonly text: string
  /** The tool's structured result, when it declares an `outputSchema`. */
  readonly structuredContent: unknown
  /** Whether the text was cut to the result budget. */
  readonly truncated: boolean
  /** The parts the model reads. */
  declare readonly parts: ReadonlyArray<Prompt.ToolModelOutputPart>
  constructor(options: {
    readonly parts: ReadonlyArray<Prompt.ToolModelOutputPart>
    readonly structuredContent?: unknown
    readonly truncated?: boolean | undefined
  }) {
    this.text = textOf(options.parts)
    this.structuredContent = options.structuredContent
    this.truncated = options.truncated === true
    // Not enumerable: serializing the output does not repeat file data.
    Object.defineProperty(this, "parts", { value: options.parts, enumerable: false })
  }
  toJSON(): unknown {
    return this.structuredContent === undefined
      ? { text: this.text }
      : { text: this.text, structuredContent: this.structuredContent }
  }
}

/**
 * Keeps the text of some parts within a budget: when their text is longer,
 * the text parts are replaced by one truncated text part (files are kept,
 * after it).
 *
 * @category converters
 * @since 0.1.0
 */
export const withinBudget = (
  parts: ReadonlyArray<Prompt.ToolModelOutputPart>,
  budget: number,
  hint?: string
): { readonly parts: ReadonlyArray<Prompt.ToolModelOutputPart>; readonly full: string | undefined } => {
  const texts = parts.flatMap((part) => part.type === "text" ? [part.text] : [])
  const full = texts.join("\n")
  if (full.length <= budget) return { parts, full: undefined }
  return {
    parts: [
      Prompt.textPart({ text: truncate(full, budget, hint) }),
      ...parts.filter((part) => part.type !== "text")
    ],
    full
  }
}
