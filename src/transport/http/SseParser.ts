/**
 * A server-sent events parser, as the HTML standard defines the format:
 * `data` fields (several lines join with `\n`), `event`, `id`, `retry`,
 * comments, and line ends of `\n`, `\r\n` or `\r`, for input split into
 * chunks anywhere (inside a line, between `\r` and `\n`, inside a UTF-8
 * character).
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
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
  /** The last event id seen on the stream so far, if any. */
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
  /** The last event id seen. */
  readonly lastEventId: () => string | undefined
}

/**
 * Makes a parser.
 *
 * @example
 * ```ts
 * import { SseParser } from "effect-mcp-client"
 *
 * const parser = SseParser.make()
 * parser.push(new TextEncoder().encode("id: 7\ndata: {\"a\":1}\n\n"))
 * // => [{ event: "message", data: "{\"a\":1}", id: "7" }]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (): Parser => {
  const decoder = new TextDecoder("utf-8")
  let buffer = ""
  // A chunk that ended with \r: a following \n belongs to the same line end.
  let skipLeadingNewline = false
  let data: Array<string> = []
  let hasData = false
  let eventType = ""
  let lastEventId: string | undefined
  let retry: number | undefined

  const line = (text: string, events: Array<Event>) => {
    if (text === "") {
      if (hasData) {
        events.push({ event: eventType === "" ? "message" : eventType, data: data.join("\n"), id: lastEventId })
      }
      data = []
      hasData = false
      eventType = ""
      return
    }
    if (text.startsWith(":")) return // comment (keep-alive)
    const colon = text.indexOf(":")
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? "" : text.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    switch (field) {
      case "data":
        data.push(value)
        hasData = true
        return
      case "event":
        eventType = value
        return
      case "id":
        if (!value.includes("\u0000")) lastEventId = value
        return
      case "retry":
        if (/^\d+$/.test(value)) retry = Number(value)
        return
    }
  }

  return {
    push: (chunk) => {
      let text = decoder.decode(chunk, { stream: true })
      if (skipLeadingNewline && text.startsWith("\n")) text = text.slice(1)
      skipLeadingNewline = false
      buffer += text
      const events: Array<Event> = []
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i)
        if (c === 10 || c === 13) {
          line(buffer.slice(start, i), events)
          if (c === 13) {
            if (i + 1 < buffer.length) {
              if (buffer.charCodeAt(i + 1) === 10) i++
            } else {
              skipLeadingNewline = true
            }
          }
          start = i + 1
        }
      }
      buffer = buffer.slice(start)
      return events
    },
    retry: () => retry,
    lastEventId: () => lastEventId
  }
}
