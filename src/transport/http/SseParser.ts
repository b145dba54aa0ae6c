/**
 * A server-sent events parser, as the HTML standard defines the format:
 * `data` fields (several lines join with `\n`), `event`, `id`, `retry`,
 * comments, and line ends of `\n`, `\r\n` or `\r`, for input split into
 * chunks anywhere (inside a line, between `\r` and `\n`, inside a UTF-8
 * character).
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
 *
 * Parsing is linear in the size of the stream: each byte is looked at once,
 * a line is decoded once it is complete, and an event's data is joined once.
 * With `maxEventBytes`, the data of the event being read is counted as bytes
 * arrive, and once it would pass the limit nothing more is kept.
 *
 * @since 0.1.0
 */

/**
 * One dispatched event.
 *
 * @category models
 * @since 0.1.0
 */
export interface Event {
  /** The event type; `"message"` when the stream names none. */
  readonly event: string
  readonly data: string
  /** The last event id of the stream, this event's included, if any. */
  readonly id: string | undefined
}

/**
 * An incremental parser.
 *
 * @category models
 * @since 0.1.0
 */
export interface Parser {
  /** Feeds bytes; returns the events they completed. */
  readonly push: (chunk: Uint8Array) => ReadonlyArray<Event>
  /** The reconnection delay the stream asked for, in milliseconds, if any. */
  readonly retry: () => number | undefined
  /** The id of the last event completed (a blank line ends it), as a resumption asks for. */
  readonly lastEventId: () => string | undefined
  /**
   * When the event being read passed `maxEventBytes`: the bytes of it
   * received by then. From that moment the parser keeps nothing and returns
   * no more events.
   */
  readonly exceeded: () => number | undefined
}

/**
 * Options of a parser.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The most bytes of one event (its data and its unfinished line) kept before the parser gives up. */
  readonly maxEventBytes?: number | undefined
}

/**
 * Makes a parser.
 *
 * @example
 * ```ts
 * import { SseParser } from "effect-mcp-client"
 *
 * const parser = SseParser.make({ maxEventBytes: 1024 })
 * parser.push(new TextEncoder().encode("id: 7\ndata: {\"a\":1}\n\n"))
 * // => [{ event: "message", data: "{\"a\":1}", id: "7" }]
 * parser.push(new Uint8Array(2048).fill(0x61))
 * parser.exceeded() // => 2048
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options = {}): Parser => {
  const maxEventBytes = options.maxEventBytes ?? Infinity
  // Lines are split on bytes (CR and LF never occur inside a UTF-8 sequence),
  // then decoded whole; the BOM is removed once, from the start of the stream.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  let atStart = true
  // The unfinished line, as the chunks it spans.
  let partial: Array<Uint8Array> = []
  let partialBytes = 0
  // A chunk that ended with \r: a following \n belongs to the same line end.
  let skipLeadingNewline = false
  let data: Array<string> = []
  let dataBytes = 0
  let hasData = false
  let eventType = ""
  // The id field last seen (the "last event ID buffer"), and the one of the last event dispatched (the
  // "last event ID string"): a stream resumed after a break asks for what follows the event it last completed.
  let idBuffer: string | undefined
  let lastEventId: string | undefined
  let retry: number | undefined
  let exceeded: number | undefined

  const field = (text: string, events: Array<Event>) => {
    if (text === "") {
      lastEventId = idBuffer
      if (hasData) {
        events.push({ event: eventType === "" ? "message" : eventType, data: data.join("\n"), id: lastEventId })
      }
      data = []
      dataBytes = 0
      hasData = false
      eventType = ""
      return
    }
    if (text.startsWith(":")) return // comment (keep-alive)
    const colon = text.indexOf(":")
    const name = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? "" : text.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    switch (name) {
      case "data":
        data.push(value)
        hasData = true
        return
      case "event":
        eventType = value
        return
      case "id":
        if (!value.includes("\u0000")) idBuffer = value
        return
      case "retry":
        if (/^\d+$/.test(value)) retry = Number(value)
        return
    }
  }

  /** Ends the line made of the unfinished part and `chunk[start, end)`. */
  const endLine = (chunk: Uint8Array, start: number, end: number, events: Array<Event>) => {
    let bytes: Uint8Array
    if (partial.length === 0) bytes = chunk.subarray(start, end)
    else {
      bytes = new Uint8Array(partialBytes + end - start)
      let offset = 0
      for (const part of partial) {
        bytes.set(part, offset)
        offset += part.length
      }
      bytes.set(chunk.subarray(start, end), offset)
      partial = []
      partialBytes = 0
    }
    let text = decoder.decode(bytes)
    if (atStart) {
      atStart = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    // Only data is kept across lines: it is what counts against the limit.
    if (text.startsWith("data")) dataBytes += bytes.length + 1
    field(text, events)
  }

  const giveUp = (received: number) => {
    exceeded = received
    partial = []
    data = []
  }

  return {
    push: (chunk) => {
      if (exceeded !== undefined) {
        exceeded += chunk.length
        return []
      }
      const events: Array<Event> = []
      let start = 0
      if (skipLeadingNewline && chunk.length > 0) {
        skipLeadingNewline = false
        if (chunk[0] === 10) start = 1
      }
      // The next LF and CR at or after the scan position, each found once.
      let nextLf = chunk.indexOf(10, start)
      let nextCr = chunk.indexOf(13, start)
      while (nextLf !== -1 || nextCr !== -1) {
        const end = nextCr === -1 || (nextLf !== -1 && nextLf < nextCr) ? nextLf : nextCr
        endLine(chunk, start, end, events)
        if (dataBytes > maxEventBytes) {
          giveUp(dataBytes)
          return events
        }
        start = end + 1
        if (end === nextCr) {
          if (start === chunk.length) skipLeadingNewline = true
          else if (chunk[start] === 10) start++
        }
        if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(10, start)
        if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(13, start)
      }
      if (start < chunk.length) {
        // A copy: the unfinished line must not keep the whole chunk alive, nor see it reused.
        partial.push(chunk.slice(start))
        partialBytes += chunk.length - start
        if (dataBytes + partialBytes > maxEventBytes) giveUp(dataBytes + partialBytes)
      }
      return events
    },
    retry: () => retry,
    lastEventId: () => lastEventId,
    exceeded: () => exceeded
  }
}
