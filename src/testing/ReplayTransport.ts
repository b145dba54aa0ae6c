/**
 * Plays a recording as the server: a transport with no server behind it
 * that answers the client with what the server sent when the recording was
 * made.
 *
 * Each message the client sends is matched against the messages the
 * recording has the client send, by method and params (`_meta` is never
 * compared, redacted values match anything, and ids are remapped: the
 * client's request ids may differ from the recording's). Requests may
 * arrive in another order than recorded. When one matches, the server's
 * messages recorded right after it are delivered, with the client's new ids
 * in the replies and in progress and cancellation notifications. When none
 * matches, the connection fails with a `TransportError` whose message (and
 * `cause`, a `Recording.ReplayMismatch`) shows the message, the one
 * expected next and how they differ. `verify` then also reports a
 * recording the client did not finish.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TransportError } from "../McpError.ts"
import { type ConnectionError, Transport, type TransportShape } from "../transport/Transport.ts"
import * as Conversation from "./Conversation.ts"
import * as Recording from "./Recording.ts"

/**
 * Options of a replay.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /**
   * `instant` (the default) delivers the server's messages at once;
   * `recorded` waits as long after the client's message as the recording
   * did (on the Effect clock, so `TestClock` controls it).
   */
  readonly pace?: "instant" | "recorded" | undefined
}

/**
 * A replaying connection.
 *
 * @category models
 * @since 0.1.0
 */
export interface Replay {
  readonly transport: TransportShape
  /**
   * Succeeds when the client sent exactly what the recording has it send;
   * fails with the first deviation, or with the first message it did not
   * send.
   */
  readonly verify: Effect.Effect<void, Recording.ReplayMismatch>
}

/**
 * A replaying connection, open for the current scope.
 *
 * **Example** (Replaying a hand-written conversation)
 *
 * ```ts
 * import { Effect, Result } from "effect"
 * import { Conversation, McpClient, ReplayTransport, Transport } from "effect-mcp-client"
 *
 * const entries = Result.getOrThrow(Conversation.parse(`
 * > {"method": "initialize"}
 * < {"result": {"protocolVersion": "2025-11-25", "capabilities": {}, "serverInfo": {"name": "s", "version": "1"}}}
 * > {"method": "notifications/initialized"}
 * > {"method": "ping"}
 * < {"result": {}}
 * `))
 * const program = Effect.gen(function*() {
 *   const replay = yield* ReplayTransport.make(entries)
 *   const client = yield* McpClient.make({ name: "app", version: "1.0.0", era: "legacy" }).pipe(
 *     Effect.provideService(Transport.Transport, replay.transport)
 *   )
 *   yield* client.ping()
 *   yield* replay.verify
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  recording: ReadonlyArray<Recording.Entry>,
  options: Options = {}
): Effect.Effect<Replay, never, Scope.Scope> =>
  Effect.gen(function*() {
    const entries = recording
    const scope = yield* Effect.scope
    const out = yield* Queue.unbounded<unknown, ConnectionError | Cause.Done>()
    yield* Effect.addFinalizer(() => Effect.sync(() => Queue.endUnsafe(out)))
    const consumed = entries.map(() => false)
    /** recorded request id (as JSON) → the client's id. */
    const ids = new Map<string, unknown>()
    /** index of a recorded request → the client's id for it. */
    const liveIdAt = new Map<number, unknown>()
    const answers = answeredRequests(entries)
    let mismatch: Recording.ReplayMismatch | undefined

    const remapId = (id: unknown) => {
      const key = JSON.stringify(id)
      return ids.has(key) ? ids.get(key) : id
    }
    const serverMessage = (index: number): unknown => {
      const message = entries[index]!.message as Record<string, unknown>
      if ("result" in message || "error" in message) {
        const answered = answers.get(index)
        if (message.id === undefined && answered !== undefined) return { ...message, id: liveIdAt.get(answered) }
        return { ...message, id: remapId(message.id) }
      }
      const params = message.params as Record<string, unknown> | undefined
      if (message.method === "notifications/progress" && params !== undefined && "progressToken" in params) {
        return { ...message, params: { ...params, progressToken: remapId(params.progressToken) } }
      }
      if (message.method === "notifications/cancelled" && params !== undefined && "requestId" in params) {
        return { ...message, params: { ...params, requestId: remapId(params.requestId) } }
      }
      return message
    }
    /** Delivers the server's messages recorded after entry `after` (-1: the start), up to the next client message. */
    const deliverAfter = (after: number) => {
      const batch: Array<number> = []
      for (let j = after + 1; j < entries.length && entries[j]!.direction === "receive"; j++) {
        if (consumed[j]) break
        consumed[j] = true
        batch.push(j)
      }
      if (batch.length === 0) return Effect.void
      if (options.pace !== "recorded") {
        for (const j of batch) Queue.offerUnsafe(out, serverMessage(j))
        return Effect.void
      }
      const since = after < 0 ? 0 : entries[after]!.t
      return Effect.forkIn(
        Effect.gen(function*() {
          let waited = 0
          for (const j of batch) {
            const wait = Math.max(0, entries[j]!.t - since - waited)
            if (wait > 0) yield* Effect.sleep(wait)
            waited += wait
            Queue.offerUnsafe(out, serverMessage(j))
          }
        }),
        scope
      ).pipe(Effect.asVoid)
    }
    const deliver = deliverAfter

    const send = (message: unknown): Effect.Effect<void, ConnectionError> =>
      Effect.suspend(() => {
        if (mismatch !== undefined) return Effect.fail(failure(mismatch))
        let firstOpen = -1
        for (let i = 0; i < entries.length; i++) {
          if (consumed[i] || entries[i]!.direction !== "send") continue
          if (firstOpen < 0) firstOpen = i
          if (differences(entries[i]!.message, message, remapId).length > 0) continue
          consumed[i] = true
          const { id, method } = message as { id?: unknown; method?: unknown }
          const recorded = entries[i]!.message as { id?: unknown }
          if (typeof method === "string" && id !== undefined) {
            liveIdAt.set(i, id)
            if (recorded.id !== undefined) ids.set(JSON.stringify(recorded.id), id)
          }
          return deliver(i)
        }
        const expected = firstOpen < 0 ? undefined : entries[firstOpen]!.message
        mismatch = new Recording.ReplayMismatch({
          received: message,
          ...(expected === undefined ? {} : { expected }),
          differences: expected === undefined ? ["the recording has no more client messages"] : differences(
            expected,
            message,
            remapId
          )
        })
        const error = failure(mismatch)
        Queue.failCauseUnsafe(out, Cause.fail(error))
        return Effect.fail(error)
      })

    yield* deliver(-1)
    const verify = Effect.suspend(() => {
      if (mismatch !== undefined) return Effect.fail(mismatch)
      const left = entries.findIndex((entry, i) => entry.direction === "send" && !consumed[i])
      if (left < 0) return Effect.void
      return Effect.fail(new Recording.ReplayMismatch({ expected: entries[left]!.message, differences: [] }))
    })
    return { transport: { send, incoming: Stream.fromQueue(out) }, verify }
  })

/**
 * A `Transport` layer that replays a recording.
 *
 * **Example** (Replaying a recorded session from a file)
 *
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Layer } from "effect"
 * import { McpClient, ReplayTransport } from "effect-mcp-client"
 *
 * const Replayed = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(ReplayTransport.layerNdjson(readFileSync("session.ndjson", "utf8")))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (recording: ReadonlyArray<Recording.Entry>, options: Options = {}): Layer.Layer<Transport> =>
  Layer.effect(Transport, Effect.map(make(recording, options), (replay) => replay.transport))

/**
 * A `Transport` layer that replays NDJSON written by `Recorder`; building it
 * fails with `RecordingError` when the text is not a recording.
 *
 * @category layers
 * @since 0.1.0
 */
export const layerNdjson = (
  text: string,
  options: Options = {}
): Layer.Layer<Transport, Recording.RecordingError> =>
  Layer.unwrap(Effect.map(Effect.fromResult(Recording.fromNdjson(text)), (entries) => layer(entries, options)))

/**
 * A `Transport` layer that replays a hand-written conversation (see
 * `Conversation`); building it fails with `RecordingError` when the text
 * cannot be read.
 *
 * **Example** (A server that answers one ping)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient, ReplayTransport } from "effect-mcp-client"
 *
 * const Client = McpClient.layer({ name: "app", version: "1.0.0", era: "legacy" }).pipe(
 *   Layer.provide(ReplayTransport.layerConversation(`
 * > {"method": "initialize"}
 * < {"result": {"protocolVersion": "2025-11-25", "capabilities": {}, "serverInfo": {"name": "s", "version": "1"}}}
 * > {"method": "notifications/initialized"}
 * > {"method": "ping"}
 * < {"result": {}}
 * `))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerConversation = (
  text: string,
  options: Options = {}
): Layer.Layer<Transport, Recording.RecordingError> =>
  Layer.unwrap(Effect.map(Effect.fromResult(Conversation.parse(text)), (entries) => layer(entries, options)))

/**
 * How a message differs from a recorded pattern, one line a difference (an
 * empty array when it matches). Members of the pattern must be present and
 * equal in the message; members the pattern lacks are not compared, nor is
 * `_meta` at any depth, nor a request's `id`; a redacted value matches
 * anything. `remapId` turns a recorded request id into the client's.
 *
 * @example
 * ```ts
 * import { ReplayTransport } from "effect-mcp-client"
 *
 * ReplayTransport.differences({ method: "tools/call", params: { name: "a" } }, { method: "tools/call", params: { name: "b" } })
 * // ['params.name: expected "a", got "b"']
 * ```
 *
 * @category matching
 * @since 0.1.0
 */
export const differences = (
  pattern: unknown,
  message: unknown,
  remapId: (id: unknown) => unknown = (id) => id
): ReadonlyArray<string> => {
  const found: Array<string> = []
  const isRequest = typeof pattern === "object" && pattern !== null && "method" in pattern
  const top = pattern as Record<string, unknown>
  const compared = isRequest ? withoutId(top) : top
  const remapped = top.method === "notifications/cancelled" && isObject(top.params) && "requestId" in top.params
    ? { ...compared, params: { ...top.params, requestId: remapId(top.params.requestId) } }
    : compared
  compare(remapped, message, "", found)
  return found
}

// =============================================================================
// Internal
// =============================================================================

const failure = (mismatch: Recording.ReplayMismatch) =>
  new TransportError({ description: `Replay: ${mismatch.message}`, cause: mismatch })

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const withoutId = (message: Record<string, unknown>) => {
  const { id: _id, ...rest } = message
  return rest
}

const compare = (pattern: unknown, value: unknown, path: string, found: Array<string>): void => {
  if (pattern === Recording.redacted) return
  const where = path === "" ? "message" : path
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return void found.push(`${where}: expected an array, got ${JSON.stringify(value)}`)
    if (pattern.length !== value.length) {
      found.push(`${where}: expected ${pattern.length} items, got ${value.length}`)
    }
    for (let i = 0; i < Math.min(pattern.length, value.length); i++) {
      compare(pattern[i], value[i], `${path}[${i}]`, found)
    }
    return
  }
  if (isObject(pattern)) {
    if (!isObject(value)) return void found.push(`${where}: expected an object, got ${JSON.stringify(value)}`)
    for (const [key, child] of Object.entries(pattern)) {
      if (key === "_meta") continue
      const at = path === "" ? key : `${path}.${key}`
      if (!(key in value)) found.push(`${at}: missing (expected ${JSON.stringify(child)})`)
      else compare(child, value[key], at, found)
    }
    return
  }
  if (pattern !== value) found.push(`${where}: expected ${JSON.stringify(pattern)}, got ${JSON.stringify(value)}`)
}

/** For each recorded reply without an id: the index of the latest recorded client request before it. */
const answeredRequests = (entries: ReadonlyArray<Recording.Entry>) => {
  const answers = new Map<number, number>()
  let latest: number | undefined
  entries.forEach((entry, i) => {
    const message = entry.message as Record<string, unknown>
    if (
      entry.direction === "send" && typeof message.method === "string" && !message.method.startsWith("notifications/")
    ) {
      latest = i
    }
    if (entry.direction === "receive" && message.id === undefined && latest !== undefined) answers.set(i, latest)
  })
  return answers
}
