/**
 * A test server on the official TypeScript SDK v1 (`@modelcontextprotocol/sdk`),
 * the SDK line that implements 2025-11-25 server-side tasks, over stdio:
 *
 *   node test/servers/ts-sdk-v1-tasks.ts stdio
 *
 * One task tool, `brew` (`execution.taskSupport: "required"`): it moves
 * through `steps` stages of 200 ms (`pollInterval` 200), asks for a name with
 * an elicitation tied to the task when `ask` is set (status
 * `input_required`), and fails with an `isError` result when `fail` is set.
 */
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from "@modelcontextprotocol/sdk/experimental/tasks"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { ElicitResultSchema } from "@modelcontextprotocol/sdk/types.js"
import * as z from "zod/v4"

const stageMillis = 200

const server = new McpServer({ name: "ts-sdk-v1-tasks", version: "1.0.0" }, {
  capabilities: {
    tools: {},
    tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } }
  },
  taskStore: new InMemoryTaskStore(),
  taskMessageQueue: new InMemoryTaskMessageQueue()
})

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

server.experimental.tasks.registerToolTask("brew", {
  description: "Brews in stages as a task; may ask for a name, or fail",
  inputSchema: { steps: z.number().int().min(1).max(10), ask: z.boolean().optional(), fail: z.boolean().optional() },
  execution: { taskSupport: "required" }
}, {
  createTask: async (args, extra) => {
    const task = await extra.taskStore.createTask({ ttl: 60_000, pollInterval: stageMillis })
    const run = async () => {
      let name = "nobody"
      for (let step = 1; step <= args.steps; step++) {
        const current = await extra.taskStore.getTask(task.taskId)
        if (current === null || current.status === "cancelled") return
        await extra.taskStore.updateTaskStatus(task.taskId, "working", `stage ${step} of ${args.steps}`)
        if (step === 1 && args.ask === true) {
          await extra.taskStore.updateTaskStatus(task.taskId, "input_required", "who is it for?")
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
          await extra.taskStore.updateTaskStatus(task.taskId, "working", `brewing for ${name}`)
        }
        await sleep(stageMillis)
      }
      const current = await extra.taskStore.getTask(task.taskId)
      if (current === null || current.status === "cancelled") return
      if (args.fail === true) {
        await extra.taskStore.storeTaskResult(task.taskId, "failed", {
          content: [{ type: "text", text: "the kettle broke" }],
          isError: true
        })
      } else {
        await extra.taskStore.storeTaskResult(task.taskId, "completed", {
          content: [{ type: "text", text: `brewed ${args.steps} stages for ${name}` }]
        })
      }
    }
    void run().catch((error) => extra.taskStore.updateTaskStatus(task.taskId, "failed", String(error)))
    return { task }
  },
  getTask: async (_args, extra) => await extra.taskStore.getTask(extra.taskId),
  getTaskResult: async (_args, extra) => await extra.taskStore.getTaskResult(extra.taskId) as never
})

if (process.argv[2] !== "stdio") {
  process.stderr.write("usage: ts-sdk-v1-tasks.ts stdio\n")
  process.exit(2)
}
await server.connect(new StdioServerTransport())
