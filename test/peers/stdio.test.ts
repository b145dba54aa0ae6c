/**
 * The behaviour suite against real servers over stdio: the reference
 * `everything` server (stateful revisions only), and the official-SDK-v2 and
 * Effect servers in both eras.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { McpClient } from "../../src/index.ts"
import * as Suite from "../support/BehaviourSuite.ts"
import * as Peers from "../support/Peers.ts"

describe("real servers over stdio", () => {
  for (const peer of ["ts-v2", "effect"] as const) {
    for (const era of ["legacy", "modern"] as const) {
      layer(Suite.session(Peers.stdio(peer), era), { timeout: "30 seconds" })(`${peer} (${era})`, (it) => {
        Suite.benchServer(it, era)
      })
    }
  }

  for (
    const [protocols, era, version] of [
      ["2025-11-25", "legacy", "2025-11-25"],
      ["2026-07-28", "modern", "2026-07-28"]
    ] as const
  ) {
    layer(Suite.session(Peers.stdio("effect", ["--protocols", protocols]), "auto"), { timeout: "30 seconds" })(
      `effect serving ${protocols} only`,
      (it) => {
        it.effect(`an auto session settles on ${version}`, () =>
          Effect.gen(function*() {
            const c = yield* Effect.service(McpClient.McpClient)
            assert.strictEqual(c.era, era)
            assert.strictEqual(c.protocolVersion, version)
            assert.strictEqual(Suite.textOf(yield* c.callTool("add", { a: 1, b: 2 })), "3")
          }))
      }
    )
  }

  layer(Suite.session(Peers.stdio("everything"), "auto"), { timeout: "30 seconds" })("everything", (it) => {
    Suite.everything(it)
  })

  layer(
    McpClient.layer({ name: "env-test", version: "1.0.0" }).pipe(
      Layer.provide(Peers.stdio("everything", ["--inherit-env"], { env: { GIVEN_VARIABLE: "given" } }))
    ),
    { timeout: "30 seconds" }
  )("everything's get-env", (it) => {
    it.effect("does not see variables outside the allow-list", () =>
      Effect.gen(function*() {
        process.env.EFFECT_MCP_CLIENT_PRIVATE = "secret"
        const c = yield* Effect.service(McpClient.McpClient)
        const env = Suite.textOf(yield* c.callTool("get-env", {}))
        assert.include(env, "GIVEN_VARIABLE")
        assert.notInclude(env, "EFFECT_MCP_CLIENT_PRIVATE")
        delete process.env.EFFECT_MCP_CLIENT_PRIVATE
      }))
  })
})
