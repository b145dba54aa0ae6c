/**
 * Newline-delimited JSON framing, as MCP's stdio transport uses it: one
 * JSON-RPC message per line, UTF-8.
 *
 * The decoder is linear in the size of the input: bytes are kept as the
 * chunks they arrived in, each byte is scanned for a newline once, and a line
 * is joined and decoded only when it is complete. So a chunk may end
 * anywhere (inside a line, inside a multi-byte character) and a 50 MiB
 * message costs fifty times a 1 MiB one. `\r\n` line ends and blank lines are
 * accepted. A line longer than the limit is refused as soon as it passes the
 * limit, without waiting for its end.
 *
 * @since 0.1.0
 */

/**
 * What the decoder makes of a complete line.
 *
 * @category models
 * @since 0.1.0
 */
export type Frame =
  | { readonly _tag: "Message"; readonly value: unknown }
  | { readonly _tag: "Invalid"; readonly text: string; readonly reason: string }

/**
 * A line passed the size limit.
 *
 * @category models
 * @since 0.1.0
 */
export interface Overflow {
  readonly _tag: "Overflow"
  readonly limitBytes: number
  readonly receivedBytes: number
  /** The frames of the lines the same chunk completed before the one that passed the limit. */
  readonly frames: ReadonlyArray<Frame>
}

/**
 * An incremental NDJSON decoder.
 *
 * @category models
 * @since 0.1.0
 */
export interface Decoder {
  /**
   * Feeds a chunk; returns the frames of the lines it completed, or the
   * overflow (with the frames completed before it). After an overflow the
   * decoder is not to be used again.
   */
  readonly push: (chunk: Uint8Array) => ReadonlyArray<Frame> | Overflow
  /** Bytes of the incomplete last line. */
  readonly buffered: () => number
}

const newline = 0x0a
const utf8 = new TextDecoder("utf-8", { fatal: false })

/**
 * Makes a decoder that refuses lines longer than `maxBytes`.
 *
 * @example
 * ```ts
 * import { Framing } from "effect-mcp-client"
 *
 * const decoder = Framing.makeDecoder(1024)
 * const bytes = new TextEncoder().encode("{\"a\":1}\n{\"b\"")
 * decoder.push(bytes) // => [{ _tag: "Message", value: { a: 1 } }]
 * decoder.push(new TextEncoder().encode(":2}\n")) // => [{ _tag: "Message", value: { b: 2 } }]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeDecoder = (maxBytes: number): Decoder => {
  let parts: Array<Uint8Array> = []
  let size = 0

  const line = (bytes: Uint8Array): Frame | undefined => {
    let end = bytes.length
    if (end > 0 && bytes[end - 1] === 0x0d) end-- // \r\n
    if (end === 0) return undefined
    const text = utf8.decode(end === bytes.length ? bytes : bytes.subarray(0, end))
    try {
      return { _tag: "Message", value: JSON.parse(text) }
    } catch (error) {
      // A line of blanks is no message (checked only here, so that no message is copied for it).
      if (text.trim().length === 0) return undefined
      return { _tag: "Invalid", text, reason: error instanceof Error ? error.message : String(error) }
    }
  }

  const take = (tail: Uint8Array): Uint8Array => {
    if (parts.length === 0) return tail
    const joined = new Uint8Array(size + tail.length)
    let offset = 0
    for (const part of parts) {
      joined.set(part, offset)
      offset += part.length
    }
    joined.set(tail, offset)
    parts = []
    size = 0
    return joined
  }

  return {
    push: (chunk) => {
      const frames: Array<Frame> = []
      let start = 0
      let index = chunk.indexOf(newline, start)
      while (index !== -1) {
        if (size + index - start > maxBytes) {
          return { _tag: "Overflow", limitBytes: maxBytes, receivedBytes: size + index - start, frames }
        }
        const frame = line(take(chunk.subarray(start, index)))
        if (frame !== undefined) frames.push(frame)
        start = index + 1
        index = chunk.indexOf(newline, start)
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start)
        if (size + rest.length > maxBytes) {
          return { _tag: "Overflow", limitBytes: maxBytes, receivedBytes: size + rest.length, frames }
        }
        // Keep a copy: the producer may reuse its buffer.
        parts.push(rest.slice())
        size += rest.length
      }
      return frames
    },
    buffered: () => size
  }
}

const encoder = new TextEncoder()

/**
 * Encodes one message as a line.
 *
 * @category constructors
 * @since 0.1.0
 */
export const encode = (message: unknown): Uint8Array => encoder.encode(JSON.stringify(message) + "\n")
