/**
 * A test server on the official TypeScript SDK v1 (`@modelcontextprotocol/sdk`),
 * the SDK line that implements 2025-11-25 server-side tasks:
 *
 *   node test/servers/ts-sdk-v1-tasks.ts stdio
 *   node test/servers/ts-sdk-v1-tasks.ts http <port>   (http://127.0.0.1:<port>/mcp)
 *
 * One task tool, `brew` (`execution.taskSupport: "required"`): it moves
 * through `steps` stages of 200 ms (`pollInterval` 200), asks for a name with
 * an elicitation tied to the task when `ask` is set (status
 * `input_required`), and fails with an `isError` result when `fail` is set.
 *
 * The tasks belong to the process, not to the session that created them
 * (the SDK's in-memory store binds a task to its HTTP session; this one does
 * not): a task outlives its session and a later session resumes, reads or
 * cancels it by id.
 *
 * Two plain tools make the client a task receiver: `sample-as-task {prompt}`
 * and `elicit-as-task {message}` send a task-augmented
 * `sampling/createMessage` / `elicitation/create`, follow the client's task
 * with the SDK (`tasks/get`, then `tasks/result`) and report what they saw.
 */
import {
  InMemoryTaskMessageQueue,
  InMemoryTaskStore,
  type ResponseMessage,
  type TaskStore
} from "@modelcontextprotocol/sdk/experimental/tasks"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js"
import { ElicitResultSchema, type Result } from "@modelcontextprotocol/sdk/types.js"
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as z from "zod/v4"

const stageMillis = 200

/** The SDK's in-memory store, with every task visible to every session of the process. */
class ProcessTaskStore implements TaskStore {
  readonly #tasks = new InMemoryTaskStore()
  createTask(...[params, requestId, request]: Parameters<TaskStore["createTask"]>) {
    return this.#tasks.createTask(params, requestId, request)
  }
  getTask(taskId: string) {
    return this.#tasks.getTask(taskId)
  }
  storeTaskResult(...[taskId, status, result]: Parameters<TaskStore["storeTaskResult"]>) {
    return this.#tasks.storeTaskResult(taskId, status, result)
  }
  getTaskResult(taskId: string) {
    return this.#tasks.getTaskResult(taskId)
  }
  updateTaskStatus(...[taskId, status, statusMessage]: Parameters<TaskStore["updateTaskStatus"]>) {
    return this.#tasks.updateTaskStatus(taskId, status, statusMessage)
  }
  listTasks(cursor?: string) {
    return this.#tasks.listTasks(cursor)
  }
}

const tasks = new ProcessTaskStore()

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** A server for one connection; the tasks it creates run on in the process after the connection ends. */
const build = () => {
  const server = new McpServer({ name: "ts-sdk-v1-tasks", version: "1.0.0" }, {
    capabilities: {
      tools: {},
      tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } }
    },
    taskStore: tasks,
    taskMessageQueue: new InMemoryTaskMessageQueue()
  })

  /** Moves a task on and tells this connection's client, while it is there. */
  const update = async (taskId: string, status: "working" | "input_required", message: string) => {
    await tasks.updateTaskStatus(taskId, status, message)
    const task = await tasks.getTask(taskId)
    if (task !== null) {
      await server.server.notification({ method: "notifications/tasks/status", params: task }).catch(() => {})
    }
  }

  server.experimental.tasks.registerToolTask("brew", {
    description: "Brews in stages as a task; may ask for a name, or fail",
    inputSchema: { steps: z.number().int().min(1).max(10), ask: z.boolean().optional(), fail: z.boolean().optional() },
    execution: { taskSupport: "required" }
  }, {
    createTask: async (args, extra) => {
      const task = await extra.taskStore.createTask({ ttl: 60_000, pollInterval: stageMillis })
      const cancelled = async () => (await tasks.getTask(task.taskId))?.status !== "working"
      const run = async () => {
        let name = "nobody"
        for (let step = 1; step <= args.steps; step++) {
          if (await cancelled()) return
          await update(task.taskId, "working", `stage ${step} of ${args.steps}`)
          if (step === 1 && args.ask === true) {
            await update(task.taskId, "input_required", "who is it for?")
            const answer = await extra.sendRequest(
              {
                method: "elicitation/create",
                params: {
                  message: "Who is the brew for?",
                  requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] }
                }
                // The SDK's types leave `relatedTask` out, but it routes the request through the task's queue.
              },
              ElicitResultSchema,
              { relatedTask: { taskId: task.taskId } } as Parameters<typeof extra.sendRequest>[2]
            )
            if (answer.action === "accept" && typeof answer.content?.name === "string") name = answer.content.name
            await update(task.taskId, "working", `brewing for ${name}`)
          }
          await sleep(stageMillis)
        }
        if (await cancelled()) return
        await tasks.storeTaskResult(
          task.taskId,
          args.fail === true ? "failed" : "completed",
          args.fail === true
            ? { content: [{ type: "text", text: "the kettle broke" }], isError: true }
            : { content: [{ type: "text", text: `brewed ${args.steps} stages for ${name}` }] }
        )
      }
      void run().catch((error) => tasks.updateTaskStatus(task.taskId, "failed", String(error)).catch(() => {}))
      return { task }
    },
    getTask: async (_args, extra) => await extra.taskStore.getTask(extra.taskId),
    getTaskResult: async (_args, extra) => await extra.taskStore.getTaskResult(extra.taskId) as never
  })

  /** What following the client's task showed: the task's id, its statuses, and its result or error. */
  const report = async <T extends Result>(messages: AsyncGenerator<ResponseMessage<T>, void, void>) => {
    const lines: Array<string> = []
    for await (const message of messages) {
      if (message.type === "taskCreated") lines.push(`created ${message.task.taskId}`)
      if (message.type === "taskStatus") lines.push(`status ${message.task.status}`)
      if (message.type === "result") lines.push(`result ${JSON.stringify(message.result)}`)
      if (message.type === "error") lines.push(`error ${message.error.message}`)
    }
    return { content: [{ type: "text" as const, text: lines.join("\n") }] }
  }

  server.registerTool("sample-as-task", {
    description: "Asks the client for a sample as a task on the client, and reports how it went",
    inputSchema: { prompt: z.string() }
  }, async ({ prompt }, extra) =>
    await report(server.server.experimental.tasks.createMessageStream({
      messages: [{ role: "user", content: { type: "text", text: prompt } }],
      maxTokens: 100
    }, { task: { ttl: 60_000 }, relatedRequestId: extra.requestId })))

  server.registerTool("elicit-as-task", {
    description: "Asks the client for a name as a task on the client, and reports how it went",
    inputSchema: { message: z.string() }
  }, async ({ message }, extra) =>
    await report(server.server.experimental.tasks.elicitInputStream({
      mode: "form",
      message,
      requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] }
    }, { task: { ttl: 60_000 }, relatedRequestId: extra.requestId })))

  return server
}

const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/

const notFound = (res: http.ServerResponse, status: number, code: number, message: string) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }))
}

/** Streamable HTTP, a sessionful transport and a server per session. */
const serveHttp = (port: number) => {
  const sessions = new Map<string, StreamableHTTPServerTransport>()
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!loopbackHost.test(req.headers.host ?? "")) return notFound(res, 403, -32000, "Host not allowed")
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== "/mcp") return notFound(res, 404, -32000, "Not Found")
    const id = req.headers["mcp-session-id"]
    if (typeof id === "string") {
      const session = sessions.get(id)
      return session === undefined ? notFound(res, 404, -32001, "Session not found") : session.handleRequest(req, res)
    }
    const session: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (started) => void sessions.set(started, session),
      onsessionclosed: (ended) => void sessions.delete(ended)
    })
    session.onclose = () => {
      if (session.sessionId !== undefined) sessions.delete(session.sessionId)
    }
    await build().connect(session)
    return session.handleRequest(req, res)
  }
  const server = http.createServer((req, res) =>
    void handle(req, res).catch((error) => {
      if (!res.headersSent) notFound(res, 500, -32603, String(error))
    })
  )
  server.listen(port, "127.0.0.1", () => console.error(`ts-sdk-v1-tasks on http://127.0.0.1:${port}/mcp`))
  const stop = () => {
    void Promise.allSettled([...sessions.values()].map((session) => session.close())).finally(() => {
      server.closeAllConnections()
      server.close(() => process.exit(0))
    })
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}

const [mode, port] = process.argv.slice(2)
if (mode === "stdio") {
  await build().connect(new StdioServerTransport())
} else if (mode === "http" && port !== undefined && /^\d+$/.test(port)) {
  serveHttp(Number(port))
} else {
  process.stderr.write("usage: node test/servers/ts-sdk-v1-tasks.ts stdio | http <port>\n")
  process.exit(2)
}
