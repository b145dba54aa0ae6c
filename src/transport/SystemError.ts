/**
 * What an operating-system or TLS error says, in a sentence a person can act
 * on: the error code Node gives (`ENOENT`, `EACCES`, `ECONNREFUSED`,
 * `ETIMEDOUT`, a TLS reason) found anywhere in a chain of causes, with a
 * hint at the usual remedy. Transports use it to build the `message` of a
 * `TransportError`, so that the reason is not left in `cause` alone.
 *
 * Internal: not exported from the package.
 *
 * @since 0.1.0
 */
import * as Redaction from "./Redaction.ts"

interface Coded {
  readonly code: string
  readonly message: string
  readonly reason?: string | undefined
}

const hints: Record<string, string> = {
  ENOENT: "no such file or directory: is the command installed, and on PATH?",
  EACCES: "permission denied: is the file executable?",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is not a directory",
  ECONNREFUSED: "nothing is listening there: is the server running?",
  ECONNRESET: "the server closed the connection",
  EPIPE: "the other end closed the connection",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "the server sent no response headers in time",
  UND_ERR_BODY_TIMEOUT: "the server stopped sending the response body",
  UND_ERR_SOCKET: "the connection broke",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved right now",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable"
}

const isTls = (code: string) =>
  /^(ERR_SSL_|ERR_TLS_|CERT_|ERR_OSSL_)/.test(code) ||
  /SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/.test(code)

const asCoded = (u: unknown): Coded | undefined => {
  if (typeof u !== "object" || u === null) return undefined
  const code = (u as { code?: unknown }).code
  if (typeof code !== "string" || code.length === 0) return undefined
  const message = (u as { message?: unknown }).message
  const reason = (u as { reason?: unknown }).reason
  return {
    code,
    message: typeof message === "string" ? message : "",
    ...(typeof reason === "string" ? { reason } : {})
  }
}

/** The errors of a cause chain, outermost first (`cause`, and an `AggregateError`'s first error). */
const chain = (u: unknown): Array<unknown> => {
  const out: Array<unknown> = []
  let current: unknown = u
  while (typeof current === "object" && current !== null && out.length < 16 && !out.includes(current)) {
    out.push(current)
    const errors = (current as { errors?: unknown }).errors
    current = (current as { cause?: unknown }).cause ??
      (Array.isArray(errors) && errors.length > 0 ? errors[0] : undefined)
  }
  return out
}

/**
 * The error code found in a chain of causes, innermost first: `ENOENT`,
 * `ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, …
 *
 * @category getters
 * @since 0.1.0
 */
export const codeOf = (cause: unknown): string | undefined => innermost(cause)?.code

const innermost = (cause: unknown): Coded | undefined => {
  const errors = chain(cause)
  for (let i = errors.length - 1; i >= 0; i--) {
    const coded = asCoded(errors[i])
    // PlatformError's `_tag`-like codes are not Node's: keep looking outwards only for real codes.
    if (coded !== undefined && /^[A-Z][A-Z0-9_]+$/.test(coded.code)) return coded
  }
  return undefined
}

/**
 * The reason a chain of causes ends in, as one line: Node's own message
 * (which names the code, and the address or command), and a hint at the
 * remedy. Without a coded error, the innermost error's message. Never
 * multi-line.
 *
 * @category formatting
 * @since 0.1.0
 */
export const describe = (cause: unknown): string => {
  const coded = innermost(cause)
  if (coded === undefined) {
    const errors = chain(cause)
    const last = errors[errors.length - 1]
    const message = last instanceof Error || (typeof last === "object" && last !== null && "message" in last)
      ? String((last as { message: unknown }).message)
      : String(cause)
    return oneLine(message)
  }
  const aggregate = chain(cause).find((e) => Array.isArray((e as { errors?: unknown }).errors)) as
    | { readonly errors: ReadonlyArray<unknown> }
    | undefined
  const nodeMessage = coded.message.includes(coded.code)
    ? oneLine(coded.message)
    : aggregate !== undefined
    ? aggregate.errors.map((e) => oneLine(asCoded(e)?.message ?? String(e))).filter((m) => m.length > 0).join("; ") ||
      coded.code
    : coded.message.length > 0
    ? `${coded.code}: ${oneLine(coded.message)}`
    : coded.code
  // A TLS failure Node reports as a socket error (`write EPROTO …`), OpenSSL's error string in its message.
  const openSsl = /error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/.exec(coded.message)
  if (openSsl !== null) {
    const reason = openSsl[1]!.trim()
    return `TLS error ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}: ${reason}`
  }
  if (isTls(coded.code)) {
    const reason = oneLine(coded.reason ?? coded.message)
    return reason.length > 0 ? `TLS error ${coded.code}: ${reason}` : `TLS error ${coded.code}`
  }
  const hint = hints[coded.code]
  return hint === undefined ? nodeMessage : `${nodeMessage} (${hint})`
}

/** One line, with any credential an error's text may quote (a URL's user info, a token) hidden. */
const oneLine = (text: string) => Redaction.redactText(text.replace(/\s*\n\s*/g, " ").trim())

/**
 * A plain error that keeps only what `describe` and `codeOf` read (the code,
 * message and reason of the innermost coded error), for a `cause` that must
 * not carry anything else: Node's spawn errors list the command's
 * arguments, which may hold a credential.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sanitize = (cause: unknown): Error => {
  const coded = innermost(cause)
  const error = new Error(coded === undefined ? describe(cause) : coded.message || coded.code)
  if (coded !== undefined) {
    Object.assign(error, { code: coded.code, ...(coded.reason === undefined ? {} : { reason: coded.reason }) })
  }
  return error
}
