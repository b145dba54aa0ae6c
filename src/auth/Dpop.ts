/**
 * DPoP, demonstrating proof of possession (RFC 9449): the client holds a key
 * pair, the authorization server binds the access token to its public key,
 * and every request carries a fresh proof (a JWT signed with the key, naming
 * the method, the URL, the time, a unique ID and, for resource requests, the
 * hash of the access token). A stolen token is useless without the key.
 *
 * Keys are ES256 (P-256), made with WebCrypto; the private key is a JWK kept
 * `Redacted` by the token store beside the tokens it is bound to.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { createHash, randomUUID, webcrypto } from "node:crypto"
import { AuthorizationError } from "../McpError.ts"

/**
 * A DPoP key pair: the private JWK (which includes the public coordinates).
 *
 * @category models
 * @since 0.1.0
 */
export type Key = Redacted.Redacted<webcrypto.JsonWebKey>

/**
 * The one signing algorithm this client uses.
 *
 * @category constants
 * @since 0.1.0
 */
export const algorithm = "ES256"

const failure = (description: string) => (error: unknown) =>
  new AuthorizationError({
    reason: "dpop",
    description: `${description}: ${error instanceof Error ? error.name : "unknown error"}`
  })

/**
 * Makes a new ES256 key pair with WebCrypto.
 *
 * **Example**
 *
 * ```ts
 * import { Effect } from "effect"
 * import { Dpop } from "effect-mcp-client"
 *
 * const proof = Effect.flatMap(Dpop.generateKey, (key) =>
 *   Dpop.proof(key, { method: "POST", url: new URL("https://as.example.com/token"), nowSeconds: 1_700_000_000 }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const generateKey: Effect.Effect<Key, AuthorizationError> = Effect.tryPromise({
  try: async () => {
    const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])
    return Redacted.make(await webcrypto.subtle.exportKey("jwk", pair.privateKey))
  },
  catch: failure("Could not make a DPoP key")
})

/**
 * The public half of a key, as the proof's `jwk` header carries it.
 *
 * @category accessors
 * @since 0.1.0
 */
export const publicJwk = (
  key: Key
): { readonly kty: string; readonly crv: string; readonly x: string; readonly y: string } => {
  const jwk = Redacted.value(key)
  return { kty: jwk.kty ?? "EC", crv: jwk.crv ?? "P-256", x: jwk.x ?? "", y: jwk.y ?? "" }
}

/**
 * The JWK SHA-256 thumbprint of the public key (RFC 7638), which a bound
 * token names in `cnf.jkt`.
 *
 * @category accessors
 * @since 0.1.0
 */
export const thumbprint = (key: Key): string => {
  const { crv, kty, x, y } = publicJwk(key)
  return createHash("sha256").update(JSON.stringify({ crv, kty, x, y })).digest("base64url")
}

/**
 * What a proof is for.
 *
 * @category models
 * @since 0.1.0
 */
export interface Target {
  /** The HTTP method (`htm`). */
  readonly method: string
  /** The request URL; its query and fragment are left out of `htu`. */
  readonly url: URL
  /** The access token presented with the request, hashed into `ath`. */
  readonly accessToken?: Redacted.Redacted<string> | undefined
  /** The server-supplied nonce, if the server asked for one. */
  readonly nonce?: string | undefined
  readonly nowSeconds: number
}

/**
 * A fresh proof (a `dpop+jwt` signed with the key) for one request.
 *
 * @category constructors
 * @since 0.1.0
 */
export const proof = (key: Key, target: Target): Effect.Effect<string, AuthorizationError> =>
  Effect.tryPromise({
    try: async () => {
      const htu = new URL(target.url)
      htu.search = ""
      htu.hash = ""
      const header = { typ: "dpop+jwt", alg: algorithm, jwk: publicJwk(key) }
      const claims = {
        jti: randomUUID(),
        htm: target.method.toUpperCase(),
        htu: htu.toString(),
        iat: target.nowSeconds,
        ...(target.accessToken === undefined
          ? {}
          : { ath: createHash("sha256").update(Redacted.value(target.accessToken)).digest("base64url") }),
        ...(target.nonce === undefined ? {} : { nonce: target.nonce })
      }
      const input = `${encode(header)}.${encode(claims)}`
      const privateKey = await webcrypto.subtle.importKey(
        "jwk",
        Redacted.value(key),
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["sign"]
      )
      // WebCrypto's ECDSA signature is r‖s, as JWS wants it (RFC 7518 §3.4).
      const signature = await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, Buffer.from(input))
      return `${input}.${Buffer.from(signature).toString("base64url")}`
    },
    catch: failure("Could not sign a DPoP proof")
  })

/**
 * Whether a server's answer asks for a DPoP nonce (RFC 9449 §8, §9): the
 * nonce to retry with, else undefined.
 *
 * @category predicates
 * @since 0.1.0
 */
export const nonceRequested = (answer: {
  readonly wwwAuthenticate?: string | undefined
  readonly error?: unknown
  readonly nonce: string | undefined
}): string | undefined =>
  answer.nonce !== undefined && answer.nonce !== "" &&
    (answer.error === "use_dpop_nonce" || /error\s*=\s*"?use_dpop_nonce"?/.test(answer.wwwAuthenticate ?? ""))
    ? answer.nonce
    : undefined

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
