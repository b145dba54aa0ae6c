/**
 * Generators of MCP values for property tests, derived from the protocol
 * schemas: what a server may send (tools, results, content, notifications),
 * so that an application can check that its own code copes with any of it.
 *
 * Use them with `@effect/vitest`'s `it.prop` / `it.effect.prop` or with
 * `Arbitrary.checkEffect`.
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Schema from "effect/Schema"
import * as Mcp from "../protocol/Mcp.ts"
import type * as ProtocolVersion from "../protocol/ProtocolVersion.ts"

/**
 * Any tool definition.
 *
 * @example
 * ```ts
 * import { describe, it } from "@effect/vitest"
 * import { Arbitraries } from "effect-mcp-client"
 *
 * describe("my tool picker", () => {
 *   it.prop("never throws", { tool: Arbitraries.tool }, ({ tool }) => typeof tool.name === "string")
 * })
 * ```
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const tool: Arbitrary.Arbitrary<Mcp.Tool> = Arbitrary.schema(Mcp.Tool)

/**
 * Any content block of a known type.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const contentBlock: Arbitrary.Arbitrary<Mcp.ContentBlock> = Arbitrary.schema(Mcp.ContentBlock)

/**
 * Any page of `tools/list`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const listToolsResult: Arbitrary.Arbitrary<Mcp.ListToolsResult> = Arbitrary.schema(Mcp.ListToolsResult)

/**
 * Any result of `tools/call`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const callToolResult: Arbitrary.Arbitrary<Mcp.CallToolResult> = Arbitrary.schema(Mcp.CallToolResult)

/**
 * Any result of `resources/read`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const readResourceResult: Arbitrary.Arbitrary<Mcp.ReadResourceResult> = Arbitrary.schema(
  Mcp.ReadResourceResult
)

/**
 * Any result of `prompts/get`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const getPromptResult: Arbitrary.Arbitrary<Mcp.GetPromptResult> = Arbitrary.schema(Mcp.GetPromptResult)

/**
 * Any progress notification's parameters.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const progress: Arbitrary.Arbitrary<Mcp.ProgressNotificationParams> = Arbitrary.schema(
  Mcp.ProgressNotificationParams
)

/**
 * Any log message's parameters.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const logMessage: Arbitrary.Arbitrary<Mcp.LoggingMessageParams> = Arbitrary.schema(Mcp.LoggingMessageParams)

/**
 * Any page of `resources/list`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const listResourcesResult: Arbitrary.Arbitrary<Mcp.ListResourcesResult> = Arbitrary.schema(
  Mcp.ListResourcesResult
)

/**
 * Any page of `prompts/list`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const listPromptsResult: Arbitrary.Arbitrary<Mcp.ListPromptsResult> = Arbitrary.schema(Mcp.ListPromptsResult)

/**
 * Any page of `resources/templates/list`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const listResourceTemplatesResult: Arbitrary.Arbitrary<Mcp.ListResourceTemplatesResult> = Arbitrary.schema(
  Mcp.ListResourceTemplatesResult
)

/**
 * Any result of `completion/complete`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const completeResult: Arbitrary.Arbitrary<Mcp.CompleteResult> = Arbitrary.schema(Mcp.CompleteResult)

// -----------------------------------------------------------------------------
// Whole messages, per revision
// -----------------------------------------------------------------------------

/**
 * A revision whose messages the generators below can shape: the stateful
 * revisions, in which the server sends notifications and requests of its
 * own on the session.
 *
 * @category models
 * @since 0.1.0
 */
export type Revision = ProtocolVersion.LegacyVersion

/**
 * An integer in [min, max].
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const integer = (min: number, max: number): Arbitrary.Arbitrary<number> =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: min, maximum: max })))

/**
 * The values of `item` as they arrive after crossing a connection as JSON
 * (values that JSON cannot carry are not generated).
 *
 * @example
 * ```ts
 * import { Arbitraries } from "effect-mcp-client"
 *
 * const results = Arbitraries.sendable(Arbitraries.callToolResult)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const sendable = <A>(item: Arbitrary.Arbitrary<A>): Arbitrary.Arbitrary<A> =>
  Arbitrary.map(
    Arbitrary.filter(item, (value) => {
      try {
        return JSON.stringify(value) !== undefined
      } catch {
        return false
      }
    }),
    (value) => JSON.parse(JSON.stringify(value)) as A
  )

/**
 * One of the given generators, chosen at random (shrinking towards the first).
 *
 * @example
 * ```ts
 * import { Arbitrary } from "effect"
 * import { Arbitraries } from "effect-mcp-client"
 *
 * const level = Arbitraries.oneOf([Arbitrary.Constant("info"), Arbitrary.Constant("error")])
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const oneOf = <A>(choices: ReadonlyArray<Arbitrary.Arbitrary<A>>): Arbitrary.Arbitrary<A> =>
  Arbitrary.flatMap(integer(0, choices.length - 1), (i) => choices[i]!)

/**
 * A JSON-RPC request id as servers choose them: an integer or a string.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const requestId: Arbitrary.Arbitrary<string | number> = oneOf<string | number>([
  integer(0, 1_000_000),
  Arbitrary.map(integer(0, 1_000_000), (n) => `server-${n}`)
])

/**
 * A successful reply to the client's request `id`, with a result from
 * `result`.
 *
 * @example
 * ```ts
 * import { Arbitraries } from "effect-mcp-client"
 *
 * const replies = Arbitraries.response(1, Arbitraries.callToolResult)
 * ```
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const response = <A>(
  id: string | number,
  result: Arbitrary.Arbitrary<A>
): Arbitrary.Arbitrary<{ readonly jsonrpc: "2.0"; readonly id: string | number; readonly result: A }> =>
  Arbitrary.map(result, (value) => ({ jsonrpc: "2.0" as const, id, result: value }))

/**
 * A JSON-RPC error object: one of the standard codes or any integer, a
 * message, and sometimes `data`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const errorObject: Arbitrary.Arbitrary<
  { readonly code: number; readonly message: string; readonly data?: unknown }
> = Arbitrary
  .map(
    Arbitrary.all([
      oneOf([
        Arbitrary.Constant(-32700),
        Arbitrary.Constant(-32600),
        Arbitrary.Constant(-32601),
        Arbitrary.Constant(-32602),
        Arbitrary.Constant(-32603),
        Arbitrary.Constant(-32002),
        integer(-40_000, 40_000)
      ]),
      Arbitrary.schema(Schema.String),
      Arbitrary.schema(Schema.UndefinedOr(Schema.Json))
    ]),
    ([code, message, data]) => (data === undefined ? { code, message } : { code, message, data })
  )

/**
 * An error reply to the client's request `id`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const errorResponse = (
  id: string | number
): Arbitrary.Arbitrary<{ readonly jsonrpc: "2.0"; readonly id: string | number; readonly error: unknown }> =>
  Arbitrary.map(errorObject, (error) => ({ jsonrpc: "2.0" as const, id, error }))

/**
 * A server notification as a whole JSON-RPC message.
 *
 * @category models
 * @since 0.1.0
 */
export interface NotificationMessage {
  readonly jsonrpc: "2.0"
  readonly method: string
  readonly params?: { readonly [key: string]: unknown }
}

/**
 * A server request as a whole JSON-RPC message.
 *
 * @category models
 * @since 0.1.0
 */
export interface RequestMessage extends NotificationMessage {
  readonly id: string | number
}

/**
 * Any notification a server may send in `revision`: progress (without
 * `message` before 2025-03-26), log messages, cancellation, resource
 * updates, the three list changes, and (from 2025-11-25) the completion of
 * a URL elicitation.
 *
 * @example
 * ```ts
 * import { describe, it } from "@effect/vitest"
 * import { Arbitraries } from "effect-mcp-client"
 *
 * describe("my notification router", () => {
 *   it.prop("names every method", { n: Arbitraries.notification("2025-06-18") }, ({ n }) => n.method.length > 0)
 * })
 * ```
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const notification = (revision: Revision): Arbitrary.Arbitrary<NotificationMessage> => {
  const withParams = (method: string, params: Arbitrary.Arbitrary<{ readonly [key: string]: unknown }>) =>
    Arbitrary.map(params, (value): NotificationMessage => ({ jsonrpc: "2.0", method, params: value }))
  const bare = (method: string) => Arbitrary.Constant<NotificationMessage>({ jsonrpc: "2.0", method })
  const choices = [
    withParams(
      "notifications/progress",
      revision < "2025-03-26" ? Arbitrary.map(progress, ({ message: _message, ...rest }) => rest) : progress
    ),
    withParams("notifications/message", logMessage),
    withParams("notifications/cancelled", Arbitrary.schema(Mcp.CancelledParams)),
    withParams("notifications/resources/updated", Arbitrary.schema(Mcp.ResourceUpdatedParams)),
    bare("notifications/tools/list_changed"),
    bare("notifications/resources/list_changed"),
    bare("notifications/prompts/list_changed")
  ]
  if (revision >= "2025-11-25") {
    choices.push(withParams("notifications/elicitation/complete", Arbitrary.schema(Mcp.ElicitationCompleteParams)))
  }
  return sendable(oneOf(choices))
}

/**
 * Any request a server may send the client in `revision`: `ping`,
 * `roots/list`, `sampling/createMessage`, and `elicitation/create` (a form
 * from 2025-06-18, a URL from 2025-11-25).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const serverRequest = (revision: Revision): Arbitrary.Arbitrary<RequestMessage> => {
  const request = (method: string, params?: Arbitrary.Arbitrary<{ readonly [key: string]: unknown }>) =>
    params === undefined
      ? Arbitrary.map(requestId, (id): RequestMessage => ({ jsonrpc: "2.0", id, method }))
      : Arbitrary.map(
        Arbitrary.all([requestId, params]),
        ([id, value]): RequestMessage => ({ jsonrpc: "2.0", id, method, params: value })
      )
  const choices = [
    request("ping"),
    request("roots/list"),
    request("sampling/createMessage", Arbitrary.schema(Mcp.CreateMessageParams))
  ]
  if (revision >= "2025-06-18") choices.push(request("elicitation/create", Arbitrary.schema(Mcp.ElicitFormParams)))
  if (revision >= "2025-11-25") choices.push(request("elicitation/create", Arbitrary.schema(Mcp.ElicitUrlParams)))
  return sendable(oneOf(choices))
}

/**
 * Any message a server may send on a session of `revision` while the
 * client's request `id` is open: its reply (a result from `result`, or an
 * error), a notification, or a request of the server's own.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const serverMessage = <A>(
  revision: Revision,
  id: string | number,
  result: Arbitrary.Arbitrary<A>
): Arbitrary.Arbitrary<unknown> =>
  oneOf<unknown>([response(id, result), errorResponse(id), notification(revision), serverRequest(revision)])

/**
 * A list split into pages as a server would send it: one page or more, each
 * with its items under `key`, every page but the last with a distinct
 * `nextCursor`.
 *
 * @example
 * ```ts
 * import { Arbitraries } from "effect-mcp-client"
 *
 * const toolPages = Arbitraries.pages(Arbitraries.tool, "tools")
 * ```
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const pages = <A, const K extends string>(
  item: Arbitrary.Arbitrary<A>,
  key: K
): Arbitrary.Arbitrary<ReadonlyArray<{ readonly [P in K]: ReadonlyArray<A> } & { readonly nextCursor?: string }>> =>
  Arbitrary.map(
    Arbitrary.array(Arbitrary.array(item, { maxLength: 4 }), { minLength: 1, maxLength: 5 }),
    (chunks) =>
      chunks.map((items, i) => {
        const page = { [key]: items } as unknown as { readonly [P in K]: ReadonlyArray<A> }
        return i === chunks.length - 1 ? page : { ...page, nextCursor: `cursor-${i + 1}` }
      })
  )
