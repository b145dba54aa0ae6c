/**
 * The official MCP JSON Schemas (test/spec/<revision>/schema.json) as
 * the oracle for what the client sends: each message is checked against the
 * JSON-RPC envelope and against the definition of its method (or, for a
 * response to a server request, of the result it carries).
 *
 * The schema files are stricter than the specification's TypeScript in two
 * known places (see the spec digest, §9): `ElicitResult.content` and the
 * 2026-07-28 `JSONValue` accept integers only (and `JSONValue` no `null`),
 * where the specification says `number`. The oracle loads a copy patched in
 * memory to follow the specification; the files themselves are untouched.
 */
import { Ajv } from "ajv"
import type { ValidateFunction } from "ajv"
import { Ajv2020 } from "ajv/dist/2020.js"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Where the official schemas are kept (see test/spec/README.md). */
export const specDir = fileURLToPath(new URL("../spec/", import.meta.url))

/** The revisions the client speaks, each with its official schema under test/spec. */
export const revisions: ReadonlyArray<string> = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"]

/** The path of a revision's schema; a missing file is an error, never a silent pass. */
export const schemaPath = (revision: string): string => {
  const path = `${specDir}${revision}/schema.json`
  if (!existsSync(path)) throw new Error(`The official schema of MCP ${revision} is missing: ${path}`)
  return path
}

interface Revision {
  readonly validate: (definition: string) => ValidateFunction
  readonly methods: ReadonlyMap<string, string>
  readonly has: (definition: string) => boolean
  readonly prefix: string
}

const loaded = new Map<string, Revision>()

/** Widens "integer" to "number" (and lets JSONValue be null) where the specification says number. */
const patch = (schema: any) => {
  const definitions = schema.$defs ?? schema.definitions
  const widen = (node: any) => {
    for (const branch of node?.anyOf ?? []) {
      if (Array.isArray(branch.type) && branch.type.includes("integer")) {
        branch.type = branch.type.map((t: string) => (t === "integer" ? "number" : t))
      }
    }
  }
  widen(definitions?.ElicitResult?.properties?.content?.additionalProperties)
  if (definitions?.JSONValue !== undefined) {
    widen(definitions.JSONValue)
    definitions.JSONValue.anyOf.push({ type: "null" })
  }
  return schema
}

const load = (revision: string): Revision => {
  const cached = loaded.get(revision)
  if (cached !== undefined) return cached
  const schema = patch(JSON.parse(readFileSync(schemaPath(revision), "utf8")))
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
  loaded.set(revision, result)
  return result
}

/** The result definition a response to a server request must satisfy. */
const resultOf: Record<string, string> = {
  ping: "EmptyResult",
  "sampling/createMessage": "CreateMessageResult",
  "elicitation/create": "ElicitResult",
  "roots/list": "ListRootsResult",
  // 2025-11-25 tasks: the client as a task receiver.
  "sampling/createMessage#task": "CreateTaskResult",
  "elicitation/create#task": "CreateTaskResult",
  "tasks/get": "GetTaskResult",
  "tasks/result": "GetTaskPayloadResult",
  "tasks/cancel": "CancelTaskResult",
  "tasks/list": "ListTasksResult"
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
