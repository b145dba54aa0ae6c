/**
 * Resources: listing resources and templates, reading (a missing resource is
 * `ResourceNotFound` whichever code the server uses), and the stateful
 * subscription requests of the revisions before 2026-07-28.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type InputDeclined, McpServerError, ResourceNotFound } from "../McpError.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type { Lists } from "./Lists.ts"
import type { CallOptions, FeatureError, ListOptions } from "./Options.ts"
import type { Session } from "./Session.ts"

/**
 * The resource operations of a session.
 *
 * @category models
 * @since 0.1.0
 */
export interface Resources {
  readonly listResources: (options?: ListOptions) => Effect.Effect<Mcp.ListResourcesResult, FeatureError>
  readonly listResourcesPages: (options?: CallOptions) => Stream.Stream<Mcp.ListResourcesResult, FeatureError>
  readonly listResourceTemplates: (
    options?: ListOptions
  ) => Effect.Effect<Mcp.ListResourceTemplatesResult, FeatureError>
  readonly listResourceTemplatesPages: (
    options?: CallOptions
  ) => Stream.Stream<Mcp.ListResourceTemplatesResult, FeatureError>
  readonly readResource: (
    uri: string,
    options?: CallOptions
  ) => Effect.Effect<Mcp.ReadResourceResult, FeatureError | InputDeclined | ResourceNotFound>
  readonly subscribeResource: (uri: string, options?: CallOptions) => Effect.Effect<void, FeatureError>
  readonly unsubscribeResource: (uri: string, options?: CallOptions) => Effect.Effect<void, FeatureError>
}

/**
 * Builds the resource operations of a session.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (session: Session, lists: Lists): Resources => {
  const { validators } = session
  const requireResources = (method: string) =>
    session.require(method, "resources", session.capabilities.resources !== undefined)

  const subscription =
    (method: "resources/subscribe" | "resources/unsubscribe") => (uri: string, callOptions?: CallOptions) =>
      session.require(method, "resources.subscribe", session.capabilities.resources?.subscribe === true).pipe(
        Effect.andThen(session.removedInModern(method)),
        Effect.andThen(session.request(method, { uri }, validators.empty, callOptions)),
        Effect.asVoid,
        (effect) => session.traced(effect, method, { "mcp.resource.uri": uri })
      )

  return {
    listResources: (listOptions) =>
      requireResources("resources/list").pipe(
        Effect.andThen(lists.list("resources/list", "resources", validators.listResources, listOptions)),
        (effect) => session.traced(effect, "resources/list")
      ),
    listResourcesPages: (callOptions) =>
      Stream.unwrap(
        Effect.as(
          requireResources("resources/list"),
          lists.pages("resources/list", validators.listResources, callOptions)
        )
      ),
    listResourceTemplates: (listOptions) =>
      requireResources("resources/templates/list").pipe(
        Effect.andThen(
          lists.list("resources/templates/list", "resourceTemplates", validators.listResourceTemplates, listOptions)
        ),
        (effect) => session.traced(effect, "resources/templates/list")
      ),
    listResourceTemplatesPages: (callOptions) =>
      Stream.unwrap(
        Effect.as(
          requireResources("resources/templates/list"),
          lists.pages("resources/templates/list", validators.listResourceTemplates, callOptions)
        )
      ),
    readResource: (uri, callOptions) =>
      requireResources("resources/read").pipe(
        Effect.andThen(session.withInputs("resources/read", { uri }, validators.readResource, callOptions, uri)),
        Effect.catchTag("McpServerError", (error): Effect.Effect<never, McpServerError | ResourceNotFound> =>
          // -32002 before 2026-07-28; -32602 from it on (and from some servers before).
          error.code === JsonRpc.ErrorCode.ResourceNotFound || error.code === JsonRpc.ErrorCode.InvalidParams
            ? Effect.fail(new ResourceNotFound({ uri, description: error.description }))
            : Effect.fail(error)),
        (effect) => session.traced(effect, "resources/read", { "mcp.resource.uri": uri })
      ),
    subscribeResource: subscription("resources/subscribe"),
    unsubscribeResource: subscription("resources/unsubscribe")
  }
}
