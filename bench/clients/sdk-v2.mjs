// The official TypeScript SDK, v2.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio"
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
