/**
 * Tasks through a supervised server's `McpClientShape` view: a task started
 * there is followed by a handle that waits for the server's ready session.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Context, Effect, Layer, Stream } from "effect"
import { HostConfig, type McpClient, McpHost } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

class Brewer extends Context.Service<Brewer, McpClient.McpClientShape>()("test/Brewer") {}

const BrewerLive = Layer.unwrap(Effect.gen(function*() {
  const url = yield* Peers.http("ts-v1-tasks")
  const config = yield* HostConfig.fromObject({ mcpServers: { brewer: { type: "http", url } } })
  return McpHost.layerStandalone(Brewer, config.servers[0]!)
}))

const textOf = (result: { readonly content: ReadonlyArray<unknown> }) =>
  result.content.map((block) => (block as { readonly text?: string }).text ?? "").join("\n")

describe("tasks through a supervised server", () => {
  layer(BrewerLive, { timeout: "60 seconds", excludeTestServices: true })((it) => {
    it.effect("startToolTask returns the task; its handle follows it to the result", () =>
      Effect.gen(function*() {
        const brewer = yield* Brewer
        const start = yield* brewer.startToolTask("brew", { steps: 2 })
        if (start._tag !== "Task") return assert.fail("the call did not become a task")
        assert.strictEqual(start.task.status, "working")
        const events = yield* Stream.runCollect(start.handle.events)
        const last = events[events.length - 1]!
        if (last._tag !== "Result") return assert.fail("no result")
        assert.strictEqual(textOf(last.result), "brewed 2 stages for nobody")
        assert.strictEqual((yield* brewer.task(start.task.taskId).status).status, "completed")
      }))
  })
})
