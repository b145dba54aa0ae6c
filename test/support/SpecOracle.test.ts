import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { validateOutgoing } from "./SpecOracle.ts"

const init = (protocolVersion: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "c", version: "1" } }
})

describe("the spec oracle", () => {
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
    const dir = fileURLToPath(new URL("../../../shared/spec/2026-07-28/examples/", import.meta.url))
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
