/** No key, token, id_token or assertion appears in a log, a span or an error message. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Layer, Logger, Redacted, References, Tracer } from "effect"
import { HttpTransport, McpClient, OAuthClient, TokenStore, UserAgents } from "../../src/index.ts"
import * as AuthServer from "../support/AuthServer.ts"

/** Everything a tracer and a logger (at every level) were given, as text. */
const observed = () => {
  const texts: Array<string> = []
  const tracer = Tracer.make({
    span(options) {
      const span = Tracer.nativeTracer.span(options)
      const end = span.end.bind(span)
      span.end = (time, exit) => {
        texts.push(span.name, JSON.stringify([...span.attributes]), String(exit))
        end(time, exit)
      }
      return span
    }
  })
  const logger = Logger.make((options) => {
    texts.push(JSON.stringify(options.message), Cause.pretty(options.cause))
  })
  const observe = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.withTracer(tracer),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  return { texts, observe }
}

const session = (url: string, options: Partial<OAuthClient.Options>) =>
  Effect.gen(function*() {
    const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
    const auth = yield* OAuthClient.make({
      clientName: "test",
      userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
      ...options
    }).pipe(Effect.provideContext(httpClient))
    const context = yield* Layer.build(HttpTransport.layerNode({ url, auth }))
    const client = yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
      Effect.provideContext(context)
    )
    yield* client.listTools()
    // A request the server fails, so that an error is logged and traced too.
    return yield* Effect.flip(client.getPrompt("no-such-prompt"))
  })

const assertAbsent = (texts: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  assert.isAbove(texts.length, 3, "something was traced and logged")
  for (const secret of secrets) {
    assert.isAbove(secret.length, 8)
    for (const text of texts) assert.notInclude(text, secret)
  }
}

describe("secrets", () => {
  it.live("a DPoP key and its bound token are in no span, log or error", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ dpop: "nonce" })
      const store = TokenStore.memory()
      const { observe, texts } = observed()
      const error = yield* observe(session(server.url, { store }))
      texts.push(error.message, String(error))
      const tokens = yield* store.get(`${server.base} ${server.url}`)
      const key = Redacted.value(tokens!.dpopKey!)
      assertAbsent(texts, [Redacted.value(tokens!.accessToken), Redacted.value(tokens!.refreshToken!), key.d!])
    }).pipe(Effect.scoped))

  it.live("a workload assertion, an id_token and a client secret are in no span, log or error", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const assertion = AuthServer.jwt({ aud: server.base, exp: 9_999_999_999, sub: "planted-workload" })
      const idToken = AuthServer.jwt({ sub: "planted-user@example.com" })
      const { observe, texts } = observed()
      const workload = yield* observe(session(server.url, {
        assertionGrant: { _tag: "WorkloadIdentity", assertion: Effect.succeed(Redacted.make(assertion)) }
      }))
      const enterprise = yield* observe(session(server.url, {
        assertionGrant: {
          _tag: "EnterpriseManaged",
          identityProvider: { issuer: server.base, tokenEndpoint: `${server.base}/token`, clientId: "idp-app" },
          idToken: Effect.succeed(Redacted.make(idToken)),
          clientId: "mcp-app",
          clientSecret: Redacted.make("planted-client-secret")
        }
      }))
      texts.push(workload.message, enterprise.message, String(workload), String(enterprise))
      const jag = server.log.tokenRequests.find((request) =>
        request.grant_type?.endsWith("jwt-bearer") && request.assertion !== assertion
      )
      assertAbsent(texts, [assertion, idToken, "planted-client-secret", jag!.assertion!])
    }).pipe(Effect.scoped))
})
