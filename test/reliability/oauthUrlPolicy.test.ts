/** OAuth discovery fetches only the URLs the SSRF policy accepts; a refusal names the URL and the rule. */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { HttpTransport, McpClient, McpError, OAuthClient, UrlPolicy, UserAgents } from "../../src/index.ts"
import * as Faults from "../support/HttpFaultServer.ts"

describe("the URL policy", () => {
  const publicServer = new URL("https://mcp.example.com/mcp")
  const loopbackServer = new URL("http://127.0.0.1:3000/mcp")

  const cases: ReadonlyArray<readonly [string, URL, string | undefined]> = [
    ["https://auth.example.com/", publicServer, undefined],
    ["http://auth.example.com/", publicServer, "plain http"],
    ["http://auth.example.com/", loopbackServer, undefined],
    ["https://localhost/", publicServer, "loopback host"],
    ["https://sub.localhost/", publicServer, "loopback host"],
    ["https://127.0.0.1/", publicServer, "loopback host"],
    ["https://2130706433/", publicServer, "loopback host"],
    ["https://0.0.0.0/", publicServer, "loopback host"],
    ["https://[::1]/", publicServer, "loopback host"],
    ["https://10.1.2.3/", publicServer, "private host"],
    ["https://172.16.0.1/", publicServer, "private host"],
    ["https://172.32.0.1/", publicServer, undefined],
    ["https://192.168.1.1/", publicServer, "private host"],
    ["https://100.64.0.1/", publicServer, "private host"],
    ["https://[fd00:ec2::254]/", publicServer, "private host"],
    ["https://[::ffff:10.0.0.1]/", publicServer, "private host"],
    ["https://169.254.169.254/latest/meta-data/", publicServer, "link-local host"],
    ["https://[fe80::1]/", publicServer, "link-local host"],
    ["https://[64:ff9b::169.254.169.254]/", publicServer, "link-local host"],
    ["https://224.0.0.1/", publicServer, "multicast or reserved"],
    ["http://127.0.0.1:9000/", loopbackServer, undefined],
    ["http://localhost:9000/", loopbackServer, undefined],
    ["http://10.0.0.1/", loopbackServer, "private host"],
    ["http://169.254.169.254/", loopbackServer, "link-local host"],
    ["https://10.0.0.9/", new URL("https://10.0.0.5/mcp"), undefined],
    ["http://10.0.0.9/", new URL("https://10.0.0.5/mcp"), "plain http"],
    ["file:///etc/passwd", publicServer, "not file"],
    ["ftp://auth.example.com/", publicServer, "not ftp"],
    // The server's own origin: the client talks to it anyway.
    ["http://mcp.example.com/.well-known/oauth-authorization-server", new URL("http://mcp.example.com/mcp"), undefined]
  ]
  for (const [url, server, rule] of cases) {
    it(`${url} for a server at ${server.origin}: ${rule ?? "accepted"}`, () => {
      const refusal = UrlPolicy.refusal(new URL(url), server)
      if (rule === undefined) assert.isUndefined(refusal)
      else assert.include(refusal, rule)
    })
  }

  it("the application widens the rules: named origins, plain http, non-public hosts", () => {
    const url = new URL("http://10.0.0.8:8080/")
    assert.isDefined(UrlPolicy.refusal(url, publicServer))
    assert.isUndefined(UrlPolicy.refusal(url, publicServer, { allowOrigins: ["http://10.0.0.8:8080"] }))
    assert.isDefined(UrlPolicy.refusal(url, publicServer, { allowOrigins: ["http://10.0.0.8:8081"] }))
    assert.include(UrlPolicy.refusal(url, publicServer, { allowNonPublicHosts: true }), "plain http")
    assert.isUndefined(UrlPolicy.refusal(url, publicServer, { allowNonPublicHosts: true, allowHttp: true }))
    // No widening admits another scheme.
    assert.isDefined(
      UrlPolicy.refusal(new URL("file:///x"), publicServer, { allowHttp: true, allowNonPublicHosts: true })
    )
  })

  const Byte = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 255 }))
  it.prop(
    "every IPv4 address in 10/8, 127/8 or 169.254/16 is refused for a public server, however it is written",
    [Schema.Literals([10, 127, 169]), Byte, Byte, Byte, Schema.Literals(["dotted", "integer", "hex", "mapped"])],
    ([a, b0, c, d, form]) => {
      const b = a === 169 ? 254 : b0
      const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d
      const host = {
        dotted: `${a}.${b}.${c}.${d}`,
        integer: String(n),
        hex: `0x${n.toString(16)}`,
        mapped: `[::ffff:${a}.${b}.${c}.${d}]`
      }[form]
      assert.isDefined(UrlPolicy.refusal(new URL(`https://${host}/x`), publicServer))
    }
  )
})

const connect = (url: string, options: Partial<OAuthClient.Options> = {}) =>
  Effect.gen(function*() {
    const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
    const auth = yield* OAuthClient.make({
      clientName: "test",
      userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
      ...options
    }).pipe(Effect.provideContext(httpClient))
    const context = yield* Layer.build(HttpTransport.layerNode({ url, auth }))
    return yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
  })

/** A protected MCP server on 127.0.0.1 whose discovery documents name `urls`. */
const protectedServer = (urls: {
  readonly resourceMetadata?: string
  readonly authorizationServer?: string
  readonly tokenEndpoint?: string
}) =>
  Faults.start((exchange) => {
    const path = exchange.request.url ?? ""
    const base = `http://${exchange.headers.host}`
    if (path.startsWith("/.well-known/oauth-protected-resource")) {
      return Faults.json(exchange, {
        resource: `${base}/mcp`,
        authorization_servers: [urls.authorizationServer ?? base]
      })
    }
    if (path.startsWith("/.well-known/oauth-authorization-server")) {
      return Faults.json(exchange, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: urls.tokenEndpoint ?? `${base}/token`,
        code_challenge_methods_supported: ["S256"]
      })
    }
    const metadata = urls.resourceMetadata === undefined ? "" : `, resource_metadata="${urls.resourceMetadata}"`
    exchange.response.writeHead(401, { "www-authenticate": `Bearer realm="mcp"${metadata}` }).end()
  })

const refused = (error: unknown) => {
  assert.isTrue(error instanceof McpError.AuthorizationError, String(error))
  const failure = error as McpError.AuthorizationError
  assert.strictEqual(failure.reason, "url-policy")
  return failure.message
}

describe("OAuth discovery under the URL policy", () => {
  it.live("a resource_metadata URL on the cloud metadata address is refused, and never fetched", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer({ resourceMetadata: "http://169.254.169.254/latest/meta-data/" })
      const message = refused(yield* Effect.flip(connect(server.url)))
      assert.include(message, "resource_metadata URL http://169.254.169.254/latest/meta-data/")
      assert.include(message, "a link-local host is accepted only when the MCP server is on one")
      assert.isFalse(server.seen.some((e) => e.request.url?.includes("well-known") === true))
    }).pipe(Effect.scoped))

  it.live("a resource_metadata URL with another scheme is refused", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer({ resourceMetadata: "file:///etc/passwd" })
      assert.include(refused(yield* Effect.flip(connect(server.url))), "not file")
    }).pipe(Effect.scoped))

  it.live("an authorization server on a private address is refused before its metadata is fetched", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer({ authorizationServer: "http://10.0.0.1:8080/" })
      const message = refused(yield* Effect.flip(connect(server.url)))
      assert.include(message, "authorization server http://10.0.0.1:8080/")
      assert.include(message, "a private host is accepted only when the MCP server is on one")
    }).pipe(Effect.scoped))

  it.live("a token endpoint the metadata names on a private address is refused", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer({ tokenEndpoint: "https://192.168.0.1/token" })
      assert.include(refused(yield* Effect.flip(connect(server.url))), "token endpoint https://192.168.0.1/token")
    }).pipe(Effect.scoped))

  it.live("the application's policy widens the rules: the origin it names is fetched", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer({ authorizationServer: "http://10.0.0.1:8080/" })
      // An HTTP client that reaches 10.0.0.1:8080 at the test server, so that the fetch can be seen.
      const local = new URL(server.url)
      const routed = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(
          HttpClient.HttpClient,
          HttpClient.mapRequest((request) =>
            request.url.startsWith("http://10.0.0.1:8080/")
              ? HttpClientRequest.setUrl(request, request.url.replace("http://10.0.0.1:8080", local.origin))
              : request
          )
        )
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const httpClient = yield* Layer.build(routed)
      const auth = yield* OAuthClient.make({
        clientName: "test",
        userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
        urlPolicy: { allowOrigins: ["http://10.0.0.1:8080"] }
      }).pipe(Effect.provideContext(httpClient))
      const context = yield* Layer.build(HttpTransport.layerNode({ url: server.url, auth }))
      const error = yield* Effect.flip(
        McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(Effect.provideContext(context))
      )
      // The metadata was fetched there (it names the test server as its issuer, which the client then refuses).
      assert.isTrue(server.seen.some((e) => e.request.url === "/.well-known/oauth-authorization-server"))
      assert.isTrue(error instanceof McpError.AuthorizationError, String(error))
      assert.strictEqual((error as McpError.AuthorizationError).reason, "issuer-mismatch")
    }).pipe(Effect.scoped))
})
