/**
 * Properties of the session engine under any ordering of responses, any set
 * of interruptions, and any junk from the server.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Queue, Schema } from "effect"
import type { MemoryTransport } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const Keys = Schema.Array(Schema.Int).check(Schema.isMinLength(1), Schema.isMaxLength(40))
const options = { arbitrary: { runs: 60 } }

/** A scripted server that holds `tools/call` requests until `count` have arrived, then hands them over. */
const holdingServer = (count: number) =>
  Effect.gen(function*() {
    const held: Array<Scripted.Received> = []
    const all = yield* Deferred.make<ReadonlyArray<Scripted.Received>>()
    const session = yield* Scripted.client({
      onRequest: (message, peer) => {
        if (message.method !== "tools/call") return Scripted.reply(peer, message, {})
        held.push(message)
        return held.length === count ? Deferred.succeed(all, held).pipe(Effect.asVoid) : Effect.void
      }
    })
    return { ...session, held: Deferred.await(all) }
  })

const echo = (peer: MemoryTransport.Peer, message: Scripted.Received) =>
  Scripted.reply(peer, message, { content: [{ type: "text", text: message.params.name }] })

/** Orders items by the keys (ties keep their original order). */
const permute = <A>(items: ReadonlyArray<A>, keys: ReadonlyArray<number>): Array<A> =>
  items.map((item, i) => ({ item, key: keys[i % keys.length]!, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map(({ item }) => item)

describe("engine properties", () => {
  it.effect.prop("responses in any order reach the right callers", [Keys], ([keys]) =>
    Effect.gen(function*() {
      const n = keys.length
      const { client, peer, held } = yield* holdingServer(n)
      const calls = yield* Effect.forEach(
        Array.from({ length: n }, (_, i) => i),
        (i) => Effect.forkChild(client.callTool(`t${i}`))
      )
      const requests = yield* held
      for (const message of permute(requests, keys)) yield* echo(peer, message)
      for (let i = 0; i < n; i++) {
        const result = yield* Fiber.join(calls[i]!)
        assert.deepStrictEqual(result.content, [{ type: "text", text: `t${i}` }])
      }
      assert.strictEqual(yield* client.pendingRequests, 0)
    }).pipe(Effect.scoped), options)

  it.effect.prop(
    "random interruptions leave no pending entries, cancel exactly what was interrupted, and never reuse ids",
    [Keys, Schema.Array(Schema.Boolean)],
    ([keys, interruptions]) =>
      Effect.gen(function*() {
        const n = keys.length
        const { client, peer, sent, held } = yield* holdingServer(n)
        const calls = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) => Effect.forkChild(client.callTool(`t${i}`))
        )
        const requests = yield* held
        const interrupted = new Set<string>()
        for (let i = 0; i < n; i++) {
          if (interruptions[i] === true) {
            interrupted.add(`t${i}`)
            yield* Fiber.interrupt(calls[i]!)
          }
        }
        // Interrupted requests are forgotten at once.
        assert.strictEqual(yield* client.pendingRequests, n - interrupted.size)
        // The rest are answered; some interrupted ones get a late answer, others none.
        for (const [i, message] of permute(requests, keys).entries()) {
          if (interrupted.has(message.params.name) && i % 2 === 0) continue
          yield* echo(peer, message)
        }
        for (let i = 0; i < n; i++) {
          if (interruptions[i] === true) continue
          const result = yield* Fiber.join(calls[i]!)
          assert.deepStrictEqual(result.content, [{ type: "text", text: `t${i}` }])
        }
        yield* client.ping()
        assert.strictEqual(yield* client.pendingRequests, 0)

        const messages = yield* Queue.takeAll(sent)
        const ids = messages.filter((m) => m.id !== undefined).map((m) => m.id)
        assert.strictEqual(new Set(ids).size, ids.length, "request ids are unique")
        const idToName = new Map(requests.map((m) => [m.id, m.params.name as string]))
        const cancelledNames = messages
          .filter((m) => m.method === "notifications/cancelled")
          .map((m) => idToName.get(m.params.requestId))
        assert.deepStrictEqual(new Set(cancelledNames), interrupted)
      }).pipe(Effect.scoped),
    options
  )

  it.effect.prop(
    "malformed or unsolicited server messages never break the session for other requests",
    [Keys, Schema.Array(Schema.Json)],
    ([keys, junk]) =>
      Effect.gen(function*() {
        const n = keys.length
        const { client, peer, held } = yield* holdingServer(n)
        const calls = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) => Effect.forkChild(client.callTool(`t${i}`))
        )
        const requests = yield* held
        let k = 0
        const injectJunk = Effect.gen(function*() {
          const value = junk.length === 0 ? null : junk[k % junk.length]
          switch (k++ % 5) {
            case 0:
              return yield* peer.send(value)
            case 1:
              return yield* peer.sendRaw(`{not json ${k}`)
            case 2:
              return yield* peer.send({ jsonrpc: "2.0", id: 100_000 + k, result: { unsolicited: value } })
            case 3:
              return yield* peer.send({ jsonrpc: "2.0", method: "notifications/unknown", params: { value } })
            default:
              return yield* peer.send({ jsonrpc: "1.0", id: requests[0]!.id === undefined ? 0 : 99_999, junk: value })
          }
        })
        for (const message of permute(requests, keys)) {
          yield* injectJunk
          yield* echo(peer, message)
        }
        for (let i = 0; i < n; i++) {
          const result = yield* Fiber.join(calls[i]!)
          assert.deepStrictEqual(result.content, [{ type: "text", text: `t${i}` }])
        }
        yield* client.ping()
        assert.strictEqual(yield* client.pendingRequests, 0)
      }).pipe(Effect.scoped),
    options
  )
})
