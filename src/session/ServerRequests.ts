/**
 * Answers the requests a server sends to the client (legacy revisions):
 * `sampling/createMessage`, `elicitation/create` and `roots/list`, with the
 * handler services the application provided. Also derives the client
 * capabilities those handlers stand for.
 *
 * Every answer is checked before it leaves: the request's parameters against
 * the protocol model (`-32602` otherwise), and a form's answer against the
 * schema the server requested, after filling in the schema's defaults for
 * fields the user left out (SEP-1034).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type { ElicitationShape } from "../handlers/Elicitation.ts"
import type { HandlerError } from "../handlers/HandlerError.ts"
import type { RootsShape } from "../handlers/Roots.ts"
import type { SamplingShape } from "../handlers/Sampling.ts"
import * as JsonRpc from "../protocol/JsonRpc.ts"
import * as Mcp from "../protocol/Mcp.ts"
import * as ProtocolVersion from "../protocol/ProtocolVersion.ts"
import { validator } from "../protocol/Validate.ts"
import type { ServerRequestHandler } from "./Engine.ts"

/**
 * The handler services that were provided.
 *
 * @category models
 * @since 0.1.0
 */
export interface Handlers {
  readonly sampling: Option.Option<SamplingShape>
  readonly elicitation: Option.Option<ElicitationShape>
  readonly roots: Option.Option<RootsShape>
}

/**
 * Checks a form answer against the requested schema. Returns a description
 * of the first mismatch, or `undefined` when the answer conforms.
 *
 * @category models
 * @since 0.1.0
 */
export type FormCheck = (schema: Mcp.JsonObject, content: unknown) => Effect.Effect<string | undefined>

/**
 * The capabilities the provided handlers stand for, in the form the offered
 * revision defines.
 *
 * @category constructors
 * @since 0.1.0
 */
export const capabilities = (handlers: Handlers, version: string): Mcp.ClientCapabilities => {
  const latest = ProtocolVersion.atLeast(version, "2025-11-25")
  const result: {
    -readonly [K in keyof Mcp.ClientCapabilities]: Mcp.ClientCapabilities[K]
  } = {}
  if (Option.isSome(handlers.sampling)) {
    const sampling = handlers.sampling.value
    result.sampling = latest
      ? { ...(sampling.context === true ? { context: {} } : {}), ...(sampling.tools === true ? { tools: {} } : {}) }
      : {}
  }
  if (Option.isSome(handlers.elicitation) && ProtocolVersion.atLeast(version, "2025-06-18")) {
    const elicitation = handlers.elicitation.value
    if (latest) {
      const modes = {
        ...(elicitation.form !== undefined ? { form: {} } : {}),
        ...(elicitation.url !== undefined ? { url: {} } : {})
      }
      if (modes.form !== undefined || modes.url !== undefined) result.elicitation = modes
    } else if (elicitation.form !== undefined) {
      // Before 2025-11-25 there was only form mode, declared as `{}`.
      result.elicitation = {}
    }
  }
  if (Option.isSome(handlers.roots)) {
    result.roots = handlers.roots.value.changes !== undefined ? { listChanged: true } : {}
  }
  return result
}

const invalidParams = (message: string): JsonRpc.ErrorObject => ({ code: JsonRpc.ErrorCode.InvalidParams, message })

const fromHandlerError = (error: HandlerError): JsonRpc.ErrorObject =>
  error.data === undefined
    ? { code: error.code ?? JsonRpc.ErrorCode.InternalError, message: error.description }
    : { code: error.code ?? JsonRpc.ErrorCode.InternalError, message: error.description, data: error.data }

const checkParams = <A>(check: (input: unknown, method: string) => Result.Result<A, { readonly message: string }>) =>
(
  method: string,
  params: JsonRpc.JsonObject | undefined
): Effect.Effect<A, JsonRpc.ErrorObject> => {
  const result = check(params ?? {}, method)
  return Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(invalidParams(result.failure.message))
}

const createMessageParams = checkParams(validator(Mcp.CreateMessageParams))
const formParams = checkParams(validator(Mcp.ElicitFormParams))
const urlParams = checkParams(validator(Mcp.ElicitUrlParams))

/**
 * Fills in the schema's `default` for every property the answer leaves out
 * (SEP-1034).
 *
 * @category utils
 * @since 0.1.0
 */
export const applyDefaults = (
  schema: Mcp.JsonObject,
  content: { readonly [key: string]: unknown } | undefined
): { readonly [key: string]: unknown } => {
  const properties = schema.properties
  const filled: Record<string, unknown> = { ...content }
  if (typeof properties === "object" && properties !== null) {
    for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
      if (filled[name] === undefined && typeof property === "object" && property !== null && "default" in property) {
        filled[name] = (property as { readonly default: unknown }).default
      }
    }
  }
  return filled
}

const blocksOf = (message: Mcp.SamplingMessage): ReadonlyArray<Mcp.SamplingContent> =>
  Array.isArray(message.content) ? message.content : [message.content as Mcp.SamplingContent]

/**
 * Why a sampling request's use of tools breaks the rules of 2025-11-25, or
 * `undefined`: `tools` or `toolChoice` when the client did not declare
 * `sampling.tools`, a `toolChoice` without `tools`, a user message that mixes
 * `tool_result` with other content, or a `tool_use` that the next message
 * does not answer with a `tool_result` of the same id (and no other).
 *
 * @category utils
 * @since 0.1.0
 */
export const toolUseProblem = (request: Mcp.CreateMessageParams, toolsDeclared: boolean): string | undefined => {
  const hasTools = request.tools !== undefined && request.tools.length > 0
  if ((hasTools || request.toolChoice !== undefined) && !toolsDeclared) {
    return "This client did not declare sampling with tools"
  }
  if (request.toolChoice !== undefined && !hasTools) return "toolChoice was sent without tools"
  let awaited: Set<string> | undefined
  for (const [index, message] of request.messages.entries()) {
    const blocks = blocksOf(message)
    const results = blocks.filter((block) => block.type === "tool_result") as ReadonlyArray<Mcp.ToolResultContent>
    if (results.length > 0 && (message.role !== "user" || results.length !== blocks.length)) {
      return `messages[${index}]: tool_result blocks must make up a whole user message`
    }
    if (awaited !== undefined) {
      const answered = new Set(results.map((result) => result.toolUseId))
      const missing = [...awaited].find((id) => !answered.has(id))
      if (missing !== undefined) return `messages[${index}] does not answer tool_use ${missing}`
    }
    const unexpected = results.find((result) => awaited === undefined || !awaited.has(result.toolUseId))
    if (unexpected !== undefined) {
      return `messages[${index}]: tool_result ${unexpected.toolUseId} answers no tool_use of the message before`
    }
    const uses = blocks.filter((block) => block.type === "tool_use") as ReadonlyArray<Mcp.ToolUseContent>
    awaited = uses.length > 0 ? new Set(uses.map((use) => use.id)) : undefined
  }
  return awaited === undefined ? undefined : `tool_use ${[...awaited][0]} is never answered by a tool_result`
}

/**
 * Builds the engine's handler for server requests.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeHandler = (handlers: Handlers, checkForm: FormCheck): ServerRequestHandler => (method, params) => {
  switch (method) {
    case "sampling/createMessage": {
      if (Option.isNone(handlers.sampling)) return Effect.fail(methodNotFound(method))
      const sampling = handlers.sampling.value
      return createMessageParams(method, params).pipe(
        Effect.flatMap((request) => {
          const problem = toolUseProblem(request, sampling.tools === true)
          return problem !== undefined
            ? Effect.fail(invalidParams(problem))
            : Effect.mapError(sampling.createMessage(request), fromHandlerError)
        }),
        Effect.map((result) => result as unknown as JsonRpc.JsonObject)
      )
    }
    case "elicitation/create": {
      if (Option.isNone(handlers.elicitation)) return Effect.fail(methodNotFound(method))
      const elicitation = handlers.elicitation.value
      const mode = params?.mode ?? "form"
      if (mode === "url") {
        const url = elicitation.url
        if (url === undefined) return Effect.fail(invalidParams("This client does not support URL elicitation"))
        return urlParams(method, params).pipe(
          Effect.flatMap((request) => Effect.mapError(url(request), fromHandlerError)),
          Effect.map((result) => result as unknown as JsonRpc.JsonObject)
        )
      }
      const form = elicitation.form
      if (mode !== "form" || form === undefined) {
        return Effect.fail(invalidParams(`This client does not support ${String(mode)} elicitation`))
      }
      return formParams(method, params).pipe(
        Effect.flatMap((request) =>
          Effect.mapError(form(request), fromHandlerError).pipe(
            Effect.flatMap((result): Effect.Effect<Mcp.ElicitResult, JsonRpc.ErrorObject> => {
              if (result.action !== "accept") return Effect.succeed({ action: result.action })
              const content = applyDefaults(request.requestedSchema, result.content)
              return Effect.flatMap(checkForm(request.requestedSchema, content), (problem) => {
                if (problem !== undefined) {
                  return Effect.logWarning("An elicitation answer does not match the requested schema", problem).pipe(
                    Effect.andThen(Effect.fail({
                      code: JsonRpc.ErrorCode.InternalError,
                      message: `The answer does not match the requested schema: ${problem}`
                    }))
                  )
                }
                return Effect.succeed({ ...result, content: content as Mcp.ElicitResult["content"] & {} })
              })
            })
          )
        ),
        Effect.map((result) => result as unknown as JsonRpc.JsonObject)
      )
    }
    case "roots/list": {
      if (Option.isNone(handlers.roots)) return Effect.fail(methodNotFound(method))
      return handlers.roots.value.list.pipe(
        Effect.mapError(fromHandlerError),
        Effect.flatMap((roots) => {
          // "MUST be a file:// URI": a root the application gives otherwise is its mistake, never sent on.
          const wrong = roots.find((root) => !isFileUri(root.uri))
          if (wrong === undefined) return Effect.succeed({ roots } as JsonRpc.JsonObject)
          const message = `The client's root ${JSON.stringify(wrong.uri)} is not a file:// URI`
          return Effect.logWarning(message).pipe(
            Effect.andThen(Effect.fail({ code: JsonRpc.ErrorCode.InternalError, message }))
          )
        })
      )
    }
    default:
      return Effect.fail(methodNotFound(method))
  }
}

const isFileUri = (uri: string): boolean => {
  try {
    return new URL(uri).protocol === "file:"
  } catch {
    return false
  }
}

const methodNotFound = (method: string): JsonRpc.ErrorObject => ({
  code: JsonRpc.ErrorCode.MethodNotFound,
  message: `Method not found: ${method}`
})
