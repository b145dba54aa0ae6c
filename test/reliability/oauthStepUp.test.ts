/** Authorization keeps working for the whole session: the retry cap is per request. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HttpTransport, McpClient, OAuthClient, UserAgents } from "../../src/index.ts"
import * as AuthServer from "../support/AuthServer.ts"
import { drivers } from "../support/HttpDrivers.ts"

describe.each(drivers)("OAuth for a whole session over $name", (driver) => {
  it.live("a token revoked again and again is re-authorized each time, past three times", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ requiredScope: "mcp:read" })
      const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
      const auth = yield* OAuthClient.make({
        clientName: "test",
        userAgent: UserAgents.headless("http://127.0.0.1:1/callback")
      }).pipe(Effect.provideContext(httpClient))
      const context = yield* Layer.build(driver.layer({ url: server.url, auth }))
      const client = yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
        Effect.provideContext(context)
      )
      yield* client.listTools()
      for (let round = 0; round < 5; round++) {
        server.revoke()
        yield* client.listTools()
      }
      assert.strictEqual(server.log.authorizeRequests.length, 6)
    }).pipe(Effect.scoped))
})

describe("client ID metadata documents", () => {
  for (const url of ["http://client.example.com/metadata.json", "https://client.example.com", "not a url"]) {
    it.live(`a client ID that is not an https URL with a path is refused: ${url}`, () =>
      Effect.gen(function*() {
        const server = yield* AuthServer.start({ clientIdMetadataDocuments: true })
        const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
        const auth = yield* OAuthClient.make({
          clientName: "test",
          clientMetadataUrl: url,
          userAgent: UserAgents.headless("http://127.0.0.1:1/callback")
        }).pipe(Effect.provideContext(httpClient))
        const context = yield* Layer.build(HttpTransport.layerNode({ url: server.url, auth }))
        const error = yield* Effect.flip(
          McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
        )
        assert.strictEqual(error._tag, "AuthorizationError")
        assert.include(error.message, "not an https URL with a path")
        assert.strictEqual(server.log.authorizeRequests.length, 0)
      }).pipe(Effect.scoped))
  }
})
