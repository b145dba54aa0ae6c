/**
 * Whole server behaviours, generated: a revision, a set of tools served in
 * pages, and for each tool how the server conducts a call (a result, an
 * error, or no reply at all; with notifications, requests of its own and
 * progress before the reply, and perhaps the reply twice). `layer` plays a
 * behaviour as a scripted server over memory, so a property test can run
 * an application's flow against any valid server conduct:
 *
 * ```ts
 * import { it } from "@effect/vitest"
 * import { Effect } from "effect"
 * import { McpClient, ServerBehaviour } from "effect-mcp-client"
 *
 * it.effect.prop("my flow copes with any server", { behaviour: ServerBehaviour.arbitrary }, ({ behaviour }) =>
 *   Effect.gen(function*() {
 *     const client = yield* McpClient.make({ name: "app", version: "1.0.0", era: "legacy" }).pipe(
 *       Effect.provide(ServerBehaviour.layer(behaviour))
 *     )
 *     const { tools } = yield* client.listTools()
 *     return tools.length === behaviour.tools.length
 *   }).pipe(Effect.scoped))
 * ```
 *
 * Everything the server does follows from the behaviour value, so a
 * failing case shrinks and replays like any other generated value.
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Mcp from "../protocol/Mcp.ts"
import * as ProtocolVersion from "../protocol/ProtocolVersion.ts"
import * as MemoryTransport from "../transport/MemoryTransport.ts"
import type { Transport, TransportShape } from "../transport/Transport.ts"
import * as Arbitraries from "./Arbitraries.ts"

/**
 * How the server ends a call: a result, a JSON-RPC error, or silence (the
 * client's deadline or interruption must end it).
 *
 * @category models
 * @since 0.1.0
 */
export type Reply =
  | { readonly _tag: "Result"; readonly result: Mcp.CallToolResult }
  | { readonly _tag: "Error"; readonly code: number; readonly message: string }
  | { readonly _tag: "Silent" }

/**
 * How the server conducts every call of one tool.
 *
 * @category models
 * @since 0.1.0
 */
export interface Conduct {
  /** Notifications sent before the reply. */
  readonly notifications: ReadonlyArray<Arbitraries.NotificationMessage>
  /** Requests of the server's own sent before the reply (their answers are not awaited). */
  readonly requests: ReadonlyArray<Arbitraries.RequestMessage>
  /** Progress notifications sent before the reply, when the call asked for progress. */
  readonly progress: number
  readonly reply: Reply
  /** The reply is sent twice. */
  readonly duplicate: boolean
}

/**
 * A whole server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Behaviour {
  readonly revision: Arbitraries.Revision
  /** Tools with distinct names, served `pageSize` a page. */
  readonly tools: ReadonlyArray<Mcp.Tool>
  readonly pageSize: number
  /** The conduct of each tool, by its position in `tools`. */
  readonly conducts: ReadonlyArray<Conduct>
}

/**
 * The error codes a generated server replies with: the JSON-RPC standard
 * ones and a server-defined one.
 *
 * @category constants
 * @since 0.1.0
 */
export const errorCodes: ReadonlyArray<number> = [-32700, -32600, -32601, -32602, -32603, -32000]

/**
 * Any behaviour of a server speaking `revision`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const arbitraryFor = (revision: Arbitraries.Revision): Arbitrary.Arbitrary<Behaviour> =>
  Arbitrary.flatMap(Arbitraries.integer(1, 6), (count) =>
    Arbitrary.map(
      Arbitrary.all([
        Arbitrary.array(Arbitrary.schema(SchemaString), { minLength: count, maxLength: count }),
        Arbitraries.integer(1, 4),
        Arbitrary.array(conduct(revision), { minLength: count, maxLength: count })
      ]),
      ([descriptions, pageSize, conducts]): Behaviour => ({
        revision,
        tools: descriptions.map((description, i) => ({
          name: `tool-${i}`,
          description,
          inputSchema: { type: "object" }
        })),
        pageSize,
        conducts
      })
    ))

/**
 * Any behaviour of a server speaking any stateful revision.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const arbitrary: Arbitrary.Arbitrary<Behaviour> = Arbitrary.flatMap(
  Arbitraries.oneOf(ProtocolVersion.legacyVersions.map((revision) => Arbitrary.Constant(revision))),
  arbitraryFor
)

/**
 * The conduct of calls to the tool `name`, if the behaviour has it.
 *
 * @example
 * ```ts
 * import { ServerBehaviour } from "effect-mcp-client"
 *
 * declare const behaviour: ServerBehaviour.Behaviour
 * const reply = ServerBehaviour.conductOf(behaviour, "tool-0")?.reply
 * ```
 *
 * @category accessors
 * @since 0.1.0
 */
export const conductOf = (behaviour: Behaviour, name: string): Conduct | undefined => {
  const index = behaviour.tools.findIndex((tool) => tool.name === name)
  return index < 0 ? undefined : behaviour.conducts[index]
}

/**
 * Plays a behaviour as the server's side of a connection.
 *
 * @category constructors
 * @since 0.1.0
 */
export const serve = (behaviour: Behaviour) => (peer: MemoryTransport.Peer): Effect.Effect<void> =>
  peer.incoming.pipe(
    Stream.runForEach((raw) => {
      const message = raw as { id?: string | number; method?: string; params?: any }
      if (message.method === undefined || message.id === undefined) return Effect.void
      const id = message.id
      const reply = (result: unknown) => peer.send({ jsonrpc: "2.0", id, result })
      const fail = (code: number, text: string) => peer.send({ jsonrpc: "2.0", id, error: { code, message: text } })
      switch (message.method) {
        case "initialize":
          return reply({
            protocolVersion: behaviour.revision,
            capabilities: { tools: { listChanged: true }, logging: {} },
            serverInfo: { name: "generated", version: "1.0.0" }
          })
        case "ping":
          return reply({})
        case "tools/list": {
          const cursor = message.params?.cursor
          const page = typeof cursor === "string" && cursor.startsWith("page-") ? Number(cursor.slice(5)) : 0
          const start = page * behaviour.pageSize
          const tools = behaviour.tools.slice(start, start + behaviour.pageSize)
          const more = start + behaviour.pageSize < behaviour.tools.length
          return reply(more ? { tools, nextCursor: `page-${page + 1}` } : { tools })
        }
        case "tools/call": {
          const conduct = conductOf(behaviour, String(message.params?.name))
          if (conduct === undefined) return fail(-32602, `Unknown tool: ${String(message.params?.name)}`)
          return Effect.gen(function*() {
            for (const notification of conduct.notifications) yield* peer.send(notification)
            for (const request of conduct.requests) yield* peer.send(request)
            const progressToken = message.params?._meta?.progressToken
            if (progressToken !== undefined) {
              for (let p = 1; p <= conduct.progress; p++) {
                yield* peer.send({
                  jsonrpc: "2.0",
                  method: "notifications/progress",
                  params: { progressToken, progress: p, total: conduct.progress }
                })
              }
            }
            const times = conduct.duplicate ? 2 : 1
            for (let i = 0; i < times; i++) {
              if (conduct.reply._tag === "Result") yield* reply(conduct.reply.result)
              else if (conduct.reply._tag === "Error") yield* fail(conduct.reply.code, conduct.reply.message)
            }
          })
        }
        default:
          return fail(-32601, `Method not found: ${message.method}`)
      }
    })
  )

/**
 * A connection to a server playing `behaviour`, in the current scope.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (behaviour: Behaviour): Effect.Effect<TransportShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { client, peer } = yield* MemoryTransport.makePair
    yield* Effect.forkScoped(serve(behaviour)(peer))
    return client
  })

/**
 * A `Transport` layer whose server plays `behaviour`.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (behaviour: Behaviour): Layer.Layer<Transport> => MemoryTransport.layerPeer(serve(behaviour))

// =============================================================================
// Internal
// =============================================================================

const SchemaString = Schema.String

const sendableResult = Arbitraries.sendable(Arbitraries.callToolResult)

const reply: Arbitrary.Arbitrary<Reply> = Arbitraries.oneOf<Reply>([
  Arbitrary.map(sendableResult, (result) => ({ _tag: "Result" as const, result })),
  Arbitrary.map(
    Arbitrary.all([
      Arbitraries.oneOf(errorCodes.map((code) => Arbitrary.Constant(code))),
      Arbitrary.schema(SchemaString)
    ]),
    ([code, message]) => ({ _tag: "Error" as const, code, message })
  ),
  Arbitrary.Constant<Reply>({ _tag: "Silent" })
])

const conduct = (revision: Arbitraries.Revision): Arbitrary.Arbitrary<Conduct> =>
  Arbitrary.map(
    Arbitrary.all([
      Arbitrary.array(Arbitraries.notification(revision), { maxLength: 3 }),
      Arbitrary.array(Arbitraries.serverRequest(revision), { maxLength: 2 }),
      Arbitraries.integer(0, 3),
      reply,
      Arbitrary.schema(Schema.Boolean)
    ]),
    ([notifications, requests, progress, reply, duplicate]) => ({
      notifications,
      requests,
      progress,
      reply,
      duplicate
    })
  )
