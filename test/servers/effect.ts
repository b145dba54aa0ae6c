/**
 * A test server on `effect/ai`'s McpServer, with the same surface as
 * `ts-sdk-v2.ts` (see `test/servers/README.md`):
 *
 *   node test/servers/effect.ts stdio [--protocols 2026-07-28,2025-11-25]
 *   node test/servers/effect.ts http <port> [--protocols …]   (http://127.0.0.1:<port>/mcp)
 *
 * `--protocols` lists the protocol adapters to serve, the preferred first;
 * the default serves 2026-07-28 and 2025-11-25. Binds 127.0.0.1 only; logs
 * go to stderr (stdout carries the stdio protocol).
 */
import { NodeHttpServer, NodeRuntime, NodeStdio } from "@effect/platform-node"
import { Context, Effect, Layer, Logger, Option, Schema } from "effect"
import type { Scope } from "effect"
import { McpProtocol, McpSchema, McpServer } from "effect/ai"
import { HttpRouter } from "effect/http"
import * as http from "node:http"

const adapters = {
  "2026-07-28": McpProtocol.v2026_07_28,
  "2025-11-25": McpProtocol.v2025_11_25,
  "2025-06-18": McpProtocol.v2025_06_18,
  "2025-03-26": McpProtocol.v2025_03_26,
  "2024-11-05": McpProtocol.v2024_11_05
} as const
type Revision = keyof typeof adapters

const people = ["ada", "alan", "barbara", "grace", "linus"]
const itemIds = ["1", "2", "3", "10", "42"]

const reply = (text: string) => new McpSchema.CallToolResult({ content: [{ type: "text", text }] })

/** A tool's answer: a text, or (2026-07-28 only) a request for input from the client. */
type Answer = string | McpSchema.InputRequired

const objectSchema = (properties: Record<string, unknown>, required: ReadonlyArray<string> = []) => ({
  type: "object",
  properties,
  required
})

/** The reverse client of a 2025-era session (server→client requests). */
const reverseClient = Effect.gen(function*() {
  const client = yield* Effect.serviceOption(McpSchema.McpServerClient)
  if (Option.isNone(client)) return yield* Effect.die(new Error("this connection has no reverse client"))
  return yield* client.value.getClient
})

const Tools = Layer.effectDiscard(Effect.gen(function*() {
  const server = yield* McpServer.McpServer
  const tool = (
    name: string,
    description: string,
    inputSchema: Record<string, unknown>,
    answer: (
      args: any,
      context: McpSchema.McpRequestContext["Service"],
      modern: boolean
    ) => Effect.Effect<Answer, unknown, McpSchema.McpRequestContext | Scope.Scope>
  ) =>
    server.addTool({
      tool: new McpSchema.Tool({ name, description, inputSchema }),
      annotations: Context.empty(),
      handle: (args) =>
        Effect.gen(function*() {
          const context = yield* McpSchema.McpRequestContext
          const out = yield* answer(args ?? {}, context, context.protocolVersion === "2026-07-28")
          // An InputRequired result is the 2026-07-28 way to ask the client for input.
          return typeof out === "string" ? reply(out) : out as unknown as McpSchema.CallToolResult
        }).pipe(
          Effect.scoped,
          Effect.catchCause((cause) =>
            Effect.succeed(
              new McpSchema.CallToolResult({ content: [{ type: "text", text: String(cause) }], isError: true })
            )
          )
        )
    })

  yield* tool(
    "add",
    "The sum of a and b.",
    objectSchema({ a: { type: "number" }, b: { type: "number" } }, ["a", "b"]),
    ({ a, b }) => Effect.succeed(String(a + b))
  )

  yield* tool(
    "slow",
    "Counts to steps, one progress notification per step when asked for progress; stops when cancelled.",
    objectSchema({ steps: { type: "integer", default: 5 }, delayMs: { type: "integer", default: 100 } }),
    ({ steps = 5, delayMs = 100 }, context) =>
      Effect.gen(function*() {
        const progressToken = context.requestMetadata?.progressToken as string | number | undefined
        for (let step = 1; step <= steps; step++) {
          yield* Effect.sleep(delayMs)
          if (progressToken === undefined) continue
          yield* server.notifications["notifications/progress"]({
            progressToken,
            progress: step,
            total: steps,
            message: `step ${step} of ${steps}`
          })
        }
        return `counted to ${steps}`
      })
  )

  yield* tool(
    "log",
    "Sends a log message at level.",
    objectSchema({
      message: { type: "string" },
      level: { type: "string", enum: ["debug", "info", "notice", "warning", "error"], default: "info" }
    }, ["message"]),
    ({ message, level = "info" }) =>
      server.notifications["notifications/message"]({ level, logger: "test-effect", data: message }).pipe(
        Effect.as(`logged at ${level}`)
      )
  )

  const okSchema = objectSchema({ ok: { type: "boolean" } }, ["ok"])
  yield* tool(
    "confirm",
    "Asks the user a yes/no question (form elicitation).",
    objectSchema({ question: { type: "string", default: "Proceed?" } }),
    ({ question = "Proceed?" }, context, modern) =>
      Effect.gen(function*() {
        if (modern) {
          const answer = context.inputResponses?.confirm as { action: string; content?: unknown } | undefined
          if (answer !== undefined) return `${answer.action} ${JSON.stringify(answer.content ?? {})}`
          return new McpSchema.InputRequired({
            inputRequests: {
              confirm: {
                method: "elicitation/create",
                params: { mode: "form", message: question, requestedSchema: okSchema }
              }
            }
          })
        }
        const client = yield* reverseClient
        // The reverse client wants the decoded parameters, not a plain object.
        const params = yield* Schema.decodeUnknownEffect(McpSchema.ElicitRequestFormParams)({
          mode: "form",
          message: question,
          requestedSchema: okSchema
        })
        const answer = yield* client.elicit(params)
        return `${answer.action} ${JSON.stringify("content" in answer ? answer.content ?? {} : {})}`
      })
  )

  yield* tool(
    "sample",
    "Asks the client's model to answer prompt (sampling).",
    objectSchema({ prompt: { type: "string" } }, ["prompt"]),
    ({ prompt }, context, modern) =>
      Effect.gen(function*() {
        const params = {
          messages: [{ role: "user" as const, content: { type: "text" as const, text: prompt } }],
          maxTokens: 64
        }
        if (modern) {
          const answer = context.inputResponses?.answer
          if (answer !== undefined) return `model said ${JSON.stringify(answer)}`
          return new McpSchema.InputRequired({
            inputRequests: { answer: { method: "sampling/createMessage", params } }
          })
        }
        const client = yield* reverseClient
        return `model said ${JSON.stringify(yield* client.createMessage(params))}`
      })
  )

  yield* tool(
    "roots",
    "The client's roots (roots/list).",
    objectSchema({}),
    (_args, context, modern) =>
      Effect.gen(function*() {
        if (modern) {
          const answer = context.inputResponses?.roots
          if (answer !== undefined) return JSON.stringify(answer)
          return new McpSchema.InputRequired({ inputRequests: { roots: { method: "roots/list" } } })
        }
        const client = yield* reverseClient
        return JSON.stringify(yield* client.listRoots({}))
      })
  )

  yield* tool(
    "touch",
    "Announces that the resource at uri changed (notifications/resources/updated).",
    objectSchema({ uri: { type: "string", default: "bench://static/hello" } }),
    ({ uri = "bench://static/hello" }) =>
      server.notifications["notifications/resources/updated"]({ uri }).pipe(Effect.as(`touched ${uri}`))
  )
}))

const Content = Layer.mergeAll(
  McpServer.resource({
    uri: "bench://static/hello",
    name: "hello",
    description: "A fixed text.",
    mimeType: "text/plain",
    content: Effect.succeed("hello from test-effect")
  }),
  McpServer.resource`bench://items/${McpSchema.param("id", Schema.String)}`({
    name: "item",
    description: "An item by id.",
    mimeType: "application/json",
    completion: { id: (input: string) => Effect.succeed(itemIds.filter((id) => id.startsWith(input))) },
    content: (_uri, id) => Effect.succeed(JSON.stringify({ id }))
  }),
  McpServer.prompt({
    name: "greet",
    description: "A greeting for name.",
    parameters: { name: Schema.String },
    completion: { name: (input: string) => Effect.succeed(people.filter((person) => person.startsWith(input))) },
    content: ({ name }) => Effect.succeed(`Say hello to ${name}.`)
  })
)

const usage = "usage: node test/servers/effect.ts stdio | http <port> [--protocols 2026-07-28,2025-11-25]"
const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const args = process.argv.slice(2)
const flag = args.indexOf("--protocols")
const [preferred, ...others] = (flag === -1 ? "2026-07-28,2025-11-25" : args.splice(flag, 2)[1] ?? fail(usage))
  .split(",").map((revision) =>
    revision in adapters
      ? adapters[revision as Revision]
      : fail(`unknown protocol ${revision}; known: ${Object.keys(adapters).join(", ")}`)
  )
const protocols = [preferred ?? fail(usage), ...others] as const
const [mode, port] = args
const options = { name: "test-effect", version: "1.0.0", protocols, registrations: Layer.mergeAll(Tools, Content) }

const server = mode === "stdio"
  ? McpServer.layerStdio(options).pipe(Layer.provide(NodeStdio.layer))
  : mode === "http" && port !== undefined && /^\d+$/.test(port)
  ? HttpRouter.serve(McpServer.layerHttp({ ...options, path: "/mcp", allowSessionTermination: true })).pipe(
    Layer.provide(NodeHttpServer.layer(() => http.createServer(), { port: Number(port), host: "127.0.0.1" }))
  )
  : fail(usage)

NodeRuntime.runMain(
  Layer.launch(server.pipe(Layer.provide(Logger.layer([Logger.withConsoleError(Logger.formatSimple)]))))
)
