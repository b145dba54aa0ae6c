/** OAuth against an authorization server of our own: the flow, refusals, refresh, revocation, stores. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { McpClient, McpError, OAuthClient, TokenStore, UserAgents } from "../../src/index.ts"
import * as AuthServer from "../support/AuthServer.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"

const connectWith = (driver: Driver) => (url: string, options: Partial<OAuthClient.Options> = {}) =>
  Effect.gen(function*() {
    const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
    const auth = yield* OAuthClient.make({
      clientName: "test",
      userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
      ...options
    }).pipe(Effect.provideContext(httpClient))
    const context = yield* Layer.build(driver.layer({ url, auth }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
  })

const refusal = (error: unknown) => {
  assert.isTrue(error instanceof McpError.AuthorizationError, String(error))
  return (error as McpError.AuthorizationError).reason
}

describe.each(drivers)("OAuth over $name", (driver) => {
  const connect = connectWith(driver)

  it.live("authorizes with PKCE S256 and the resource parameter, then sends the token on every request", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ requiredScope: "mcp:read" })
      const client = yield* connect(server.url)
      yield* client.listTools()
      const authorize = server.log.authorizeRequests[0]!
      assert.strictEqual(authorize.code_challenge_method, "S256")
      assert.strictEqual(authorize.resource, server.url)
      assert.strictEqual(authorize.scope, "mcp:read")
      const token = server.log.tokenRequests[0]!
      assert.strictEqual(token.grant_type, "authorization_code")
      assert.strictEqual(token.resource, server.url)
      assert.isString(token.code_verifier)
      assert.strictEqual(server.log.registrations, 1)
      const authorized = server.log.mcpAuthorization.filter((h) => h !== undefined)
      assert.isAbove(authorized.length, 2)
      assert.isTrue(authorized.every((h) => h!.startsWith("Bearer ")))
    }).pipe(Effect.scoped))

  it.live("refuses protected resource metadata for another resource", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ resource: "https://elsewhere.example.com/mcp" })
      const error = yield* Effect.flip(connect(server.url))
      assert.strictEqual(refusal(error), "resource-mismatch")
      assert.strictEqual(server.log.tokenRequests.length, 0)
    }).pipe(Effect.scoped))

  it.live("refuses authorization server metadata whose issuer differs", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ issuer: "https://impostor.example.com" })
      assert.strictEqual(refusal(yield* Effect.flip(connect(server.url))), "issuer-mismatch")
    }).pipe(Effect.scoped))

  it.live("refuses an authorization response without iss when the server promises it, or with another iss", () =>
    Effect.gen(function*() {
      const missing = yield* AuthServer.start({ issSupported: true, iss: "missing" })
      assert.strictEqual(refusal(yield* Effect.flip(connect(missing.url))), "iss-missing")
      assert.strictEqual(missing.log.tokenRequests.length, 0)
      const wrong = yield* AuthServer.start({ iss: "wrong" })
      assert.strictEqual(refusal(yield* Effect.flip(connect(wrong.url))), "iss-mismatch")
      assert.strictEqual(wrong.log.tokenRequests.length, 0)
      // Not promised and absent: accepted.
      const absent = yield* AuthServer.start({ issSupported: false, iss: "missing" })
      yield* Effect.flatMap(connect(absent.url), (client) => client.listTools())
    }).pipe(Effect.scoped))

  it.live("refreshes an expired access token with the refresh token", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ ttl: 1 })
      const client = yield* connect(server.url)
      yield* client.listTools()
      assert.isTrue(server.log.tokenRequests.some((r) => r.grant_type === "refresh_token"))
      assert.strictEqual(server.log.authorizeRequests.length, 1)
    }).pipe(Effect.scoped))

  it.live("a revoked token leads to a new authorization, and the request goes through", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const client = yield* connect(server.url)
      yield* client.listTools()
      server.revoke()
      yield* client.listTools()
      assert.strictEqual(server.log.authorizeRequests.length, 2)
    }).pipe(Effect.scoped))

  it.live("a token store that fails fails the request with AuthorizationError", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const broken: TokenStore.TokenStore = {
        get: () => Effect.succeed(undefined),
        set: () => Effect.fail(new McpError.AuthorizationError({ reason: "token-store", description: "disk full" })),
        remove: () => Effect.void
      }
      assert.strictEqual(refusal(yield* Effect.flip(connect(server.url, { store: broken }))), "token-store")
    }).pipe(Effect.scoped))

  it.live("the file store keeps tokens owner-only and Redacted in memory", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "tokens-")), "tokens.json")
      const store = TokenStore.file(path)
      yield* store.set("issuer resource", { accessToken: Redacted.make("secret-access"), expiresAt: 1 })
      assert.strictEqual(statSync(path).mode & 0o777, 0o600)
      const read = yield* store.get("issuer resource")
      assert.strictEqual(Redacted.value(read!.accessToken), "secret-access")
      assert.notInclude(String(read!.accessToken), "secret-access")
    }))

  it("parses WWW-Authenticate challenges", () => {
    assert.deepStrictEqual(
      OAuthClient.parseChallenge(`Bearer error="insufficient_scope", scope="a b", resource_metadata="https://x/y"`),
      { resourceMetadata: "https://x/y", scope: "a b", error: "insufficient_scope" }
    )
    assert.deepStrictEqual(OAuthClient.parseChallenge(undefined), {})
  })
})
