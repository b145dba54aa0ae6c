/**
 * The skills extension (SEP-2640, `io.modelcontextprotocol/skills`): a
 * server lists skills with `skills/list`, each entry naming its `SKILL.md`
 * resource, its front-matter and every file it is made of, with the file's
 * sha256 `digest` and `size`.
 *
 * Files are read lazily: listing reads nothing; `load` reads the skill's
 * `SKILL.md`, `readFile` one supporting file, when the application needs it.
 * Every file read is checked against its entry before it is returned (size,
 * then digest, and for `SKILL.md` the front-matter against the listed one); a
 * mismatch is a `SkillVerificationError` and the content is not returned.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { type InputDeclined, type RequestError, type ResourceNotFound, SkillVerificationError } from "../McpError.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type { FeatureError } from "./Options.ts"

/**
 * What the skills operations use of a session: an `McpClient` is one.
 *
 * @category models
 * @since 0.1.0
 */
export interface SkillsClient {
  readonly serverCapabilities: Mcp.ServerCapabilities
  readonly request: <S extends Schema.ConstraintDecoder<unknown>>(
    method: string,
    params: { readonly [key: string]: unknown } | undefined,
    schema: S
  ) => Effect.Effect<S["Type"], RequestError>
  readonly readResource: (
    uri: string
  ) => Effect.Effect<Mcp.ReadResourceResult, FeatureError | InputDeclined | ResourceNotFound>
}

/**
 * What reading a skill file can fail with.
 *
 * @category models
 * @since 0.1.0
 */
export type ReadError = FeatureError | InputDeclined | ResourceNotFound | SkillVerificationError

/**
 * The extension's identifier, as servers list it under `capabilities.extensions`.
 *
 * @category constants
 * @since 0.1.0
 */
export const extensionId = "io.modelcontextprotocol/skills"

/**
 * A file of a skill, as `skills/list` describes it.
 *
 * @category models
 * @since 0.1.0
 */
export const SkillFile = Schema.Struct({
  uri: Schema.String,
  /** `sha256:` and the hex digest of the file's bytes. */
  digest: Schema.String,
  /** The file's length in bytes. */
  size: Schema.Number
})

/**
 * @category models
 * @since 0.1.0
 */
export interface SkillFile extends Schema.Schema.Type<typeof SkillFile> {}

/**
 * A skill, as `skills/list` describes it: its `SKILL.md`, its front-matter
 * and its files.
 *
 * @category models
 * @since 0.1.0
 */
export const Skill = Schema.Struct({
  uri: Schema.String,
  frontmatter: Schema.Record(Schema.String, Schema.Unknown),
  resources: Schema.Array(SkillFile)
})

/**
 * @category models
 * @since 0.1.0
 */
export interface Skill extends Schema.Schema.Type<typeof Skill> {}

const ListResult = Schema.Struct({
  skills: Schema.Array(Skill),
  nextCursor: Schema.optionalKey(Schema.String)
})

/**
 * A skill whose `SKILL.md` was read and verified.
 *
 * @category models
 * @since 0.1.0
 */
export interface LoadedSkill {
  readonly skill: Skill
  /** The verified text of `SKILL.md`. */
  readonly instructions: string
}

/**
 * Whether the server offers the skills extension.
 *
 * @category predicates
 * @since 0.1.0
 */
export const supported = (client: SkillsClient): boolean => {
  const extensions = (client.serverCapabilities as { readonly extensions?: unknown }).extensions
  return typeof extensions === "object" && extensions !== null && extensionId in extensions
}

/**
 * Lists the server's skills (every page). Reads no skill file.
 *
 * **Example** (Load the first skill)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient, Skills } from "effect-mcp-client"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const [first] = yield* Skills.list(client)
 *   if (first !== undefined) {
 *     const { instructions } = yield* Skills.load(client, first)
 *     yield* Effect.log(instructions.length)
 *   }
 * })
 * ```
 *
 * @category operations
 * @since 0.1.0
 */
export const list = (client: SkillsClient): Effect.Effect<ReadonlyArray<Skill>, RequestError> =>
  Effect.gen(function*() {
    const skills: Array<Skill> = []
    let cursor: string | undefined
    for (let page = 0; page < 1000; page++) {
      const result = yield* client.request("skills/list", cursor === undefined ? {} : { cursor }, ListResult)
      skills.push(...result.skills)
      if (result.nextCursor === undefined || result.nextCursor === cursor) break
      cursor = result.nextCursor
    }
    return skills
  })

/**
 * Loads a skill: reads its `SKILL.md` and verifies its size, digest and
 * front-matter against the listing.
 *
 * @category operations
 * @since 0.1.0
 */
export const load = (
  client: SkillsClient,
  skill: Skill
): Effect.Effect<LoadedSkill, ReadError> =>
  Effect.gen(function*() {
    const instructions = yield* readFile(client, skill, skill.uri)
    yield* verifyFrontmatter(skill, instructions)
    return { skill, instructions }
  })

/**
 * Reads one file of a skill (its `SKILL.md` or a supporting file) and
 * verifies it against its entry before returning its text.
 *
 * @category operations
 * @since 0.1.0
 */
export const readFile = (
  client: SkillsClient,
  skill: Skill,
  uri: string
): Effect.Effect<string, ReadError> =>
  Effect.gen(function*() {
    const refuse = (check: SkillVerificationError["check"], description: string) =>
      Effect.fail(new SkillVerificationError({ uri, check, description }))
    const entry = skill.resources.find((file) => file.uri === uri)
    if (entry === undefined) return yield* refuse("listing", "The skill's listing has no entry for this file")
    const result = yield* client.readResource(uri)
    const contents = result.contents.find((content) => content.uri === uri) ?? result.contents[0]
    if (contents === undefined) return yield* refuse("content", "The server returned no contents")
    const bytes = "text" in contents ? Buffer.from(contents.text, "utf8") : Buffer.from(contents.blob, "base64")
    if (bytes.length !== entry.size) {
      return yield* refuse("size", `The file has ${bytes.length} bytes, the listing says ${entry.size}`)
    }
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`
    if (digest !== entry.digest.toLowerCase()) {
      return yield* refuse("digest", `The file's sha256 is ${digest}, the listing says ${entry.digest}`)
    }
    return bytes.toString("utf8")
  })

/**
 * The front-matter of a `SKILL.md`: the `key: value` lines between the
 * opening and closing `---` (quoted values unquoted), or undefined when there
 * is none.
 *
 * @category parsing
 * @since 0.1.0
 */
export const parseFrontmatter = (text: string): Record<string, string> | undefined => {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text)
  if (match === null) return undefined
  const fields: Record<string, string> = {}
  for (const line of match[1]!.split(/\r?\n/)) {
    const field = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line)
    if (field === null) continue
    const raw = field[2]!.trim()
    fields[field[1]!] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw
  }
  return fields
}

const verifyFrontmatter = (skill: Skill, text: string) => {
  const refuse = (description: string) =>
    Effect.fail(new SkillVerificationError({ uri: skill.uri, check: "frontmatter", description }))
  const found = parseFrontmatter(text)
  if (found === undefined) return refuse("SKILL.md has no front-matter")
  for (const [key, listed] of Object.entries(skill.frontmatter)) {
    if (typeof listed !== "string") continue
    if (found[key] !== listed) {
      return refuse(`SKILL.md's ${key} differs from the listed one (${JSON.stringify(listed)})`)
    }
  }
  return Effect.void
}
