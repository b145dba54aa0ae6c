/**
 * An in-process `effect/ai` McpServer with the surface the peers offer:
 * progress, logging, server→client requests (elicitation, sampling, roots),
 * resource updates, structured output, resources and prompts.
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import { McpProtocol, McpSchema, McpServer } from "effect/ai"
import { MemoryTransport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

const text = (value: string, extra: Partial<ConstructorParameters<typeof McpSchema.CallToolResult>[0]> = {}) =>
  new McpSchema.CallToolResult({ content: [{ type: "text", text: value }], ...extra })

const object = (properties: Record<string, unknown>, required: ReadonlyArray<string> = []) => ({
  type: "object",
  properties,
  required
})

const modern = "2026-07-28"

const reverseClient = Effect.gen(function*() {
  const client = yield* Effect.serviceOption(McpSchema.McpServerClient)
  if (Option.isNone(client)) return yield* Effect.die(new Error("no reverse client in this protocol"))
  return yield* client.value.getClient
})

export const Tools = Layer.effectDiscard(Effect.gen(function*() {
  const server = yield* McpServer.McpServer
  const add = (
    name: string,
    inputSchema: Record<string, unknown>,
    handle: (args: any) => Effect.Effect<McpSchema.CallToolResult, unknown, McpSchema.McpRequestContext>,
    outputSchema?: Record<string, unknown>
  ) =>
    server.addTool({
      tool: new McpSchema.Tool({ name, inputSchema, ...(outputSchema === undefined ? {} : { outputSchema }) }),
      annotations: Context.empty(),
      handle: (args) =>
        handle(args ?? {}).pipe(
          Effect.catchCause((cause) => Effect.succeed(text(`failed: ${String(cause)}`, { isError: true })))
        )
    })

  yield* add(
    "add",
    object({ a: { type: "number" }, b: { type: "number" } }, ["a", "b"]),
    ({ a, b }) => Effect.succeed(text(String(a + b)))
  )

  yield* add(
    "slow",
    object({ steps: { type: "integer" }, delayMs: { type: "integer" } }),
    ({ steps = 3, delayMs = 100 }) =>
      Effect.gen(function*() {
        const context = yield* McpSchema.McpRequestContext
        const token = context.requestMetadata?.progressToken
        for (let i = 1; i <= steps; i++) {
          yield* Effect.sleep(delayMs)
          if (token !== undefined) {
            yield* server.notifications["notifications/progress"]({
              progressToken: token as string | number,
              progress: i,
              total: steps,
              message: `step ${i}/${steps}`
            })
          }
        }
        return text(`done after ${steps} steps`)
      })
  )

  yield* add(
    "log",
    object({ message: { type: "string" }, level: { type: "string" } }, ["message"]),
    ({ level = "info", message }) =>
      server.notifications["notifications/message"]({ level, logger: "features", data: message }).pipe(
        Effect.as(text(`logged ${level}`))
      )
  )

  const confirmSchema = object({ ok: { type: "boolean" }, note: { type: "string", default: "none" } }, ["ok"])
  yield* add(
    "confirm",
    object({ question: { type: "string" } }),
    ({ question = "Proceed?" }) =>
      Effect.gen(function*() {
        const context = yield* McpSchema.McpRequestContext
        if (context.protocolVersion === modern) {
          const answer = context.inputResponses?.confirm as { action: string; content?: unknown } | undefined
          if (answer === undefined) {
            return new McpSchema.InputRequired({
              inputRequests: {
                confirm: {
                  method: "elicitation/create",
                  params: { mode: "form", message: question, requestedSchema: confirmSchema }
                }
              },
              requestState: `asked:${question}`
            }) as unknown as McpSchema.CallToolResult
          }
          return text(`${answer.action}: ${JSON.stringify(answer.content ?? null)} (${context.requestState})`)
        }
        const client = yield* reverseClient
        const request = yield* Schema.decodeUnknownEffect(McpSchema.ElicitRequestFormParams)({
          mode: "form",
          message: question,
          requestedSchema: confirmSchema
        })
        const result = yield* client.elicit(request)
        return text(`${result.action}: ${JSON.stringify("content" in result ? result.content : null)}`)
      }).pipe(Effect.scoped)
  )

  yield* add("sample", object({ prompt: { type: "string" } }, ["prompt"]), ({ prompt }) =>
    Effect.gen(function*() {
      const params = {
        messages: [{ role: "user" as const, content: { type: "text" as const, text: prompt } }],
        maxTokens: 50
      }
      const context = yield* McpSchema.McpRequestContext
      if (context.protocolVersion === modern) {
        const answer = context.inputResponses?.answer
        if (answer === undefined) {
          return new McpSchema.InputRequired({
            inputRequests: { answer: { method: "sampling/createMessage", params } }
          }) as unknown as McpSchema.CallToolResult
        }
        return text(`sampled: ${JSON.stringify(answer)}`)
      }
      const client = yield* reverseClient
      const result = yield* client.createMessage(params)
      return text(`sampled: ${JSON.stringify(result)}`)
    }).pipe(Effect.scoped))

  yield* add("roots", object({}), () =>
    Effect.gen(function*() {
      const context = yield* McpSchema.McpRequestContext
      if (context.protocolVersion === modern) {
        const roots = context.inputResponses?.roots
        if (roots === undefined) {
          return new McpSchema.InputRequired({
            inputRequests: { roots: { method: "roots/list" } }
          }) as unknown as McpSchema.CallToolResult
        }
        return text(JSON.stringify(roots))
      }
      const client = yield* reverseClient
      return text(JSON.stringify(yield* client.listRoots({})))
    }).pipe(Effect.scoped))

  yield* add(
    "touch",
    object({ uri: { type: "string" } }, ["uri"]),
    ({ uri }) =>
      server.notifications["notifications/resources/updated"]({ uri }).pipe(Effect.as(text(`touched ${uri}`)))
  )

  yield* add(
    "weather",
    object({ city: { type: "string" }, lie: { type: "boolean" } }, ["city"]),
    ({ city, lie = false }) =>
      Effect.succeed(
        text(JSON.stringify({ city, celsius: 21 }), {
          structuredContent: lie ? { city, celsius: "warm" } : { city, celsius: 21 }
        })
      ),
    object({ city: { type: "string" }, celsius: { type: "number" } }, ["city", "celsius"])
  )
}))

export const Resources = Layer.mergeAll(
  McpServer.resource({
    uri: "features://static/hello",
    name: "hello",
    mimeType: "text/plain",
    content: Effect.succeed("hello from the feature server")
  }),
  McpServer.resource`features://items/${McpSchema.param("id", Schema.String)}`({
    name: "item",
    mimeType: "application/json",
    completion: { id: (input: string) => Effect.succeed(["1", "2", "10", "42"].filter((id) => id.startsWith(input))) },
    content: (_uri, id) => Effect.succeed(JSON.stringify({ id }))
  }),
  McpServer.prompt({
    name: "greet",
    parameters: { name: Schema.String },
    completion: {
      name: (input: string) => Effect.succeed(["ada", "alan", "grace"].filter((n) => n.startsWith(input)))
    },
    content: ({ name }) => Effect.succeed(`Say hello to ${name}.`)
  })
)

/** A transport connected to the feature server (stateful revisions only). */
export const makeTransport = Effect.flatMap(
  MemoryTransport.makeServer({
    name: "features",
    version: "1.0.0",
    registrations: Layer.mergeAll(Tools, Resources)
  }),
  Oracle.check
)

/** A transport connected to the feature server speaking 2026-07-28 and 2025-11-25. */
export const makeDualEraTransport = Effect.flatMap(
  MemoryTransport.makeServer({
    name: "features",
    version: "1.0.0",
    protocols: [McpProtocol.v2026_07_28, McpProtocol.v2025_11_25],
    registrations: Layer.mergeAll(Tools, Resources)
  }),
  Oracle.check
)
