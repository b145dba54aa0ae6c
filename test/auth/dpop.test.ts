/** DPoP (RFC 9449): the proofs, their signatures, the bound token's scheme and the nonce retries. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { createHash, webcrypto } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Dpop, HttpTransport, McpClient, OAuthClient, TokenStore, UserAgents } from "../../src/index.ts"
import * as AuthServer from "../support/AuthServer.ts"

const connect = (url: string, store: TokenStore.TokenStore) =>
  Effect.gen(function*() {
    const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
    const auth = yield* OAuthClient.make({
      clientName: "test",
      userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
      store
    }).pipe(Effect.provideContext(httpClient))
    const context = yield* Layer.build(HttpTransport.layerNode({ url, auth }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
  })

const part = (jwt: string, index: number) => JSON.parse(Buffer.from(jwt.split(".")[index]!, "base64url").toString())

/** Verifies a proof's ES256 signature with the public JWK it carries; returns its header and claims. */
const verified = (proof: string) =>
  Effect.promise(async () => {
    const header = part(proof, 0)
    const key = await webcrypto.subtle.importKey("jwk", header.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "verify"
    ])
    const [h, c, s] = proof.split(".")
    const valid = await webcrypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      Buffer.from(s!, "base64url"),
      Buffer.from(`${h}.${c}`)
    )
    return { valid, header, claims: part(proof, 1) }
  })

describe("DPoP", () => {
  it.effect("a proof names the request, is signed with the key it carries, and is fresh each time", () =>
    Effect.gen(function*() {
      const key = yield* Dpop.generateKey
      const url = new URL("https://mcp.example.com/mcp?x=1#f")
      const token = Redacted.make("access-token-1")
      const first = yield* Dpop.proof(key, { method: "post", url, accessToken: token, nowSeconds: 1_700_000_000 })
      const second = yield* Dpop.proof(key, { method: "post", url, accessToken: token, nowSeconds: 1_700_000_000 })
      const { claims, header, valid } = yield* verified(first)
      assert.isTrue(valid)
      assert.strictEqual(header.typ, "dpop+jwt")
      assert.strictEqual(header.alg, "ES256")
      assert.deepStrictEqual(Object.keys(header.jwk).sort(), ["crv", "kty", "x", "y"])
      assert.strictEqual(claims.htm, "POST")
      assert.strictEqual(claims.htu, "https://mcp.example.com/mcp")
      assert.strictEqual(claims.iat, 1_700_000_000)
      assert.strictEqual(claims.ath, createHash("sha256").update("access-token-1").digest("base64url"))
      assert.notStrictEqual(claims.jti, part(second, 1).jti)
      // A proof signed by another key does not verify with this one's public JWK.
      const other = yield* Dpop.proof(yield* Dpop.generateKey, { method: "POST", url, nowSeconds: 1 })
      const forged = `${first.split(".").slice(0, 2).join(".")}.${other.split(".")[2]}`
      assert.isFalse((yield* verified(forged)).valid)
    }))

  it.live("binds the token at the token endpoint, then sends it with the DPoP scheme and a proof per request", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ dpop: "offered" })
      const store = TokenStore.memory()
      const client = yield* connect(server.url, store)
      yield* client.listTools()
      const tokenProof = server.log.tokenHeaders[0]!.dpop as string
      const atToken = yield* verified(tokenProof)
      assert.isTrue(atToken.valid)
      assert.strictEqual(atToken.claims.htu, `${server.base}/token`)
      assert.isUndefined(atToken.claims.ath)
      const authorized = server.log.mcpAuthorization.flatMap((h, i) => h === undefined ? [] : [i])
      assert.isAbove(authorized.length, 1)
      const jtis = new Set<string>()
      for (const i of authorized) {
        const header = server.log.mcpAuthorization[i]!
        assert.match(header, /^DPoP /)
        const proof = yield* verified(server.log.mcpDpop[i]!)
        assert.isTrue(proof.valid)
        assert.deepStrictEqual(proof.header.jwk, atToken.header.jwk)
        assert.strictEqual(proof.claims.htu, server.url)
        assert.strictEqual(proof.claims.ath, createHash("sha256").update(header.slice(5)).digest("base64url"))
        jtis.add(proof.claims.jti)
      }
      assert.strictEqual(jtis.size, authorized.length)
      const stored = yield* store.get(`${server.base} ${server.url}`)
      assert.strictEqual(stored?.tokenType, "DPoP")
      assert.deepStrictEqual(Dpop.publicJwk(stored!.dpopKey!), atToken.header.jwk)
    }).pipe(Effect.scoped))

  it.live("retries once with the nonce the authorization server and then the resource server ask for", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start({ dpop: "nonce" })
      const client = yield* connect(server.url, TokenStore.memory())
      yield* client.listTools()
      const nonces = server.log.tokenHeaders.map((headers) => AuthServer.claimsOf(headers.dpop).nonce)
      assert.deepStrictEqual(nonces, [undefined, "as-nonce"])
      const sent = server.log.mcpDpop.filter((proof) => proof !== undefined).map((p) => AuthServer.claimsOf(p).nonce)
      assert.strictEqual(sent[0], undefined)
      assert.isTrue(sent.slice(1).every((nonce) => nonce === "rs-nonce"))
      assert.isAbove(sent.length, 2)
    }).pipe(Effect.scoped))

  it.live("the key is kept by a file token store beside the token, and reused from it", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "dpop-")), "tokens.json")
      const server = yield* AuthServer.start({ dpop: "offered" })
      yield* (yield* connect(server.url, TokenStore.file(path))).listTools()
      const first = server.log.mcpDpop.filter((p) => p !== undefined).at(-1)!
      yield* (yield* connect(server.url, TokenStore.file(path))).listTools()
      const last = server.log.mcpDpop.filter((p) => p !== undefined).at(-1)!
      assert.deepStrictEqual(part(last, 0).jwk, part(first, 0).jwk)
      assert.isTrue((yield* verified(last)).valid)
    }).pipe(Effect.scoped))
})
