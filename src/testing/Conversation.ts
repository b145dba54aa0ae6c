/**
 * A small text format for conversations written by hand, in the spirit of
 * the Go SDK's txtar tests: one message a line, `>` for what the client
 * sends and `<` for what the server sends.
 *
 * ```text
 * # The client lists tools; the server has one.
 * > {"method": "initialize"}
 * < {"result": {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
 *     "serverInfo": {"name": "demo", "version": "1.0.0"}}}
 * > {"method": "notifications/initialized"}
 * > {"method": "tools/list"}
 * < {"result": {"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}}
 * ```
 *
 * - Lines starting with `#` and blank lines are ignored; an indented line
 *   continues the message above it.
 * - `"jsonrpc": "2.0"` may be left out.
 * - A `>` line is a pattern: the client's message matches when it has every
 *   member written (at any depth; `_meta` is never compared). Request ids
 *   may be left out.
 * - A `<` reply without an `id` answers the latest request above it.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Recording from "./Recording.ts"

/**
 * Reads a conversation into recording entries (each at time 0).
 *
 * @example
 * ```ts
 * import { Conversation } from "effect-mcp-client"
 *
 * const entries = Conversation.parse(`
 * > {"method": "ping"}
 * < {"result": {}}
 * `)
 * ```
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (text: string): Result.Result<ReadonlyArray<Recording.Entry>, Recording.RecordingError> => {
  const pieces: Array<{ line: number; direction: Recording.Entry["direction"]; text: string }> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const trimmed = line.trim()
    if (trimmed.length === 0 || trimmed.startsWith("#")) continue
    if (/^\s/.test(line)) {
      const last = pieces[pieces.length - 1]
      if (last === undefined) {
        return Result.fail(
          new Recording.RecordingError({ line: i + 1, description: "an indented line with no message above it" })
        )
      }
      last.text += "\n" + line
      continue
    }
    const marker = trimmed[0]
    if (marker !== ">" && marker !== "<") {
      return Result.fail(
        new Recording.RecordingError({
          line: i + 1,
          description: `expected "> " (client) or "< " (server), found ${JSON.stringify(trimmed.slice(0, 20))}`
        })
      )
    }
    pieces.push({ line: i + 1, direction: marker === ">" ? "send" : "receive", text: trimmed.slice(1) })
  }
  const entries: Array<Recording.Entry> = []
  for (const piece of pieces) {
    let message: unknown
    try {
      message = JSON.parse(piece.text)
    } catch (error) {
      return Result.fail(new Recording.RecordingError({ line: piece.line, description: `not JSON (${String(error)})` }))
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      return Result.fail(new Recording.RecordingError({ line: piece.line, description: "a message is a JSON object" }))
    }
    entries.push({ t: 0, direction: piece.direction, message: { jsonrpc: "2.0", ...message } })
  }
  return Result.succeed(entries)
}

/**
 * Writes recording entries in the conversation format, one message a line.
 *
 * @example
 * ```ts
 * import { Conversation } from "effect-mcp-client"
 *
 * const text = Conversation.format([{ t: 0, direction: "send", message: { jsonrpc: "2.0", id: 1, method: "ping" } }])
 * // > {"jsonrpc":"2.0","id":1,"method":"ping"}
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const format = (entries: ReadonlyArray<Recording.Entry>): string =>
  entries.map((entry) => `${entry.direction === "send" ? ">" : "<"} ${JSON.stringify(entry.message)}\n`).join("")
