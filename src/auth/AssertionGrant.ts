/**
 * Authorization without a user, by a JWT assertion (the RFC 7523
 * `jwt-bearer` grant), in the two ways MCP's authorization extensions use it:
 *
 * - **workload identity federation** (SEP-1933): the application supplies the
 *   workload's JWT (read from a file or a metadata service each time);
 * - **enterprise-managed authorization** (SEP-990): the user's identity
 *   provider id_token is exchanged at the identity provider (RFC 8693) for an
 *   identity assertion authorization grant (ID-JAG), which is then presented
 *   to the MCP server's authorization server.
 *
 * Assertions are checked before they are sent, where the client can tell:
 * an expired JWT or one meant for another audience is refused with an
 * `AuthorizationError` (reason `assertion`) and never leaves the process.
 * A refused grant is reported, not retried and not replaced by another grant.
 * Assertions, id_tokens and secrets are `Redacted` and appear in no message.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { AuthorizationError } from "../McpError.ts"

/**
 * The workload's own JWT, presented with the `jwt-bearer` grant.
 *
 * **Example** (A token file that the platform rotates)
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { McpError, type OAuthClient } from "effect-mcp-client"
 * import { readFile } from "node:fs/promises"
 *
 * const grant: OAuthClient.AssertionGrant = {
 *   _tag: "WorkloadIdentity",
 *   clientId: "my-workload",
 *   assertion: Effect.tryPromise({
 *     try: () => readFile("/var/run/secrets/token", "utf8"),
 *     catch: () => new McpError.AuthorizationError({ reason: "assertion", description: "The token file is unreadable" })
 *   }).pipe(Effect.map((text) => Redacted.make(text.trim())))
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface WorkloadIdentity {
  readonly _tag: "WorkloadIdentity"
  /** The client ID the authorization server knows the workload by, sent when given. */
  readonly clientId?: string | undefined
  /** Yields the assertion; run for every token request, so a rotated token is picked up. */
  readonly assertion: Effect.Effect<Redacted.Redacted<string>, AuthorizationError>
}

/**
 * The identity provider side of enterprise-managed authorization.
 *
 * @category models
 * @since 0.1.0
 */
export interface IdentityProvider {
  /** The identity provider's issuer (for messages). */
  readonly issuer: string
  /** Where the token exchange is posted. */
  readonly tokenEndpoint: string
  /** The client ID this application has at the identity provider. */
  readonly clientId: string
  /** Its secret there, if it has one (sent with HTTP Basic). */
  readonly clientSecret?: Redacted.Redacted<string> | undefined
}

/**
 * Enterprise-managed authorization: token exchange at the identity provider,
 * then the `jwt-bearer` grant at the MCP authorization server.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { OAuthClient } from "effect-mcp-client"
 *
 * const grant: OAuthClient.AssertionGrant = {
 *   _tag: "EnterpriseManaged",
 *   identityProvider: { issuer: "https://idp.example.com", tokenEndpoint: "https://idp.example.com/token", clientId: "app" },
 *   idToken: Effect.succeed(Redacted.make("eyJ...")),
 *   clientId: "mcp-client",
 *   clientSecret: Redacted.make("secret")
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface EnterpriseManaged {
  readonly _tag: "EnterpriseManaged"
  readonly identityProvider: IdentityProvider
  /** Yields the user's id_token from the identity provider. */
  readonly idToken: Effect.Effect<Redacted.Redacted<string>, AuthorizationError>
  /** The client ID at the MCP authorization server. */
  readonly clientId: string
  /** Its secret there, if any (sent with HTTP Basic). */
  readonly clientSecret?: Redacted.Redacted<string> | undefined
}

/**
 * Either way of authorizing by assertion.
 *
 * @category models
 * @since 0.1.0
 */
export type AssertionGrant = WorkloadIdentity | EnterpriseManaged

/** RFC 7523 §2.1. */
export const jwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
/** RFC 8693 §2.1. */
export const tokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange"
/** The ID-JAG token type (SEP-990). */
export const idJagTokenType = "urn:ietf:params:oauth:token-type:id-jag"
/** RFC 8693 §3. */
export const idTokenTokenType = "urn:ietf:params:oauth:token-type:id_token"

/**
 * Checks a JWT assertion before it is sent: it must be a JWT whose `exp`, if
 * present, is in the future and whose `aud`, if present, names one of
 * `audiences` (a trailing slash aside). The assertion itself is never put in
 * the error.
 *
 * **Example**
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { AssertionGrant } from "effect-mcp-client"
 *
 * // Fails with AuthorizationError (reason "assertion"): the assertion is not a JWT.
 * const refusal = AssertionGrant.checkAssertion(Redacted.make("not-a-jwt"), ["https://as.example.com"], 0).pipe(
 *   Effect.flip,
 *   Effect.map((error) => error.reason)
 * )
 * ```
 *
 * @category validation
 * @since 0.1.0
 */
export const checkAssertion = (
  assertion: Redacted.Redacted<string>,
  audiences: ReadonlyArray<string>,
  nowSeconds: number
): Effect.Effect<void, AuthorizationError> => {
  const refuse = (description: string) => Effect.fail(new AuthorizationError({ reason: "assertion", description }))
  const claims = decodeClaims(Redacted.value(assertion))
  if (claims === undefined) return refuse("The assertion is not a JWT (three base64url parts, a JSON payload)")
  if (typeof claims.exp === "number" && claims.exp <= nowSeconds) {
    return refuse(`The assertion expired at ${new Date(claims.exp * 1000).toISOString()}; it was not sent`)
  }
  const aud = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : undefined
  if (aud !== undefined) {
    const wanted = new Set(audiences.map(trimSlash))
    if (!aud.some((entry) => typeof entry === "string" && wanted.has(trimSlash(entry)))) {
      return refuse(
        `The assertion is meant for ${aud.map(String).join(", ")}, not ${audiences.join(" or ")}; it was not sent`
      )
    }
  }
  return Effect.void
}

/** A token endpoint's answer. */
export interface TokenResponse {
  readonly status: number
  readonly body: Record<string, unknown>
}

/** What the grant needs from the authorization client: a form POST and the clock. */
export interface GrantContext {
  readonly post: (
    url: string,
    body: Record<string, string | undefined>,
    headers: Record<string, string>
  ) => Effect.Effect<TokenResponse, AuthorizationError>
  readonly nowSeconds: () => number
}

/** The MCP authorization server, as the grant needs it. */
export interface Target {
  readonly issuer: string
  readonly tokenEndpoint: string
  /** The `resource` parameter (RFC 8707). */
  readonly resource: string
  readonly scope: string | undefined
}

/**
 * Runs the grant against the MCP authorization server and returns the token
 * response body (with `access_token`). Refusals are `AuthorizationError`s:
 * `assertion` for an assertion refused before sending, `token-exchange` when
 * the identity provider refuses, `token` when the authorization server does.
 *
 * @category grants
 * @since 0.1.0
 */
export const request = (
  grant: AssertionGrant,
  target: Target,
  context: GrantContext
): Effect.Effect<Record<string, unknown>, AuthorizationError> =>
  Effect.gen(function*() {
    const audiences = [target.issuer, target.tokenEndpoint]
    let assertion: Redacted.Redacted<string>
    let headers: Record<string, string> = {}
    let clientId: string | undefined
    if (grant._tag === "WorkloadIdentity") {
      assertion = yield* grant.assertion
      clientId = grant.clientId
    } else {
      assertion = yield* exchangeIdToken(grant, target, context)
      headers = basic(grant.clientId, grant.clientSecret)
      clientId = grant.clientSecret === undefined ? grant.clientId : undefined
    }
    yield* checkAssertion(assertion, audiences, context.nowSeconds())
    const response = yield* context.post(target.tokenEndpoint, {
      grant_type: jwtBearerGrantType,
      assertion: Redacted.value(assertion),
      resource: target.resource,
      scope: target.scope,
      client_id: clientId
    }, headers)
    if (response.status >= 300 || typeof response.body.access_token !== "string") {
      return yield* Effect.fail(
        new AuthorizationError({
          reason: "token",
          description: `${target.issuer} refused the jwt-bearer grant (${response.status}${errorCode(response.body)})`
        })
      )
    }
    return response.body
  })

/** RFC 8693 token exchange at the identity provider: id_token in, ID-JAG out. */
const exchangeIdToken = (grant: EnterpriseManaged, target: Target, context: GrantContext) =>
  Effect.gen(function*() {
    const idp = grant.identityProvider
    const idToken = yield* grant.idToken
    const response = yield* context.post(idp.tokenEndpoint, {
      grant_type: tokenExchangeGrantType,
      requested_token_type: idJagTokenType,
      subject_token: Redacted.value(idToken),
      subject_token_type: idTokenTokenType,
      audience: target.issuer,
      resource: target.resource,
      scope: target.scope,
      ...(idp.clientSecret === undefined ? { client_id: idp.clientId } : {})
    }, basic(idp.clientId, idp.clientSecret))
    const refuse = (description: string) =>
      Effect.fail(new AuthorizationError({ reason: "token-exchange", description }))
    if (response.status >= 300) {
      return yield* refuse(`${idp.issuer} refused the token exchange (${response.status}${errorCode(response.body)})`)
    }
    if (response.body.issued_token_type !== idJagTokenType) {
      return yield* refuse(
        `${idp.issuer} issued ${String(response.body.issued_token_type ?? "no token type")}, not an ID-JAG`
      )
    }
    if (typeof response.body.access_token !== "string") {
      return yield* refuse(`${idp.issuer} answered the token exchange without a token`)
    }
    return Redacted.make(response.body.access_token)
  })

const basic = (clientId: string, secret: Redacted.Redacted<string> | undefined): Record<string, string> =>
  secret === undefined ? {} : {
    authorization: `Basic ${
      Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(Redacted.value(secret))}`).toString("base64")
    }`
  }

/** The OAuth `error` code of a refusal, never its free text (which may echo what was sent). */
const errorCode = (body: Record<string, unknown>) =>
  typeof body.error === "string" && /^[\w.-]{1,64}$/.test(body.error) ? `: ${body.error}` : ""

const trimSlash = (text: string) => text.replace(/\/+$/, "")

const decodeClaims = (jwt: string): Record<string, unknown> | undefined => {
  const parts = jwt.split(".")
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return undefined
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"))
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? claims : undefined
  } catch {
    return undefined
  }
}
