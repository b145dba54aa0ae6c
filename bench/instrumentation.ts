/**
 * `npm run bench:instrumentation`: what tracing and metrics cost per call, in
 * one process (a client and a scripted echo server over memory), as CPU time
 * per call: with nothing installed, with a tracer that keeps Effect's native
 * spans and exports nothing (the cost of the instrumentation itself), and with
 * `Metrics.layer`. The server's work is in the same process, so the cost of
 * carrying `traceparent` counts its encoding and decoding as JSON both ways.
 *
 * The three clients run side by side in blocks of calls, interleaved, many
 * rounds; each mode's figure is its fastest block (the one least disturbed by
 * other work on the machine), with the median beside it. `--rounds=<n>` and
 * `--block=<calls>` change the defaults (200 rounds of 500 calls);
 * `--modes=tracing` (or `metrics`) runs only those modes beside "off".
 */
import { Effect, Stream, Tracer } from "effect"
import { McpClient, MemoryTransport, Metrics, Transport } from "../src/index.ts"

type Mode = "off" | "tracing" | "metrics"
const allModes: ReadonlyArray<Mode> = ["off", "tracing", "metrics"]

const tracer = Tracer.make({ span: (options) => Tracer.nativeTracer.span(options) })

const instrumented = (mode: Mode) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  mode === "tracing"
    ? Effect.withTracer(effect, tracer)
    : mode === "metrics"
    ? Effect.provideService(effect, Metrics.Enabled, true)
    : effect

/** A client over memory to an echo server; returns a loop of `calls` tool calls, instrumented as `mode` says. */
const connect = (mode: Mode) =>
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
    return (calls: number) =>
      around(Effect.gen(function*() {
        for (let i = 0; i < calls; i++) yield* client.callTool("echo", { text: "hello" })
      }))
  })

const numberArg = (name: string, fallback: number) =>
  Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
const rounds = numberArg("rounds", 200)
const modesArg = process.argv.find((arg) => arg.startsWith("--modes="))?.slice("--modes=".length).split(",")
const modes = modesArg === undefined ? allModes : allModes.filter((mode) => mode === "off" || modesArg.includes(mode))
const block = numberArg("block", 500)

const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const program = Effect.gen(function*() {
  const loops = new Map<Mode, (calls: number) => Effect.Effect<void, unknown>>()
  for (const mode of modes) loops.set(mode, yield* connect(mode))
  const samples: Record<Mode, Array<number>> = { off: [], tracing: [], metrics: [] }
  for (const mode of modes) yield* loops.get(mode)!(5_000)
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) {
      const before = process.cpuUsage()
      yield* loops.get(mode)!(block)
      const used = process.cpuUsage(before)
      samples[mode].push((used.user + used.system) / block)
    }
  }
  const off = Math.min(...samples.off)
  for (const mode of modes) {
    const best = Math.min(...samples[mode])
    const extra = mode === "off" ? "" : ` (+${(best - off).toFixed(1)} µs)`
    console.log(
      `${mode.padEnd(8)} ${best.toFixed(1)} µs CPU per call${extra}; median block ${
        median(samples[mode]).toFixed(1)
      } µs`
    )
  }
}).pipe(Effect.scoped)

await Effect.runPromise(program)
