/**
 * The error tags of each `McpClientShape` method, written out so that a test
 * can compare them with the guide's table, and checked against the method
 * signatures by the type check: a tag added to or removed from a method's
 * error channel, or a method added, fails `tsc` here until this list (and then
 * the guide, by test/docs/error-tags.test.ts) says the same.
 */
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import type * as McpClient from "../../src/McpClient.ts"

type ErrorOf<F> = F extends (...args: ReadonlyArray<any>) => Effect.Effect<any, infer E, any> ? E
  : F extends (...args: ReadonlyArray<any>) => Stream.Stream<any, infer E, any> ? E
  : F extends Stream.Stream<any, infer E, any> ? E
  : F extends Effect.Effect<any, infer E, any> ? E
  : never

type TagsOf<F> = ErrorOf<F> extends infer E ? E extends { readonly _tag: infer Tag } ? Tag : never : never

/** The members of the session that can fail, and building the session itself (`make`, `layer`). */
type Failing =
  & {
    readonly [K in keyof McpClient.McpClientShape as [TagsOf<McpClient.McpClientShape[K]>] extends [never] ? never : K]:
      TagsOf<McpClient.McpClientShape[K]>
  }
  & { readonly make: TagsOf<typeof McpClient.make> }
  & { readonly layer: Layer.Error<ReturnType<typeof McpClient.layer>>["_tag"] }

const requestError = [
  "TransportError",
  "MessageTooLarge",
  "SessionExpired",
  "AuthorizationError",
  "ProtocolError",
  "McpServerError",
  "MissingClientCapability",
  "HeaderMismatch",
  "RequestTimeout",
  "SessionClosed"
] as const
const feature = [...requestError, "CapabilityNotSupported"] as const
const callTool = [
  ...feature,
  "InputDeclined",
  "ToolNotFound",
  "UrlElicitationRequired",
  "OutputValidationError",
  "InvalidToolArguments",
  "TaskFailed",
  "TaskCancelled"
] as const

/** Every request's failures (`McpError.RequestError`). */
export const requestErrorTags: ReadonlyArray<string> = requestError

/** The tags of each method's error channel. */
export const errorTags = {
  make: [...requestError, "UnsupportedProtocolVersion"],
  layer: [...requestError, "UnsupportedProtocolVersion"],
  ping: feature,
  listTools: feature,
  listToolsPages: feature,
  callTool,
  callToolWithProgress: callTool,
  callToolOrFail: [...callTool, "ToolExecutionError"],
  callToolTyped: [...callTool, "ToolExecutionError"],
  callToolAsTask: callTool,
  startToolTask: callTool,
  listTasks: feature,
  listResources: feature,
  listResourcesPages: feature,
  listResourceTemplates: feature,
  listResourceTemplatesPages: feature,
  readResource: [...feature, "InputDeclined", "ResourceNotFound"],
  subscribeResource: feature,
  unsubscribeResource: feature,
  listPrompts: feature,
  listPromptsPages: feature,
  getPrompt: [...feature, "InputDeclined", "PromptNotFound"],
  complete: feature,
  setLoggingLevel: feature,
  request: requestError,
  notify: requestError,
  resourceUpdates: feature
} as const

// Every tag listed is in the method's error channel, every tag of the channel is listed, for every failing method.
type Listed = { readonly [K in keyof typeof errorTags]: (typeof errorTags)[K][number] }
type Unlisted = { readonly [K in keyof Failing]: K extends keyof Listed ? Exclude<Failing[K], Listed[K]> : K }
type Extra = { readonly [K in keyof Listed]: K extends keyof Failing ? Exclude<Listed[K], Failing[K]> : K }
type Nonempty<T> = { readonly [K in keyof T as [T[K]] extends [never] ? never : K]: T[K] }

export const typesAgree: { readonly unlisted: Nonempty<Unlisted>; readonly extra: Nonempty<Extra> } = {
  unlisted: {},
  extra: {}
}
