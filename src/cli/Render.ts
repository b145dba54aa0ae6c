/**
 * Human-readable renderings of protocol results: tables of tools, resources
 * and prompts, the text of content blocks, and the files images and blobs
 * are saved to (`--out dir`).
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import type * as McpClient from "../McpClient.ts"
import type * as Mcp from "../protocol/Mcp.ts"

/**
 * Lays rows out in columns, the last column cut to `width` when given.
 *
 * @example
 * ```ts
 * import { Render } from "effect-mcp-client/cli"
 *
 * Render.table(["NAME", "DESCRIPTION"], [["echo", "Echoes back"]]) // => "NAME  DESCRIPTION\necho  Echoes back"
 * ```
 *
 * @category rendering
 * @since 0.1.0
 */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  width?: number
): string => {
  if (rows.length === 0) return "(none)"
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)))
  return all.map((row) => {
    const line = row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column]!)).join("  ")
    return width !== undefined && line.length > width ? `${line.slice(0, Math.max(width - 1, 0))}…` : line
  }).join("\n")
}

const firstLine = (text: string | undefined): string => (text ?? "").split("\n")[0]!.trim()

const argumentNames = (schema: { readonly [key: string]: unknown }): string => {
  const properties = Object.keys((schema.properties ?? {}) as object)
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  return properties.map((name) => required.has(name) ? name : `${name}?`).join(" ")
}

/**
 * The server's identity, revision, era, capabilities and instructions.
 *
 * @category rendering
 * @since 0.1.0
 */
export const info = (client: McpClient.McpClientShape): string => {
  const server = client.serverInfo
  const capabilities = Object.entries(client.serverCapabilities)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      const flags = typeof value === "object" && value !== null
        ? Object.entries(value).filter(([, on]) => on === true).map(([flag]) => flag)
        : []
      return flags.length > 0 ? `${name} (${flags.join(", ")})` : name
    })
  const lines = [
    `server        ${server.name} ${server.version}${server.title !== undefined ? ` (${server.title})` : ""}`,
    `protocol      ${client.protocolVersion} (${client.era})`,
    `capabilities  ${capabilities.length > 0 ? capabilities.join(", ") : "(none)"}`
  ]
  if (client.instructions !== undefined && client.instructions.length > 0) {
    lines.push("instructions", ...client.instructions.split("\n").map((line) => `  ${line}`))
  }
  return lines.join("\n")
}

/**
 * The `info` command's `--json` document: what the session negotiated.
 *
 * @category rendering
 * @since 0.1.0
 */
export const infoJson = (client: McpClient.McpClientShape) => ({
  protocolVersion: client.protocolVersion,
  era: client.era,
  serverInfo: client.serverInfo,
  capabilities: client.serverCapabilities,
  ...(client.instructions === undefined ? {} : { instructions: client.instructions })
})

/**
 * A table of tools: name, arguments (`?` marks optional ones), description.
 *
 * @category rendering
 * @since 0.1.0
 */
export const tools = (result: Mcp.ListToolsResult, width?: number): string =>
  table(
    ["NAME", "ARGUMENTS", "DESCRIPTION"],
    result.tools.map((tool) => [tool.name, argumentNames(tool.inputSchema), firstLine(tool.description)]),
    width
  )

/**
 * A table of resources.
 *
 * @category rendering
 * @since 0.1.0
 */
export const resources = (result: Mcp.ListResourcesResult, width?: number): string =>
  table(
    ["URI", "NAME", "MIME TYPE"],
    result.resources.map((resource) => [resource.uri, resource.name, resource.mimeType ?? ""]),
    width
  )

/**
 * A table of resource templates.
 *
 * @category rendering
 * @since 0.1.0
 */
export const templates = (result: Mcp.ListResourceTemplatesResult, width?: number): string =>
  table(
    ["URI TEMPLATE", "NAME", "DESCRIPTION"],
    result.resourceTemplates.map((template) => [template.uriTemplate, template.name, firstLine(template.description)]),
    width
  )

/**
 * A table of prompts.
 *
 * @category rendering
 * @since 0.1.0
 */
export const prompts = (result: Mcp.ListPromptsResult, width?: number): string =>
  table(
    ["NAME", "ARGUMENTS", "DESCRIPTION"],
    result.prompts.map((prompt) => [
      prompt.name,
      (prompt.arguments ?? []).map((argument) => argument.required === true ? argument.name : `${argument.name}?`)
        .join(" "),
      firstLine(prompt.description)
    ]),
    width
  )

const extensions: { readonly [mime: string]: string } = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/svg+xml": "svg",
  "audio/wav": "wav",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "application/pdf": "pdf",
  "application/gzip": "gz",
  "application/json": "json",
  "text/plain": "txt"
}

/**
 * Where binary content goes: saved under `dir` when given, else described.
 * `save` returns the file written, named `<prefix>-<n>.<ext>`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Files {
  readonly save: (base64: string, mimeType: string | undefined) => string | undefined
}

/**
 * Saves binary content under a folder (created when needed), or nowhere.
 *
 * @example
 * ```ts
 * import { Render } from "effect-mcp-client/cli"
 *
 * const files = Render.files("./out", "result")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const files = (dir: string | undefined, prefix: string): Files => {
  let count = 0
  return {
    save: (base64, mimeType) => {
      if (dir === undefined) return undefined
      mkdirSync(dir, { recursive: true })
      count++
      const extension = (mimeType !== undefined ? extensions[mimeType] : undefined) ?? "bin"
      const file = path.join(dir, `${prefix}-${count}.${extension}`)
      writeFileSync(file, Buffer.from(base64, "base64"))
      return file
    }
  }
}

const binary = (kind: string, base64: string, mimeType: string | undefined, out: Files): string => {
  const saved = out.save(base64, mimeType)
  const bytes = Buffer.byteLength(base64, "base64")
  return saved !== undefined
    ? `[${kind} ${mimeType ?? ""} saved to ${saved}]`
    : `[${kind} ${mimeType ?? ""}, ${bytes} bytes; --out DIR saves it]`
}

/**
 * One resource's contents: text as is, blobs saved or described.
 *
 * @category rendering
 * @since 0.1.0
 */
export const resourceContents = (contents: Mcp.ResourceContents, out: Files): string =>
  "text" in contents && typeof contents.text === "string"
    ? contents.text
    : binary("blob", (contents as { readonly blob: string }).blob, contents.mimeType, out)

/**
 * One content block: text as is, images and audio saved or described,
 * links and embedded resources by URI.
 *
 * @category rendering
 * @since 0.1.0
 */
export const content = (block: Mcp.ContentBlock, out: Files): string => {
  switch (block.type) {
    case "text":
      return (block as Mcp.TextContent).text
    case "image":
    case "audio": {
      const media = block as Mcp.ImageContent
      return binary(block.type, media.data, media.mimeType, out)
    }
    case "resource_link": {
      const link = block as Mcp.ResourceLink
      return `[link ${link.uri}${link.name !== link.uri ? ` ${link.name}` : ""}${
        link.mimeType !== undefined ? ` ${link.mimeType}` : ""
      }]`
    }
    case "resource": {
      const embedded = block as Mcp.EmbeddedResource
      return `[resource ${embedded.resource.uri}]\n${resourceContents(embedded.resource, out)}`
    }
    default:
      return JSON.stringify(block)
  }
}

/**
 * A tool result: its content blocks, then its structured content.
 *
 * @category rendering
 * @since 0.1.0
 */
export const toolResult = (result: Mcp.CallToolResult, out: Files): string => {
  const parts = result.content.map((block) => content(block, out))
  if (result.structuredContent !== undefined) {
    parts.push(`structuredContent: ${JSON.stringify(result.structuredContent, null, 2)}`)
  }
  return parts.join("\n")
}

/**
 * A resource read: each content, headed by its URI when there are several.
 *
 * @category rendering
 * @since 0.1.0
 */
export const readResult = (result: Mcp.ReadResourceResult, out: Files): string =>
  result.contents.map((contents) =>
    result.contents.length > 1
      ? `[${contents.uri}]\n${resourceContents(contents, out)}`
      : resourceContents(contents, out)
  ).join("\n")

/**
 * A rendered prompt: its messages, each headed by its role.
 *
 * @category rendering
 * @since 0.1.0
 */
export const promptResult = (result: Mcp.GetPromptResult, out: Files): string => {
  const lines = result.description !== undefined ? [`# ${result.description}`] : []
  for (const message of result.messages) {
    lines.push(`${message.role}: ${content(message.content as Mcp.ContentBlock, out)}`)
  }
  return lines.join("\n")
}

/**
 * A log message: level, logger and data, on one line.
 *
 * @category rendering
 * @since 0.1.0
 */
export const logMessage = (message: Mcp.LoggingMessageParams): string =>
  `[${message.level}]${message.logger !== undefined ? ` ${message.logger}:` : ""} ${
    typeof message.data === "string" ? message.data : JSON.stringify(message.data)
  }`

/**
 * A progress bar (`[#####-----] 50% 5/10 message`), `width` characters of bar.
 *
 * @example
 * ```ts
 * import { Render } from "effect-mcp-client/cli"
 *
 * Render.progressBar({ progressToken: 1, progress: 1, total: 4 }, 8) // => "[##------]  25% 1/4"
 * ```
 *
 * @category rendering
 * @since 0.1.0
 */
export const progressBar = (progress: Mcp.ProgressNotificationParams, width = 30): string => {
  const message = progress.message !== undefined ? ` ${progress.message}` : ""
  if (progress.total === undefined || progress.total <= 0) {
    return `[${"?".repeat(width)}] ${progress.progress}${message}`
  }
  const fraction = Math.min(Math.max(progress.progress / progress.total, 0), 1)
  const filled = Math.round(fraction * width)
  const percent = `${Math.round(fraction * 100)}%`.padStart(4)
  return `[${"#".repeat(filled)}${
    "-".repeat(width - filled)
  }] ${percent} ${progress.progress}/${progress.total}${message}`
}
