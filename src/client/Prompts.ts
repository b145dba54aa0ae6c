/**
 * Prompts and completion: listing and rendering prompts (a prompt the
 * server does not list is `PromptNotFound`), and completing arguments of
 * prompts and resource templates.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type InputDeclined, type McpServerError, PromptNotFound } from "../McpError.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import * as ProtocolVersion from "../protocol/ProtocolVersion.ts"
import type { Lists } from "./Lists.ts"
import type { CallOptions, FeatureError, ListOptions } from "./Options.ts"
import type { Session } from "./Session.ts"

/**
 * The prompt and completion operations of a session.
 *
 * @category models
 * @since 0.1.0
 */
export interface Prompts {
  readonly listPrompts: (options?: ListOptions) => Effect.Effect<Mcp.ListPromptsResult, FeatureError>
  readonly listPromptsPages: (options?: CallOptions) => Stream.Stream<Mcp.ListPromptsResult, FeatureError>
  readonly getPrompt: (
    name: string,
    args?: { readonly [key: string]: string },
    options?: CallOptions
  ) => Effect.Effect<Mcp.GetPromptResult, FeatureError | InputDeclined | PromptNotFound>
  readonly complete: (
    ref: Mcp.CompletionReference,
    argument: { readonly name: string; readonly value: string },
    options?: CallOptions & { readonly context?: { readonly [name: string]: string } | undefined }
  ) => Effect.Effect<Mcp.CompleteResult, FeatureError>
}

/**
 * Builds the prompt and completion operations of a session.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (session: Session, lists: Lists): Prompts => {
  const { state, validators, version } = session
  const requirePrompts = (method: string) =>
    session.require(method, "prompts", session.capabilities.prompts !== undefined)

  const listPrompts = (listOptions?: ListOptions) =>
    requirePrompts("prompts/list").pipe(
      Effect.andThen(lists.list("prompts/list", "prompts", validators.listPrompts, listOptions)),
      Effect.tap((result) =>
        Effect.sync(() => {
          if (listOptions?.cursor === undefined) {
            state.promptNames = new Set(result.prompts.map((prompt) => prompt.name))
          }
        })
      ),
      (effect) => session.traced(effect, "prompts/list")
    )

  /** Whether the server lists a prompt, listing afresh when it is not cached; true when the list cannot be had. */
  const hasPrompt = (name: string, callOptions: CallOptions | undefined) =>
    state.promptNames !== undefined && state.promptNames.has(name)
      ? Effect.succeed(true)
      : lists.list("prompts/list", "prompts", validators.listPrompts, callOptions).pipe(
        Effect.map((result) => {
          state.promptNames = new Set(result.prompts.map((prompt) => prompt.name))
          return state.promptNames.has(name)
        }),
        Effect.orElseSucceed(() => true)
      )

  // completion/complete exists in 2024-11-05 without a capability; from 2025-03-26 on the
  // server declares `completions`.
  const completionsDeclared = session.capabilities.completions !== undefined ||
    !ProtocolVersion.atLeast(version, "2025-03-26")

  return {
    listPrompts,
    listPromptsPages: (callOptions) =>
      Stream.unwrap(
        Effect.as(requirePrompts("prompts/list"), lists.pages("prompts/list", validators.listPrompts, callOptions))
      ),
    getPrompt: (name, args, callOptions) =>
      requirePrompts("prompts/get").pipe(
        Effect.andThen(
          session.withInputs(
            "prompts/get",
            args === undefined ? { name } : { name, arguments: args },
            validators.getPrompt,
            callOptions
          )
        ),
        Effect.catchTag("McpServerError", (error): Effect.Effect<never, McpServerError | PromptNotFound> =>
          error.code === JsonRpc.ErrorCode.InvalidParams
            ? Effect.flatMap(
              hasPrompt(name, callOptions),
              (known): Effect.Effect<never, McpServerError | PromptNotFound> =>
                known ? Effect.fail(error) : Effect.fail(new PromptNotFound({ name, description: error.description }))
            )
            : Effect.fail(error)),
        (effect) =>
          session.traced(effect, "prompts/get", { "gen_ai.prompt.name": name })
      ),
    complete: (ref, argument, completeOptions) =>
      session.require("completion/complete", "completions", completionsDeclared).pipe(
        Effect.andThen(
          session.request(
            "completion/complete",
            completeOptions?.context !== undefined && ProtocolVersion.atLeast(version, "2025-06-18")
              ? { ref, argument, context: { arguments: completeOptions.context } }
              : { ref, argument },
            validators.complete,
            completeOptions
          )
        ),
        (effect) => session.traced(effect, "completion/complete")
      )
  }
}
