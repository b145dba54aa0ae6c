/**
 * The request headers 2026-07-28 mirrors from the JSON-RPC body on HTTP:
 * `Mcp-Method`, `Mcp-Name`, and one `Mcp-Param-{Name}` per tool parameter a
 * tool annotates with `x-mcp-header`, so that proxies and load balancers can
 * route without reading bodies.
 *
 * Also the validity rule for those annotations: an HTTP client drops a tool
 * whose annotations are invalid from its view of `tools/list`.
 * (https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http)
 *
 * @since 0.1.0
 */
import type * as JsonRpc from "./JsonRpc.ts"
import type * as Mcp from "./Mcp.ts"

/**
 * The annotation keyword on a tool's input property.
 *
 * @category constants
 * @since 0.1.0
 */
export const annotation = "x-mcp-header"

// RFC 9110 token characters.
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Header-safe as is: visible ASCII, space and tab inside, no whitespace at the ends.
const plain = /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/
const sentinel = /^=\?base64\?.*\?=$/
const maxSafeInteger = Number.MAX_SAFE_INTEGER

/**
 * Encodes a header value: as is when it is plain header-safe ASCII,
 * otherwise as `=?base64?{base64 of its UTF-8}?=`.
 *
 * @example
 * ```ts
 * import { HttpHeaders } from "effect-mcp-client"
 *
 * HttpHeaders.encodeValue("plain") // => "plain"
 * HttpHeaders.encodeValue("café") // => "=?base64?Y2Fmw6k=?="
 * ```
 *
 * @category encoding
 * @since 0.1.0
 */
export const encodeValue = (value: string): string =>
  plain.test(value) && !sentinel.test(value)
    ? value
    : `=?base64?${Buffer.from(value, "utf8").toString("base64")}?=`

interface Annotated {
  readonly header: string
  readonly path: ReadonlyArray<string>
}

const isObject = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Keywords through which an annotated property is not reachable "through properties only". */
const nested = [
  "items",
  "prefixItems",
  "additionalProperties",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "$defs",
  "definitions",
  "dependentSchemas",
  "patternProperties",
  "contains"
] as const

/**
 * Collects a tool's header annotations, or explains why they are invalid.
 */
const annotationsOf = (schema: unknown): { readonly ok: ReadonlyArray<Annotated> } | { readonly error: string } => {
  const found: Array<Annotated> = []
  const seen = new Set<string>()
  const walk = (node: unknown, path: ReadonlyArray<string>, reachable: boolean): string | undefined => {
    if (!isObject(node)) return undefined
    const header = node[annotation]
    if (header !== undefined) {
      if (!reachable || path.length === 0) return `'${annotation}' on a property not reachable through properties only`
      if (typeof header !== "string" || header.length === 0 || !token.test(header)) {
        return `'${annotation}' of ${path.join(".")} is not a valid header name`
      }
      const type = node.type
      if (type !== "string" && type !== "integer" && type !== "boolean") {
        return `'${annotation}' of ${path.join(".")} is on a property of type ${JSON.stringify(type)}`
      }
      const lower = header.toLowerCase()
      if (seen.has(lower)) return `'${annotation}' ${header} appears twice`
      seen.add(lower)
      found.push({ header, path })
    }
    const properties = node.properties
    if (isObject(properties)) {
      for (const [name, property] of Object.entries(properties)) {
        const problem = walk(property, [...path, name], reachable)
        if (problem !== undefined) return problem
      }
    }
    for (const keyword of nested) {
      const child = node[keyword]
      const children = Array.isArray(child) ?
        child :
        isObject(child) ?
        (keyword === "$defs" || keyword === "definitions" ||
            keyword === "patternProperties" || keyword === "dependentSchemas" ?
          Object.values(child) :
          [child]) :
        []
      for (const item of children) {
        const problem = walk(item, path, false)
        if (problem !== undefined) return problem
      }
    }
    return undefined
  }
  const problem = walk(schema, [], true)
  return problem === undefined ? { ok: found } : { error: problem }
}

/**
 * Why a tool's `x-mcp-header` annotations make it invalid, or `undefined`
 * when they are valid (or absent).
 *
 * @category validation
 * @since 0.1.0
 */
export const invalidReason = (tool: Mcp.Tool): string | undefined => {
  const result = annotationsOf(tool.inputSchema)
  return "error" in result ? result.error : undefined
}

const headerValue = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value === "string") return encodeValue(value)
  if (typeof value === "boolean") return value ? "true" : "false"
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= maxSafeInteger) return String(value)
  return undefined
}

const at = (args: unknown, path: ReadonlyArray<string>): unknown => {
  let current = args
  for (const key of path) {
    if (!isObject(current)) return undefined
    current = current[key]
  }
  return current
}

/**
 * The headers of a request: `Mcp-Method`, `Mcp-Name` for `tools/call`,
 * `prompts/get` and `resources/read`, and for a tool call the
 * `Mcp-Param-{Name}` headers its definition asks for.
 *
 * @example
 * ```ts
 * import { HttpHeaders } from "effect-mcp-client"
 *
 * HttpHeaders.forRequest("tools/call", { name: "search", arguments: { region: "eu" } }, {
 *   name: "search",
 *   inputSchema: { type: "object", properties: { region: { type: "string", "x-mcp-header": "Region" } } }
 * })
 * // => { "Mcp-Method": "tools/call", "Mcp-Name": "search", "Mcp-Param-Region": "eu" }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const forRequest = (
  method: string,
  params: JsonRpc.JsonObject | undefined,
  tool?: Mcp.Tool | undefined
): Record<string, string> => {
  const headers: Record<string, string> = { "Mcp-Method": method }
  const name = method === "resources/read" ? params?.uri : method === "tools/call" || method === "prompts/get"
    ? params?.name
    // The Tasks extension: routed to the instance that holds the task.
    : method === "tasks/get" || method === "tasks/update" || method === "tasks/cancel"
    ? params?.taskId
    : undefined
  if (typeof name === "string") headers["Mcp-Name"] = encodeValue(name)
  if (method === "tools/call" && tool !== undefined) {
    const annotations = annotationsOf(tool.inputSchema)
    if ("ok" in annotations) {
      for (const { header, path } of annotations.ok) {
        const value = headerValue(at(params?.arguments, path))
        if (value !== undefined) headers[`Mcp-Param-${header}`] = value
      }
    }
  }
  return headers
}
