/**
 * The server of the walk-through: the tools, resource and prompt the user's
 * guide shows (`calculator`, `text_summarizer`, `slow_tool`,
 * `resource://examples/dataset`, `greeting`), as `effect/ai` `McpServer`
 * registrations. The demo and the tests run it in-process.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import { McpSchema, McpServer } from "effect/ai"

/**
 * What the server reports about its own work, so a client-side program can
 * confirm what happened on the server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Observer {
  /** Called when a tool call's handler is interrupted (cancelled by the client). */
  readonly onCancelled: (tool: string) => Effect.Effect<void>
  /** Called when `slow_tool` has started working. */
  readonly onStarted?: ((tool: string) => Effect.Effect<void>) | undefined
}

/**
 * The dataset served at `resource://examples/dataset`.
 *
 * @category constants
 * @since 0.1.0
 */
export const dataset = [
  { city: "Lisbon", population: 545_796 },
  { city: "Porto", population: 231_962 },
  { city: "Braga", population: 193_333 }
]

const text = (value: string, isError = false) =>
  new McpSchema.CallToolResult({ content: [{ type: "text", text: value }], ...(isError ? { isError: true } : {}) })

const objectSchema = (properties: Record<string, unknown>, required: ReadonlyArray<string>) => ({
  type: "object",
  properties,
  required
})

const calculate = (operation: string, a: number, b: number) => {
  switch (operation) {
    case "add":
      return text(String(a + b))
    case "subtract":
      return text(String(a - b))
    case "multiply":
      return text(String(a * b))
    case "divide":
      return b === 0 ? text("Division by zero", true) : text(String(a / b))
    default:
      return text(`Unknown operation '${operation}'`, true)
  }
}

/** A short, deterministic summary: the first sentence, clipped to twelve words. */
export const summarize = (input: string): string => {
  const words = input.trim().split(/\s+/).filter((word) => word.length > 0)
  const firstSentence = input.trim().split(/(?<=[.!?])\s/)[0] ?? ""
  const clipped = firstSentence.split(/\s+/).slice(0, 12).join(" ")
  return `${clipped}${clipped.length < firstSentence.length ? "…" : ""} (${words.length} words)`
}

/**
 * The server's registrations, reporting to `observer`.
 *
 * @category layers
 * @since 0.1.0
 */
export const registrations = (observer: Observer) =>
  Layer.mergeAll(
    Layer.effectDiscard(Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      const addTool = (
        name: string,
        description: string,
        inputSchema: Record<string, unknown>,
        handle: (args: any) => Effect.Effect<McpSchema.CallToolResult>
      ) =>
        server.addTool({
          tool: new McpSchema.Tool({ name, description, inputSchema }),
          annotations: Context.empty(),
          handle: (args) => handle(args ?? {})
        })

      yield* addTool(
        "calculator",
        "Adds, subtracts, multiplies or divides two numbers.",
        objectSchema({
          operation: { type: "string", enum: ["add", "subtract", "multiply", "divide"] },
          a: { type: "number" },
          b: { type: "number" }
        }, ["operation", "a", "b"]),
        ({ a, b, operation }) => Effect.succeed(calculate(operation, a, b))
      )
      yield* addTool(
        "text_summarizer",
        "Summarizes a text.",
        objectSchema({ text: { type: "string" } }, ["text"]),
        ({ text: input }) => Effect.succeed(text(summarize(String(input))))
      )
      yield* addTool(
        "slow_tool",
        "Works for a long time (an hour), unless cancelled.",
        objectSchema({}, []),
        () =>
          Effect.gen(function*() {
            if (observer.onStarted !== undefined) yield* observer.onStarted("slow_tool")
            yield* Effect.sleep("1 hour")
            return text("finished")
          }).pipe(Effect.onInterrupt(() => observer.onCancelled("slow_tool")))
      )
    })),
    McpServer.resource({
      uri: "resource://examples/dataset",
      name: "dataset",
      description: "Population of three Portuguese cities.",
      mimeType: "application/json",
      content: Effect.succeed(JSON.stringify(dataset))
    }),
    McpServer.prompt({
      name: "greeting",
      description: "Greets someone by name.",
      parameters: { name: Schema.String },
      completion: {
        name: (input: string) => Effect.succeed(["Alice", "Alan", "Bob"].filter((n) => n.startsWith(input)))
      },
      content: ({ name }) => Effect.succeed(`Hello, ${name}!`)
    })
  )
