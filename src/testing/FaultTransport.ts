/**
 * Fault injection: a transport that wraps another and, from a seed, drops,
 * delays, duplicates, reorders or corrupts messages in either direction,
 * cuts the connection after a number of messages or at random, and slows
 * reads.
 *
 * Every decision is recorded (and logged at debug level) with the seed, the
 * direction and the message's position in that direction. Each direction
 * draws from a sequence of its own, three numbers per message, so the same
 * seed and the same messages give the same decisions: a failing seed
 * reproduces the failure when rerun.
 *
 * Requests travel through `send` (the wrapped transport's `offer`, `listen`
 * and `exchange` are not used), so every request can be faulted. Over
 * 2026-07-28 HTTP, where each request's exchange carries headers of its
 * own, wrap the memory or stdio transports instead.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TransportError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import { type ConnectionError, Transport, type TransportShape } from "../transport/Transport.ts"
import * as Seeded from "./Seeded.ts"

/**
 * The probability of each fault for one message of a direction, each in
 * [0, 1]; their sum should not pass 1. A message gets at most one fault.
 *
 * @category models
 * @since 0.1.0
 */
export interface Faults {
  /** The message is lost. */
  readonly drop?: number | undefined
  /** The message arrives up to `maxDelay` late; later messages may overtake it. */
  readonly delay?: number | undefined
  /** The message arrives twice. */
  readonly duplicate?: number | undefined
  /** The message is held back and arrives after the next one (or after `maxDelay`). */
  readonly reorder?: number | undefined
  /** The message arrives damaged: wrong version, changed id, missing payload or not an object. */
  readonly corrupt?: number | undefined
}

/**
 * The options of a faulty connection.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The seed of every decision. Defaults to a random one; read it from `seed` or any decision. */
  readonly seed?: number | undefined
  /** Faults of messages from the client to the server. */
  readonly send?: Faults | undefined
  /** Faults of messages from the server to the client. */
  readonly receive?: Faults | undefined
  /** The longest delay (`delay`) and the longest hold (`reorder`). Defaults to 100 milliseconds. */
  readonly maxDelay?: Duration.Input | undefined
  /** The connection breaks at the message after this many (both directions counted). */
  readonly cutAfter?: number | undefined
  /** The probability that the connection breaks at any one message. Defaults to 0. */
  readonly cutProbability?: number | undefined
  /** A pause before each message from the server is read: a slow reader. */
  readonly readDelay?: Duration.Input | undefined
  /** Called with each decision, as it is made. */
  readonly onDecision?: ((decision: Decision) => void) | undefined
}

/**
 * What happened to one message.
 *
 * @category models
 * @since 0.1.0
 */
export type Fault = "pass" | "drop" | "delay" | "duplicate" | "reorder" | "corrupt" | "cut"

/**
 * One decision, with what is needed to find it again.
 *
 * @category models
 * @since 0.1.0
 */
export interface Decision {
  readonly seed: number
  /** `send`: client to server; `receive`: server to client. */
  readonly direction: "send" | "receive"
  /** The message's position in its direction, from 0. */
  readonly index: number
  readonly fault: Fault
  readonly method?: string | undefined
  readonly id?: string | number | undefined
  /** For `delay`: how late. */
  readonly delayMillis?: number | undefined
  /** For `corrupt`: the damage done. */
  readonly corruption?: string | undefined
}

/**
 * A faulty connection and its record.
 *
 * @category models
 * @since 0.1.0
 */
export interface FaultyConnection {
  readonly transport: TransportShape
  readonly seed: number
  /** Every decision so far, in the order made. */
  readonly decisions: ReadonlyArray<Decision>
}

/**
 * Wraps a connection in the current scope.
 *
 * **Example** (A connection that loses one message in ten from the server)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { FaultTransport, MemoryTransport } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const { client } = yield* MemoryTransport.makePair
 *   const faulty = yield* FaultTransport.make(client, { seed: 7, receive: { drop: 0.1 } })
 *   return faulty.transport
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  inner: TransportShape,
  options: Options = {}
): Effect.Effect<FaultyConnection, never, Scope.Scope> =>
  Effect.gen(function*() {
    const seed = options.seed ?? (yield* Random.nextIntBetween(0, 2 ** 31 - 1))
    const scope = yield* Effect.scope
    const maxDelay = Duration.toMillis(Duration.fromInputUnsafe(options.maxDelay ?? "100 millis"))
    const readDelay = options.readDelay === undefined ? undefined : Duration.fromInputUnsafe(options.readDelay)
    const decisions: Array<Decision> = []
    const out = yield* Queue.unbounded<unknown, ConnectionError | Cause.Done>()
    let total = 0
    let cut: TransportError | undefined

    const record = (decision: Decision) => {
      decisions.push(decision)
      options.onDecision?.(decision)
      return Effect.logDebug("FaultTransport", decision)
    }
    const breakConnection = (direction: "send" | "receive", index: number) => {
      cut = new TransportError({
        description: `FaultTransport cut the connection at ${direction} message ${index} (seed ${seed})`
      })
      Queue.failCauseUnsafe(out, Cause.fail(cut))
      return cut
    }

    const direction = (
      name: "send" | "receive",
      faults: Faults,
      deliver: (message: unknown) => Effect.Effect<void, ConnectionError>
    ) => {
      const next = Seeded.generator(Seeded.derive(seed, name))
      const thresholds = cumulative(faults)
      let index = 0
      let held: { readonly message: unknown } | undefined
      const later = (effect: Effect.Effect<void, ConnectionError>, millis: number) =>
        Effect.forkIn(Effect.ignore(Effect.andThen(Effect.sleep(millis), effect)), scope)
      const flushHeld = Effect.suspend(() => {
        const slot = held
        held = undefined
        return slot === undefined ? Effect.void : deliver(slot.message)
      })
      return (message: unknown): Effect.Effect<void, ConnectionError> =>
        Effect.suspend(() => {
          if (cut !== undefined) return Effect.fail(cut)
          const position = index++
          total++
          const rollCut = next()
          const rollFault = next()
          const rollParam = next()
          const base = { seed, direction: name, index: position, ...identify(message) }
          if (
            (options.cutAfter !== undefined && total > options.cutAfter) ||
            rollCut < (options.cutProbability ?? 0)
          ) {
            const error = breakConnection(name, position)
            return Effect.andThen(record({ ...base, fault: "cut" }), Effect.fail(error))
          }
          const fault = pick(thresholds, rollFault)
          switch (fault) {
            case "drop":
              return record({ ...base, fault })
            case "corrupt": {
              const [corruption, damaged] = corrupt(message, rollParam, name === "receive")
              return Effect.andThen(
                record({ ...base, fault, corruption }),
                Effect.andThen(deliver(damaged), flushHeld)
              )
            }
            case "duplicate":
              return Effect.andThen(
                record({ ...base, fault }),
                Effect.andThen(Effect.andThen(deliver(message), deliver(message)), flushHeld)
              )
            case "delay": {
              const delayMillis = Math.max(1, Math.round(rollParam * maxDelay))
              return Effect.andThen(record({ ...base, fault, delayMillis }), later(deliver(message), delayMillis))
            }
            case "reorder": {
              if (held !== undefined) {
                return Effect.andThen(record({ ...base, fault: "pass" }), Effect.andThen(deliver(message), flushHeld))
              }
              const slot = { message }
              held = slot
              const release = Effect.suspend(() => {
                if (held !== slot) return Effect.void
                held = undefined
                return deliver(message)
              })
              return Effect.andThen(record({ ...base, fault }), later(release, maxDelay))
            }
            default:
              return Effect.andThen(record({ ...base, fault }), Effect.andThen(deliver(message), flushHeld))
          }
        })
    }

    const send = direction("send", options.send ?? {}, (message) => inner.send(message as JsonRpc.Message))
    const receive = direction("receive", options.receive ?? {}, (message) =>
      Effect.sync(() => {
        Queue.offerUnsafe(out, message)
      }))
    const read = readDelay === undefined ?
      receive :
      (message: unknown) => Effect.andThen(Effect.sleep(readDelay), receive(message))

    yield* inner.incoming.pipe(
      Stream.runForEach((message) => Effect.catch(read(message), () => Effect.void)),
      Effect.matchCause({
        onSuccess: () => Queue.endUnsafe(out),
        onFailure: (cause) => Queue.failCauseUnsafe(out, cause)
      }),
      Effect.forkIn(scope)
    )
    yield* Effect.logDebug(`FaultTransport seed ${seed}`)

    const transport: TransportShape = {
      send: (message) => send(message),
      incoming: Stream.fromQueue(out)
    }
    return { transport, seed, decisions }
  })

/**
 * A `Transport` layer that wraps the `Transport` it is given with faults.
 *
 * **Example** (A flaky server for a test)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpServer } from "effect/ai"
 * import { Effect } from "effect"
 * import { FaultTransport, McpClient, MemoryTransport } from "effect-mcp-client"
 *
 * const registrations = McpServer.resource({ uri: "memo://a", name: "a", content: Effect.succeed("text") })
 * const Flaky = McpClient.layer({ name: "app", version: "1.0.0" }).pipe(
 *   Layer.provide(FaultTransport.layer({ seed: 1, receive: { delay: 0.5 } })),
 *   Layer.provide(MemoryTransport.layerServer({ name: "server", version: "1.0.0", registrations }))
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Transport, never, Transport> =>
  Layer.effect(
    Transport,
    Effect.gen(function*() {
      const inner = yield* Transport
      const faulty = yield* make(inner, options)
      return faulty.transport
    })
  )

/**
 * Renders decisions one a line, for a failure message.
 *
 * @example
 * ```ts
 * import { FaultTransport } from "effect-mcp-client"
 *
 * const text = FaultTransport.describe([{ seed: 1, direction: "send", index: 0, fault: "drop", method: "ping" }])
 * // "seed 1 send #0 drop ping"
 * ```
 *
 * @category formatting
 * @since 0.1.0
 */
export const describe = (decisions: ReadonlyArray<Decision>): string =>
  decisions.map((d) =>
    [
      `seed ${d.seed}`,
      `${d.direction} #${d.index}`,
      d.fault,
      d.method,
      d.id === undefined ? undefined : `id=${d.id}`,
      d.delayMillis === undefined ? undefined : `${d.delayMillis}ms`,
      d.corruption
    ].filter((part) => part !== undefined).join(" ")
  ).join("\n")

// =============================================================================
// Internal
// =============================================================================

const order = ["drop", "corrupt", "duplicate", "reorder", "delay"] as const

const cumulative = (faults: Faults): ReadonlyArray<readonly [Fault, number]> => {
  let sum = 0
  return order.map((fault) => {
    sum += faults[fault] ?? 0
    return [fault, sum] as const
  })
}

const pick = (thresholds: ReadonlyArray<readonly [Fault, number]>, roll: number): Fault => {
  for (const [fault, threshold] of thresholds) if (roll < threshold) return fault
  return "pass"
}

const identify = (message: unknown): { method?: string; id?: string | number } => {
  if (typeof message !== "object" || message === null) return {}
  const { id, method } = message as { id?: unknown; method?: unknown }
  return {
    ...(typeof method === "string" ? { method } : {}),
    ...(typeof id === "string" || typeof id === "number" ? { id } : {})
  }
}

/** Damages a message; `anything` allows replacing it with a value that is not an object. */
const corrupt = (message: unknown, roll: number, anything: boolean): readonly [string, unknown] => {
  if (typeof message !== "object" || message === null) return ["left as it was (not an object)", message]
  const kinds = anything ? 4 : 3
  const record = message as Record<string, unknown>
  switch (Math.floor(roll * kinds)) {
    case 0:
      return ["jsonrpc 1.0", { ...record, jsonrpc: "1.0" }]
    case 1:
      if (typeof record.id === "number") return ["id changed", { ...record, id: record.id + 1_000_000 }]
      if (typeof record.id === "string") return ["id changed", { ...record, id: `${record.id}-corrupted` }]
      return ["method changed", { ...record, method: `${String(record.method)}/corrupted` }]
    case 2: {
      const { error: _error, params: _params, result: _result, ...rest } = record
      return ["payload removed", rest]
    }
    default:
      return ["not an object", "corrupted"]
  }
}
