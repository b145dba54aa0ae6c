/**
 * Wraps a transport so that every message the client sends is checked
 * against the official schema of the revision in use (SpecOracle). A message
 * that does not validate is recorded, and closing the transport's scope then
 * fails with a defect naming it: a test that sends an invalid message fails.
 */
import { Effect, Layer, Stream } from "effect"
import type { Scope } from "effect"
import { Transport } from "../../src/index.ts"
import { revisions, validateOutgoing } from "./SpecOracle.ts"

/**
 * Messages of a revision the client does not speak (a test's deliberately
 * unknown version) are not checked; every revision it speaks has its schema,
 * and a missing one fails the check loudly (SpecOracle.schemaPath).
 */
const known = (revision: string) => revisions.includes(revision)

/** Checks the messages a transport carries; returns the wrapped transport. */
export const check = (
  transport: Transport.TransportShape
): Effect.Effect<Transport.TransportShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const violations: Array<string> = []
    const sentMethods = new Map<unknown, string>()
    const serverRequests = new Map<unknown, string>()
    let sessionVersion: string | undefined

    const inspect = (message: any) => {
      if (message?.method === "initialize") sentMethods.set(message.id, "initialize")
      const revision: string | undefined = message?.params?._meta?.["io.modelcontextprotocol/protocolVersion"] ??
        sessionVersion ?? (message?.method === "initialize" ? message.params?.protocolVersion : undefined)
      if (revision === undefined || !known(revision)) return
      const resultOf = message?.method === undefined ? serverRequests.get(message?.id) : undefined
      const verdict = validateOutgoing(revision, message, { resultOf })
      if (!verdict.ok) {
        violations.push(`${revision} ${verdict.definition}: ${verdict.errors} in ${JSON.stringify(message)}`)
      }
    }

    const observe = (value: any) => {
      for (const message of Array.isArray(value) ? value : [value]) {
        if (typeof message?.method === "string" && message.id !== undefined) {
          // A task-augmented request is answered with the task it created.
          serverRequests.set(message.id, message.params?.task !== undefined ? `${message.method}#task` : message.method)
        }
        if (message?.id !== undefined && sentMethods.get(message.id) === "initialize") {
          sessionVersion = message.result?.protocolVersion
        }
      }
    }

    yield* Effect.addFinalizer(() =>
      violations.length === 0
        ? Effect.void
        : Effect.die(new Error(`The client sent messages that do not validate:\n${violations.join("\n")}`))
    )
    return {
      send: (message) => Effect.andThen(Effect.sync(() => inspect(message)), transport.send(message)),
      incoming: Stream.tap(transport.incoming, (value) => Effect.sync(() => observe(value))),
      ...(transport.exchange === undefined ? {} : {
        exchange: (request, context) =>
          Effect.andThen(Effect.sync(() => inspect(request)), transport.exchange!(request, context))
      }),
      ...(transport.endpoint === undefined ? {} : { endpoint: transport.endpoint })
    } satisfies Transport.TransportShape
  })

/** A transport layer whose outgoing messages are checked. */
export const layer = <E, R>(
  transport: Layer.Layer<Transport.Transport, E, R>
): Layer.Layer<Transport.Transport, E, R> =>
  Layer.effect(
    Transport.Transport,
    Effect.flatMap(Effect.service(Transport.Transport), (inner) => Effect.map(check(inner), Transport.Transport.of))
  ).pipe(Layer.provide(transport))
