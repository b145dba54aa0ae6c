// The official TypeScript SDK, v1.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { main, serverScript } from "./harness.mjs"

main({
  connect: async (config) => {
    const client = new Client({ name: "bench", version: "1" })
    const transport = config.transport === "http"
      ? new StreamableHTTPClientTransport(new URL(config.url))
      : new StdioClientTransport({
        command: process.execPath,
        args: [serverScript, "stdio"],
        env: { ...process.env, BENCH_TOOLS: String(config.tools ?? 1) },
        stderr: "ignore"
      })
    await client.connect(transport)
    return {
      call: (name, args) => client.callTool({ name, arguments: args }),
      list: () => client.listTools().then((r) => r.tools.length),
      close: () => client.close()
    }
  }
})
