/**
 * Properties of the session engine under any ordering of responses, any set
 * of interruptions, and any junk from the server.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Queue, Schema, Stream } from "effect"
import { TestClock } from "effect/testing"
import {
  Arbitraries,
  FaultTransport,
  McpClient,
  McpError,
  MemoryTransport,
  ServerBehaviour,
  Transport
} from "../../src/index.ts"
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

/** A session over `transport`, in the legacy era (no discovery probe), with short deadlines. */
const sessionOver = (transport: Transport.TransportShape) =>
  McpClient.make({ name: "property", version: "1.0.0", era: "legacy", timeout: "2 seconds" }).pipe(
    Effect.provideService(Transport.Transport, transport)
  )

describe("engine properties against any server behaviour", () => {
  it.effect.prop(
    "every call ends as the server conducted it, pages are joined, and nothing stays pending",
    { behaviour: ServerBehaviour.arbitrary },
    ({ behaviour }) =>
      Effect.gen(function*() {
        const client = yield* sessionOver(yield* ServerBehaviour.make(behaviour))
        const listed = yield* client.listTools()
        assert.deepStrictEqual(listed.tools.map((tool) => tool.name), behaviour.tools.map((tool) => tool.name))
        const calls = yield* Effect.forEach(behaviour.tools, (tool) =>
          Effect.forkChild(Effect.exit(client.callTool(tool.name))))
        // Calls the server answers end without the clock moving; silent ones end at their deadline.
        for (const [i, call] of calls.entries()) {
          if (behaviour.conducts[i]!.reply._tag !== "Silent") {
            yield* Fiber.await(call)
          }
        }
        yield* TestClock.adjust("2 seconds")
        for (const [i, call] of calls.entries()) {
          const reply = behaviour.conducts[i]!.reply
          const exit = yield* Fiber.join(call)
          switch (reply._tag) {
            case "Result":
              assert.deepStrictEqual(exit, Exit.succeed(reply.result))
              break
            case "Error": {
              assert.isTrue(Exit.isFailure(exit))
              const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
              assert.strictEqual((error as any)?.error?._tag, "McpServerError")
              assert.strictEqual((error as any)?.error?.code, reply.code)
              break
            }
            case "Silent": {
              const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
              assert.strictEqual((error as any)?.error?._tag, "RequestTimeout")
            }
          }
        }
        yield* client.ping()
        assert.strictEqual(yield* client.pendingRequests, 0)
      }).pipe(Effect.scoped),
    { arbitrary: { runs: 50 } }
  )
})

/** A server that answers `tools/call` with the tool's name, and copes with damaged requests. */
const echoServer = (peer: MemoryTransport.Peer) =>
  peer.incoming.pipe(Stream.runForEach((raw) => {
    const message = raw as Scripted.Received
    if (typeof message !== "object" || message === null || message.id === undefined) return Effect.void
    switch (message.method) {
      case "initialize":
        return Scripted.reply(peer, message, {
          protocolVersion: message.params?.protocolVersion ?? "2025-11-25",
          capabilities: { tools: {} },
          serverInfo: { name: "echo", version: "1.0.0" }
        })
      case "tools/call":
        return Scripted.reply(peer, message, { content: [{ type: "text", text: String(message.params?.name) }] })
      case "tools/list":
        return Scripted.reply(peer, message, { tools: [] })
      case "ping":
        return Scripted.reply(peer, message, {})
      default:
        return Scripted.replyError(peer, message, -32601, "Method not found")
    }
  }))

const allFaults: FaultTransport.Faults = { drop: 0.05, duplicate: 0.05, reorder: 0.05, delay: 0.1, corrupt: 0.05 }

/** Moves the clock past every delay and deadline, a little at a time, so the fibers between them run. */
const settle = Effect.gen(function*() {
  for (let i = 0; i < 25; i++) yield* TestClock.adjust("100 millis")
})

/** Connects and makes `count` calls through a faulty connection; returns how each ended. */
const faultyRun = (seed: number, count: number) =>
  Effect.gen(function*() {
    const { client: transport, peer } = yield* MemoryTransport.makePair
    yield* Effect.forkScoped(echoServer(peer))
    const faulty = yield* FaultTransport.make(transport, {
      seed,
      send: allFaults,
      receive: allFaults,
      cutProbability: 0.01
    })
    const connecting = yield* Effect.forkChild(Effect.exit(sessionOver(faulty.transport)))
    yield* settle
    const connected = yield* Fiber.join(connecting)
    if (Exit.isFailure(connected)) {
      const error = connected.cause.reasons[0] as any
      assert.isTrue(McpError.isMcpError(error?.error), `a typed failure to connect (seed ${seed})`)
      return { outcomes: [`connect: ${error.error._tag}`], decisions: faulty.decisions, seed }
    }
    const client = connected.value
    const calls = yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      (i) => Effect.forkChild(Effect.exit(client.callTool(`t${i}`)))
    )
    yield* settle
    const outcomes: Array<string> = []
    for (const [i, call] of calls.entries()) {
      const exit = yield* Fiber.join(call)
      if (Exit.isSuccess(exit)) {
        // A reply never reaches another caller, whatever happened to it on the way ("undefined" is the
        // server's answer to a request that lost its params on the way).
        const text = (exit.value.content[0] as { text?: string } | undefined)?.text
        assert.include([`t${i}`, "undefined"], text, `seed ${seed}`)
        outcomes.push("ok")
      } else {
        const error = (exit.cause.reasons[0] as any)?.error
        assert.isTrue(McpError.isMcpError(error), `call ${i} ends with a typed error (seed ${seed})`)
        outcomes.push(error._tag)
      }
    }
    assert.strictEqual(yield* client.pendingRequests, 0, `nothing stays pending (seed ${seed})`)
    return { outcomes, decisions: faulty.decisions, seed }
  }).pipe(Effect.scoped)

describe("engine properties under injected faults", () => {
  it.effect.prop(
    "every call ends with its own reply or a typed error, and a seed reproduces its run exactly",
    [Arbitraries.integer(0, 2 ** 31 - 1), Arbitraries.integer(1, 12)],
    ([seed, count]) =>
      Effect.gen(function*() {
        const first = yield* faultyRun(seed, count)
        const again = yield* faultyRun(seed, count)
        assert.deepStrictEqual(
          again.outcomes,
          first.outcomes,
          `seed ${seed} reproduces:\n${FaultTransport.describe(first.decisions)}`
        )
        assert.deepStrictEqual(again.decisions, first.decisions)
      }),
    { arbitrary: { runs: 40 } }
  )
})
