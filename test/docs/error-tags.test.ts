/**
 * The guide's error tables say what the types say: each method's row lists
 * exactly the tags of its error channel (test/docs/ErrorTags.ts, checked
 * against `McpClientShape` by the type check), the first table lists exactly
 * `McpError.RequestError`, and every tag a method can fail with is explained.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { errorTags, requestErrorTags } from "./ErrorTags.ts"

const guide = readFileSync(join(import.meta.dirname, "..", "..", "docs", "guide.md"), "utf8")
const errorsSection = guide.slice(
  guide.indexOf("## Errors\n"),
  guide.indexOf("\n## ", guide.indexOf("## Errors\n") + 1)
)

/** The tables of a Markdown text: each a header and rows of cells. */
const tables = (text: string) => {
  const found: Array<{ header: Array<string>; rows: Array<Array<string>> }> = []
  let current: { header: Array<string>; rows: Array<Array<string>> } | undefined
  for (const line of text.split("\n")) {
    if (!line.startsWith("|")) {
      current = undefined
      continue
    }
    const cells = line.slice(1, -1).split(" | ").map((cell) => cell.trim())
    if (current === undefined) found.push(current = { header: cells, rows: [] })
    else if (!/^-+$/.test(cells[0]!)) current.rows.push(cells)
  }
  return found
}

const codes = (cell: string): Array<string> => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!)
const tagOf = (cell: string): string => codes(cell)[0]!.split(" ")[0]!
const sorted = (values: Iterable<string>) => [...new Set(values)].sort()

const [shared, added, perMethod] = tables(errorsSection)

describe("the guide's error tables", () => {
  it("are the three tables of the Errors section", () => {
    assert.deepStrictEqual(shared?.header, ["error", "when"])
    assert.deepStrictEqual(added?.header, ["error", "when"])
    assert.deepStrictEqual(perMethod?.header, ["method", "fails with"])
  })

  it("list every request's errors exactly as McpError.RequestError has them", () => {
    assert.deepStrictEqual(sorted(shared!.rows.map(([error]) => tagOf(error!))), sorted(requestErrorTags))
  })

  it("list each method's errors exactly as its signature has them", () => {
    const documented = new Map<string, Array<string>>()
    for (const [methods, tags] of perMethod!.rows) {
      const expanded = codes(tags!).flatMap((tag) => tag === "RequestError" ? requestErrorTags : [tag])
      for (const method of codes(methods!)) {
        const name = method.replace(/^McpClient\./, "").replace(/\(.*\)$/, "")
        assert.isFalse(documented.has(name), `${name} is in two rows`)
        documented.set(name, sorted(expanded))
      }
    }
    assert.deepStrictEqual(sorted(documented.keys()), sorted(Object.keys(errorTags)), "the methods of the table")
    for (const [method, tags] of Object.entries(errorTags)) {
      assert.deepStrictEqual(documented.get(method), sorted(tags), `the errors of ${method}`)
    }
  })

  it("explain every tag a method can fail with, once", () => {
    const explained = [...shared!.rows, ...added!.rows].map(([error]) => tagOf(error!))
    assert.deepStrictEqual(explained, [...new Set(explained)], "no tag is explained twice")
    assert.deepStrictEqual(sorted(explained), sorted(Object.values(errorTags).flat()))
  })
})
