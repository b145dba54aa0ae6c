/**
 * The official MCP JSON Schemas (../shared/spec/<revision>/schema.json) as
 * the oracle for what the client sends: each message is checked against the
 * JSON-RPC envelope and against the definition of its method (or, for a
 * response to a server request, of the result it carries).
 *
 * The 2026-07-28 schema's `JSONObject`/`JSONValue` reject floats and `null`
 * where the specification's TypeScript allows them (see the spec digest);
 * the tests keep such values out of what they send rather than patching it.
 */
import { Ajv } from "ajv"
import type { ValidateFunction } from "ajv"
import { Ajv2020 } from "ajv/dist/2020.js"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const specDir = fileURLToPath(new URL("../../../shared/spec/", import.meta.url))

interface Revision {
  readonly validate: (definition: string) => ValidateFunction
  readonly methods: ReadonlyMap<string, string>
  readonly has: (definition: string) => boolean
  readonly prefix: string
}

const revisions = new Map<string, Revision>()

const load = (revision: string): Revision => {
  const cached = revisions.get(revision)
  if (cached !== undefined) return cached
  const schema = JSON.parse(readFileSync(`${specDir}${revision}/schema.json`, "utf8"))
  const modern = typeof schema.$schema === "string" && schema.$schema.includes("2020-12")
  const settings = { strict: false, allErrors: false, validateFormats: false, logger: false } as const
  const ajv = modern ? new Ajv2020(settings) : new Ajv(settings)
  const id = `mcp-${revision}`
  ajv.addSchema({ ...schema, $id: id })
  const definitions: Record<string, any> = schema.$defs ?? schema.definitions
  const prefix = schema.$defs !== undefined ? "$defs" : "definitions"
  const methods = new Map<string, string>()
  for (const [name, definition] of Object.entries(definitions)) {
    const method = definition?.properties?.method?.const
    if (typeof method === "string" && !methods.has(method)) methods.set(method, name)
  }
  const compiled = new Map<string, ValidateFunction>()
  const result: Revision = {
    validate: (definition) => {
      let validate = compiled.get(definition)
      if (validate === undefined) {
        validate = ajv.compile({ $ref: `${id}#/${prefix}/${definition}` })
        compiled.set(definition, validate)
      }
      return validate
    },
    methods,
    has: (definition) => definition in definitions,
    prefix
  }
  revisions.set(revision, result)
  return result
}

/** The result definition a response to a server request must satisfy. */
const resultOf: Record<string, string> = {
  ping: "EmptyResult",
  "sampling/createMessage": "CreateMessageResult",
  "elicitation/create": "ElicitResult",
  "roots/list": "ListRootsResult"
}

export type Verdict = { readonly ok: true } | {
  readonly ok: false
  readonly definition: string
  readonly errors: string
}

/**
 * Checks a message the client sent. `resultOf` names the server request a
 * response answers, when the message is a response.
 */
export const validateOutgoing = (
  revision: string,
  message: any,
  options: { readonly resultOf?: string | undefined } = {}
): Verdict => {
  const spec = load(revision)
  const checks: Array<[string, unknown]> = []
  if (typeof message?.method === "string") {
    checks.push([message.id === undefined ? "JSONRPCNotification" : "JSONRPCRequest", message])
    const definition = spec.methods.get(message.method)
    if (definition !== undefined) checks.push([definition, message])
  } else if (message?.error !== undefined) {
    checks.push([spec.has("JSONRPCErrorResponse") ? "JSONRPCErrorResponse" : "JSONRPCError", message])
  } else {
    checks.push([spec.has("JSONRPCResultResponse") ? "JSONRPCResultResponse" : "JSONRPCResponse", message])
    const result = options.resultOf === undefined ? undefined : resultOf[options.resultOf]
    if (result !== undefined) {
      checks.push([spec.has(result) ? result : "Result", message.result])
    }
  }
  for (const [definition, value] of checks) {
    const validate = spec.validate(definition)
    if (!validate(value)) {
      return { ok: false, definition, errors: JSON.stringify(validate.errors?.slice(0, 3)) }
    }
  }
  return { ok: true }
}

/** Throws when a message the client sent does not validate. */
export const assertValidOutgoing = (
  revision: string,
  message: unknown,
  options: { readonly resultOf?: string | undefined } = {}
): void => {
  const verdict = validateOutgoing(revision, message, options)
  if (!verdict.ok) {
    throw new Error(
      `Message does not validate against ${revision} ${verdict.definition}: ${verdict.errors}\n${
        JSON.stringify(message)
      }`
    )
  }
}

/** The revision a message is sent under: its own `_meta` version (2026-07-28) or the session's. */
export const revisionOf = (message: any, sessionVersion: string): string =>
  message?.params?._meta?.["io.modelcontextprotocol/protocolVersion"] ?? sessionVersion
