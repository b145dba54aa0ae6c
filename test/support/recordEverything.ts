/**
 * Records the session that test/testing/replay.test.ts replays, against the
 * real `everything` server: `node test/support/recordEverything.ts`.
 * (`PEERS_RUN_SCRIPT` names the peers' start script when it is elsewhere.)
 * Rerun it when the client's messages change (the replay test says so).
 */
import { Effect, Layer } from "effect"
import { writeFileSync } from "node:fs"
import { McpClient, Recorder, StdioTransport } from "../../src/index.ts"
import * as Peers from "./Peers.ts"

export const fixture = new URL("../fixtures/replay/everything.ndjson", import.meta.url)

/** The flow recorded and replayed: the same calls, so the replay matches. */
export const flow = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const tools = yield* client.listTools()
  const echo = yield* client.callTool("echo", { message: "recorded hello" })
  const sum = yield* client.callTool("get-sum", { a: 2, b: 3 })
  return { tools: tools.tools.map((tool) => tool.name).sort(), echo: echo.content, sum: sum.content }
})

export const clientOptions = { name: "replay-test", version: "1.0.0" } as const

if (import.meta.main) {
  const lines: Array<string> = []
  const result = await Effect.runPromise(
    flow.pipe(
      Effect.provide(
        McpClient.layer(clientOptions).pipe(
          Layer.provide(Recorder.layer({ onLine: (line) => lines.push(line) })),
          Layer.provide(StdioTransport.layerNode({ ...Peers.stdioCommand("everything"), stderr: "ignore" }))
        )
      )
    )
  )
  writeFileSync(fixture, lines.join("\n") + "\n")
  console.log(JSON.stringify(result, null, 2))
}
