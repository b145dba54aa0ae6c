/**
 * The command's answers to the server's own requests: form elicitation
 * prompted field by field on a terminal (or answered by `--elicit-json`,
 * else declined), URL elicitation printed (and, on a terminal, accepted only
 * when the user says they will open it), sampling answered with a fixed
 * reply (`--sampling-reply`) or not offered, and roots from `--root`.
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Prompt from "effect/cli/Prompt"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import * as Elicitation from "../handlers/Elicitation.ts"
import * as HandlerError from "../handlers/HandlerError.ts"
import * as Roots from "../handlers/Roots.ts"
import * as Sampling from "../handlers/Sampling.ts"
import type * as HostInputs from "../host/HostInputs.ts"
import * as JsonSchema from "../protocol/JsonSchema.ts"
import type * as Mcp from "../protocol/Mcp.ts"

/**
 * What the command line says about answering the server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  /** Whether to prompt on the terminal (stdin and stderr are terminals). */
  readonly interactive: boolean
  /** A JSON object answering every form elicitation. */
  readonly elicitJson: string | undefined
  /** The text every sampling request is answered with. */
  readonly samplingReply: string | undefined
  /** Folders offered as roots. */
  readonly roots: ReadonlyArray<string>
  /** Where messages for the user go (stderr). */
  readonly notice: (text: string) => void
}

/** What a prompt needs: the terminal (and the file system, for file prompts). */
const terminal = Layer.mergeAll(NodeTerminal.layer, NodeFileSystem.layer, NodePath.layer)

type Value = string | number | boolean | ReadonlyArray<string>
type Field = { readonly [key: string]: unknown }

interface Choice {
  readonly value: string
  readonly title: string
}

/** The choices of an enum field: `enum` (+ `enumNames`), or `oneOf`/`anyOf` of `const`s. */
const choicesOf = (field: Field): ReadonlyArray<Choice> | undefined => {
  if (Array.isArray(field.enum)) {
    const names = Array.isArray(field.enumNames) ? field.enumNames : []
    return field.enum.map((value, i) => ({ value: String(value), title: String(names[i] ?? value) }))
  }
  const options = Array.isArray(field.oneOf) ? field.oneOf : Array.isArray(field.anyOf) ? field.anyOf : undefined
  if (options === undefined) return undefined
  const choices = options.flatMap((option: Field) =>
    option.const === undefined ? [] : [{ value: String(option.const), title: String(option.title ?? option.const) }]
  )
  return choices.length > 0 ? choices : undefined
}

const check = (field: Field, value: unknown) =>
  Effect.map(JsonSchema.check(field, value), (issue) => issue === undefined ? undefined : issue.message)

const label = (name: string, field: Field, required: boolean) => {
  const title = typeof field.title === "string" ? field.title : name
  const description = typeof field.description === "string" ? ` (${field.description})` : ""
  return `${title}${description}${required ? "" : " [optional]"}`
}

/** Prompts for one field; `undefined` leaves an optional field out. */
const askField = (
  name: string,
  field: Field,
  required: boolean
): Effect.Effect<Value | undefined, unknown, never> => {
  const message = label(name, field, required)
  const type = field.type
  const run = <A>(prompt: Prompt.Prompt<A>) => Effect.provide(Prompt.run(prompt), terminal)
  if (type === "boolean") {
    return run(Prompt.Toggle({ message, initial: field.default === true, active: "yes", inactive: "no" }))
  }
  if (type === "array") {
    const choices = choicesOf((field.items ?? {}) as Field) ?? []
    const defaults = Array.isArray(field.default) ? field.default.map(String) : []
    return run(Prompt.MultiSelect({
      message,
      choices: choices.map((choice) => ({
        title: choice.title,
        value: choice.value,
        selected: defaults.includes(choice.value)
      })),
      ...(typeof field.minItems === "number" ? { min: field.minItems } : {}),
      ...(typeof field.maxItems === "number" ? { max: field.maxItems } : {})
    }))
  }
  const choices = choicesOf(field)
  if (choices !== undefined) {
    const skip = "\u0000skip"
    return Effect.map(
      run(Prompt.Select({
        message,
        choices: [
          ...choices.map((choice) => ({
            title: choice.title,
            value: choice.value,
            selected: choice.value === String(field.default)
          })),
          ...(required ? [] : [{ title: "(leave out)", value: skip }])
        ]
      })),
      (value) => value === skip ? undefined : value
    )
  }
  const numeric = type === "number" || type === "integer"
  const parse = (text: string): unknown => numeric ? (text.trim() === "" ? Number.NaN : Number(text)) : text
  return Effect.map(
    run(Prompt.String({
      message,
      ...(field.default !== undefined ? { default: String(field.default) } : {}),
      validate: (text) =>
        text === "" && !required
          ? Effect.succeed(text)
          : Effect.flatMap(check(field, parse(text)), (issue) =>
            issue === undefined ? Effect.succeed(text) : Effect.fail(`${name} ${issue}`))
    })),
    (text) => text === "" && !required ? undefined : parse(text) as Value
  )
}

/** Prompts for each field of a form, after asking whether to answer at all. */
const promptForm = (params: Mcp.ElicitFormParams, notice: (text: string) => void) =>
  Effect.gen(function*() {
    notice(`The server asks: ${params.message}`)
    const action = yield* Effect.provide(
      Prompt.run(Prompt.Select({
        message: "Answer?",
        choices: [
          { title: "answer", value: "accept" as const },
          { title: "decline", value: "decline" as const },
          { title: "cancel", value: "cancel" as const }
        ]
      })),
      terminal
    )
    if (action !== "accept") return { action }
    const schema = params.requestedSchema
    const properties = (schema.properties ?? {}) as { readonly [name: string]: Field }
    const required = new Set(Array.isArray(schema.required) ? schema.required as ReadonlyArray<string> : [])
    const content: Record<string, Value> = {}
    for (const [name, field] of Object.entries(properties)) {
      const value = yield* askField(name, field, required.has(name))
      if (value !== undefined) content[name] = value
    }
    return { action: "accept" as const, content }
  }).pipe(
    // Ctrl-C or Escape in a prompt cancels the elicitation, not the command.
    Effect.catch(() => Effect.succeed<Mcp.ElicitResult>({ action: "cancel" }))
  )

/** The host a URL leads to, shown beside it so that a look-alike link is seen for what it is. */
const domainOf = (url: string) => {
  try {
    return ` (at ${new URL(url).host})`
  } catch {
    return ""
  }
}

/** Asks whether the user will open the URL; the command opens nothing itself. */
const consentToUrl = (): Effect.Effect<Mcp.ElicitResult> =>
  Effect.provide(
    Prompt.run(Prompt.Select({
      message: "Will you open it?",
      choices: [
        { title: "yes, I will open it in a browser", value: "accept" as const },
        { title: "no (decline)", value: "decline" as const },
        { title: "cancel", value: "cancel" as const }
      ]
    })),
    terminal
  ).pipe(
    Effect.map((action) => ({ action })),
    Effect.catch(() => Effect.succeed<Mcp.ElicitResult>({ action: "cancel" }))
  )

/**
 * The handler layers for the settings: always elicitation (so the server
 * may ask), sampling only with a fixed reply, roots only when given.
 *
 * @example
 * ```ts
 * import { Interaction } from "effect-mcp-client/cli"
 *
 * const handlers = Interaction.layer({
 *   interactive: false,
 *   elicitJson: '{"name":"Ada"}',
 *   samplingReply: undefined,
 *   roots: ["."],
 *   notice: (text) => process.stderr.write(`${text}\n`)
 * })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (settings: Settings): Layer.Layer<Elicitation.Elicitation> => {
  const answer = settings.elicitJson
  const elicitation = Elicitation.layer({
    form: (params) => {
      if (answer !== undefined) {
        return Effect.try({
          try: (): Mcp.ElicitResult => ({ action: "accept", content: JSON.parse(answer) }),
          catch: () => HandlerError.invalidParams("--elicit-json is not JSON")
        })
      }
      if (settings.interactive) return promptForm(params, settings.notice)
      settings.notice(`Declined the server's question (not a terminal; --elicit-json answers it): ${params.message}`)
      return Effect.succeed({ action: "decline" as const })
    },
    url: (params) => {
      settings.notice(`The server asks you to open ${params.url}${domainOf(params.url)}\n  ${params.message}`)
      return settings.interactive ? consentToUrl() : Effect.succeed({ action: "accept" as const })
    }
  })
  const reply = settings.samplingReply
  const sampling = reply === undefined ? Layer.empty : Sampling.layer({
    createMessage: () =>
      Effect.succeed({
        role: "assistant" as const,
        content: { type: "text" as const, text: reply },
        model: "effect-mcp-fixed-reply",
        stopReason: "endTurn"
      })
  })
  const roots = settings.roots.length === 0 ? Layer.empty : Roots.layerStatic(
    settings.roots.map((dir) => ({
      uri: pathToFileURL(path.resolve(dir)).href,
      name: path.basename(path.resolve(dir))
    }))
  )
  return Layer.mergeAll(elicitation, sampling, roots)
}

/**
 * Answers a configuration's inputs on the terminal: a `pickString` input by
 * its options, a `password` one without echo, others as text, each with its
 * default. Escape or Ctrl-C leaves the input unanswered.
 *
 * @example
 * ```ts
 * import { Interaction } from "effect-mcp-client/cli"
 *
 * const inputs = Interaction.inputs((text) => process.stderr.write(`${text}\n`))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const inputs = (notice: (text: string) => void): HostInputs.HostInputsShape => ({
  answer: (input) => {
    const message = input.description ?? input.id
    const prompt: Prompt.Prompt<string> = input.options !== undefined && input.options.length > 0
      ? Prompt.Select({
        message,
        choices: input.options.map((option) => ({ title: option, value: option, selected: option === input.default }))
      })
      : input.password === true
      ? Prompt.map(Prompt.Password({ message }), Redacted.value)
      : Prompt.String({ message, ...(input.default === undefined ? {} : { default: input.default }) })
    return Effect.provide(Prompt.run(prompt), terminal).pipe(
      Effect.catch(() => {
        notice(`Input '${input.id}' was not answered`)
        return Effect.succeed(undefined)
      })
    )
  }
})

/** Whether an optional flag was given. */
export const given = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)
