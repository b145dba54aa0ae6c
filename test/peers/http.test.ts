/**
 * The behaviour suite against real servers over Streamable HTTP (both eras)
 * and the reference server over the 2024-11-05 HTTP+SSE transport.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { McpClient, Transport } from "../../src/index.ts"
import * as Suite from "../support/BehaviourSuite.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"
import * as Oracle from "../support/Oracle.ts"
import * as Peers from "../support/Peers.ts"

/** A checked HTTP transport to a peer started for the layer's lifetime. */
const httpPeer = (driver: Driver, peer: Peers.Peer, mode: "http" | "sse" = "http") =>
  Layer.unwrap(Effect.map(Peers.http(peer, mode), (url) => Oracle.layer(driver.layer({ url }))))

describe.each(drivers)("real servers over HTTP, on $name", (driver) => {
  for (const peer of ["ts-v2", "effect"] as const) {
    for (const era of ["legacy", "modern"] as const) {
      layer(Suite.session(httpPeer(driver, peer), era), { timeout: "60 seconds" })(
        `${peer} over HTTP (${era})`,
        (it) => {
          // The Effect server does not offer resource subscriptions over stateful HTTP.
          Suite.benchServer(it, era, { subscriptions: !(peer === "effect" && era === "legacy") })
        }
      )
    }
  }

  layer(Suite.session(httpPeer(driver, "everything"), "auto"), { timeout: "60 seconds" })(
    "everything over HTTP",
    (it) => {
      Suite.everything(it)
    }
  )

  layer(Suite.session(httpPeer(driver, "everything", "sse"), "auto"), { timeout: "60 seconds" })(
    "everything over HTTP+SSE (2024-11-05)",
    (it) => {
      Suite.everything(it)
    }
  )

  it.live(
    "several sessions opened at once in scopes, each answering its own calls",
    () =>
      Effect.gen(function*() {
        const url = yield* Peers.http("everything")
        const open = (name: string) =>
          McpClient.make({ name, version: "1.0.0", era: "legacy" }).pipe(
            Effect.provideServiceEffect(Transport.Transport, driver.make({ url }))
          )
        const echoes = yield* Effect.forEach(["one", "two", "three"], (name) =>
          Effect.scoped(Effect.gen(function*() {
            const client = yield* open(name)
            return Suite.textOf(yield* client.callTool("echo", { message: name }))
          })), { concurrency: "unbounded" })
        assert.deepStrictEqual(echoes, ["Echo: one", "Echo: two", "Echo: three"])
      }).pipe(Effect.scoped),
    60_000
  )
})
