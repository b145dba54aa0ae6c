import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { ProtocolVersion } from "../../src/index.ts"
import { revisions, schemaPath, specDir, validateOutgoing } from "./SpecOracle.ts"

const init = (protocolVersion: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "c", version: "1" } }
})

describe("the spec oracle", () => {
  it("holds the official schema of every revision the client speaks, and fails loudly on one it lacks", () => {
    assert.sameMembers([...revisions], [...ProtocolVersion.legacyVersions, ...ProtocolVersion.modernVersions])
    for (const revision of revisions) {
      const schema = JSON.parse(readFileSync(schemaPath(revision), "utf8"))
      assert.isObject(schema.$defs ?? schema.definitions, revision)
    }
    assert.throws(() => schemaPath("1999-01-01"), /official schema of MCP 1999-01-01 is missing/)
    assert.throws(() => validateOutgoing("1999-01-01", { jsonrpc: "2.0", method: "ping", id: 1 }), /missing/)
  })

  for (const revision of ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]) {
    it(`accepts valid and refuses invalid messages (${revision})`, () => {
      assert.isTrue(validateOutgoing(revision, init(revision)).ok)
      assert.isTrue(validateOutgoing(revision, { jsonrpc: "2.0", method: "notifications/initialized" }).ok)
      assert.isTrue(
        validateOutgoing(revision, {
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "t", arguments: {} }
        }).ok
      )
      assert.isTrue(validateOutgoing(revision, { jsonrpc: "2.0", id: 9, result: {} }, { resultOf: "ping" }).ok)
      const { clientInfo: _, ...noClientInfo } = init(revision).params
      assert.isFalse(validateOutgoing(revision, { ...init(revision), params: noClientInfo }).ok)
      assert.isFalse(validateOutgoing(revision, { jsonrpc: "2.0", id: 2, method: "tools/call", params: {} }).ok)
      assert.isFalse(
        validateOutgoing(revision, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: true } })
          .ok
      )
      assert.isFalse(validateOutgoing(revision, { ...init(revision), jsonrpc: "1.0" }).ok)
      assert.isFalse(
        validateOutgoing(revision, { jsonrpc: "2.0", id: 3, result: { roots: "no" } }, { resultOf: "roots/list" }).ok
      )
    })
  }

  it("every official 2026-07-28 example validates against its definition", () => {
    const dir = `${specDir}2026-07-28/examples/`
    let checked = 0
    for (const definition of readdirSync(dir)) {
      for (const file of readdirSync(`${dir}${definition}`)) {
        const example = JSON.parse(readFileSync(`${dir}${definition}/${file}`, "utf8"))
        const verdict = validateOutgoing("2026-07-28", example)
        if (typeof example.method === "string" && example.jsonrpc === "2.0") {
          assert.isTrue(verdict.ok, `${definition}/${file}: ${verdict.ok ? "" : verdict.errors}`)
          checked++
        }
      }
    }
    assert.isAbove(checked, 10)
  })
})
