/**
 * The server's notifications as streams: log messages, list changes,
 * resource updates and URL elicitation completions. On 2026-07-28, list
 * changes and resource updates run on `subscriptions/listen`; before it, on
 * the session's own notifications and `resources/subscribe`.
 *
 * @since 0.1.0
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { RequestError } from "../McpError.ts"
import type * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Mcp from "../protocol/Mcp.ts"
import { validator } from "../protocol/Validate.ts"
import * as Elicitations from "./Elicitations.ts"
import type { CallOptions, FeatureError, ListKind } from "./Options.ts"
import type { Session } from "./Session.ts"

/**
 * The notification streams of a session.
 *
 * @category models
 * @since 0.1.0
 */
export interface Notifications {
  readonly logs: Stream.Stream<Mcp.LoggingMessageParams>
  readonly listChanges: Stream.Stream<ListKind>
  readonly resourceUpdates: (
    uri: string,
    options?: CallOptions
  ) => Stream.Stream<Mcp.ResourceUpdatedParams, FeatureError>
  readonly elicitationCompletions: Stream.Stream<string>
}

const validateLogMessage = validator(Mcp.LoggingMessageParams)
const validateListenResult = validator(Mcp.EmptyResult)

const listKinds: { readonly [method: string]: ListKind } = {
  "notifications/tools/list_changed": "tools",
  "notifications/resources/list_changed": "resources",
  "notifications/prompts/list_changed": "prompts"
}

const updatesOf = (uri: string) => <E>(stream: Stream.Stream<Mcp.ServerNotification, E>) =>
  Stream.filterMap(
    stream,
    (notification) =>
      notification.method === "notifications/resources/updated" && notification.params?.uri === uri
        ? Result.succeed(notification.params as unknown as Mcp.ResourceUpdatedParams)
        : Result.failVoid
  )

/**
 * Builds the notification streams of a session.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (session: Session): Notifications => {
  const { capabilities, engine, state } = session

  const select = <A>(pick: (notification: Mcp.ServerNotification) => A | undefined) =>
    Stream.filterMap(engine.notifications, (notification) => {
      const picked = pick(notification)
      return picked === undefined ? Result.failVoid : Result.succeed(picked)
    })

  /**
   * The notifications of a `subscriptions/listen` stream (2026-07-28), for as
   * long as the stream runs. Running it opens the subscription; ending it
   * closes it. A subscription that drops is opened again, with backoff.
   */
  const listen = (filter: Mcp.SubscriptionFilter, callOptions?: CallOptions) =>
    Stream.unwrap(Effect.gen(function*() {
      const queue = yield* engine.subscribe
      let listenId: JsonRpc.RequestId | undefined
      const done = yield* Deferred.make<void, RequestError>()
      yield* engine.request("subscriptions/listen", { notifications: filter }, validateListenResult, {
        ...callOptions,
        timeout: "Infinity",
        onId: (id) => {
          listenId = id
        }
      }).pipe(Effect.exit, Effect.flatMap((exit) => Deferred.done(done, Exit.asVoid(exit))), Effect.forkScoped)
      return Stream.fromQueue(queue).pipe(
        Stream.filter((notification) =>
          notification.method !== "notifications/subscriptions/acknowledged" &&
          (notification.params?._meta as JsonRpc.JsonObject | undefined)?.[Mcp.MetaKey.subscriptionId] === listenId
        ),
        Stream.haltWhen(Deferred.await(done))
      )
    })).pipe(
      // Only a dropped connection is worth reopening; bounded.
      Stream.retry(($) =>
        Schedule.max([
          $(Schedule.exponential("200 millis")).pipe(Schedule.while(({ input }) => input._tag === "TransportError")),
          Schedule.recurs(5)
        ])
      )
    )

  const listChanges = session.modern
    ? Stream.unwrap(Effect.sync(() => {
      const filter = {
        ...(capabilities.tools?.listChanged === true ? { toolsListChanged: true } : {}),
        ...(capabilities.prompts?.listChanged === true ? { promptsListChanged: true } : {}),
        ...(capabilities.resources?.listChanged === true ? { resourcesListChanged: true } : {})
      }
      return Object.keys(filter).length === 0
        ? Stream.never
        : listen(filter).pipe(
          Stream.filterMap((notification) => {
            const kind = listKinds[notification.method]
            return kind === undefined ? Result.failVoid : Result.succeed(kind)
          }),
          Stream.tap((kind) =>
            Effect.sync(() => {
              if (kind === "tools") state.knownTools = undefined
              else if (kind === "prompts") state.promptNames = undefined
            })
          ),
          Stream.orDie
        )
    }))
    : select((notification): ListKind | undefined => listKinds[notification.method])

  const requireSubscribe = (method: string) =>
    session.require(method, "resources.subscribe", capabilities.resources?.subscribe === true)

  // How many open streams watch each resource: one subscription per resource on the server.
  const watchers = new Map<string, number>()
  const legacyResourceUpdates = (uri: string, callOptions?: CallOptions) =>
    Stream.unwrap(Effect.gen(function*() {
      yield* requireSubscribe("resources/subscribe")
      // Listen before subscribing, so that no update is missed.
      const subscription = yield* engine.subscribe
      const count = watchers.get(uri) ?? 0
      watchers.set(uri, count + 1)
      yield* Effect.addFinalizer(() => {
        const left = (watchers.get(uri) ?? 1) - 1
        if (left > 0) {
          watchers.set(uri, left)
          return Effect.void
        }
        watchers.delete(uri)
        return Effect.ignore(session.request("resources/unsubscribe", { uri }, session.validators.empty, callOptions))
      })
      if (count === 0) yield* session.request("resources/subscribe", { uri }, session.validators.empty, callOptions)
      return Stream.fromQueue(subscription).pipe(updatesOf(uri))
    }))

  return {
    logs: select((notification) => {
      if (notification.method !== "notifications/message") return undefined
      const checked = validateLogMessage(notification.params, notification.method)
      return Result.isSuccess(checked) ? checked.success : undefined
    }),
    listChanges,
    resourceUpdates: (uri, callOptions) =>
      session.modern
        ? Stream.unwrap(
          Effect.as(
            requireSubscribe("subscriptions/listen"),
            listen({ resourceSubscriptions: [uri] }, callOptions).pipe(updatesOf(uri))
          )
        )
        : legacyResourceUpdates(uri, callOptions),
    // "Clients MUST ignore notifications referencing unknown or already-completed IDs": the tracker decides.
    elicitationCompletions: Stream.suspend(() => (state.elicitations ??= new Elicitations.Tracker()).completions)
  }
}
