/**
 * `npm run bench:instrumentation`: what tracing and metrics cost per call, in
 * one process (a client and a scripted echo server over memory), as CPU time
 * per call: with nothing installed, with a tracer that keeps Effect's native
 * spans and exports nothing (the cost of the instrumentation itself), and with
 * `Metrics.layer`. The server's work is in the same process, so the cost of
 * carrying `traceparent` counts its parsing on both ends.
 */
import { Effect, Stream, Tracer } from "effect"
import { McpClient, MemoryTransport, Metrics, Transport } from "../src/index.ts"

type Mode = "off" | "tracing" | "metrics"

const instrumented = (mode: Mode) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  mode === "tracing"
    ? Effect.withTracer(effect, Tracer.make({ span: (options) => Tracer.nativeTracer.span(options) }))
    : mode === "metrics"
    ? Effect.provideService(effect, Metrics.Enabled, true)
    : effect

const measure = (mode: Mode, calls: number) =>
  Effect.gen(function*() {
    const { client: transport, peer } = yield* MemoryTransport.makePair
    yield* peer.incoming.pipe(
      Stream.runForEach((message: any) => {
        if (message.id === undefined) return Effect.void
        const result = message.method === "initialize"
          ? { protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "echo", version: "1" } }
          : { content: [{ type: "text", text: "hello" }] }
        return peer.send({ jsonrpc: "2.0", id: message.id, result })
      }),
      Effect.forkScoped
    )
    const around = instrumented(mode)
    const client = yield* around(
      McpClient.make({ name: "bench", version: "1", era: "legacy" }).pipe(
        Effect.provideService(Transport.Transport, transport)
      )
    )
    const loop = around(Effect.gen(function*() {
      for (let i = 0; i < calls; i++) yield* client.callTool("echo", { text: "hello" })
    }))
    yield* loop
    const before = process.cpuUsage()
    yield* loop
    const used = process.cpuUsage(before)
    return (used.user + used.system) / calls
  }).pipe(Effect.scoped)

const calls = Number(process.argv.find((arg) => arg.startsWith("--calls="))?.slice(8) ?? 20_000)
const rounds = 5
const results: Record<Mode, Array<number>> = { off: [], tracing: [], metrics: [] }
for (let round = 0; round < rounds; round++) {
  for (const mode of ["off", "tracing", "metrics"] as const) {
    results[mode].push(await Effect.runPromise(measure(mode, calls)))
  }
}
const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const off = median(results.off)
for (const mode of ["off", "tracing", "metrics"] as const) {
  const value = median(results[mode])
  const extra = mode === "off" ? "" : ` (+${(value - off).toFixed(1)} µs)`
  console.log(`${mode.padEnd(8)} ${value.toFixed(1)} µs CPU per call${extra}`)
}
