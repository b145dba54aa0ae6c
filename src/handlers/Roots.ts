/**
 * The application's roots: the `file://` locations it lets servers work in,
 * answered to the server's `roots/list`.
 *
 * Provide the `Roots` service to `McpClient.layer` to declare the `roots`
 * capability. When the service has a `changes` stream, the capability is
 * declared with `listChanged` and each change is announced to the server
 * with `notifications/roots/list_changed`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as Mcp from "../protocol/Mcp.ts"
import type { HandlerError } from "./HandlerError.ts"

/**
 * What a roots provider does.
 *
 * @category models
 * @since 0.1.0
 */
export interface RootsShape {
  /** The current roots. */
  readonly list: Effect.Effect<ReadonlyArray<Mcp.Root>, HandlerError>
  /** Emits whenever the roots change. */
  readonly changes?: Stream.Stream<unknown> | undefined
}

/**
 * The roots service.
 *
 * @category services
 * @since 0.1.0
 */
export class Roots extends Context.Service<Roots, RootsShape>()("effect-mcp-client/Roots") {}

/**
 * Provides fixed roots.
 *
 * @example
 * ```ts
 * import { Roots } from "effect-mcp-client"
 *
 * const Workspace = Roots.layerStatic([{ uri: "file:///home/me/project", name: "project" }])
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerStatic = (roots: ReadonlyArray<Mcp.Root>): Layer.Layer<Roots> =>
  Layer.succeed(Roots, { list: Effect.succeed(roots) })

/**
 * Provides roots held in a `SubscriptionRef`: setting the ref announces the
 * change to the server.
 *
 * @example
 * ```ts
 * import { Effect, SubscriptionRef } from "effect"
 * import { type Mcp, Roots } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const ref = yield* SubscriptionRef.make<ReadonlyArray<Mcp.Root>>([{ uri: "file:///tmp/a" }])
 *   const layer = Roots.layerSubscriptionRef(ref)
 *   // … later: yield* SubscriptionRef.set(ref, [{ uri: "file:///tmp/b" }])
 *   return layer
 * })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerSubscriptionRef = (
  ref: SubscriptionRef.SubscriptionRef<ReadonlyArray<Mcp.Root>>
): Layer.Layer<Roots> =>
  Layer.succeed(Roots, {
    list: SubscriptionRef.get(ref),
    // `changes` starts with the current value, which is not a change.
    changes: Stream.drop(SubscriptionRef.changes(ref), 1)
  })
