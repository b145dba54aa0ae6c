/**
 * The stderr side of the stdio transport: bytes split into lines (UTF-8,
 * `\n` or `\r\n`, a chunk may end anywhere), the last lines kept for error
 * reports, and the sink each line goes to.
 *
 * Internal: both stdio drivers feed their child's stderr through it.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redaction from "../Redaction.ts"

/**
 * Where the server's stderr goes, besides the kept tail (see
 * `StdioTransport.StderrSink`).
 *
 * @category models
 * @since 0.1.0
 */
export type Sink = "log" | "ignore" | ((line: string) => Effect.Effect<void>)

/**
 * A child's stderr, as lines.
 *
 * @category models
 * @since 0.1.0
 */
export interface Stderr {
  /** Feeds a chunk; returns the lines it completed, which are kept in the tail. */
  readonly push: (chunk: Uint8Array) => ReadonlyArray<string>
  /** The output ended: returns its unterminated last line, if any, kept in the tail too. */
  readonly end: () => ReadonlyArray<string>
  /** The kept lines, joined, with what looks like a credential redacted. */
  readonly tail: () => string
}

/** A line longer than this is cut in the tail and the sink: stderr is for people, not data. */
const maxLineChars = 16 * 1024

/**
 * Makes the line splitter, keeping the last `tailSize` lines.
 *
 * @example
 * ```ts
 * import { make } from "./Stderr.ts"
 *
 * const stderr = make(2)
 * stderr.push(new TextEncoder().encode("one\ntwo\nthr")) // => ["one", "two"]
 * stderr.end() // => ["thr"]
 * stderr.tail() // => "two\nthr"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (tailSize: number): Stderr => {
  // Made with the first output: many servers never write to stderr.
  let decoder: InstanceType<typeof TextDecoder> | undefined
  const kept: Array<string> = []
  let partial = ""
  const keep = (line: string) => {
    kept.push(line)
    if (kept.length > tailSize) kept.shift()
  }
  return {
    push: (chunk) => {
      const text = partial + (decoder ??= new TextDecoder("utf-8")).decode(chunk, { stream: true })
      const parts = text.split("\n")
      partial = parts.pop()!
      if (partial.length > maxLineChars) partial = partial.slice(0, maxLineChars)
      for (let i = 0; i < parts.length; i++) {
        let line = parts[i]!
        if (line.endsWith("\r")) line = line.slice(0, -1)
        parts[i] = line
        keep(line)
      }
      return parts
    },
    end: () => {
      const last = partial + (decoder === undefined ? "" : decoder.decode())
      partial = ""
      if (last.length === 0) return []
      keep(last)
      return [last]
    },
    tail: () => Redaction.redactText(kept.join("\n"))
  }
}

/**
 * The effect each line is handed to, or `undefined` when lines go nowhere.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sinkOf = (sink: Sink | undefined, name: string): ((line: string) => Effect.Effect<void>) | undefined =>
  sink === "ignore"
    ? undefined
    : sink === undefined || sink === "log"
    ? (line: string) => Effect.logDebug(line).pipe(Effect.annotateLogs({ mcpServer: name, stream: "stderr" }))
    : sink
