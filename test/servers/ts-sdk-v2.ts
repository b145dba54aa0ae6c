/**
 * A test server on the official TypeScript SDK v2 (`@modelcontextprotocol/server`),
 * one definition serving both protocol eras:
 *
 *   node test/servers/ts-sdk-v2.ts stdio
 *   node test/servers/ts-sdk-v2.ts http <port>     (http://127.0.0.1:<port>/mcp)
 *
 * Over stdio the connection's first message picks the era. Over HTTP,
 * 2026-07-28 requests go to the SDK's stateless handler and 2025-era requests
 * to one sessionful Streamable HTTP transport per session (so the server can
 * ask the client for sampling, elicitation and roots). Binds 127.0.0.1 only.
 *
 * The surface (`test/servers/README.md`) is the one `test/support/BehaviourSuite.ts`
 * expects of both project test servers.
 */
import { toNodeHandler } from "@modelcontextprotocol/node"
import {
  completable,
  createMcpHandler,
  inputRequired,
  inputResponse,
  isLegacyRequest,
  McpServer,
  ResourceTemplate,
  UrlElicitationRequiredError,
  WebStandardStreamableHTTPServerTransport
} from "@modelcontextprotocol/server"
import type { McpRequestContext } from "@modelcontextprotocol/server"
import { serveStdio } from "@modelcontextprotocol/server/stdio"
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as z from "zod/v4"

const people = ["ada", "alan", "barbara", "grace", "linus"]
const itemIds = ["1", "2", "3", "10", "42"]

const reply = (text: string) => ({ content: [{ type: "text" as const, text }] })

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Error("cancelled"))
    const timer = setTimeout(resolve, ms)
    signal.addEventListener("abort", () => {
      clearTimeout(timer)
      reject(new Error("cancelled"))
    }, { once: true })
  })

/** Over HTTP in the 2026-07-28 era, resource updates go to the handler's `subscriptions/listen` streams. */
let announceUpdate: ((uri: string) => void) | undefined

const build = ({ era }: McpRequestContext): McpServer => {
  const modern = era === "modern"
  const server = new McpServer({ name: "test-ts-sdk-v2", version: "1.0.0" }, {
    capabilities: {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      logging: {},
      completions: {}
    }
  })

  server.registerTool("add", {
    description: "The sum of a and b.",
    inputSchema: { a: z.number(), b: z.number() }
  }, ({ a, b }) => reply(String(a + b)))

  server.registerTool("slow", {
    description: "Counts to steps, one progress notification per step when asked for progress; stops when cancelled.",
    inputSchema: { steps: z.number().int().min(1).max(100).default(5), delayMs: z.number().int().min(0).default(100) }
  }, async ({ steps, delayMs }, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken
    for (let step = 1; step <= steps; step++) {
      await pause(delayMs, ctx.mcpReq.signal)
      if (progressToken === undefined) continue
      await ctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken, progress: step, total: steps, message: `step ${step} of ${steps}` }
      })
    }
    return reply(`counted to ${steps}`)
  })

  server.registerTool("log", {
    description: "Sends a log message at level.",
    inputSchema: { message: z.string(), level: z.enum(["debug", "info", "notice", "warning", "error"]).default("info") }
  }, async ({ message, level }, ctx) => {
    await ctx.mcpReq.log(level, message, "test-ts-sdk-v2")
    return reply(`logged at ${level}`)
  })

  server.registerTool("confirm", {
    description: "Asks the user a yes/no question (form elicitation).",
    inputSchema: { question: z.string().default("Proceed?") }
  }, async ({ question }, ctx) => {
    if (!modern) {
      const answer = await ctx.mcpReq.elicitInput({
        mode: "form",
        message: question,
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] }
      })
      return reply(`${answer.action} ${JSON.stringify(answer.content ?? {})}`)
    }
    const answer = inputResponse(ctx.mcpReq.inputResponses, "confirm")
    if (answer.kind === "elicit") return reply(`${answer.action} ${JSON.stringify(answer.content ?? {})}`)
    return inputRequired({
      inputRequests: {
        confirm: inputRequired.elicit({ message: question, requestedSchema: z.object({ ok: z.boolean() }) })
      }
    })
  })

  server.registerTool("sample", {
    description: "Asks the client's model to answer prompt (sampling).",
    inputSchema: { prompt: z.string() }
  }, async ({ prompt }, ctx) => {
    const request = {
      messages: [{ role: "user" as const, content: { type: "text" as const, text: prompt } }],
      maxTokens: 64
    }
    if (!modern) return reply(`model said ${JSON.stringify(await ctx.mcpReq.requestSampling(request))}`)
    const answer = inputResponse(ctx.mcpReq.inputResponses, "answer")
    if (answer.kind === "sampling") return reply(`model said ${JSON.stringify(answer.result)}`)
    return inputRequired({ inputRequests: { answer: inputRequired.createMessage(request) } })
  })

  server.registerTool("roots", { description: "The client's roots (roots/list)." }, async (ctx) => {
    if (!modern) return reply(JSON.stringify(await server.server.listRoots()))
    const answer = inputResponse(ctx.mcpReq.inputResponses, "roots")
    if (answer.kind === "roots") return reply(JSON.stringify(answer.roots))
    return inputRequired({ inputRequests: { roots: inputRequired.listRoots() } })
  })

  server.registerTool("touch", {
    description: "Announces that the resource at uri changed (notifications/resources/updated).",
    inputSchema: { uri: z.string().default("bench://static/hello") }
  }, async ({ uri }) => {
    if (modern && announceUpdate !== undefined) announceUpdate(uri)
    else await server.server.sendResourceUpdated({ uri })
    return reply(`touched ${uri}`)
  })

  if (!modern) {
    // The first call in a session needs a browser step (-32042), which the server reports complete right after its
    // refusal: the client must not lose a report that arrives before it has read the refusal naming the step.
    let authorized = false
    server.registerTool("authorize", {
      description: "Needs a URL step first (-32042), reported complete right after; then answers 'authorized'."
    }, async () => {
      if (authorized) return reply("authorized")
      authorized = true
      const elicitationId = randomUUID()
      const complete = server.server.createElicitationCompletionNotifier(elicitationId)
      setTimeout(() => void complete().catch(() => undefined), 0)
      throw new UrlElicitationRequiredError([{
        mode: "url",
        url: "https://auth.example/step",
        message: "Sign in to the example service",
        elicitationId
      }], "A browser step is needed first")
    })
  }

  server.registerResource("hello", "bench://static/hello", {
    description: "A fixed text.",
    mimeType: "text/plain"
  }, (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "hello from test-ts-sdk-v2" }] }))

  server.registerResource(
    "item",
    new ResourceTemplate("bench://items/{id}", {
      list: () => ({ resources: itemIds.map((id) => ({ uri: `bench://items/${id}`, name: `item ${id}` })) }),
      complete: { id: (value) => itemIds.filter((id) => id.startsWith(value)) }
    }),
    { description: "An item by id.", mimeType: "application/json" },
    (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id }) }] })
  )

  server.registerPrompt("greet", {
    description: "A greeting for name.",
    argsSchema: { name: completable(z.string(), (value) => people.filter((person) => person.startsWith(value))) }
  }, ({ name }) => ({ messages: [{ role: "user", content: { type: "text", text: `Say hello to ${name}.` } }] }))

  if (!modern) {
    // The 2025 era subscribes per resource; 2026-07-28 listens with subscriptions/listen instead.
    server.server.setRequestHandler("resources/subscribe", () => ({}))
    server.server.setRequestHandler("resources/unsubscribe", () => ({}))
  }
  return server
}

const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/

const serveHttp = (port: number) => {
  const modern = createMcpHandler(build, { legacy: "reject" })
  announceUpdate = (uri) => void modern.notify.resourceUpdated(uri)
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>()

  const legacy = async (request: Request): Promise<Response> => {
    const id = request.headers.get("mcp-session-id")
    if (id !== null) {
      const session = sessions.get(id)
      return session === undefined
        ? Response.json({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }, {
          status: 404
        })
        : session.handleRequest(request)
    }
    const session: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (started) => void sessions.set(started, session),
      onsessionclosed: (ended) => void sessions.delete(ended)
    })
    session.onclose = () => {
      if (session.sessionId !== undefined) sessions.delete(session.sessionId)
    }
    await build({ era: "legacy" }).connect(session)
    return session.handleRequest(request)
  }

  const handle = toNodeHandler({
    fetch: async (request: Request) => {
      if (!loopbackHost.test(request.headers.get("host") ?? "")) {
        return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "Host not allowed" } }, {
          status: 403
        })
      }
      if (new URL(request.url).pathname !== "/mcp") return new Response("Not Found", { status: 404 })
      return (await isLegacyRequest(request)) ? legacy(request) : modern.fetch(request)
    }
  })
  // A server's request always has its method; the handler's type says so, Node's does not.
  const server = http.createServer((req, res) => void handle(req as Parameters<typeof handle>[0], res))
  server.listen(port, "127.0.0.1", () => console.error(`test-ts-sdk-v2 on http://127.0.0.1:${port}/mcp`))
  const stop = () => {
    void Promise.allSettled([...sessions.values()].map((session) => session.close())).then(() => modern.close())
      .finally(() => {
        server.closeAllConnections()
        server.close(() => process.exit(0))
      })
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}

const [mode, port] = process.argv.slice(2)
if (mode === "stdio") {
  serveStdio(build, { onerror: (error) => console.error(`test-ts-sdk-v2: ${error.message}`) })
} else if (mode === "http" && port !== undefined && /^\d+$/.test(port)) {
  serveHttp(Number(port))
} else {
  console.error("usage: node test/servers/ts-sdk-v2.ts stdio | http <port>")
  process.exit(2)
}
