/**
 * The server's `sampling/createMessage` answered by the application's
 * `effect/ai` `LanguageModel`.
 *
 * `layerLanguageModel` provides the `Sampling` handler service from the
 * `LanguageModel` in context (or one of `models`, chosen from the server's
 * `modelPreferences`): the server's messages and system prompt become an
 * `effect/ai` prompt (text, images and audio as file parts, tool uses and
 * tool results as tool calls and tool results), the server's tools
 * (2025-11-25) become `effect/ai` tools whose calls are returned to the
 * server rather than run, and the reply becomes the result with its
 * `stopReason` and model name.
 *
 * `effect/ai` has no portable settings for `maxTokens`, `temperature` or
 * stop sequences: `configure` receives them to apply to the provider (for
 * example with a provider's config override); stop sequences are also
 * applied to the reply here. A policy bounds what the server may spend
 * (`tokenBudget`, `maxTokensPerRequest`), and `approve` keeps a human in the
 * loop, as the specification asks.
 *
 * @since 0.1.0
 */
import type * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { HandlerError, userRejected } from "../handlers/HandlerError.ts"
import { Sampling } from "../handlers/Sampling.ts"
import type * as Mcp from "../protocol/Mcp.ts"

/**
 * The generation settings of one request, for `configure`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly model: string
  readonly maxTokens: number
  readonly temperature?: number | undefined
  readonly stopSequences?: ReadonlyArray<string> | undefined
}

/**
 * A model the application offers to servers, by name.
 *
 * @category models
 * @since 0.1.0
 */
export interface NamedModel {
  readonly name: string
  readonly model: LanguageModel.LanguageModel
}

/**
 * How sampling requests are answered.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The name reported for the model in context. Defaults to `"language-model"`. */
  readonly modelName?: string | undefined
  /**
   * Other models the application offers. The server's hints pick one: the
   * first model whose name contains a hint, hints in the server's order;
   * else `chooseModel`; else the model in context.
   */
  readonly models?: ReadonlyArray<NamedModel> | undefined
  /** Chooses a model by name from the preferences when no hint matched. */
  readonly chooseModel?:
    | ((preferences: Mcp.ModelPreferences | undefined, names: ReadonlyArray<string>) => string | undefined)
    | undefined
  /** Applies the request's settings to the generation (the provider's configuration). */
  readonly configure?:
    | ((settings: Settings) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>)
    | undefined
  /** Whether servers may sample at all. Defaults to true. */
  readonly allow?: boolean | undefined
  /**
   * The most tokens (input and output, as the model reports them) all requests of this session may use together,
   * checked before each request; a request is also given at most what is left as its `maxTokens`.
   */
  readonly tokenBudget?: number | undefined
  /** The highest `maxTokens` a request may ask for; higher ones are lowered to it. */
  readonly maxTokensPerRequest?: number | undefined
  /** Asks a human whether to run the request; `false` refuses it (`-1`, user rejected). */
  readonly approve?: ((request: Mcp.CreateMessageParams) => Effect.Effect<boolean>) | undefined
}

const blocksOf = <A>(content: A | ReadonlyArray<A>): ReadonlyArray<A> =>
  Array.isArray(content) ? content : [content as A]

const textOfBlocks = (blocks: ReadonlyArray<Mcp.ContentBlock>): string =>
  blocks.flatMap((block) => block.type === "text" ? [(block as Mcp.TextContent).text] : []).join("\n")

/**
 * The `effect/ai` prompt of a sampling request.
 *
 * @example
 * ```ts
 * import * as SamplingLanguageModel from "effect-mcp-client/SamplingLanguageModel"
 *
 * const prompt = SamplingLanguageModel.toPrompt({
 *   messages: [{ role: "user", content: { type: "text", text: "Hello" } }],
 *   systemPrompt: "Be brief",
 *   maxTokens: 100
 * })
 * prompt.content.map((message) => message.role) // ["system", "user"]
 * ```
 *
 * @category converters
 * @since 0.1.0
 */
export const toPrompt = (params: Mcp.CreateMessageParams): Prompt.Prompt => {
  const messages: Array<Prompt.MessageEncoded> = []
  if (params.systemPrompt !== undefined && params.systemPrompt.length > 0) {
    messages.push({ role: "system", content: params.systemPrompt })
  }
  const toolNames = new Map<string, string>()
  for (const message of params.messages) {
    const parts: Array<any> = []
    const results: Array<Prompt.ToolResultPartEncoded> = []
    for (const block of blocksOf(message.content)) {
      switch (block.type) {
        case "text":
          parts.push({ type: "text", text: block.text })
          break
        case "image":
        case "audio":
          parts.push({ type: "file", mediaType: block.mimeType, data: block.data })
          break
        case "tool_use":
          toolNames.set(block.id, block.name)
          parts.push({
            type: "tool-call",
            id: block.id,
            name: block.name,
            params: block.input,
            providerExecuted: false
          })
          break
        case "tool_result":
          results.push({
            type: "tool-result",
            id: block.toolUseId,
            name: toolNames.get(block.toolUseId) ?? "tool",
            isFailure: block.isError === true,
            result: block.structuredContent ?? textOfBlocks(block.content)
          })
          break
      }
    }
    if (parts.length > 0) messages.push({ role: message.role, content: parts })
    if (results.length > 0) messages.push({ role: "tool", content: results })
  }
  return Prompt.make(messages)
}

/** The server's tools, as tools whose calls are returned rather than run. */
const toolkitOf = (tools: ReadonlyArray<Mcp.Tool>) =>
  Toolkit.make(
    ...tools.map((tool) =>
      Tool.dynamic(tool.name, {
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema as any,
        success: Schema.Unknown
      }) as unknown as Tool.Any
    )
  )

const withHandlers = (tools: ReadonlyArray<Mcp.Tool>): Effect.Effect<Toolkit.WithHandler<Record<string, Tool.Any>>> => {
  const toolkit = toolkitOf(tools)
  return Effect.flatMap(
    toolkit.toHandlers({} as any),
    (context) =>
      Effect.provideContext(toolkit as unknown as Effect.Effect<Toolkit.WithHandler<Record<string, Tool.Any>>>, context)
  )
}

const stopReasonOf = (reason: string): string => {
  switch (reason) {
    case "stop":
      return "endTurn"
    case "length":
      return "maxTokens"
    case "tool-calls":
      return "toolUse"
    default:
      return reason
  }
}

/** Cuts a text at its first stop sequence. */
const cutAtStop = (text: string, stops: ReadonlyArray<string> | undefined): string | undefined => {
  let at = -1
  for (const stop of stops ?? []) {
    const index = stop.length === 0 ? -1 : text.indexOf(stop)
    if (index >= 0 && (at < 0 || index < at)) at = index
  }
  return at < 0 ? undefined : text.slice(0, at)
}

/**
 * The model chosen for some preferences: by hint, then `chooseModel`, else
 * `undefined` (the model in context).
 *
 * @category models
 * @since 0.1.0
 */
export const chooseModel = (
  preferences: Mcp.ModelPreferences | undefined,
  options: Pick<Options, "models" | "chooseModel">
): NamedModel | undefined => {
  const models = options.models ?? []
  for (const hint of preferences?.hints ?? []) {
    if (hint.name === undefined || hint.name.length === 0) continue
    const found = models.find((model) => model.name.includes(hint.name!))
    if (found !== undefined) return found
  }
  const chosen = options.chooseModel?.(preferences, models.map((model) => model.name))
  return chosen === undefined ? undefined : models.find((model) => model.name === chosen)
}

const failWith = (description: string) => Effect.fail(new HandlerError({ description }))

/**
 * A `Sampling` handler that answers with the `LanguageModel` in context.
 *
 * **Example** (Sampling with the application's model)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient } from "effect-mcp-client"
 * import * as SamplingLanguageModel from "effect-mcp-client/SamplingLanguageModel"
 *
 * declare const model: Layer.Layer<import("effect/ai").LanguageModel.LanguageModel>
 * declare const transport: Layer.Layer<import("effect-mcp-client").Transport.Transport>
 *
 * const session = McpClient.layer({ name: "agent", version: "1.0.0" }).pipe(
 *   Layer.provide([transport, SamplingLanguageModel.layerLanguageModel({ tokenBudget: 20_000 }).pipe(Layer.provide(model))])
 * )
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerLanguageModel = (options: Options = {}): Layer.Layer<Sampling, never, LanguageModel.LanguageModel> =>
  Layer.effect(
    Sampling,
    Effect.gen(function*() {
      const inContext = yield* LanguageModel.LanguageModel
      let spent = 0
      const createMessage = (params: Mcp.CreateMessageParams) =>
        Effect.gen(function*() {
          if (options.allow === false) return yield* userRejected("Sampling is not allowed for this server")
          if (options.tokenBudget !== undefined && spent >= options.tokenBudget) {
            return yield* userRejected(`The sampling token budget (${options.tokenBudget}) is spent`)
          }
          if (options.approve !== undefined && !(yield* options.approve(params))) {
            return yield* userRejected("The user declined the sampling request")
          }
          const chosen = chooseModel(params.modelPreferences, options)
          const model = chosen?.model ?? inContext
          const name = chosen?.name ?? options.modelName ?? "language-model"
          let maxTokens = params.maxTokens
          if (options.maxTokensPerRequest !== undefined) maxTokens = Math.min(maxTokens, options.maxTokensPerRequest)
          if (options.tokenBudget !== undefined) maxTokens = Math.min(maxTokens, options.tokenBudget - spent)
          const settings: Settings = {
            model: name,
            maxTokens,
            ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
            ...(params.stopSequences === undefined ? {} : { stopSequences: params.stopSequences })
          }
          const tools = params.tools ?? []
          const mode = params.toolChoice?.mode ?? "auto"
          const prompt = toPrompt(params)
          const toolkit = tools.length === 0 ? undefined : yield* withHandlers(tools)
          // The server's tools are declared to the model; their calls go back to the server, unrun.
          const generate = (toolkit === undefined
            ? model.generateText({ prompt })
            : model.generateText({
              prompt,
              toolkit,
              toolChoice: mode,
              disableToolCallResolution: true
            })) as Effect.Effect<LanguageModel.GenerateTextResponse<any, any>, AiError.AiError>
          const configure = options.configure?.(settings)
          const response = yield* (configure === undefined ? generate : configure(generate)).pipe(
            Effect.mapError((error) => new HandlerError({ description: `The model failed: ${error.message}` }))
          )
          const usage = response.usage
          spent += (usage.inputTokens.total ?? 0) + (usage.outputTokens.total ?? 0)
          const content: Array<Mcp.SamplingContent> = []
          let stopReason = stopReasonOf(response.finishReason)
          let text = response.text
          const cut = cutAtStop(text, params.stopSequences)
          if (cut !== undefined) {
            text = cut
            stopReason = "stopSequence"
          }
          if (text.length > 0) content.push({ type: "text", text })
          for (const call of response.toolCalls) {
            content.push({ type: "tool_use", id: call.id, name: call.name, input: call.params as any })
          }
          if (content.length === 0) return yield* failWith("The model gave no answer")
          const result: Mcp.CreateMessageResult = {
            role: "assistant",
            content: content.length === 1 ? content[0]! : content,
            model: name,
            stopReason
          }
          return result
        })
      return Sampling.of({ createMessage, tools: true })
    })
  )
