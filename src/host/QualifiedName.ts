/**
 * Names of tools and prompts across servers: `server__tool` by default.
 *
 * A qualified name is made of the server's prefix (its name, unless the
 * configuration gives another), a separator and the tool's own name. Model
 * APIs accept only `[A-Za-z0-9_-]` and at most 64 characters (OpenAI's
 * limit), so other characters become `_`, and a name that had to be changed
 * or cut gets a stable suffix: a hash of the original server and tool names.
 *
 * Names are assigned for a whole set at once (`assign`), which makes them
 * collision-free by construction: when two entries would get the same name
 * (the same prefix on two servers, or names that differ only in mapped
 * characters), the later one in a fixed order gets `_2`, `_3`, …. The table
 * maps each name back to its server and original name (`resolve`).
 *
 * @since 0.1.0
 */

// =============================================================================
// Models
// =============================================================================

/**
 * How names are qualified.
 *
 * @category models
 * @since 0.1.0
 */
export interface Scheme {
  /** Between the prefix and the name. Defaults to `"__"`. */
  readonly separator?: string | undefined
  /** The longest name. Defaults to 64; at least 24. */
  readonly maxLength?: number | undefined
}

/**
 * A tool (or prompt) of a server. `prefix` defaults to the server's name; an
 * empty prefix qualifies the name with nothing (collisions are still
 * resolved).
 *
 * @category models
 * @since 0.1.0
 */
export interface Entry {
  readonly server: string
  readonly name: string
  readonly prefix?: string | undefined
}

/**
 * Qualified names, both ways.
 *
 * @category models
 * @since 0.1.0
 */
export interface Table {
  /** Each qualified name and what it stands for. */
  readonly entries: ReadonlyMap<string, Entry>
  /** The qualified name of a server's tool, if the table has it. */
  readonly qualified: (server: string, name: string) => string | undefined
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * The name one entry gets when nothing collides with it.
 *
 * @example
 * ```ts
 * import { QualifiedName } from "effect-mcp-client"
 *
 * QualifiedName.qualify({ server: "github", name: "create_issue" }) // "github__create_issue"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const qualify = (entry: Entry, scheme: Scheme = {}): string => {
  const separator = scheme.separator ?? defaultSeparator
  const maxLength = Math.max(minimumLength, scheme.maxLength ?? defaultMaxLength)
  const prefix = entry.prefix ?? entry.server
  const cleanPrefix = sanitize(prefix)
  const cleanName = sanitize(entry.name)
  // A prefix that holds the separator, or ends in a way that would merge with it, is ambiguous.
  const prefixChanged = cleanPrefix !== prefix || (prefix.length > 0 && (
    prefix.includes(separator) || prefix.endsWith(separator[0] ?? "") || prefix.startsWith(separator.at(-1) ?? "")
  ))
  const changed = prefixChanged || cleanName !== entry.name || entry.name.length === 0
  let base = prefix.length === 0 ? cleanName : `${cleanPrefix}${separator}${cleanName}`
  if (changed) base = `${base}_${hash(entry, 6)}`
  return base.length <= maxLength ? base : `${base.slice(0, maxLength - 9)}_${hash(entry, 8)}`
}

/**
 * Qualified names for a set of entries, distinct whatever the entries. The
 * order of `entries` does not matter.
 *
 * @example
 * ```ts
 * import { QualifiedName } from "effect-mcp-client"
 *
 * const table = QualifiedName.assign([
 *   { server: "github", name: "search" },
 *   { server: "gitlab", name: "search", prefix: "github" }
 * ])
 * table.qualified("gitlab", "search") // "github__search_2"
 * QualifiedName.resolve(table, "github__search") // { server: "github", name: "search" }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const assign = (entries: Iterable<Entry>, scheme: Scheme = {}): Table => {
  const maxLength = Math.max(minimumLength, scheme.maxLength ?? defaultMaxLength)
  const candidates = Array.from(entries, (entry) => ({ entry, base: qualify(entry, scheme) }))
  // A fixed order: names that needed no change first, then by server and name.
  candidates.sort((a, b) =>
    Number(isPlain(a.entry, a.base, scheme)) === Number(isPlain(b.entry, b.base, scheme))
      ? compare(a.entry.server, b.entry.server) || compare(a.entry.name, b.entry.name) || compare(a.base, b.base)
      : isPlain(a.entry, a.base, scheme)
      ? -1
      : 1
  )
  const byName = new Map<string, Entry>()
  const byEntry = new Map<string, string>()
  for (const { base, entry } of candidates) {
    // An entry given twice (with different prefixes) keeps its first name in that order.
    const key = entryKey(entry.server, entry.name)
    if (byEntry.has(key)) continue
    let name = base
    for (let n = 2; byName.has(name); n++) {
      const suffix = `_${n}`
      name = `${base.slice(0, maxLength - suffix.length)}${suffix}`
    }
    byName.set(name, entry)
    byEntry.set(key, name)
  }
  return {
    entries: byName,
    qualified: (server, name) => byEntry.get(entryKey(server, name))
  }
}

/**
 * What a qualified name stands for, if the table has it.
 *
 * @category utils
 * @since 0.1.0
 */
export const resolve = (table: Table, qualified: string): Entry | undefined => table.entries.get(qualified)

// =============================================================================
// Internal
// =============================================================================

const defaultSeparator = "__"
const defaultMaxLength = 64
const minimumLength = 24

const sanitize = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, "_")

const isPlain = (entry: Entry, base: string, scheme: Scheme): boolean => {
  const prefix = entry.prefix ?? entry.server
  return base === (prefix.length === 0 ? entry.name : `${prefix}${scheme.separator ?? defaultSeparator}${entry.name}`)
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const entryKey = (server: string, name: string): string => `${server.length}:${server}${name}`

/** FNV-1a over the server and name (with their lengths), twice with different seeds, in base 36. */
const hash = (entry: Entry, length: number): string => {
  const text = `${entry.server.length}:${entry.server}:${entry.name}`
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    a = Math.imul(a ^ code, 0x01000193) >>> 0
    b = Math.imul(b ^ code, 0x01000193 ^ 0x2f) >>> 0
  }
  return (a.toString(36).padStart(7, "0") + b.toString(36).padStart(7, "0")).slice(0, length)
}
