/** Qualified names: reversible and collision-free for any set of server and tool names. */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { QualifiedName } from "../../src/index.ts"

const valid = /^[A-Za-z0-9_-]{1,64}$/

/** Names from a small alphabet, so that collisions after mapping are frequent. */
const Tight = Schema.String.check(Schema.isPattern(/^[ab_.-]{0,5}$/))
/** Any text, long ones included. */
const Loose = Schema.String
const Pair = Schema.Struct({ server: Schema.Union([Tight, Loose]), name: Schema.Union([Tight, Loose]) })
const Entries = Schema.Array(Schema.Struct({
  server: Schema.Union([Tight, Loose]),
  name: Schema.Union([Tight, Loose]),
  prefix: Schema.optionalKey(Schema.Union([Tight, Schema.Literal("")]))
}))

const key = (entry: QualifiedName.Entry) => JSON.stringify([entry.server, entry.name])

describe("QualifiedName", () => {
  it("server__tool for names that need no change", () => {
    assert.strictEqual(QualifiedName.qualify({ server: "github", name: "create_issue" }), "github__create_issue")
    assert.strictEqual(QualifiedName.qualify({ server: "a", name: "b", prefix: "gh" }), "gh__b")
    assert.strictEqual(QualifiedName.qualify({ server: "a", name: "b", prefix: "" }), "b")
    assert.strictEqual(QualifiedName.qualify({ server: "fs", name: "read" }, { separator: "-" }), "fs-read")
  })

  it("mapped characters and long names get a stable hash suffix, within 64 characters", () => {
    const dotted = QualifiedName.qualify({ server: "my.server", name: "get weather" })
    assert.match(dotted, /^my_server__get_weather_[0-9a-z]{6}$/)
    assert.strictEqual(QualifiedName.qualify({ server: "my.server", name: "get weather" }), dotted)
    assert.notStrictEqual(QualifiedName.qualify({ server: "my_server", name: "get_weather" }), dotted)
    const long = QualifiedName.qualify({ server: "server", name: "x".repeat(100) })
    assert.strictEqual(long.length, 64)
    assert.match(long, /^server__x+_[0-9a-z]{8}$/)
    assert.notStrictEqual(QualifiedName.qualify({ server: "server", name: "x".repeat(101) }), long)
  })

  it("the same prefix on two servers: the first by name keeps it, the other gets a suffix", () => {
    const table = QualifiedName.assign([
      { server: "gitlab", name: "search", prefix: "github" },
      { server: "github", name: "search" }
    ])
    assert.strictEqual(table.qualified("github", "search"), "github__search")
    assert.strictEqual(table.qualified("gitlab", "search"), "github__search_2")
    assert.deepStrictEqual(QualifiedName.resolve(table, "github__search_2"), {
      server: "gitlab",
      name: "search",
      prefix: "github"
    })
    assert.strictEqual(QualifiedName.resolve(table, "nothing"), undefined)
  })

  it.prop("any set of entries: names are valid, distinct, and resolve back", [Entries], ([entries]) => {
    const table = QualifiedName.assign(entries)
    const unique = new Map(entries.map((entry) => [key(entry), entry]))
    assert.strictEqual(table.entries.size, unique.size)
    for (const entry of unique.values()) {
      const qualified = table.qualified(entry.server, entry.name)
      assert.isDefined(qualified)
      assert.match(qualified!, valid)
      const back = QualifiedName.resolve(table, qualified!)
      assert.strictEqual(back?.server, entry.server)
      assert.strictEqual(back?.name, entry.name)
    }
  }, { arbitrary: { runs: 300 } })

  it.prop("names do not depend on the order of the entries", [Entries], ([entries]) => {
    const forward = QualifiedName.assign(entries)
    const backward = QualifiedName.assign([...entries].reverse())
    for (const entry of entries) {
      assert.strictEqual(forward.qualified(entry.server, entry.name), backward.qualified(entry.server, entry.name))
    }
  }, { arbitrary: { runs: 200 } })

  it.prop("a short maxLength is honoured too", [Schema.Array(Pair)], ([entries]) => {
    const table = QualifiedName.assign(entries, { maxLength: 24, separator: "." })
    for (const name of table.entries.keys()) assert.isAtMost(name.length, 24)
    assert.strictEqual(table.entries.size, new Set(entries.map(key)).size)
  })
})
