/**
 * The behaviour suite against real servers over Streamable HTTP (both eras)
 * and the reference server over the 2024-11-05 HTTP+SSE transport.
 */
import { describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpTransport } from "../../src/index.ts"
import * as Suite from "../support/BehaviourSuite.ts"
import * as Oracle from "../support/Oracle.ts"
import * as Peers from "../support/Peers.ts"

/** A checked HTTP transport to a peer started for the layer's lifetime. */
const httpPeer = (peer: Peers.Peer, mode: "http" | "sse" = "http") =>
  Layer.unwrap(Effect.map(Peers.http(peer, mode), (url) => Oracle.layer(HttpTransport.layerNode({ url }))))

describe.runIf(Peers.available)("real servers over HTTP", () => {
  for (const peer of ["ts-v2", "effect"] as const) {
    for (const era of ["legacy", "modern"] as const) {
      layer(Suite.session(httpPeer(peer), era), { timeout: "60 seconds" })(`${peer} over HTTP (${era})`, (it) => {
        // The Effect server does not offer resource subscriptions over stateful HTTP.
        Suite.benchServer(it, era, { subscriptions: !(peer === "effect" && era === "legacy") })
      })
    }
  }

  layer(Suite.session(httpPeer("everything"), "auto"), { timeout: "60 seconds" })("everything over HTTP", (it) => {
    Suite.everything(it)
  })

  layer(Suite.session(httpPeer("everything", "sse"), "auto"), { timeout: "60 seconds" })(
    "everything over HTTP+SSE (2024-11-05)",
    (it) => {
      Suite.everything(it)
    }
  )
})
