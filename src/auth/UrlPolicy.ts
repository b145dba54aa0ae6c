/**
 * Which URLs OAuth discovery may fetch, against server-side request forgery
 * (SSRF), as the MCP security guidance asks: the `resource_metadata` URL a
 * server names in `WWW-Authenticate`, the authorization servers its
 * protected resource metadata lists (and the metadata URLs built from them),
 * and the endpoints that metadata names.
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices)
 *
 * The rules, by default:
 *
 * - **https**, or plain `http` only when the MCP server itself is on a
 *   loopback host (development);
 * - **no loopback, private or link-local host** (`127.0.0.0/8`, `::1`,
 *   `localhost`, `*.localhost`, `0.0.0.0`; `10/8`, `172.16/12`,
 *   `192.168/16`, `100.64/10`, `fc00::/7`; `169.254/16` with the cloud
 *   metadata address, `fe80::/10`), unless the MCP server is on a host of
 *   the same kind; nor multicast or reserved addresses (`224.0.0.0/3`,
 *   `ff00::/8`). IPv4 addresses written inside IPv6 (`::ffff:10.0.0.1`,
 *   `64:ff9b::…`) count as the IPv4 address;
 * - URLs on the MCP server's own origin are not checked: the client talks
 *   to that origin anyway.
 *
 * Hosts are judged by their literal IP address or by name (`localhost`):
 * names are not resolved, so a public name that resolves to a private
 * address, or that is rebound to one after the check (DNS rebinding), is not
 * caught. Redirects are never followed during discovery, so no hop escapes
 * the check. An application that runs on a server and needs more should put
 * the client behind an egress proxy that filters resolved addresses.
 *
 * @since 0.1.0
 */

/**
 * How an application widens the rules.
 *
 * @category models
 * @since 0.1.0
 */
export interface UrlPolicy {
  /** Origins accepted whatever the rules say, e.g. `"http://10.0.0.5:8080"`. */
  readonly allowOrigins?: ReadonlyArray<string> | undefined
  /** Accept plain `http` whatever the MCP server's host. */
  readonly allowHttp?: boolean | undefined
  /** Accept loopback, private and link-local hosts whatever the MCP server's host. */
  readonly allowNonPublicHosts?: boolean | undefined
}

/**
 * The kind of a host: `public`, or one that only a local network reaches.
 *
 * @category models
 * @since 0.1.0
 */
export type HostKind = "public" | "loopback" | "private" | "link-local" | "reserved"

/**
 * The kind of a URL's host (`URL.hostname`: IPv6 in brackets), by its
 * literal address or its name; names other than `localhost` are `public`.
 *
 * @example
 * ```ts
 * import { UrlPolicy } from "effect-mcp-client"
 *
 * UrlPolicy.hostKind(new URL("http://169.254.169.254/latest").hostname) // "link-local"
 * UrlPolicy.hostKind("[::ffff:10.0.0.1]") // "private"
 * UrlPolicy.hostKind("example.com") // "public"
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const hostKind = (hostname: string): HostKind => {
  const host = hostname.toLowerCase().replace(/\.$/, "")
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback"
  if (host.startsWith("[") && host.endsWith("]")) return ipv6Kind(canonicalIpv6(host))
  const v4 = parseIpv4(host)
  return v4 === undefined ? "public" : ipv4Kind(v4)
}

/**
 * Why a URL may not be fetched for a server at `server`, or `undefined`
 * when it may.
 *
 * @example
 * ```ts
 * import { UrlPolicy } from "effect-mcp-client"
 *
 * const server = new URL("https://mcp.example.com/mcp")
 * UrlPolicy.refusal(new URL("https://auth.example.com"), server) // undefined
 * UrlPolicy.refusal(new URL("http://auth.example.com"), server) // "plain http is accepted only when the MCP server is on a loopback host"
 * UrlPolicy.refusal(new URL("https://10.0.0.8/"), server) // "a private host is accepted only when the MCP server is on one"
 * UrlPolicy.refusal(new URL("https://10.0.0.8/"), server, { allowOrigins: ["https://10.0.0.8"] }) // undefined
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const refusal = (url: URL, server: URL, policy: UrlPolicy = {}): string | undefined => {
  if (url.origin === server.origin && url.protocol === server.protocol) return undefined
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `only https (or http) URLs are fetched, not ${url.protocol.replace(/:$/, "")}`
  }
  if (policy.allowOrigins?.some((origin) => sameOrigin(origin, url)) === true) return undefined
  const serverKind = hostKind(server.hostname)
  if (url.protocol === "http:" && policy.allowHttp !== true && serverKind !== "loopback") {
    return "plain http is accepted only when the MCP server is on a loopback host"
  }
  const kind = hostKind(url.hostname)
  if (kind === "public" || policy.allowNonPublicHosts === true) return undefined
  if (kind === "reserved") return "a multicast or reserved address is never fetched"
  return kind === serverKind ? undefined : `a ${kind} host is accepted only when the MCP server is on one`
}

// =============================================================================
// Internal
// =============================================================================

/** An IPv6 host in `URL`'s form (embedded IPv4 written in hexadecimal), without brackets. */
const canonicalIpv6 = (host: string): string => {
  try {
    return new URL(`http://${host}/`).hostname.slice(1, -1)
  } catch {
    return ""
  }
}

const sameOrigin = (origin: string, url: URL): boolean => {
  try {
    return new URL(origin).origin === url.origin
  } catch {
    return false
  }
}

/** A dotted-quad IPv4 address (the form `URL` normalizes every IPv4 host to), as four bytes. */
const parseIpv4 = (host: string): readonly [number, number, number, number] | undefined => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (match === null) return undefined
  const bytes = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] as const
  return bytes.every((b) => b <= 255) ? bytes : undefined
}

const ipv4Kind = ([a, b]: readonly [number, number, number, number]): HostKind => {
  if (a === 127 || a === 0) return "loopback"
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) {
    return "private"
  }
  if (a === 169 && b === 254) return "link-local"
  if (a >= 224) return "reserved"
  return "public"
}

/** The eight 16-bit groups of an IPv6 address as `URL` writes it (hexadecimal groups, `::` at most once). */
const parseIpv6 = (address: string): ReadonlyArray<number> | undefined => {
  const halves = address.split("::")
  if (halves.length > 2) return undefined
  const groups = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => /^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - head.length - rest.length
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined
  const all = [...head, ...Array<number>(missing).fill(0), ...rest]
  return all.every((g) => Number.isInteger(g)) ? all : undefined
}

const ipv6Kind = (address: string): HostKind => {
  const g = parseIpv6(address)
  // Not an address: nothing is known of it.
  if (g === undefined) return "reserved"
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff] as const
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0)
  // ::1 and ::
  if (zeros(7) && (g[7] === 1 || g[7] === 0)) return "loopback"
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64)
  if (zeros(5) && g[5] === 0xffff) return ipv4Kind(v4(g[6]!, g[7]!))
  if (zeros(6)) return ipv4Kind(v4(g[6]!, g[7]!))
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Kind(v4(g[6]!, g[7]!))
  if ((g[0]! & 0xfe00) === 0xfc00) return "private"
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local"
  if ((g[0]! & 0xff00) === 0xff00) return "reserved"
  return "public"
}
