import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, Stream } from "effect"
import { HttpHeaders, type JsonRpc, McpClient, Transport } from "../../src/index.ts"

const tool = (name: string, properties: Record<string, unknown>) => ({
  name,
  inputSchema: { type: "object", properties }
})

describe("HttpHeaders", () => {
  it("encodes values that are not plain header-safe ASCII", () => {
    assert.strictEqual(HttpHeaders.encodeValue("eu-west-1"), "eu-west-1")
    assert.strictEqual(HttpHeaders.encodeValue("with space"), "with space")
    assert.strictEqual(HttpHeaders.encodeValue(" leading"), "=?base64?IGxlYWRpbmc=?=")
    assert.strictEqual(HttpHeaders.encodeValue("日本"), `=?base64?${Buffer.from("日本").toString("base64")}?=`)
    assert.strictEqual(
      HttpHeaders.encodeValue("line\nbreak"),
      `=?base64?${Buffer.from("line\nbreak").toString("base64")}?=`
    )
    // A value that looks like the sentinel is encoded too.
    assert.strictEqual(
      HttpHeaders.encodeValue("=?base64?x?="),
      `=?base64?${Buffer.from("=?base64?x?=").toString("base64")}?=`
    )
    assert.strictEqual(HttpHeaders.encodeValue(""), "=?base64??=")
  })

  it("finds invalid annotations", () => {
    assert.isUndefined(HttpHeaders.invalidReason(tool("ok", { a: { type: "string", "x-mcp-header": "A" } })))
    assert.isUndefined(HttpHeaders.invalidReason(tool("none", { a: { type: "number" } })))
    assert.include(HttpHeaders.invalidReason(tool("number", { a: { type: "number", "x-mcp-header": "A" } })), "type")
    assert.include(
      HttpHeaders.invalidReason(tool("empty", { a: { type: "string", "x-mcp-header": "" } })),
      "header name"
    )
    assert.include(
      HttpHeaders.invalidReason(tool("space", { a: { type: "string", "x-mcp-header": "A B" } })),
      "header name"
    )
    assert.include(
      HttpHeaders.invalidReason(tool("dup", {
        a: { type: "string", "x-mcp-header": "Region" },
        b: { type: "string", "x-mcp-header": "region" }
      })),
      "twice"
    )
    assert.include(
      HttpHeaders.invalidReason(
        tool("items", { a: { type: "array", items: { type: "string", "x-mcp-header": "A" } } })
      ),
      "reachable"
    )
    assert.include(
      HttpHeaders.invalidReason(tool("anyOf", { a: { anyOf: [{ type: "string", "x-mcp-header": "A" }] } })),
      "reachable"
    )
  })

  it("builds Mcp-Method, Mcp-Name and Mcp-Param headers", () => {
    const search = tool("search", {
      region: { type: "string", "x-mcp-header": "Region" },
      limit: { type: "integer", "x-mcp-header": "Limit" },
      exact: { type: "boolean", "x-mcp-header": "Exact" },
      filter: { type: "object", properties: { lang: { type: "string", "x-mcp-header": "Lang" } } },
      absent: { type: "string", "x-mcp-header": "Absent" }
    })
    assert.deepStrictEqual(
      HttpHeaders.forRequest("tools/call", {
        name: "search",
        arguments: { region: "日本", limit: 10, exact: false, filter: { lang: "pt" }, absent: null }
      }, search),
      {
        "Mcp-Method": "tools/call",
        "Mcp-Name": "search",
        "Mcp-Param-Region": `=?base64?${Buffer.from("日本").toString("base64")}?=`,
        "Mcp-Param-Limit": "10",
        "Mcp-Param-Exact": "false",
        "Mcp-Param-Lang": "pt"
      }
    )
    assert.deepStrictEqual(HttpHeaders.forRequest("resources/read", { uri: "file:///a b" }), {
      "Mcp-Method": "resources/read",
      "Mcp-Name": "file:///a b"
    })
    assert.deepStrictEqual(HttpHeaders.forRequest("tools/list", {}), { "Mcp-Method": "tools/list" })
    // The Tasks extension routes task methods by task id.
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      assert.deepStrictEqual(HttpHeaders.forRequest(method, { taskId: "t-1" }), {
        "Mcp-Method": method,
        "Mcp-Name": "t-1"
      })
    }
  })
})

describe("2026-07-28 over an HTTP-like transport", () => {
  const tools = [
    tool("search", { region: { type: "string", "x-mcp-header": "Region" } }),
    tool("broken", { n: { type: "number", "x-mcp-header": "N" } })
  ]

  /** A transport with exchanges that records each exchange's headers and answers like a 2026-07-28 server. */
  const connect = (mismatchOnce: boolean) =>
    Effect.gen(function*() {
      const incoming = yield* Queue.unbounded<unknown>()
      const exchanges = yield* Queue.unbounded<{ readonly request: JsonRpc.Request; readonly headers: any }>()
      let mismatches = mismatchOnce ? 1 : 0
      const reply = (request: JsonRpc.Request, result: unknown) =>
        Queue.offer(incoming, { jsonrpc: "2.0", id: request.id, result }).pipe(Effect.asVoid)
      const transport: Transport.TransportShape = {
        send: () => Effect.void,
        incoming: Stream.fromQueue(incoming),
        exchange: (request, context) =>
          Effect.gen(function*() {
            yield* Queue.offer(exchanges, { request, headers: context?.headers })
            switch (request.method) {
              case "server/discover":
                return yield* reply(request, {
                  supportedVersions: ["2026-07-28"],
                  capabilities: { tools: {} },
                  ttlMs: 0,
                  cacheScope: "public",
                  resultType: "complete"
                })
              case "tools/list":
                return yield* reply(request, { tools, ttlMs: 0, cacheScope: "public", resultType: "complete" })
              default:
                if (mismatches > 0) {
                  mismatches--
                  return yield* Queue.offer(incoming, {
                    jsonrpc: "2.0",
                    id: request.id,
                    error: { code: -32020, message: "Mcp-Param-Region does not match" }
                  })
                }
                return yield* reply(request, { content: [], resultType: "complete" })
            }
          })
      }
      const client = yield* McpClient.make({ name: "c", version: "1" }).pipe(
        Effect.provideService(Transport.Transport, transport)
      )
      return { client, exchanges }
    })

  it.effect("every request carries MCP-Protocol-Version and Mcp-Method; tool calls carry Mcp-Name and Mcp-Param-*", () =>
    Effect.gen(function*() {
      const { client, exchanges } = yield* connect(false)
      yield* client.callTool("search", { region: "eu" })
      const all = yield* Queue.takeAll(exchanges)
      assert.deepStrictEqual(all.map((e) => e.request.method), ["server/discover", "tools/list", "tools/call"])
      assert.deepStrictEqual(all[0]!.headers, { "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "server/discover" })
      assert.deepStrictEqual(all[2]!.headers, {
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/call",
        "Mcp-Name": "search",
        "Mcp-Param-Region": "eu"
      })
    }))

  it.effect("tools with invalid header annotations are dropped from the list", () =>
    Effect.gen(function*() {
      const { client } = yield* connect(false)
      const { tools: listed } = yield* client.listTools()
      assert.deepStrictEqual(listed.map((t) => t.name), ["search"])
    }))

  it.effect("-32020 HeaderMismatch re-lists the tools and retries once", () =>
    Effect.gen(function*() {
      const { client, exchanges } = yield* connect(true)
      yield* client.callTool("search", { region: "eu" })
      const methods = (yield* Queue.takeAll(exchanges)).map((e) => e.request.method)
      assert.deepStrictEqual(methods, ["server/discover", "tools/list", "tools/call", "tools/list", "tools/call"])
    }))
})
