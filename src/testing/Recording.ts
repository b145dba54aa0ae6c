/**
 * A recorded conversation between a client and a server: the messages both
 * ways, in order, each with its time. The model shared by `Recorder`
 * (which writes one), `Conversation` (a text format to write one by hand)
 * and `ReplayTransport` (which plays one as the server).
 *
 * A recording is stored as NDJSON, one entry a line:
 * `{"t":12,"direction":"send","message":{…}}`, where `t` is milliseconds
 * since the recording started, `send` is client to server and `receive`
 * server to client.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"

/**
 * One message of a recording.
 *
 * @category models
 * @since 0.1.0
 */
export interface Entry {
  /** Milliseconds since the recording started. */
  readonly t: number
  /** `send`: client to server; `receive`: server to client. */
  readonly direction: "send" | "receive"
  readonly message: unknown
}

/**
 * A recording could not be read: `line` (from 1) locates the problem.
 *
 * @category errors
 * @since 0.1.0
 */
export class RecordingError extends Schema.TaggedError<RecordingError>("effect-mcp-client/RecordingError")(
  "RecordingError",
  { line: Schema.Number, description: Schema.String }
) {
  override get message(): string {
    return `Recording line ${this.line}: ${this.description}`
  }
}

/**
 * The client did not do what the recording says it did: it sent a message
 * the recording does not have (`received`, with the message the recording
 * expected next and how the two differ), or it stopped before sending what
 * the recording has left (`received` absent).
 *
 * @category errors
 * @since 0.1.0
 */
export class ReplayMismatch extends Schema.TaggedError<ReplayMismatch>("effect-mcp-client/ReplayMismatch")(
  "ReplayMismatch",
  {
    received: Schema.optionalKey(Schema.Unknown),
    expected: Schema.optionalKey(Schema.Unknown),
    differences: Schema.Array(Schema.String)
  }
) {
  override get message(): string {
    const expected = this.expected === undefined ? "nothing more" : JSON.stringify(this.expected)
    if (this.received === undefined) return `The client stopped; the recording expected next: ${expected}`
    return [
      `The client sent ${JSON.stringify(this.received)}`,
      `the recording expected next: ${expected}`,
      ...this.differences.map((line) => `  ${line}`)
    ].join("\n")
  }
}

/**
 * The text placed where a secret was.
 *
 * @category constants
 * @since 0.1.0
 */
export const redacted = "[REDACTED]"

/**
 * The keys whose values are secrets by default (compared without case).
 *
 * @category constants
 * @since 0.1.0
 */
export const secretKeys: ReadonlyArray<string> = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "password",
  "passwd",
  "secret",
  "client_secret",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "api_key",
  "apikey",
  "api-key",
  "x-api-key"
]

/**
 * A copy of a value with secrets replaced by `redacted`: the values of
 * `secretKeys` and of the extra `keys` at any depth, and strings that are
 * bearer or basic credentials.
 *
 * @example
 * ```ts
 * import { Recording } from "effect-mcp-client"
 *
 * Recording.redact({ params: { arguments: { password: "hunter2", user: "ada" } } })
 * // { params: { arguments: { password: "[REDACTED]", user: "ada" } } }
 * ```
 *
 * @category redaction
 * @since 0.1.0
 */
export const redact = (value: unknown, keys: ReadonlyArray<string> = []): unknown => {
  const secret = new Set([...secretKeys, ...keys].map((key) => key.toLowerCase()))
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return /^(bearer|basic)\s/i.test(node) ? redacted : node
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== "object" || node === null) return node
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(node)) out[key] = secret.has(key.toLowerCase()) ? redacted : walk(child)
    return out
  }
  return walk(value)
}

/**
 * One entry as an NDJSON line (without the newline).
 *
 * @example
 * ```ts
 * import { Recording } from "effect-mcp-client"
 *
 * Recording.toLine({ t: 0, direction: "send", message: { jsonrpc: "2.0", method: "notifications/initialized" } })
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const toLine = (entry: Entry): string =>
  JSON.stringify({ t: entry.t, direction: entry.direction, message: entry.message })

/**
 * A recording as NDJSON text.
 *
 * @example
 * ```ts
 * import { Recording } from "effect-mcp-client"
 *
 * const text = Recording.toNdjson([{ t: 0, direction: "receive", message: { jsonrpc: "2.0", id: 1, result: {} } }])
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const toNdjson = (entries: ReadonlyArray<Entry>): string => entries.map((entry) => toLine(entry) + "\n").join("")

/**
 * Reads NDJSON text written by `Recorder` (blank lines are skipped).
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Recording } from "effect-mcp-client"
 *
 * const entries = Recording.fromNdjson(`{"t":0,"direction":"send","message":{"jsonrpc":"2.0","id":1,"method":"ping"}}`)
 * Result.isSuccess(entries) // true
 * ```
 *
 * @category decoding
 * @since 0.1.0
 */
export const fromNdjson = (text: string): Result.Result<ReadonlyArray<Entry>, RecordingError> => {
  const entries: Array<Entry> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line.length === 0) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      return Result.fail(new RecordingError({ line: i + 1, description: `not JSON (${String(error)})` }))
    }
    const entry = value as Partial<Entry> | null
    if (
      typeof entry !== "object" || entry === null || typeof entry.t !== "number" ||
      (entry.direction !== "send" && entry.direction !== "receive") || !("message" in entry)
    ) {
      return Result.fail(
        new RecordingError({ line: i + 1, description: "expected {\"t\": number, \"direction\", \"message\"}" })
      )
    }
    entries.push({ t: entry.t, direction: entry.direction, message: entry.message })
  }
  return Result.succeed(entries)
}
