/** The jwt-bearer grant (workload identity, enterprise-managed) against the local authorization server. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted, Schema } from "effect"
import { AssertionGrant, HttpTransport, McpClient, McpError, OAuthClient, UserAgents } from "../../src/index.ts"
import * as AuthServer from "../support/AuthServer.ts"

const connect = (url: string, assertionGrant: OAuthClient.AssertionGrant) =>
  Effect.gen(function*() {
    const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
    const auth = yield* OAuthClient.make({
      clientName: "test",
      userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
      assertionGrant
    }).pipe(Effect.provideContext(httpClient))
    const context = yield* Layer.build(HttpTransport.layerNode({ url, auth }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
  })

const refusal = (error: unknown) => {
  assert.isTrue(error instanceof McpError.AuthorizationError, String(error))
  return error as McpError.AuthorizationError
}

const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600

describe("workload identity federation", () => {
  it.live("sends the application's assertion with the jwt-bearer grant and the resource, then the token", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ requiredScope: "mcp:read" })
      const assertion = AuthServer.jwt({ iss: "https://idp.example", aud: server.base, exp: hourFromNow() })
      let reads = 0
      const client = yield* connect(server.url, {
        _tag: "WorkloadIdentity",
        clientId: "workload-7",
        assertion: Effect.sync(() => (reads++, Redacted.make(assertion)))
      })
      yield* client.listTools()
      assert.strictEqual(server.log.tokenRequests.length, 1)
      const token = server.log.tokenRequests[0]!
      assert.strictEqual(token.grant_type, "urn:ietf:params:oauth:grant-type:jwt-bearer")
      assert.strictEqual(token.assertion, assertion)
      assert.strictEqual(token.client_id, "workload-7")
      assert.strictEqual(token.resource, server.url)
      assert.strictEqual(token.scope, "mcp:read")
      assert.strictEqual(reads, 1)
      assert.strictEqual(server.log.authorizeRequests.length, 0)
      assert.strictEqual(server.log.registrations, 0)
      assert.isTrue(server.log.mcpAuthorization.filter((h) => h !== undefined).every((h) => h!.startsWith("Bearer ")))
    }).pipe(Effect.scoped))

  it.live("refuses an expired assertion without sending it, and names no part of it", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const assertion = AuthServer.jwt({ aud: server.base, exp: Math.floor(Date.now() / 1000) - 60, sub: "planted" })
      const error = refusal(
        yield* Effect.flip(
          connect(server.url, { _tag: "WorkloadIdentity", assertion: Effect.succeed(Redacted.make(assertion)) })
        )
      )
      assert.strictEqual(error.reason, "assertion")
      assert.match(error.message, /expired/)
      assert.strictEqual(server.log.tokenRequests.length, 0)
      for (const text of [error.message, String(error), JSON.stringify(error)]) {
        assert.notInclude(text, assertion)
        assert.notInclude(text, assertion.split(".")[1]!)
      }
    }).pipe(Effect.scoped))

  it.live("refuses an assertion meant for another audience without sending it", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const assertion = AuthServer.jwt({ aud: "https://wrong.example", exp: hourFromNow() })
      const error = refusal(
        yield* Effect.flip(
          connect(server.url, { _tag: "WorkloadIdentity", assertion: Effect.succeed(Redacted.make(assertion)) })
        )
      )
      assert.strictEqual(error.reason, "assertion")
      assert.match(error.message, /meant for https:\/\/wrong\.example/)
      assert.strictEqual(server.log.tokenRequests.length, 0)
    }).pipe(Effect.scoped))

  it.live("refuses an assertion that is not a JWT without sending it", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const error = refusal(
        yield* Effect.flip(
          connect(server.url, { _tag: "WorkloadIdentity", assertion: Effect.succeed(Redacted.make("opaque-secret")) })
        )
      )
      assert.strictEqual(error.reason, "assertion")
      assert.match(error.message, /not a JWT/)
      assert.notInclude(error.message, "opaque-secret")
      assert.strictEqual(server.log.tokenRequests.length, 0)
    }).pipe(Effect.scoped))
})

describe("assertion checks", () => {
  it.prop(
    "an assertion is sent only when it has not expired and names the server (a trailing slash aside)",
    [
      Schema.Int.check(Schema.isBetween({ minimum: -5, maximum: 5 })),
      Schema.Literals(["issuer", "issuer/", "token endpoint", "other", "none"]),
      Schema.Boolean
    ],
    ([expiresIn, audience, asArray]) => {
      const now = 1_700_000_000
      const issuer = "https://as.example.com"
      const aud = {
        issuer,
        "issuer/": `${issuer}/`,
        "token endpoint": `${issuer}/token`,
        other: "https://other.example.com",
        none: undefined
      }[audience]
      const claims = { exp: now + expiresIn, ...(aud === undefined ? {} : { aud: asArray ? ["x", aud] : aud }) }
      const exit = Effect.runSyncExit(
        AssertionGrant.checkAssertion(Redacted.make(AuthServer.jwt(claims)), [issuer, `${issuer}/token`], now)
      )
      assert.strictEqual(Exit.isSuccess(exit), expiresIn > 0 && audience !== "other")
    }
  )
})

describe("enterprise-managed authorization", () => {
  const grant = (base: string, idToken: string): OAuthClient.AssertionGrant => ({
    _tag: "EnterpriseManaged",
    identityProvider: { issuer: base, tokenEndpoint: `${base}/token`, clientId: "idp-app" },
    idToken: Effect.succeed(Redacted.make(idToken)),
    clientId: "mcp-app",
    clientSecret: Redacted.make("mcp-secret")
  })

  it.live("exchanges the id_token for an ID-JAG, then presents it with the jwt-bearer grant and Basic auth", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const idToken = AuthServer.jwt({ sub: "user@example.com", aud: "idp-app" })
      const client = yield* connect(server.url, grant(server.base, idToken))
      yield* client.listTools()
      const [exchange, bearer] = server.log.tokenRequests
      assert.strictEqual(exchange!.grant_type, "urn:ietf:params:oauth:grant-type:token-exchange")
      assert.strictEqual(exchange!.subject_token, idToken)
      assert.strictEqual(exchange!.subject_token_type, "urn:ietf:params:oauth:token-type:id_token")
      assert.strictEqual(exchange!.requested_token_type, "urn:ietf:params:oauth:token-type:id-jag")
      assert.strictEqual(exchange!.audience, server.base)
      assert.strictEqual(exchange!.resource, server.url)
      assert.strictEqual(exchange!.client_id, "idp-app")
      assert.strictEqual(bearer!.grant_type, "urn:ietf:params:oauth:grant-type:jwt-bearer")
      assert.match(bearer!.assertion!, /^[\w-]+\.[\w-]+\.[\w-]+$/)
      assert.notStrictEqual(bearer!.assertion, idToken)
      assert.strictEqual(
        server.log.tokenHeaders[1]!.authorization,
        `Basic ${Buffer.from("mcp-app:mcp-secret").toString("base64")}`
      )
    }).pipe(Effect.scoped))

  it.live("refuses an identity provider answer that is not an ID-JAG, before the authorization server sees it", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ issuedTokenType: "urn:ietf:params:oauth:token-type:access_token" })
      const error = refusal(yield* Effect.flip(connect(server.url, grant(server.base, AuthServer.jwt({ sub: "u" })))))
      assert.strictEqual(error.reason, "token-exchange")
      assert.match(error.message, /not an ID-JAG/)
      assert.strictEqual(server.log.tokenRequests.length, 1)
    }).pipe(Effect.scoped))
})
