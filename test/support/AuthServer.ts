/**
 * A small authorization server and protected MCP resource on 127.0.0.1, with
 * knobs for every refusal a client must make.
 */
import { Effect } from "effect"
import { createHash, randomBytes } from "node:crypto"
import * as http from "node:http"

export interface Config {
  /** The `resource` the protected resource metadata declares (default: the MCP URL). */
  resource?: string
  /** The `issuer` the authorization server metadata declares (default: its own base URL). */
  issuer?: string
  /** Whether the metadata promises `iss` in authorization responses. */
  issSupported?: boolean
  /** What `iss` the authorization response carries. */
  iss?: "correct" | "missing" | "wrong"
  /** Lifetime of access tokens, in seconds. */
  ttl?: number
  /** Scopes the resource requires. */
  requiredScope?: string
  /** Advertise client ID metadata documents (`client_id_metadata_document_supported`). */
  clientIdMetadataDocuments?: boolean
  /** DPoP (RFC 9449): offered, and with `nonce` the token endpoint and the MCP endpoint ask for nonces. */
  dpop?: "offered" | "nonce"
  /** The `issued_token_type` the token exchange answers with (default: the ID-JAG type). */
  issuedTokenType?: string
}

export interface Log {
  readonly tokenRequests: Array<Record<string, string>>
  readonly tokenHeaders: Array<http.IncomingHttpHeaders>
  readonly authorizeRequests: Array<Record<string, string>>
  readonly registrations: number
  readonly mcpAuthorization: Array<string | undefined>
  /** The `DPoP` header of every MCP request. */
  readonly mcpDpop: Array<string | undefined>
}

/** The claims of a JWT, unverified. */
export const claimsOf = (jwt: string | ReadonlyArray<string> | undefined): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(String(jwt ?? "").split(".")[1] ?? "", "base64url").toString("utf8"))
  } catch {
    return {}
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** An unsigned JWT with these claims (the fixture's servers do not check signatures). */
export const jwt = (claims: Record<string, unknown>) => `${b64({ alg: "none" })}.${b64(claims)}.c2ln`

export const start = (config: Config = {}) =>
  Effect.acquireRelease(
    Effect.callback<{
      readonly base: string
      readonly url: string
      readonly log: Log
      readonly revoke: () => void
      readonly server: http.Server
    }>((resume) => {
      const log = {
        tokenRequests: [] as Array<Record<string, string>>,
        tokenHeaders: [] as Array<http.IncomingHttpHeaders>,
        authorizeRequests: [] as Array<Record<string, string>>,
        registrations: 0,
        mcpAuthorization: [] as Array<string | undefined>,
        mcpDpop: [] as Array<string | undefined>
      }
      const codes = new Map<string, { challenge: string; scope: string }>()
      const tokens = new Map<string, { expires: number; scope: string }>()
      const refreshTokens = new Set<string>()
      let base = ""
      const issuer = () => config.issuer ?? base
      let bound = false
      const issue = (scope: string) => {
        const access = randomBytes(12).toString("hex")
        const refresh = randomBytes(12).toString("hex")
        tokens.set(access, { expires: Date.now() + (config.ttl ?? 3600) * 1000, scope })
        refreshTokens.add(refresh)
        return {
          access_token: access,
          token_type: bound ? "DPoP" : "Bearer",
          expires_in: config.ttl ?? 3600,
          refresh_token: refresh,
          scope
        }
      }
      const server = http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (c) => chunks.push(c))
        request.on("end", () => {
          const url = new URL(request.url ?? "/", base)
          const text = Buffer.concat(chunks).toString()
          const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            response.writeHead(status, { "content-type": "application/json", ...headers })
            response.end(JSON.stringify(body))
          }
          if (url.pathname === "/.well-known/oauth-protected-resource/mcp") {
            return json(200, { resource: config.resource ?? `${base}/mcp`, authorization_servers: [base] })
          }
          if (url.pathname === "/.well-known/oauth-authorization-server") {
            return json(200, {
              issuer: issuer(),
              authorization_endpoint: `${base}/authorize`,
              token_endpoint: `${base}/token`,
              registration_endpoint: `${base}/register`,
              code_challenge_methods_supported: ["S256"],
              ...(config.clientIdMetadataDocuments === true ? { client_id_metadata_document_supported: true } : {}),
              token_endpoint_auth_methods_supported: ["none"],
              ...(config.dpop === undefined ? {} : { dpop_signing_alg_values_supported: ["ES256"] }),
              ...(config.issSupported === undefined
                ? {}
                : { authorization_response_iss_parameter_supported: config.issSupported })
            })
          }
          if (url.pathname === "/register") {
            log.registrations++
            return json(201, { client_id: `client-${log.registrations}`, token_endpoint_auth_method: "none" })
          }
          if (url.pathname === "/authorize") {
            const params = Object.fromEntries(url.searchParams)
            log.authorizeRequests.push(params)
            const code = randomBytes(8).toString("hex")
            codes.set(code, { challenge: params.code_challenge ?? "", scope: params.scope ?? "" })
            const redirect = new URL(params.redirect_uri!)
            redirect.searchParams.set("code", code)
            redirect.searchParams.set("state", params.state ?? "")
            const iss = config.iss ?? "correct"
            if (iss === "correct") redirect.searchParams.set("iss", issuer())
            if (iss === "wrong") redirect.searchParams.set("iss", "https://evil.example.com")
            response.writeHead(302, { location: redirect.toString() }).end()
            return
          }
          if (url.pathname === "/token") {
            const params = Object.fromEntries(new URLSearchParams(text))
            bound = config.dpop !== undefined && request.headers.dpop !== undefined
            log.tokenRequests.push(params)
            log.tokenHeaders.push(request.headers)
            const proof = request.headers.dpop
            if (config.dpop === "nonce" && claimsOf(proof).nonce !== "as-nonce") {
              return json(400, { error: "use_dpop_nonce" }, { "dpop-nonce": "as-nonce" })
            }
            if (params.grant_type === "authorization_code") {
              const entry = codes.get(params.code ?? "")
              const verified = entry !== undefined &&
                createHash("sha256").update(params.code_verifier ?? "").digest("base64url") === entry.challenge
              if (!verified) return json(400, { error: "invalid_grant" })
              return json(200, issue(entry.scope))
            }
            if (params.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
              // The identity provider's side: an ID-JAG for the audience asked for.
              const claims = { iss: base, aud: params.audience, resource: params.resource, exp: 9_999_999_999 }
              return json(200, {
                access_token: `${b64({ alg: "none", typ: "oauth-id-jag+jwt" })}.${b64(claims)}.c2ln`,
                issued_token_type: config.issuedTokenType ?? "urn:ietf:params:oauth:token-type:id-jag",
                token_type: "N_A"
              })
            }
            if (params.grant_type === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
              return params.assertion ? json(200, issue(params.scope ?? "")) : json(400, { error: "invalid_grant" })
            }
            if (params.grant_type === "refresh_token" && refreshTokens.delete(params.refresh_token ?? "")) {
              return json(200, issue(config.requiredScope ?? ""))
            }
            return json(400, { error: "invalid_grant" })
          }
          if (url.pathname === "/mcp") {
            const authorization = request.headers.authorization
            log.mcpAuthorization.push(authorization)
            log.mcpDpop.push(request.headers.dpop as string | undefined)
            const token = tokens.get(authorization?.replace(/^(Bearer|DPoP) /, "") ?? "")
            if (token !== undefined && config.dpop === "nonce" && claimsOf(request.headers.dpop).nonce !== "rs-nonce") {
              response.writeHead(401, {
                "www-authenticate": `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"`,
                "dpop-nonce": "rs-nonce"
              }).end()
              return
            }
            if (token === undefined || token.expires < Date.now()) {
              response.writeHead(401, {
                "www-authenticate": `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"${
                  config.requiredScope === undefined ? "" : `, scope="${config.requiredScope}"`
                }`
              }).end()
              return
            }
            const message = text.length > 0 ? JSON.parse(text) : {}
            if (message.id === undefined) return void response.writeHead(202).end()
            if (message.method === "initialize") {
              return json(200, {
                jsonrpc: "2.0",
                id: message.id,
                result: {
                  protocolVersion: "2025-11-25",
                  capabilities: { tools: {} },
                  serverInfo: { name: "protected", version: "1" }
                }
              })
            }
            if (message.method === "tools/list") {
              return json(200, { jsonrpc: "2.0", id: message.id, result: { tools: [] } })
            }
            return json(200, { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } })
          }
          response.writeHead(404).end()
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
        resume(Effect.succeed({ base, url: `${base}/mcp`, log, revoke: () => tokens.clear(), server }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
