/**
 * What counts as a secret in what this client reports, and how it is hidden:
 * error messages, logged messages and URLs never show a credential.
 *
 * - A value under a key that names a credential (`authorization`, `token`,
 *   `secret`, `password`, `api key`, `cookie`, `credential`) is replaced by
 *   `<redacted>`, as is every `Redacted` value.
 * - In free text, `Bearer …` / `Basic …` credentials, `token=…`-style
 *   pairs and the user info of URLs are replaced.
 * - A URL is shown without its user info and query.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/**
 * What a hidden value is replaced with.
 *
 * @category constants
 * @since 0.1.0
 */
export const placeholder = "<redacted>"

const secretKey = /authorization|secret|passw(?:or)?d|api[-_ ]?key|cookie|credential|token/i

/**
 * Whether a key (a header, a JSON member, a query parameter, a variable)
 * names a credential. `progressToken`, an MCP request's progress handle,
 * does not.
 *
 * **Example** (Keys that are hidden)
 *
 * ```ts
 * import { Redaction } from "effect-mcp-client"
 *
 * Redaction.isSecretKey("Authorization") // true
 * Redaction.isSecretKey("refresh_token") // true
 * Redaction.isSecretKey("progressToken") // false
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const isSecretKey = (key: string): boolean => secretKey.test(key) && key.toLowerCase() !== "progresstoken"

const userInfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi
const schemeCredential = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi
const pairCredential =
  /\b([A-Za-z0-9_-]*?(?:token|secret|passw(?:or)?d|api[-_]?key|authorization))(["']?\s*[:=]\s*["']?)(?!<redacted>|(?:Bearer|Basic|Token)\s)[^"'&\s,;}]+/gi

/**
 * Free text (a response body, a server's stderr) with its credentials
 * replaced: `Bearer <redacted>`, `token=<redacted>`, `"password": "<redacted>"`.
 *
 * **Example** (A body that echoes a header)
 *
 * ```ts
 * import { Redaction } from "effect-mcp-client"
 *
 * Redaction.redactText("bad header: Bearer abc.def.ghi") // "bad header: Bearer <redacted>"
 * ```
 *
 * @category redaction
 * @since 0.1.0
 */
export const redactText = (text: string): string =>
  text.replace(schemeCredential, `$1 ${placeholder}`).replace(pairCredential, `$1$2${placeholder}`).replace(
    userInfo,
    `$1${placeholder}@`
  )

/**
 * A URL as it may be shown: origin and path, without user info and query
 * (either may carry a credential).
 *
 * **Example** (A URL with credentials)
 *
 * ```ts
 * import { Redaction } from "effect-mcp-client"
 *
 * Redaction.safeUrl("https://me:pw@example.com/mcp?token=abc") // "https://example.com/mcp"
 * ```
 *
 * @category redaction
 * @since 0.1.0
 */
export const safeUrl = (url: URL | string): string => {
  try {
    const parsed = typeof url === "string" ? new URL(url) : url
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return redactText(String(url))
  }
}

/**
 * A JSON value as text, with every member under a secret key and every
 * `Redacted` value replaced, and credentials in strings hidden.
 *
 * **Example** (A message with a token)
 *
 * ```ts
 * import { Redaction } from "effect-mcp-client"
 *
 * Redaction.stringify({ params: { apiKey: "k-123", name: "x" } })
 * // '{"params":{"apiKey":"<redacted>","name":"x"}}'
 * ```
 *
 * @category redaction
 * @since 0.1.0
 */
export const stringify = (value: unknown): string =>
  JSON.stringify(value, function(this: unknown, key: string, member: unknown) {
    // `this[key]` is the member before `toJSON`, so a `Redacted` is seen as such.
    const raw = key === "" ? member : (this as Record<string, unknown>)[key]
    if (Redacted.isRedacted(raw)) return placeholder
    if (key !== "" && !Array.isArray(this) && isSecretKey(key) && member !== null && typeof member !== "object") {
      return placeholder
    }
    return typeof member === "string" ? redactText(member) : member
  }) ?? "undefined"

/**
 * The start of a text (a response body) for a message: one line, its
 * credentials hidden, cut to `maxChars` with an ellipsis.
 *
 * **Example** (A long error page)
 *
 * ```ts
 * import { Redaction } from "effect-mcp-client"
 *
 * Redaction.excerpt("Forbidden\nplease sign in again", 12) // "Forbidden pl…"
 * ```
 *
 * @category redaction
 * @since 0.1.0
 */
export const excerpt = (text: string, maxChars: number): string => {
  const line = redactText(text.replace(/\s+/g, " ").trim())
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line
}
