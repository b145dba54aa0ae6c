/**
 * A scripted `effect/ai` LanguageModel: each call to `generateText` runs the
 * next step of a script, which sees what the model was given (prompt, tools)
 * and answers with response parts, deterministically.
 */
import { Effect, Layer, Stream } from "effect"
import { LanguageModel } from "effect/ai"
import type { Response } from "effect/ai"

export type Step = (options: LanguageModel.ProviderOptions) => Effect.Effect<Array<Response.PartEncoded>>

export interface Script {
  /** What each call was given, in order. */
  readonly calls: Array<LanguageModel.ProviderOptions>
  readonly layer: Layer.Layer<LanguageModel.LanguageModel>
}

const usage = { inputTokens: { total: 10 }, outputTokens: { total: 5 } }

export const finish = (reason: "stop" | "tool-calls" | "length"): Response.PartEncoded =>
  ({ type: "finish", reason, usage }) as Response.PartEncoded

export const toolCall = (id: string, name: string, params: unknown): Response.PartEncoded =>
  ({ type: "tool-call", id, name, params }) as Response.PartEncoded

export const text = (value: string): Response.PartEncoded => ({ type: "text", text: value }) as Response.PartEncoded

/** The tool results of a response, by tool call id. */
export const toolResults = (content: ReadonlyArray<Response.AnyPart>) =>
  new Map(
    content.flatMap((part) =>
      part.type === "tool-result" ? [[part.id, part as Response.ToolResultPart<any, any, any>]] : []
    )
  )

/** The approval requests of a response, by tool call id. */
export const approvalRequests = (content: ReadonlyArray<Response.AnyPart>) =>
  new Map(
    content.flatMap((part) => part.type === "tool-approval-request" ? [[part.toolCallId, part] as const] : [])
  )

export const make = (steps: ReadonlyArray<Step>): Script => {
  const calls: Array<LanguageModel.ProviderOptions> = []
  const next = (options: LanguageModel.ProviderOptions) =>
    Effect.suspend(() => {
      const step = steps[calls.length]
      calls.push(options)
      return step === undefined ? Effect.die(new Error(`the script has no step ${calls.length}`)) : step(options)
    })
  return {
    calls,
    layer: Layer.effect(
      LanguageModel.LanguageModel,
      LanguageModel.make({
        generateText: next,
        streamText: () => Stream.die(new Error("the scripted model does not stream"))
      })
    )
  }
}
