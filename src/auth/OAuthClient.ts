/**
 * OAuth 2.1 authorization for HTTP servers, as the MCP authorization
 * specification describes it, for both protocol eras.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization)
 *
 * When a server answers 401 (or 403 `insufficient_scope`), the HTTP
 * transport hands the challenge to an `OAuthClient`, which:
 *
 * 1. finds the protected resource's metadata (the `resource_metadata` of
 *    `WWW-Authenticate`, else the path and root well-known URLs) and checks
 *    that it describes this server; every URL a server names (that one, the
 *    authorization servers, their endpoints) is checked against `UrlPolicy`
 *    before it is fetched;
 * 2. finds the authorization server's metadata (RFC 8414 and OpenID
 *    discovery, path-insertion variants; for 2025-03-26 servers, the server's
 *    origin and then the default endpoints) and checks its `issuer`;
 * 3. registers: pre-registered credentials (bound to an issuer), else a
 *    client ID metadata document, else dynamic registration;
 * 4. authorizes with PKCE S256 and `resource` (RFC 8707) through a
 *    `UserAgent` (the step that shows the user the URL), checking `state`
 *    and `iss` (RFC 9207);
 * 5. exchanges the code with the token endpoint authentication the server
 *    lists, keeps the tokens (refreshing them when they expire), and steps
 *    the scope up on `insufficient_scope` (the union of scopes, three tries).
 *
 * Client credentials (machine to machine) are supported with a secret or a
 * private key JWT. Every refusal is an `AuthorizationError` with a reason.
 * Tokens and secrets are `Redacted` throughout.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import { createHash, createPrivateKey, createSign, randomBytes } from "node:crypto"
import { AuthorizationError } from "../McpError.ts"
import * as Redaction from "../transport/Redaction.ts"
import * as SystemError from "../transport/SystemError.ts"
import * as Assertion from "./AssertionGrant.ts"
import * as Dpop from "./Dpop.ts"
import * as TokenStore from "./TokenStore.ts"
import * as UrlPolicy from "./UrlPolicy.ts"

// =============================================================================
// Models
// =============================================================================

/**
 * The step that takes the user to the authorization server: given the
 * authorization URL, it returns the URL the browser was redirected to
 * (carrying `code`, `state` and maybe `iss`).
 *
 * @category models
 * @since 0.1.0
 */
export interface UserAgent {
  /** The redirect URI registered for this client. */
  readonly redirectUri: string
  readonly authorize: (authorizationUrl: URL) => Effect.Effect<URL, AuthorizationError>
}

/**
 * Credentials issued ahead of time, for one authorization server.
 *
 * @category models
 * @since 0.1.0
 */
export interface PreRegistered {
  readonly clientId: string
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  /** The issuer these credentials belong to; they are used with no other. */
  readonly issuer?: string | undefined
}

/**
 * Machine-to-machine credentials (the client credentials grant).
 *
 * @category models
 * @since 0.1.0
 */
export type ClientCredentials =
  | { readonly _tag: "Secret"; readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> }
  | {
    readonly _tag: "PrivateKeyJwt"
    readonly clientId: string
    readonly privateKeyPem: Redacted.Redacted<string>
    readonly algorithm: "ES256" | "RS256"
  }

/**
 * Authorization by a JWT assertion: workload identity federation or
 * enterprise-managed authorization (see `AssertionGrant`).
 *
 * @category models
 * @since 0.1.0
 */
export type AssertionGrant = Assertion.AssertionGrant

/**
 * How the client authorizes.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The client's name, for registration. */
  readonly clientName?: string | undefined
  /** The user's side of the authorization code flow. Not needed for client credentials. */
  readonly userAgent?: UserAgent | undefined
  /** Pre-registered credentials, preferred when they match the authorization server. */
  readonly preRegistered?: PreRegistered | undefined
  /** An https URL of a client ID metadata document, used when the server supports them. */
  readonly clientMetadataUrl?: string | undefined
  /** `native` (desktop, CLI; the default) or `web`, for dynamic registration. */
  readonly applicationType?: "native" | "web" | undefined
  /** Use the client credentials grant instead of a user's authorization. */
  readonly clientCredentials?: ClientCredentials | undefined
  /** Use the jwt-bearer grant with an assertion (workload identity, enterprise-managed authorization). */
  readonly assertionGrant?: AssertionGrant | undefined
  /** Where tokens are kept. Defaults to memory. */
  readonly store?: TokenStore.TokenStore | undefined
  /**
   * Widens which discovery URLs may be fetched (see `UrlPolicy`): by default
   * https, no loopback, private or link-local host unless the MCP server is
   * on one, and plain http only for a server on loopback.
   */
  readonly urlPolicy?: UrlPolicy.UrlPolicy | undefined
}

/**
 * What the HTTP transport asks of the authorization client.
 *
 * @category models
 * @since 0.1.0
 */
export interface OAuthClient {
  /**
   * The `Authorization` header for a server, if a token is held (refreshed
   * first when expired), and for a DPoP-bound token a fresh `DPoP` proof for
   * `request` (default: POST to the resource).
   */
  readonly headers: (
    resource: URL,
    request?: { readonly method: string; readonly url: URL }
  ) => Effect.Effect<Record<string, Redacted.Redacted<string>>, AuthorizationError>
  /**
   * Handles a 401 or 403 challenge: discovers, registers, authorizes (or steps
   * the scope up). The transport then repeats the request; the caller bounds
   * how many challenges one request may meet (the HTTP transport: three).
   */
  readonly challenge: (
    resource: URL,
    response: {
      readonly status: number
      readonly wwwAuthenticate: string | undefined
      /** The `DPoP-Nonce` header, if any (RFC 9449 §9). */
      readonly dpopNonce?: string | undefined
    }
  ) => Effect.Effect<void, AuthorizationError>
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Makes an authorization client.
 *
 * **Example** (A command-line application)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { HttpTransport, McpClient, OAuthClient, UserAgents } from "effect-mcp-client"
 *
 * const Session = Layer.unwrap(Effect.gen(function*() {
 *   const auth = yield* OAuthClient.make({ clientName: "my-cli", userAgent: yield* UserAgents.loopback({ port: 8765 }) })
 *   return McpClient.layer({ name: "my-cli", version: "1.0.0" }).pipe(
 *     Layer.provide(HttpTransport.layerNode({ url: "https://example.com/mcp", auth }))
 *   )
 * }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const http = (yield* HttpClient.HttpClient).pipe(HttpClient.followRedirects(0))
  const clock = yield* Clock.Clock
  const store = options.store ?? TokenStore.memory()
  /** Per resource: where its authorization stands. */
  const sessions = new Map<string, ResourceState>()

  const fail = (reason: AuthorizationError["reason"], description: string) =>
    Effect.fail(new AuthorizationError({ reason, description }))

  const getJson = (url: URL, headers: Record<string, string> = {}) =>
    http.execute(HttpClientRequest.get(url, { headers: { accept: "application/json", ...headers } })).pipe(
      Effect.flatMap((response) =>
        response.status >= 200 && response.status < 300
          ? Effect.map(response.json, (json) => json as Record<string, unknown>)
          : Effect.succeed(undefined)
      ),
      Effect.scoped,
      Effect.orElseSucceed(() => undefined)
    )

  const postForm = (url: string, body: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    http.execute(
      HttpClientRequest.post(url, { headers: { accept: "application/json", ...headers } }).pipe(
        HttpClientRequest.bodyUrlParams(
          Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<string, string>
        )
      )
    ).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.json.pipe(Effect.orElseSucceed(() => ({}))), (json) => ({
          status: response.status,
          body: json as Record<string, unknown>,
          dpopNonce: response.headers["dpop-nonce"]
        }))
      ),
      Effect.scoped,
      Effect.mapError((error) =>
        new AuthorizationError({
          reason: "token",
          description: `POST ${Redaction.safeUrl(url)} failed: ${SystemError.describe(error)}`
        })
      )
    )

  /** A URL a server named, if the URL policy lets the client fetch it for the MCP server at `resource`. */
  const permitted = (value: unknown, resource: URL, what: string, base?: URL) =>
    Effect.suspend(() => {
      let url: URL
      try {
        if (typeof value !== "string" && !(value instanceof URL)) throw new TypeError("not a string")
        url = new URL(value, base)
      } catch {
        return fail("discovery", `The ${what} ${Redaction.excerpt(String(value), 200)} is not a URL`)
      }
      const refusal = UrlPolicy.refusal(url, resource, options.urlPolicy)
      return refusal === undefined
        ? Effect.succeed(url)
        : fail("url-policy", `The ${what} ${Redaction.safeUrl(url)} is refused: ${refusal}`)
    })

  const nowSeconds = () => Math.floor(clock.currentTimeMillisUnsafe() / 1000)

  /** A token request, with a DPoP proof when a key is given, retried once with the nonce the server asks for. */
  const tokenPost = (key: Dpop.Key | undefined) =>
  (
    url: string,
    body: Record<string, string | undefined>,
    headers: Record<string, string> = {}
  ) =>
    Effect.gen(function*() {
      if (key === undefined) return yield* postForm(url, body, headers)
      const send = (nonce: string | undefined) =>
        Effect.flatMap(
          Dpop.proof(key, { method: "POST", url: new URL(url), nonce, nowSeconds: nowSeconds() }),
          (proof) => postForm(url, body, { ...headers, dpop: proof })
        )
      const first = yield* send(undefined)
      const nonce = first.status === 400
        ? Dpop.nonceRequested({ error: first.body.error, nonce: first.dpopNonce })
        : undefined
      return nonce === undefined ? first : yield* send(nonce)
    })

  // ---------------------------------------------------------------------------
  // Discovery
  // ---------------------------------------------------------------------------

  /** Protected resource metadata (RFC 9728), or undefined when the server has none (2025-03-26). */
  const resourceMetadata = (resource: URL, challengeUrl: string | undefined) =>
    Effect.gen(function*() {
      const candidates = challengeUrl !== undefined
        ? [yield* permitted(challengeUrl, resource, "resource_metadata URL", resource)]
        : [
          ...(resource.pathname !== "/" && resource.pathname !== ""
            ? [new URL(`/.well-known/oauth-protected-resource${resource.pathname.replace(/\/$/, "")}`, resource)]
            : []),
          new URL("/.well-known/oauth-protected-resource", resource)
        ]
      for (const url of candidates) {
        const document = yield* getJson(url)
        if (document === undefined) continue
        // "the resource ... MUST be identical to the URL the client used" (RFC 9728 §3.3, SEP-985).
        const declared = typeof document.resource === "string" ? document.resource : undefined
        if (declared === undefined || !sameResource(declared, resource)) {
          return yield* fail(
            "resource-mismatch",
            `The protected resource metadata describes ${declared ?? "no resource"}, not ${canonical(resource)}`
          )
        }
        return document
      }
      return undefined
    })

  /** Authorization server metadata (RFC 8414, then OpenID discovery), its issuer checked. */
  const serverMetadata = (issuer: string, resource: URL) =>
    Effect.gen(function*() {
      const url = yield* permitted(issuer, resource, "authorization server")
      const path = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "")
      const candidates = path === ""
        ? [new URL("/.well-known/oauth-authorization-server", url), new URL("/.well-known/openid-configuration", url)]
        : [
          new URL(`/.well-known/oauth-authorization-server${path}`, url),
          new URL(`/.well-known/openid-configuration${path}`, url),
          new URL(`${path}/.well-known/openid-configuration`, url)
        ]
      for (const candidate of candidates) {
        const document = yield* getJson(yield* permitted(candidate, resource, "authorization server metadata URL"))
        if (document === undefined) continue
        // "The issuer in the metadata MUST match the issuer used to build the URL" (RFC 8414 §3.3).
        if (document.issuer !== issuer && document.issuer !== issuer.replace(/\/$/, "")) {
          return yield* fail(
            "issuer-mismatch",
            `Metadata at ${candidate} names issuer ${String(document.issuer)}, not ${issuer}`
          )
        }
        return document as unknown as AuthorizationServerMetadata
      }
      return undefined
    })

  /** Where to authorize, for a challenge: metadata, or the 2025-03-26 defaults at the server's origin. */
  const discover = (resource: URL, challenge: Challenge) =>
    Effect.gen(function*() {
      const prm = yield* resourceMetadata(resource, challenge.resourceMetadata)
      const servers = Array.isArray(prm?.authorization_servers) ? prm.authorization_servers as Array<string> : []
      const issuer = servers[0] ?? resource.origin
      const metadata = yield* serverMetadata(issuer, resource)
      if (metadata !== undefined) {
        // The endpoints the client will call or open, named by the metadata.
        yield* permitted(metadata.authorization_endpoint, resource, "authorization endpoint")
        yield* permitted(metadata.token_endpoint, resource, "token endpoint")
        if (metadata.registration_endpoint !== undefined) {
          yield* permitted(metadata.registration_endpoint, resource, "registration endpoint")
        }
      }
      if (metadata === undefined) {
        if (prm !== undefined) return yield* fail("discovery", `No metadata for the authorization server ${issuer}`)
        // 2025-03-26: "fall back to the default endpoints" at the server's origin.
        return {
          prm,
          metadata: {
            issuer: resource.origin,
            authorization_endpoint: `${resource.origin}/authorize`,
            token_endpoint: `${resource.origin}/token`,
            registration_endpoint: `${resource.origin}/register`,
            code_challenge_methods_supported: ["S256"]
          } satisfies AuthorizationServerMetadata
        }
      }
      return { prm, metadata }
    })

  // ---------------------------------------------------------------------------
  // Registration
  // ---------------------------------------------------------------------------
  const register = (metadata: AuthorizationServerMetadata, state: ResourceState) =>
    Effect.gen(function*() {
      const pre = options.preRegistered
      if (pre !== undefined && (pre.issuer === undefined || pre.issuer === metadata.issuer)) {
        return { clientId: pre.clientId, clientSecret: pre.clientSecret, method: undefined } satisfies Registration
      }
      if (
        pre !== undefined && metadata.registration_endpoint === undefined && options.clientMetadataUrl === undefined
      ) {
        return yield* fail("registration", `The pre-registered client belongs to ${pre.issuer}, not ${metadata.issuer}`)
      }
      if (options.clientMetadataUrl !== undefined && metadata.client_id_metadata_document_supported === true) {
        // "The client_id MUST be an HTTPS URL with a path component."
        if (!isMetadataDocumentUrl(options.clientMetadataUrl)) {
          return yield* fail(
            "registration",
            `The client ID metadata document URL ${options.clientMetadataUrl} is not an https URL with a path`
          )
        }
        return { clientId: options.clientMetadataUrl, clientSecret: undefined, method: "none" } satisfies Registration
      }
      // Dynamic registrations are kept per issuer: never reused with another server.
      const known = state.registrations.get(metadata.issuer)
      if (known !== undefined) return known
      if (metadata.registration_endpoint === undefined) {
        return yield* fail("registration", `No way to register with ${metadata.issuer}`)
      }
      const redirect = options.userAgent?.redirectUri
      const response = yield* http.execute(
        HttpClientRequest.post(metadata.registration_endpoint).pipe(
          HttpClientRequest.bodyJsonUnsafe({
            client_name: options.clientName ?? "effect-mcp-client",
            redirect_uris: redirect === undefined ? [] : [redirect],
            grant_types: ["authorization_code", "refresh_token"],
            response_types: ["code"],
            token_endpoint_auth_method: "none",
            application_type: options.applicationType ?? "native"
          })
        )
      ).pipe(
        Effect.flatMap((r) =>
          Effect.map(r.json, (json) => ({ status: r.status, body: json as Record<string, unknown> }))
        ),
        Effect.scoped,
        Effect.mapError((error) => new AuthorizationError({ reason: "registration", description: error.message }))
      )
      if (response.status >= 300 || typeof response.body.client_id !== "string") {
        return yield* fail("registration", `Dynamic registration was refused (${response.status})`)
      }
      const registration: Registration = {
        clientId: response.body.client_id,
        clientSecret: typeof response.body.client_secret === "string"
          ? Redacted.make(response.body.client_secret)
          : undefined,
        method: typeof response.body.token_endpoint_auth_method === "string"
          ? response.body.token_endpoint_auth_method
          : undefined
      }
      state.registrations.set(metadata.issuer, registration)
      return registration
    })

  /** The client authentication the token endpoint gets. */
  const clientAuthentication = (metadata: AuthorizationServerMetadata, registration: Registration) => {
    const supported = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"]
    const secret = registration.clientSecret
    const method = registration.method ??
      (secret === undefined
        ? "none"
        : supported.includes("client_secret_basic")
        ? "client_secret_basic"
        : supported.includes("client_secret_post")
        ? "client_secret_post"
        : "client_secret_basic")
    if (method === "client_secret_basic" && secret !== undefined) {
      const basic = Buffer.from(
        `${encodeURIComponent(registration.clientId)}:${encodeURIComponent(Redacted.value(secret))}`
      ).toString("base64")
      return { headers: { authorization: `Basic ${basic}` }, body: {} as Record<string, string> }
    }
    if (method === "client_secret_post" && secret !== undefined) {
      return { headers: {}, body: { client_id: registration.clientId, client_secret: Redacted.value(secret) } }
    }
    return { headers: {}, body: { client_id: registration.clientId } }
  }

  /** Who tokens belong to, stored with them so that a later process can use and refresh them. */
  const clientOf = (state: ResourceState): TokenStore.StoredClient | undefined => {
    const { metadata, registration } = state
    if (metadata === undefined) return undefined
    return {
      issuer: metadata.issuer,
      authorizationEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      resource: state.resourceParameter ?? state.resource,
      ...(registration === undefined ? {} : {
        clientId: registration.clientId,
        ...(registration.clientSecret === undefined ? {} : { clientSecret: registration.clientSecret }),
        ...(registration.method === undefined ? {} : { authMethod: registration.method })
      })
    }
  }

  /** Takes up, in a new process, the authorization a store kept for the resource. */
  const restore = (state: ResourceState) =>
    Effect.gen(function*() {
      const found = store.find === undefined ? undefined : yield* store.find(state.resource)
      const client = found?.tokens.client
      if (client === undefined) return
      state.metadata = {
        issuer: client.issuer,
        authorization_endpoint: client.authorizationEndpoint,
        token_endpoint: client.tokenEndpoint
      }
      state.resourceParameter = client.resource
      if (client.clientId !== undefined) {
        const registration: Registration = {
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          method: client.authMethod
        }
        state.registration = registration
        state.registrations.set(client.issuer, registration)
      }
    })

  const saveTokens = (
    key: string,
    body: Record<string, unknown>,
    scope: string | undefined,
    state: ResourceState,
    dpopKey: Dpop.Key | undefined
  ) =>
    Effect.gen(function*() {
      if (typeof body.access_token !== "string") return yield* fail("token", "The token response has no access_token")
      const now = clock.currentTimeMillisUnsafe()
      const client = clientOf(state)
      const tokens: TokenStore.Tokens = {
        accessToken: Redacted.make(body.access_token),
        ...(typeof body.refresh_token === "string" ? { refreshToken: Redacted.make(body.refresh_token) } : {}),
        ...(typeof body.expires_in === "number" ? { expiresAt: now + body.expires_in * 1000 } : {}),
        ...(typeof body.scope === "string" ? { scope: body.scope } : scope === undefined ? {} : { scope }),
        // A token the server bound to the key (token_type DPoP) is presented with proofs; else as a bearer token.
        ...(dpopKey !== undefined && typeof body.token_type === "string" && body.token_type.toLowerCase() === "dpop"
          ? { tokenType: "DPoP" as const, dpopKey }
          : {}),
        ...(client === undefined ? {} : { client })
      }
      yield* store.set(key, tokens)
      return tokens
    })

  // ---------------------------------------------------------------------------
  // Authorization code with PKCE
  // ---------------------------------------------------------------------------
  const authorizeCode = (
    resourceParameter: string,
    metadata: AuthorizationServerMetadata,
    registration: Registration,
    scope: string | undefined,
    dpopKey: Dpop.Key | undefined
  ) =>
    Effect.gen(function*() {
      const agent = options.userAgent
      if (agent === undefined) return yield* fail("user-agent", "Authorization needs a user agent, and none was given")
      // "MCP clients MUST implement PKCE ... MUST use the S256 code challenge method"; refuse without it.
      if (!(metadata.code_challenge_methods_supported ?? []).includes("S256")) {
        return yield* fail("pkce", `${metadata.issuer} does not support PKCE with S256`)
      }
      const verifier = randomBytes(32).toString("base64url")
      const challenge = createHash("sha256").update(verifier).digest("base64url")
      const state = randomBytes(16).toString("base64url")
      const url = new URL(metadata.authorization_endpoint)
      url.searchParams.set("response_type", "code")
      url.searchParams.set("client_id", registration.clientId)
      url.searchParams.set("redirect_uri", agent.redirectUri)
      url.searchParams.set("code_challenge", challenge)
      url.searchParams.set("code_challenge_method", "S256")
      url.searchParams.set("state", state)
      url.searchParams.set("resource", resourceParameter)
      if (scope !== undefined && scope !== "") url.searchParams.set("scope", scope)
      const redirect = yield* agent.authorize(url)
      // RFC 9207: check the issuer before anything else in the response is used.
      const iss = redirect.searchParams.get("iss")
      if (iss === null && metadata.authorization_response_iss_parameter_supported === true) {
        return yield* fail("iss-missing", "The authorization response has no iss, though the server promises one")
      }
      if (iss !== null && iss !== metadata.issuer) {
        return yield* fail("iss-mismatch", `The authorization response comes from ${iss}, not ${metadata.issuer}`)
      }
      if (redirect.searchParams.get("state") !== state) {
        return yield* fail("state", "The authorization response does not carry the state that was sent")
      }
      const error = redirect.searchParams.get("error")
      if (error !== null) return yield* fail("denied", `The authorization server answered ${error}`)
      const code = redirect.searchParams.get("code")
      if (code === null) return yield* fail("denied", "The authorization response has no code")
      const auth = clientAuthentication(metadata, registration)
      const response = yield* tokenPost(dpopKey)(metadata.token_endpoint, {
        grant_type: "authorization_code",
        code,
        redirect_uri: agent.redirectUri,
        code_verifier: verifier,
        resource: resourceParameter,
        ...auth.body
      }, auth.headers)
      if (response.status >= 300) {
        return yield* fail("token", `The token endpoint refused the code (${response.status})`)
      }
      return response.body
    })

  const clientCredentialsGrant = (
    resourceParameter: string,
    metadata: AuthorizationServerMetadata,
    scope: string | undefined,
    dpopKey: Dpop.Key | undefined
  ) =>
    Effect.gen(function*() {
      const credentials = options.clientCredentials!
      const now = Math.floor(clock.currentTimeMillisUnsafe() / 1000)
      const body: Record<string, string | undefined> = {
        grant_type: "client_credentials",
        resource: resourceParameter,
        scope
      }
      let headers: Record<string, string> = {}
      if (credentials._tag === "Secret") {
        const basic = Buffer.from(
          `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(Redacted.value(credentials.clientSecret))}`
        ).toString("base64")
        headers = { authorization: `Basic ${basic}` }
      } else {
        body.client_id = credentials.clientId
        body.client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        body.client_assertion = signJwt(credentials, {
          iss: credentials.clientId,
          sub: credentials.clientId,
          aud: metadata.issuer,
          iat: now,
          exp: now + 300,
          jti: randomBytes(16).toString("hex")
        })
      }
      const response = yield* tokenPost(dpopKey)(metadata.token_endpoint, body, headers)
      if (response.status >= 300) {
        return yield* fail("token", `The token endpoint refused the client credentials (${response.status})`)
      }
      return response.body
    })

  const refresh = (key: string, tokens: TokenStore.Tokens, state: ResourceState) =>
    Effect.gen(function*() {
      if (tokens.refreshToken === undefined || state.metadata === undefined || state.registration === undefined) {
        return undefined
      }
      const auth = clientAuthentication(state.metadata, state.registration)
      const response = yield* tokenPost(tokens.dpopKey)(state.metadata.token_endpoint, {
        grant_type: "refresh_token",
        refresh_token: Redacted.value(tokens.refreshToken),
        resource: state.resourceParameter ?? state.resource,
        ...auth.body
      }, auth.headers)
      if (response.status >= 300) {
        yield* store.remove(key)
        return undefined
      }
      return yield* saveTokens(key, response.body, tokens.scope, state, tokens.dpopKey)
    })

  const stateOf = (resource: URL): ResourceState => {
    const key = canonical(resource)
    let state = sessions.get(key)
    if (state === undefined) {
      state = {
        resource: key,
        registrations: new Map(),
        metadata: undefined,
        registration: undefined,
        resourceParameter: undefined,
        requestedScopes: new Set(),
        resourceNonce: undefined
      }
      sessions.set(key, state)
    }
    return state
  }

  const keyOf = (state: ResourceState) => `${state.metadata?.issuer ?? ""} ${state.resource}`

  return {
    headers: (resource, request) =>
      Effect.gen(function*() {
        const state = stateOf(resource)
        if (state.metadata === undefined) yield* restore(state)
        if (state.metadata === undefined) return {}
        const key = keyOf(state)
        let tokens = yield* store.get(key)
        if (tokens === undefined) return {}
        if (tokens.expiresAt !== undefined && tokens.expiresAt <= clock.currentTimeMillisUnsafe() + 5_000) {
          tokens = yield* refresh(key, tokens, state)
          if (tokens === undefined) return {}
        }
        if (tokens.tokenType === "DPoP" && tokens.dpopKey !== undefined) {
          const proof = yield* Dpop.proof(tokens.dpopKey, {
            method: request?.method ?? "POST",
            url: request?.url ?? resource,
            accessToken: tokens.accessToken,
            nonce: state.resourceNonce,
            nowSeconds: nowSeconds()
          })
          return {
            authorization: Redacted.make(`DPoP ${Redacted.value(tokens.accessToken)}`),
            dpop: Redacted.make(proof)
          }
        }
        return { authorization: Redacted.make(`Bearer ${Redacted.value(tokens.accessToken)}`) }
      }),
    challenge: (resource, response) =>
      Effect.gen(function*() {
        const challenge = parseChallenge(response.wwwAuthenticate)
        const state = stateOf(resource)
        // RFC 9449 §9: the resource server wants proofs with its nonce; the request is sent again with it, once.
        const nonce = Dpop.nonceRequested({ wwwAuthenticate: response.wwwAuthenticate, nonce: response.dpopNonce })
        if (response.status === 401 && nonce !== undefined && state.metadata !== undefined) {
          if (nonce === state.resourceNonce) {
            return yield* fail("dpop", "The server asked again for the DPoP nonce the proof already carried")
          }
          state.resourceNonce = nonce
          return
        }
        if (response.status === 403 && challenge.error !== "insufficient_scope") {
          return yield* fail("forbidden", "The server refused the request (403)")
        }
        // Step-up and retries are bounded per request by the caller ("retry only a few times"): the HTTP
        // transport authorizes at most three times for one request, so a session steps up as often as it needs.
        const { metadata, prm } = yield* discover(resource, challenge)
        // Credentials are bound to the authorization server: a new issuer means a new start.
        if (state.metadata !== undefined && state.metadata.issuer !== metadata.issuer) {
          state.registration = undefined
          state.requestedScopes.clear()
        }
        state.metadata = metadata
        state.resourceParameter = typeof prm?.resource === "string" ? prm.resource : canonical(resource)
        // Scope: the challenge's, else what the resource lists, else none; on step-up, the union.
        const offered = Array.isArray(prm?.scopes_supported) ? (prm.scopes_supported as Array<string>) : []
        const wanted = challenge.scope !== undefined ? challenge.scope.split(" ") : offered
        for (const scope of wanted) if (scope !== "") state.requestedScopes.add(scope)
        const userless = options.clientCredentials !== undefined || options.assertionGrant !== undefined
        if ((metadata.scopes_supported ?? []).includes("offline_access") && !userless) {
          state.requestedScopes.add("offline_access")
        }
        const scope = state.requestedScopes.size === 0 ? undefined : [...state.requestedScopes].join(" ")
        // DPoP when the server offers ES256: the key already bound to this resource's tokens, else a new one.
        const dpopKey = (metadata.dpop_signing_alg_values_supported ?? []).includes(Dpop.algorithm)
          ? ((yield* store.get(keyOf(state)))?.dpopKey ?? (yield* Dpop.generateKey))
          : undefined
        let body: Record<string, unknown>
        if (options.assertionGrant !== undefined) {
          body = yield* Assertion.request(options.assertionGrant, {
            issuer: metadata.issuer,
            tokenEndpoint: metadata.token_endpoint,
            resource: state.resourceParameter,
            scope
          }, { post: tokenPost(dpopKey), nowSeconds })
        } else if (options.clientCredentials !== undefined) {
          body = yield* clientCredentialsGrant(state.resourceParameter, metadata, scope, dpopKey)
        } else {
          const registration = yield* register(metadata, state)
          state.registration = registration
          body = yield* authorizeCode(state.resourceParameter, metadata, registration, scope, dpopKey)
        }
        yield* saveTokens(keyOf(state), body, scope, state, dpopKey)
      })
  } satisfies OAuthClient
})

// =============================================================================
// Internal
// =============================================================================

const isMetadataDocumentUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return url.protocol === "https:" && url.pathname !== "/" && url.pathname !== ""
  } catch {
    return false
  }
}

interface AuthorizationServerMetadata {
  readonly issuer: string
  readonly authorization_endpoint: string
  readonly token_endpoint: string
  readonly registration_endpoint?: string | undefined
  readonly scopes_supported?: ReadonlyArray<string> | undefined
  readonly code_challenge_methods_supported?: ReadonlyArray<string> | undefined
  readonly token_endpoint_auth_methods_supported?: ReadonlyArray<string> | undefined
  readonly client_id_metadata_document_supported?: boolean | undefined
  readonly authorization_response_iss_parameter_supported?: boolean | undefined
  readonly dpop_signing_alg_values_supported?: ReadonlyArray<string> | undefined
}

interface Registration {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string> | undefined
  readonly method: string | undefined
}

interface ResourceState {
  readonly resource: string
  readonly registrations: Map<string, Registration>
  metadata: AuthorizationServerMetadata | undefined
  registration: Registration | undefined
  /** The `resource` parameter (RFC 8707): what the protected resource metadata names, else the server URL. */
  resourceParameter: string | undefined
  readonly requestedScopes: Set<string>
  /** The nonce the resource server last asked DPoP proofs to carry. */
  resourceNonce: string | undefined
}

interface Challenge {
  readonly resourceMetadata?: string | undefined
  readonly scope?: string | undefined
  readonly error?: string | undefined
}

/** The parameters of a `WWW-Authenticate: Bearer …` header. */
export const parseChallenge = (header: string | undefined): Challenge => {
  if (header === undefined) return {}
  const params: Record<string, string> = {}
  for (const match of header.matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[match[1]!.toLowerCase()] = (match[2] ?? match[3] ?? "").replace(/\\(.)/g, "$1")
  }
  return {
    ...(params.resource_metadata === undefined ? {} : { resourceMetadata: params.resource_metadata }),
    ...(params.scope === undefined ? {} : { scope: params.scope }),
    ...(params.error === undefined ? {} : { error: params.error })
  }
}

/** The canonical URI of a resource (RFC 8707): no fragment, no trailing slash. */
const canonical = (url: URL): string => {
  const copy = new URL(url)
  copy.hash = ""
  return copy.toString().replace(/\/$/, "")
}

/** Whether a protected resource identifier names the server at `url` (the same URL, or a parent of it). */
const sameResource = (declared: string, url: URL): boolean => {
  try {
    const resource = new URL(declared)
    if (resource.origin !== url.origin) return false
    const path = resource.pathname.replace(/\/$/, "")
    return path === "" || url.pathname.replace(/\/$/, "") === path || url.pathname.startsWith(`${path}/`)
  } catch {
    return false
  }
}

const signJwt = (
  credentials: Extract<ClientCredentials, { readonly _tag: "PrivateKeyJwt" }>,
  claims: Record<string, unknown>
): string => {
  const header = { alg: credentials.algorithm, typ: "JWT" }
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
  const input = `${encode(header)}.${encode(claims)}`
  const key = createPrivateKey(Redacted.value(credentials.privateKeyPem))
  const signature = createSign("SHA256").update(input).sign(
    credentials.algorithm === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key
  )
  return `${input}.${signature.toString("base64url")}`
}
