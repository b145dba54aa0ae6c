/**
 * A cache of results that the server marks as reusable (2026-07-28 `ttlMs`
 * and `cacheScope` on discovery, list and read results).
 *
 * - An entry is fresh while `now < received + ttlMs`; a missing or
 *   non-positive `ttlMs` (and so every result of an older server) is never
 *   stored.
 * - The key is the method and the parameters that shape the result (the
 *   cursor of a page, the URI of a read); an entry is never served for any
 *   other.
 * - Change notifications invalidate at once: `list_changed` drops that
 *   list's pages, `resources/updated` drops the reads of that URI.
 * - `private` entries belong to one authorization context. The cache lives
 *   in one session, whose credentials do not change, so both scopes are
 *   kept; nothing is shared between sessions.
 * - Bounded: past `maxEntries`, the oldest entry is dropped.
 *
 * @since 0.1.0
 */

/**
 * A cache of results by key.
 *
 * @category models
 * @since 0.1.0
 */
export interface ResultCache {
  /** A fresh result for the key, if any. */
  readonly get: (method: string, key: string, now: number) => unknown
  /** Stores a result if it carries a positive `ttlMs`. */
  readonly set: (method: string, key: string, result: unknown, now: number) => void
  /** Applies a server notification: drops what it makes stale. */
  readonly invalidate: (method: string, params: { readonly [key: string]: unknown } | undefined) => void
  /** How many entries are held. */
  readonly size: () => number
}

interface Entry {
  readonly method: string
  readonly result: unknown
  readonly expiresAt: number
}

const invalidates: { readonly [notification: string]: ReadonlyArray<string> } = {
  "notifications/tools/list_changed": ["tools/list"],
  "notifications/prompts/list_changed": ["prompts/list"],
  "notifications/resources/list_changed": ["resources/list", "resources/templates/list"]
}

/**
 * Makes an empty cache.
 *
 * @example
 * ```ts
 * import { ResultCache } from "effect-mcp-client"
 *
 * const cache = ResultCache.make(100)
 * cache.set("tools/list", "", { tools: [], ttlMs: 1000 }, 0)
 * cache.get("tools/list", "", 999) // => { tools: [], ttlMs: 1000 }
 * cache.get("tools/list", "", 1000) // => undefined
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (maxEntries: number): ResultCache => {
  const entries = new Map<string, Entry>()
  const keyOf = (method: string, key: string) => `${method}\u0000${key}`
  return {
    get: (method, key, now) => {
      const id = keyOf(method, key)
      const entry = entries.get(id)
      if (entry === undefined) return undefined
      if (now >= entry.expiresAt) {
        entries.delete(id)
        return undefined
      }
      return entry.result
    },
    set: (method, key, result, now) => {
      const ttl = (result as { readonly ttlMs?: unknown }).ttlMs
      if (typeof ttl !== "number" || !(ttl > 0)) return
      const id = keyOf(method, key)
      entries.delete(id)
      entries.set(id, { method, result, expiresAt: now + ttl })
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
    },
    invalidate: (method, params) => {
      const methods = invalidates[method]
      if (methods !== undefined) {
        for (const [id, entry] of entries) if (methods.includes(entry.method)) entries.delete(id)
      } else if (method === "notifications/resources/updated" && typeof params?.uri === "string") {
        entries.delete(keyOf("resources/read", params.uri))
      }
    },
    size: () => entries.size
  }
}
