/**
 * Tool names a model provider accepts, made from the names servers give.
 *
 * Providers restrict tool names: OpenAI and Anthropic accept
 * `^[a-zA-Z0-9_-]{1,64}$`, Gemini also wants the first character to be a
 * letter or an underscore. MCP tool names are freer (dots, slashes, spaces,
 * any length), and a host prefixes them per server. `make` gives every name
 * a valid, unique model name (at most 64 characters, stable across refreshes:
 * a name is changed only when it must be, and then it carries a short hash of
 * the original, so it does not depend on the other names unless two collide)
 * and maps the model's calls back to the original.
 *
 * @since 0.1.0
 */

/**
 * The longest name every provider accepts.
 *
 * @category constants
 * @since 0.1.0
 */
export const maxLength = 64

/**
 * Whether a name is accepted by every provider as it is.
 *
 * @example
 * ```ts
 * import { ToolNames } from "effect-mcp-client/ai"
 *
 * ToolNames.isValid("get_weather") // true
 * ToolNames.isValid("files/read") // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isValid = (name: string): boolean => validName.test(name)

// A regular expression runs as native code from its second use; a loop over the characters is interpreted while a
// process is young, which is when a toolkit is first built.
const validName = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/

/** FNV-1a, 32 bits, as 7 base-36 digits: short, stable, and enough to tell names apart. */
const hash = (text: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(36).padStart(7, "0")
}

/**
 * A valid model name for one original name: the name itself when it is
 * valid, else its characters outside `[A-Za-z0-9_-]` replaced by `_`, cut to
 * fit, with `_` and a hash of the original appended.
 *
 * @example
 * ```ts
 * import { ToolNames } from "effect-mcp-client/ai"
 *
 * ToolNames.sanitize("github.create_issue") // "github_create_issue_" followed by a hash
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const sanitize = (name: string): string => {
  if (isValid(name)) return name
  let base = name.replace(/[^A-Za-z0-9_-]/g, "_")
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`
  const suffix = `_${hash(name)}`
  return base.slice(0, maxLength - suffix.length) + suffix
}

/**
 * A two-way mapping between the original names and model names.
 *
 * @category models
 * @since 0.1.0
 */
export interface NameMap {
  /** The model name of each original name. */
  readonly toModel: ReadonlyMap<string, string>
  /** The original name of each model name. */
  readonly fromModel: ReadonlyMap<string, string>
}

/**
 * Maps a list of original names (unique among themselves) to unique, valid
 * model names. When two names sanitize to the same model name, the later
 * one gets a counter before its hash.
 *
 * @example
 * ```ts
 * import { ToolNames } from "effect-mcp-client/ai"
 *
 * const names = ToolNames.make(["files/read", "files.read", "echo"])
 * names.toModel.get("echo") // "echo"
 * names.fromModel.get(names.toModel.get("files/read")!) // "files/read"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (names: Iterable<string>): NameMap => {
  const toModel = new Map<string, string>()
  const fromModel = new Map<string, string>()
  for (const name of names) {
    if (toModel.has(name)) continue
    let candidate = sanitize(name)
    for (let n = 2; fromModel.has(candidate); n++) {
      const suffix = `_${n}_${hash(`${n}:${name}`)}`
      candidate = candidate.slice(0, Math.min(candidate.length, maxLength - suffix.length)) + suffix
    }
    toModel.set(name, candidate)
    fromModel.set(candidate, name)
  }
  return { toModel, fromModel }
}
