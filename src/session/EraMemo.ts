/**
 * The protocol era each server was found to speak, remembered for the
 * process, so that a new session to the same server does not probe again:
 * "the era belongs to the server, not to one request", and clients SHOULD
 * cache it for the server's origin (HTTP).
 *
 * Keyed by the transport's `endpoint` (HTTP: the endpoint URL); transports
 * without one (stdio: a new process per session) are not remembered. A
 * server is remembered as legacy only when it answered the probe (with an
 * error); one that was merely silent until `discoverTimeout` may be a slow
 * 2026-07-28 server, and is probed again next time. A session to a server
 * remembered as legacy opens with `initialize` at once;
 * if that is refused (the server was replaced by a 2026-07-28 one), the entry
 * is forgotten and the session probes as usual. The memo holds at most 1,024
 * servers (the oldest forgotten first). `McpClient`'s `rememberEra: false`
 * opts a session out; `clear` and `forget` empty it.
 *
 * @since 0.1.0
 */

/**
 * An era as remembered.
 *
 * @category models
 * @since 0.1.0
 */
export type Era = "legacy" | "modern"

const maxEntries = 1024

const memo = new Map<string, Era>()

/**
 * The era remembered for a server, if any.
 *
 * @example
 * ```ts
 * import { EraMemo } from "effect-mcp-client"
 *
 * EraMemo.remember("https://example.com/mcp", "legacy")
 * EraMemo.recall("https://example.com/mcp") // "legacy"
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const recall = (endpoint: string): Era | undefined => memo.get(endpoint)

/**
 * Remembers the era of a server (the session does it once negotiated).
 *
 * @example
 * ```ts
 * import { EraMemo } from "effect-mcp-client"
 *
 * EraMemo.remember("https://example.com/mcp", "modern")
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const remember = (endpoint: string, era: Era): void => {
  memo.delete(endpoint)
  memo.set(endpoint, era)
  if (memo.size > maxEntries) memo.delete(memo.keys().next().value!)
}

/**
 * Forgets one server: its next session probes again.
 *
 * @example
 * ```ts
 * import { EraMemo } from "effect-mcp-client"
 *
 * EraMemo.forget("https://example.com/mcp")
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const forget = (endpoint: string): void => {
  memo.delete(endpoint)
}

/**
 * Forgets every server.
 *
 * @example
 * ```ts
 * import { EraMemo } from "effect-mcp-client"
 *
 * EraMemo.clear()
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const clear = (): void => {
  memo.clear()
}
