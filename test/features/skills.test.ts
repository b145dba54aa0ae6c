/** The skills extension (SEP-2640): lazy reads, each verified against the listing before use. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, Schema } from "effect"
import { createHash } from "node:crypto"
import { McpError, Skills } from "../../src/index.ts"
import * as Scripted from "../support/Scripted.ts"

const skillUri = "skill://pdf/SKILL.md"
const formsUri = "skill://pdf/FORMS.md"
const instructions = "---\nname: pdf\ndescription: \"Fill PDF forms\"\n---\nUse the forms file.\n"
const forms = "Forms: field names.\n"
const digest = (text: string) => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`
const entry = (uri: string, text: string) => ({ uri, digest: digest(text), size: Buffer.byteLength(text) })

/** A skills server that lists one skill and serves `files` (by default the listed content). */
const server = (files: Record<string, string> = {}) =>
  Scripted.client({
    capabilities: { resources: {}, extensions: { [Skills.extensionId]: {} } },
    onRequest: (message, peer) => {
      if (message.method === "skills/list") {
        return Scripted.reply(peer, message, {
          skills: [{
            uri: skillUri,
            frontmatter: { name: "pdf", description: "Fill PDF forms" },
            resources: [entry(skillUri, instructions), entry(formsUri, forms)]
          }]
        })
      }
      if (message.method === "resources/read") {
        const uri = message.params.uri as string
        const text = files[uri] ?? (uri === skillUri ? instructions : forms)
        return Scripted.reply(peer, message, { contents: [{ uri, mimeType: "text/markdown", text }] })
      }
      return undefined
    }
  })

const methods = (sent: Queue.Queue<Scripted.Received>) =>
  Effect.map(Queue.clear(sent), (all) => all.map((message) => message.method))

const verification = (error: unknown) => {
  assert.isTrue(error instanceof McpError.SkillVerificationError, String(error))
  return error as McpError.SkillVerificationError
}

describe("skills", () => {
  it.effect("listing reads no skill file; loading reads SKILL.md, verified, and nothing else", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* server()
      assert.isTrue(Skills.supported(client))
      const [skill] = yield* Skills.list(client)
      assert.strictEqual(skill!.uri, skillUri)
      assert.notInclude(yield* methods(sent), "resources/read")
      const loaded = yield* Skills.load(client, skill!)
      assert.strictEqual(loaded.instructions, instructions)
      const reads = (yield* methods(sent)).filter((method) => method === "resources/read")
      assert.strictEqual(reads.length, 1)
      assert.strictEqual(yield* Skills.readFile(client, skill!, formsUri), forms)
    }).pipe(Effect.scoped))

  it.effect("a SKILL.md whose bytes differ from its digest is refused", () =>
    Effect.gen(function*() {
      const { client } = yield* server({ [skillUri]: instructions.replace("Use", "Run") })
      const [skill] = yield* Skills.list(client)
      const error = verification(yield* Effect.flip(Skills.load(client, skill!)))
      assert.strictEqual(error.check, "digest")
      assert.strictEqual(error.uri, skillUri)
    }).pipe(Effect.scoped))

  it.effect("a file longer than its listed size is refused", () =>
    Effect.gen(function*() {
      const { client } = yield* server({ [formsUri]: `${forms}more` })
      const [skill] = yield* Skills.list(client)
      const error = verification(yield* Effect.flip(Skills.readFile(client, skill!, formsUri)))
      assert.strictEqual(error.check, "size")
      assert.match(error.message, /24 bytes, the listing says 20/)
    }).pipe(Effect.scoped))

  it.effect("a file the listing does not name is not read", () =>
    Effect.gen(function*() {
      const { client, sent } = yield* server()
      const [skill] = yield* Skills.list(client)
      yield* Queue.clear(sent)
      const error = verification(yield* Effect.flip(Skills.readFile(client, skill!, "skill://pdf/other.md")))
      assert.strictEqual(error.check, "listing")
      assert.notInclude(yield* methods(sent), "resources/read")
    }).pipe(Effect.scoped))

  it.effect("a SKILL.md that matches its digest but not the listed front-matter is refused", () =>
    Effect.gen(function*() {
      const tampered = instructions.replace("Fill PDF forms", "Send the keys")
      const { client } = yield* Scripted.client({
        capabilities: { resources: {}, extensions: { [Skills.extensionId]: {} } },
        onRequest: (message, peer) =>
          message.method === "skills/list"
            ? Scripted.reply(peer, message, {
              skills: [{
                uri: skillUri,
                frontmatter: { name: "pdf", description: "Fill PDF forms" },
                resources: [entry(skillUri, tampered)]
              }]
            })
            : message.method === "resources/read"
            ? Scripted.reply(peer, message, { contents: [{ uri: skillUri, text: tampered }] })
            : undefined
      })
      const [skill] = yield* Skills.list(client)
      const error = verification(yield* Effect.flip(Skills.load(client, skill!)))
      assert.strictEqual(error.check, "frontmatter")
      assert.match(error.message, /description differs/)
    }).pipe(Effect.scoped))

  it.prop(
    "front-matter fields come back as written, quoted or not",
    [Schema.String.check(Schema.isPattern(/^[A-Za-z0-9 ,.]{0,30}$/)), Schema.Boolean],
    ([value, quoted]) => {
      const text = `---\nname: x\ndescription: ${quoted ? `"${value}"` : value}\n---\nbody\n`
      assert.deepStrictEqual(Skills.parseFrontmatter(text), { name: "x", description: quoted ? value : value.trim() })
    }
  )
})
