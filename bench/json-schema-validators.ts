/**
 * `node bench/json-schema-validators.ts`: measures JSON Schema validators on
 * the schemas MCP servers send (a tool `inputSchema`, a tool `outputSchema`
 * with `$defs`/`$ref`/`enum`/`anyOf`, an elicitation `requestedSchema` with
 * formats and defaults, and a 200-property schema), and checks them on the
 * 2020-12 and draft-07 features that matter, on error paths, and on a remote
 * `$ref` (which must never be fetched: every network attempt is refused and
 * recorded). The decision it informs: docs/decisions/json-schema-validator.md.
 *
 * Measured, per candidate, each in a fresh process, candidates interleaved
 * across rounds, medians reported with their range:
 * - module import time and the first compile in a fresh process;
 * - compile time of a fresh schema (compile plus the first check: some
 *   validators compile lazily), per schema;
 * - checks per second for a valid and an invalid instance (the invalid one
 *   includes reading the first error's path and message);
 * - heap retained per compiled-then-dropped schema (a client recompiles every
 *   tool's schema on each listing).
 *
 * Candidates: the libraries below, each configured as a client would use it,
 * and the client's own module src/protocol/JsonSchema.ts (`ours`), measured
 * through its `compile` (its import time then excludes the validator, which
 * it loads on the first compile).
 *
 * The packages it needs (install them as devDependencies; a missing one is
 * skipped and named):
 *   ajv@8.20.0 ajv-formats@3.0.1 @cfworker/json-schema@4.1.6
 *   @exodus/schemasafe@1.3.0 @hyperjump/json-schema@1.18.0
 *   json-schema-library@11.6.2 z-schema@12.5.0 typebox@1.4.3
 *
 * Flags: `--quick` (one short round), `--rounds N` (default 5), `--only a,b`
 * (candidate ids), `--ours id=path,...` (other modules with the same
 * `compile`, in place of src/protocol/JsonSchema.ts). Writes
 * bench/results/json-schema-<time>/results.json and results.md, and prints
 * the tables. */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { cpus } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const self = fileURLToPath(import.meta.url)
const argv = process.argv.slice(2)
const option = (name: string) => {
  const index = argv.indexOf(name)
  return index === -1 ? undefined : argv[index + 1]
}

// ---------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------

type Schema = { readonly [key: string]: unknown }

interface Issue {
  readonly path: string
  readonly message: string
}

type Check = (value: unknown) => Issue | undefined

interface Options {
  /** Whether `format` is asserted. */
  readonly formats: boolean
}

interface Engine {
  /** Compiles a schema or throws with the reason it cannot be used. */
  readonly compile: (schema: Schema, options: Options) => Check | Promise<Check>
}

interface Candidate {
  readonly id: string
  readonly label: string
  readonly packages: ReadonlyArray<string>
  /** How `format` assertion is controlled. */
  readonly formatControl: string
  /** `false` for a module that never asserts `format`: format workloads and cases are skipped. */
  readonly assertsFormats?: boolean
  readonly load: () => Promise<Engine>
}

// A computed specifier keeps the type check from needing the packages.
const load = (specifier: string): Promise<any> => import(specifier)
const defaultExport = (module: any): any => module?.default?.default ?? module?.default ?? module

const draft2020 = "https://json-schema.org/draft/2020-12/schema"
const draft07 = "http://json-schema.org/draft-07/schema"

/** The dialect a schema declares (2020-12 when it declares none), as the client decides it. */
const dialectOf = (schema: Schema): "2020-12" | "draft-07" => {
  const declared = schema.$schema
  if (declared === undefined) return "2020-12"
  if (typeof declared !== "string") throw new Error("$schema must be a string")
  const normalized = declared.replace(/#$/, "")
  if (normalized === draft2020) return "2020-12"
  if (normalized === draft07 || normalized === draft07.replace("http:", "https:")) return "draft-07"
  throw new Error(`Unsupported JSON Schema dialect ${declared}`)
}

/** A JSON Pointer from a `#/a/b` fragment or a path array. */
const pointer = (location: unknown): string => {
  if (Array.isArray(location)) {
    return location.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")
  }
  const text = String(location ?? "").replace(/^#/, "")
  const trimmed = text === "/" ? "" : text
  try {
    return decodeURIComponent(trimmed)
  } catch {
    return trimmed
  }
}

const child = (path: string, name: unknown) =>
  name === undefined ? path : `${path}/${String(name).replace(/~/g, "~0").replace(/\//g, "~1")}`

const libraries: ReadonlyArray<Candidate> = [
  {
    id: "ajv",
    label: "ajv (Ajv2020 / Ajv)",
    packages: ["ajv", "ajv-formats"],
    formatControl: "option validateFormats; needs ajv-formats to assert",
    load: async () => {
      const { Ajv } = await load("ajv")
      const { Ajv2020 } = await load("ajv/dist/2020.js")
      const addFormats = defaultExport(await load("ajv-formats"))
      const instances = new Map<string, any>()
      const instance = (dialect: string, formats: boolean) => {
        const key = `${dialect}:${formats}`
        let ajv = instances.get(key)
        if (ajv === undefined) {
          const options = { strict: false, allErrors: false, validateFormats: formats }
          ajv = dialect === "2020-12" ? new Ajv2020(options) : new Ajv(options)
          if (formats) addFormats(ajv)
          instances.set(key, ajv)
        }
        return ajv
      }
      return {
        compile: (schema, options) => {
          const validate = instance(dialectOf(schema), options.formats).compile(schema)
          return (value) => {
            if (validate(value)) return undefined
            const error = validate.errors?.[0]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const missing = error.keyword === "required" ? error.params.missingProperty : undefined
            return { path: child(error.instancePath, missing), message: error.message ?? `fails ${error.keyword}` }
          }
        }
      }
    }
  },
  {
    id: "cfworker",
    label: "@cfworker/json-schema",
    packages: ["@cfworker/json-schema"],
    formatControl: "always asserted (no option)",
    load: async () => {
      const { Validator } = await load("@cfworker/json-schema")
      return {
        compile: (schema) => {
          const validator = new Validator(schema, dialectOf(schema) === "draft-07" ? "7" : "2020-12", true)
          return (value) => {
            const result = validator.validate(value)
            if (result.valid) return undefined
            // Errors come outermost first: the last one is the most specific.
            const error = result.errors[result.errors.length - 1]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const missing = error.keyword === "required" ? /property "(.*)"/.exec(error.error)?.[1] : undefined
            return { path: child(pointer(error.instanceLocation), missing), message: error.error }
          }
        }
      }
    }
  },
  {
    id: "schemasafe",
    label: "@exodus/schemasafe",
    packages: ["@exodus/schemasafe"],
    formatControl: "option formatAssertion; unknown formats refused at compile",
    load: async () => {
      const { validator } = await load("@exodus/schemasafe")
      return {
        compile: (schema, options) => {
          dialectOf(schema)
          const validate = validator(schema, {
            mode: "default",
            includeErrors: true,
            allErrors: false,
            // Servers' schemas carry annotations and extension keywords.
            allowUnusedKeywords: true,
            $schemaDefault: draft2020,
            formatAssertion: options.formats
          })
          return (value) => {
            if (validate(value)) return undefined
            const error = validate.errors?.[0]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const keyword = String(error.keywordLocation).split("/").pop()
            return { path: pointer(error.instanceLocation), message: `fails ${keyword}` }
          }
        }
      }
    }
  },
  {
    id: "hyperjump",
    label: "@hyperjump/json-schema",
    packages: ["@hyperjump/json-schema"],
    formatControl: "import formats module + process-wide setShouldValidateFormat",
    load: async () => {
      const hyperjump = await load("@hyperjump/json-schema/draft-2020-12")
      await load("@hyperjump/json-schema/draft-07")
      await load("@hyperjump/json-schema/formats")
      let counter = 0
      let asserting: boolean | undefined
      const assertFormats = (formats: boolean) => {
        if (asserting !== formats) hyperjump.setShouldValidateFormat(formats)
        asserting = formats
      }
      return {
        compile: async (schema, options) => {
          dialectOf(schema)
          const uri = `urn:bench:schema:${++counter}`
          assertFormats(options.formats)
          hyperjump.registerSchema(schema, uri, draft2020)
          let validate: any
          try {
            validate = await hyperjump.validate(uri)
          } finally {
            hyperjump.unregisterSchema(uri)
          }
          return (value) => {
            assertFormats(options.formats)
            const output = validate(value, "BASIC")
            if (output.valid) return undefined
            const error = output.errors?.[output.errors.length - 1]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            return { path: pointer(error.instanceLocation), message: `fails ${String(error.keyword).split("/").pop()}` }
          }
        }
      }
    }
  },
  {
    id: "jsl",
    label: "json-schema-library",
    packages: ["json-schema-library"],
    formatControl: "option formatAssertion",
    load: async () => {
      const { compileSchema } = await load("json-schema-library")
      return {
        compile: (schema, options) => {
          dialectOf(schema)
          const node = compileSchema(schema, {
            formatAssertion: options.formats,
            throwOnInvalidRef: true,
            throwOnInvalidSchema: true
          })
          return (value) => {
            const result = node.validate(value)
            if (result.valid) return undefined
            const error = result.errors[0]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const missing = error.code === "required-property-error" ? error.data?.key : undefined
            return { path: child(pointer(error.data?.pointer), missing), message: error.message }
          }
        }
      }
    }
  },
  {
    id: "z-schema",
    label: "z-schema",
    packages: ["z-schema"],
    formatControl: "option formatAssertions",
    load: async () => {
      const ZSchema = defaultExport(await load("z-schema"))
      const instances = new Map<boolean, any>()
      const instance = (formats: boolean) => {
        let z = instances.get(formats)
        if (z === undefined) {
          // `formatAssertions: true` asserts only where a vocabulary asks for it; `null` always does.
          z = ZSchema.create({
            safe: true,
            breakOnFirstError: true,
            formatAssertions: formats ? null : false,
            ignoreUnknownFormats: true
          })
          instances.set(formats, z)
        }
        return z
      }
      return {
        compile: (schema, options) => {
          dialectOf(schema)
          const validate = instance(options.formats).compile(schema)
          return (value) => {
            const result = validate(value)
            if (result.valid) return undefined
            let error = result.err?.details?.[0]
            while (error?.inner?.[0] !== undefined) error = error.inner[0]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const missing = error.code === "OBJECT_MISSING_REQUIRED_PROPERTY" ? error.params?.[0] : undefined
            return { path: child(pointer(error.path), missing), message: error.message }
          }
        }
      }
    }
  },
  {
    id: "typebox",
    label: "typebox (typebox/schema)",
    packages: ["typebox"],
    formatControl: "process-wide format registry (Format.Clear/Reset)",
    load: async () => {
      const Schema = defaultExport(await load("typebox/schema"))
      const { Format } = await load("typebox/format")
      return {
        compile: (schema, options) => {
          dialectOf(schema)
          // Formats are looked up when the validator is built.
          if (!options.formats) Format.Clear()
          let validator: any
          try {
            validator = Schema.Compile(schema)
          } finally {
            if (!options.formats) Format.Reset()
          }
          return (value) => {
            if (validator.Check(value)) return undefined
            const error = validator.Errors(value)[1][0]
            if (error === undefined) return { path: "", message: "does not match the schema" }
            const missing = error.keyword === "required" ? error.params?.requiredProperties?.[0] : undefined
            return { path: child(error.instancePath, missing), message: error.message }
          }
        }
      }
    }
  }
]

/**
 * The client's own module (`JsonSchema.compile`), measured as it is:
 * `--ours label=path,...`; by default `ours`, src/protocol/JsonSchema.ts.
 */
const wrapper = (id: string, path: string): Candidate => ({
  id,
  label: `${id}: ${path}`,
  packages: [],
  formatControl: "not asserted (the client's choice)",
  assertsFormats: false,
  load: async () => {
    const module = await load(pathToFileURL(path).href)
    const Effect = await load("effect/Effect")
    const Exit = await load("effect/Exit")
    const unwrap = (compiled: any): Check => {
      if (compiled._tag !== "Success") throw new Error(String(compiled.failure))
      return compiled.success
    }
    return {
      compile: (schema) => {
        // `compile` returns a Result, or an Effect of one (run synchronously once the validator is loaded).
        const compiled = module.compile(schema)
        if (compiled._tag === "Success" || compiled._tag === "Failure") return unwrap(compiled)
        const exit = Effect.runSyncExit(compiled)
        return Exit.isSuccess(exit) ? unwrap(exit.value) : Effect.runPromise(compiled).then(unwrap)
      }
    }
  }
})

const oursOption = option("--ours")
const defaultOurs = join(here, "..", "src", "protocol", "JsonSchema.ts")
const ours: ReadonlyArray<Candidate> = oursOption !== undefined
  ? oursOption.split(",").map((entry) => {
    const [id, path] = entry.includes("=") ? entry.split("=") as [string, string] : ["ours", entry]
    return wrapper(id, path)
  })
  : existsSync(defaultOurs)
  ? [wrapper("ours", defaultOurs)]
  : []

const candidates: ReadonlyArray<Candidate> = [...libraries, ...ours]

// ---------------------------------------------------------------------------
// Workload schemas and instances
// ---------------------------------------------------------------------------

const toolInput: Schema = {
  type: "object",
  properties: {
    query: { type: "string", minLength: 1, description: "What to search for" },
    limit: { type: "integer", minimum: 1, maximum: 100, default: 10 },
    language: { type: "string", enum: ["en", "de", "fr", "pt"] },
    includeArchived: { type: "boolean" },
    tags: { type: "array", items: { type: "string" }, maxItems: 10 }
  },
  required: ["query", "limit"],
  additionalProperties: false
}

const reading = (hour: number, conditions = "cloudy") => ({
  time: `2026-05-01T${String(hour).padStart(2, "0")}:00:00Z`,
  temperature: 12 + (hour % 7),
  unit: "C",
  conditions,
  wind: hour % 3 === 0 ? null : { speed: 3 + (hour % 5), direction: "NW" }
})

const toolOutput: Schema = {
  $schema: draft2020,
  type: "object",
  $defs: {
    location: {
      type: "object",
      properties: {
        name: { type: "string" },
        lat: { type: "number", minimum: -90, maximum: 90 },
        lon: { type: "number", minimum: -180, maximum: 180 }
      },
      required: ["name", "lat", "lon"]
    },
    reading: {
      type: "object",
      properties: {
        time: { type: "string" },
        temperature: { type: "number" },
        unit: { enum: ["C", "F"] },
        conditions: { enum: ["clear", "cloudy", "rain", "snow", "fog"] },
        wind: {
          anyOf: [
            { type: "null" },
            {
              type: "object",
              properties: {
                speed: { type: "number", minimum: 0 },
                direction: { type: "string", pattern: "^(N|NE|E|SE|S|SW|W|NW)$" }
              },
              required: ["speed"]
            }
          ]
        }
      },
      required: ["time", "temperature", "unit", "conditions"]
    }
  },
  properties: {
    location: { $ref: "#/$defs/location" },
    current: { $ref: "#/$defs/reading" },
    forecast: { type: "array", items: { $ref: "#/$defs/reading" }, minItems: 1, maxItems: 48 },
    alerts: {
      type: "array",
      items: {
        type: "object",
        properties: {
          severity: { enum: ["minor", "moderate", "severe", "extreme"] },
          headline: { type: "string" },
          regions: { type: "array", items: { type: "string" }, uniqueItems: true }
        },
        required: ["severity", "headline"]
      }
    },
    source: {
      anyOf: [
        { type: "string" },
        { type: "object", properties: { name: { type: "string" }, url: { type: "string" } }, required: ["name"] }
      ]
    }
  },
  required: ["location", "current", "forecast"]
}

const forecast = Array.from({ length: 24 }, (_, hour) => reading(hour))
const toolOutputValid = {
  location: { name: "Lisbon", lat: 38.72, lon: -9.14 },
  current: reading(9, "clear"),
  forecast,
  alerts: [{ severity: "moderate", headline: "Wind", regions: ["Lisboa", "Setúbal"] }],
  source: { name: "Met office", url: "https://example.com" }
}
const toolOutputInvalid = {
  ...toolOutputValid,
  forecast: forecast.map((r, i) => i === 17 ? { ...r, conditions: "sunny" } : r)
}

const elicitation: Schema = {
  type: "object",
  properties: {
    name: { type: "string", title: "Full name", minLength: 1, maxLength: 100 },
    email: { type: "string", format: "email", title: "Email" },
    birthday: { type: "string", format: "date", title: "Birthday" },
    website: { type: "string", format: "uri", title: "Website" },
    age: { type: "integer", minimum: 18, maximum: 120, default: 30 },
    rating: { type: "number", minimum: 0, maximum: 5, default: 3.5 },
    plan: { type: "string", enum: ["free", "pro", "team"], enumNames: ["Free", "Pro", "Team"], default: "free" },
    region: {
      type: "string",
      oneOf: [{ const: "eu", title: "Europe" }, { const: "us", title: "Americas" }, { const: "ap", title: "Asia" }]
    },
    topics: { type: "array", items: { type: "string", enum: ["news", "offers", "events"] }, maxItems: 3 },
    newsletter: { type: "boolean", default: false }
  },
  required: ["name", "email", "age"]
}
const elicitationValid = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  birthday: "1990-12-10",
  website: "https://example.com/ada",
  age: 36,
  rating: 4.5,
  plan: "pro",
  region: "eu",
  topics: ["news", "events"],
  newsletter: true
}

const large: Schema = (() => {
  const properties: Record<string, unknown> = {}
  for (let i = 0; i < 200; i++) {
    const name = `field${i}`
    switch (i % 8) {
      case 0:
        properties[name] = { type: "string", maxLength: 200, description: `Field ${i}` }
        break
      case 1:
        properties[name] = { type: "integer", minimum: 0, maximum: 1_000_000 }
        break
      case 2:
        properties[name] = { type: "number" }
        break
      case 3:
        properties[name] = { type: "boolean" }
        break
      case 4:
        properties[name] = { type: "string", enum: ["a", "b", "c", "d"] }
        break
      case 5:
        properties[name] = { type: "array", items: { type: "string" }, maxItems: 20 }
        break
      case 6:
        properties[name] = {
          type: "object",
          properties: { id: { type: "string" }, count: { type: "integer" } },
          required: ["id"],
          additionalProperties: false
        }
        break
      default:
        properties[name] = { type: ["string", "null"] }
    }
  }
  return {
    type: "object",
    properties,
    required: Array.from({ length: 50 }, (_, i) => `field${i}`),
    additionalProperties: false
  }
})()
const largeValid: Record<string, unknown> = {}
for (let i = 0; i < 200; i++) {
  largeValid[`field${i}`] = [
    `value ${i}`,
    i * 10,
    i / 3,
    i % 2 === 0,
    "c",
    ["x", "y"],
    { id: `id${i}`, count: i },
    null
  ][i % 8]
}

interface Workload {
  readonly id: string
  readonly title: string
  readonly schema: Schema
  readonly valid: unknown
  readonly invalid: unknown
  readonly invalidPath: string
  readonly formats: boolean
}

const workloads: ReadonlyArray<Workload> = [
  {
    id: "input",
    title: "tool inputSchema (5 properties)",
    schema: toolInput,
    valid: { query: "effect schema", limit: 20, language: "en", tags: ["docs", "api"] },
    invalid: { query: "effect schema", limit: 500 },
    invalidPath: "/limit",
    formats: false
  },
  {
    id: "output",
    title: "tool outputSchema ($defs, $ref, enum, anyOf; 24 readings)",
    schema: toolOutput,
    valid: toolOutputValid,
    invalid: toolOutputInvalid,
    invalidPath: "/forecast/17/conditions",
    formats: false
  },
  {
    id: "form",
    title: "elicitation requestedSchema (formats not asserted)",
    schema: elicitation,
    valid: elicitationValid,
    invalid: { ...elicitationValid, age: 12 },
    invalidPath: "/age",
    formats: false
  },
  {
    id: "form-formats",
    title: "elicitation requestedSchema (formats asserted)",
    schema: elicitation,
    valid: elicitationValid,
    invalid: { ...elicitationValid, email: "ada at example" },
    invalidPath: "/email",
    formats: true
  },
  {
    id: "large",
    title: "200-property schema",
    schema: large,
    valid: largeValid,
    invalid: { ...largeValid, field150: 7 },
    invalidPath: "/field150",
    formats: false
  }
]

// ---------------------------------------------------------------------------
// Correctness cases
// ---------------------------------------------------------------------------

interface Case {
  readonly id: string
  readonly title: string
  readonly schema: Schema
  readonly formats?: boolean
  readonly valid?: ReadonlyArray<unknown>
  /**
   * Invalid instances with the expected path of the first issue; for a missing
   * or extra member, either the member or its parent is accepted.
   */
  readonly invalid?: ReadonlyArray<readonly [unknown, string | ReadonlyArray<string>]>
  /** The schema must be refused at compile time. */
  readonly refuse?: boolean
}

const cases: ReadonlyArray<Case> = [
  {
    id: "defs-ref",
    title: "2020-12 `$defs` + `$ref` (chained)",
    schema: {
      $defs: {
        qty: { type: "integer", minimum: 1 },
        line: {
          type: "object",
          properties: { sku: { type: "string" }, qty: { $ref: "#/$defs/qty" } },
          required: ["sku"]
        }
      },
      type: "object",
      properties: { items: { type: "array", items: { $ref: "#/$defs/line" } } }
    },
    valid: [{ items: [{ sku: "a", qty: 2 }] }],
    invalid: [[{ items: [{ sku: "a", qty: 2 }, { sku: "b", qty: 0 }] }, "/items/1/qty"], [{ items: [{ qty: 1 }] }, [
      "/items/0/sku",
      "/items/0"
    ]]]
  },
  {
    id: "anchor",
    title: "`$anchor` reference with sibling keywords, `if`/`then`",
    schema: {
      $defs: { temp: { $anchor: "temp", type: "number", minimum: -100 } },
      type: "object",
      properties: { c: { $ref: "#temp" }, unit: { enum: ["C", "F"] } },
      if: { properties: { unit: { const: "F" } } },
      then: { required: ["c"] }
    },
    valid: [{ c: 20, unit: "F" }, { unit: "C" }],
    invalid: [[{ c: -200 }, "/c"], [{ unit: "F" }, ["/c", ""]]]
  },
  {
    id: "recursive",
    title: "recursive `$ref: \"#\"` (tree)",
    schema: {
      type: "object",
      properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
      required: ["name"]
    },
    valid: [{ name: "a", children: [{ name: "b", children: [{ name: "c" }] }] }],
    invalid: [[{ name: "a", children: [{ name: "b", children: [{ name: 3 }] }] }, "/children/0/children/0/name"]]
  },
  {
    id: "prefixItems",
    title: "`prefixItems` + `items: false`",
    schema: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
    valid: [["a", 1], ["a"]],
    invalid: [[["a", "b"], "/1"], [["a", 1, true], ["/2", ""]]]
  },
  {
    id: "unevaluatedProperties",
    title: "`unevaluatedProperties: false` with `allOf`",
    schema: {
      type: "object",
      allOf: [{ properties: { a: { type: "string" } } }, { properties: { b: { type: "number" } } }],
      unevaluatedProperties: false
    },
    valid: [{ a: "x", b: 1 }],
    invalid: [[{ a: "x", b: 1, c: true }, ["/c", ""]]]
  },
  {
    id: "dependentRequired",
    title: "`dependentRequired`",
    schema: { type: "object", dependentRequired: { card: ["billing"] } },
    valid: [{ card: "1", billing: "x" }, { billing: "x" }],
    invalid: [[{ card: "1" }, ["/billing", ""]]]
  },
  {
    id: "const",
    title: "`const` (object and string)",
    schema: { type: "object", properties: { kind: { const: "point" }, at: { const: { x: 0, y: 0 } } } },
    valid: [{ kind: "point", at: { y: 0, x: 0 } }],
    invalid: [[{ kind: "line" }, "/kind"], [{ at: { x: 0, y: 1 } }, "/at"]]
  },
  {
    id: "boolean-schemas",
    title: "boolean subschemas, `{}` and unicode `maxLength`",
    schema: { type: "object", properties: { any: true, never: false, icon: { type: "string", maxLength: 1 } } },
    valid: [{ any: [1, "x"], icon: "😀" }],
    invalid: [[{ never: 1 }, "/never"]]
  },
  {
    id: "formats-off",
    title: "formats not asserted when turned off (invalid email/date/uri accepted)",
    schema: elicitation,
    formats: false,
    valid: [{ ...elicitationValid, email: "ada at example", birthday: "1990-02-30", website: "not a uri" }]
  },
  {
    id: "formats-on",
    title: "formats asserted when turned on (`email`, `date`, `uri`)",
    schema: elicitation,
    formats: true,
    valid: [elicitationValid],
    invalid: [
      [{ ...elicitationValid, email: "ada at example" }, "/email"],
      [{ ...elicitationValid, birthday: "1990-02-30" }, "/birthday"],
      [{ ...elicitationValid, website: "not a uri" }, "/website"]
    ]
  },
  {
    id: "extensions",
    title: "unknown keywords and an unknown format are accepted",
    schema: {
      type: "object",
      "x-ui": { widget: "phone" },
      properties: { phone: { type: "string", format: "phone-number", examples: ["+351 21 000 0000"] } }
    },
    formats: true,
    valid: [{ phone: "anything" }],
    invalid: [[{ phone: 5 }, "/phone"]]
  },
  {
    id: "conformance",
    title: "MCP conformance `json_schema_2020_12_tool` schema",
    schema: {
      $schema: draft2020,
      type: "object",
      $defs: {
        address: {
          $anchor: "addressDef",
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } }
        }
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
        contactMethod: { type: "string", enum: ["phone", "email"] },
        phone: { type: "string" },
        email: { type: "string" }
      },
      allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
      if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
      then: { required: ["phone"] },
      else: { required: ["email"] },
      additionalProperties: false
    },
    valid: [{ name: "a", contactMethod: "phone", phone: "1" }, { email: "a@b.c", address: { city: "x" } }],
    invalid: [
      [{ contactMethod: "phone", email: "a@b.c" }, ["/phone", ""]],
      [{ email: "a@b.c", address: { city: 1 } }, "/address/city"],
      [{ email: "a@b.c", nickname: "x" }, ["/nickname", ""]]
    ]
  },
  {
    id: "unicode-pattern",
    title: "`pattern` with a Unicode property escape",
    schema: { type: "object", properties: { word: { type: "string", pattern: "^\\p{L}+$" } } },
    valid: [{ word: "Olá" }],
    invalid: [[{ word: "a1" }, "/word"]]
  },
  {
    id: "draft07-refs",
    title: "draft-07 `definitions` + `$ref`, tuple `items`, `dependencies`",
    schema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { id: { type: "string", pattern: "^[a-z]+$" } },
      type: "object",
      properties: {
        owner: { $ref: "#/definitions/id" },
        pair: { type: "array", items: [{ type: "string" }, { type: "integer" }], additionalItems: false }
      },
      dependencies: { pair: ["owner"] }
    },
    valid: [{ owner: "abc", pair: ["a", 1] }],
    invalid: [[{ owner: "ABC" }, "/owner"], [{ owner: "a", pair: ["a", 1, 2] }, ["/pair/2", "/pair"]], [{
      pair: ["a", 1]
    }, ["/owner", ""]]]
  },
  {
    id: "draft07-ref-siblings",
    title: "draft-07 ignores keywords beside `$ref`",
    schema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { s: { type: "string" } },
      type: "object",
      properties: { x: { $ref: "#/definitions/s", maxLength: 2 } }
    },
    valid: [{ x: "abcd" }],
    invalid: [[{ x: 1 }, "/x"]]
  },
  {
    id: "remote-ref",
    title: "remote `$ref` (https) is refused, not fetched",
    schema: { type: "object", properties: { x: { $ref: "https://example.com/schemas/x.json" } } },
    refuse: true
  },
  {
    id: "missing-ref",
    title: "unresolvable local `$ref` is refused",
    schema: { type: "object", properties: { x: { $ref: "#/$defs/missing" } } },
    refuse: true
  },
  {
    id: "invalid-schema",
    title: "an invalid schema (`type: 12`) is refused",
    schema: { type: "object", properties: { x: { type: 12 } } },
    refuse: true
  }
]

// ---------------------------------------------------------------------------
// Worker: runs in a fresh process for one candidate
// ---------------------------------------------------------------------------

const now = () => performance.now()
const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  collect?.()
}

/** A copy with a distinct description, so that no validator can reuse an earlier compile. */
const fresh = (schema: Schema, n: number): Schema => ({ ...structuredClone(schema), description: `variant ${n}` })

/** Every attempt to reach the network is recorded and refused. */
const network: Array<string> = []
const guardNetwork = () => {
  globalThis.fetch = (async (input: unknown) => {
    network.push(`fetch ${String(input instanceof Request ? input.url : input)}`)
    throw new Error("network access refused by the benchmark")
  }) as typeof fetch
  const refuse = (what: string) => {
    network.push(what)
    throw new Error("network access refused by the benchmark")
  }
  const net = createRequire(import.meta.url)("node:net") as typeof import("node:net")
  const netModule = net as unknown as Record<string, unknown>
  for (const name of ["connect", "createConnection"]) {
    netModule[name] = (...args: Array<unknown>) => refuse(`net.${name} ${JSON.stringify(args[0])}`)
  }
  net.Socket.prototype.connect = function(...args: Array<unknown>) {
    return refuse(`socket.connect ${JSON.stringify(args[0])}`)
  } as never
}

const compileNow = async (engine: Engine, schema: Schema, options: Options): Promise<Check> => {
  const compiled = engine.compile(schema, options)
  return compiled instanceof Promise ? await compiled : compiled
}

interface PerfResult {
  readonly importMs: number
  readonly firstCompileMs: number
  readonly compileUs: Record<string, number>
  readonly opsPerSec: Record<string, { valid: number; invalid: number; verdict: string }>
  readonly retainedKiB: number
}

const measureOps = (check: Check, value: unknown, ms: number) => {
  let sink = 0
  const warmEnd = now() + ms / 4
  while (now() < warmEnd) for (let i = 0; i < 16; i++) sink += check(value) === undefined ? 1 : 0
  let ops = 0
  let batch = 16
  const start = now()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink += check(value) === undefined ? 1 : 0
    ops += batch
    elapsed = now() - start
    if (elapsed < ms / 20) batch *= 2
  }
  return { opsPerSec: (ops / elapsed) * 1000, sink }
}

const perf = async (candidate: Candidate, quick: boolean): Promise<PerfResult> => {
  const t0 = now()
  const engine = await candidate.load()
  const importMs = now() - t0
  const t1 = now()
  const first = await compileNow(engine, structuredClone(toolInput), { formats: false })
  first(workloads[0]!.valid)
  const firstCompileMs = now() - t1

  const compileUs: Record<string, number> = {}
  const opsPerSec: Record<string, { valid: number; invalid: number; verdict: string }> = {}
  let variant = 0
  for (const workload of workloads) {
    if (workload.formats && candidate.assertsFormats === false) continue
    const options = { formats: workload.formats }
    // Compile: fresh schemas, up to a count or a time budget.
    const budget = quick ? 300 : 1200
    const maxCount = workload.id === "large" ? 100 : 300
    const schemas = Array.from({ length: maxCount }, () => fresh(workload.schema, ++variant))
    const times: Array<number> = []
    const begin = now()
    for (const schema of schemas) {
      const t = now()
      const check = await compileNow(engine, schema, options)
      check(workload.valid)
      times.push((now() - t) * 1000)
      if (times.length >= 5 && now() - begin > budget) break
    }
    compileUs[workload.id] = median(times)
    // Throughput.
    const check = await compileNow(engine, fresh(workload.schema, ++variant), options)
    const issue = check(workload.invalid)
    const verdict = check(workload.valid) !== undefined
      ? "rejects the valid instance"
      : issue === undefined
      ? "accepts the invalid instance"
      : issue.path === workload.invalidPath
      ? "ok"
      : `path ${JSON.stringify(issue.path)}`
    const ms = quick ? 150 : 400
    opsPerSec[workload.id] = {
      valid: measureOps(check, workload.valid, ms).opsPerSec,
      invalid: measureOps(check, workload.invalid, ms).opsPerSec,
      verdict
    }
  }

  // Heap retained by schemas compiled and then dropped (as on every re-listing).
  gc()
  const before = process.memoryUsage().heapUsed
  const count = quick ? 100 : 300
  for (let i = 0; i < count; i++) {
    const check = await compileNow(engine, fresh(toolOutput, ++variant), { formats: false })
    check(toolOutputValid)
  }
  gc()
  const retainedKiB = Math.max(0, process.memoryUsage().heapUsed - before) / 1024 / count
  return { importMs, firstCompileMs, compileUs, opsPerSec, retainedKiB }
}

interface CaseResult {
  readonly id: string
  /**
   * `ok`; `wrong` (a wrong verdict or path); `refused` (a usable schema
   * refused); `accepted` (an unusable schema compiled and used); `late` (an
   * unusable schema compiled, refused only when validating); `n/a`.
   */
  readonly status: "ok" | "wrong" | "refused" | "accepted" | "late" | "n/a"
  readonly detail: string
}

const correctness = async (candidate: Candidate) => {
  const engine = await candidate.load()
  const results: Array<CaseResult> = []
  const messages: Record<string, Issue | string> = {}
  const mutated: Array<string> = []
  for (const item of cases) {
    if (item.formats === true && candidate.assertsFormats === false) {
      results.push({ id: item.id, status: "n/a", detail: "formats are not asserted" })
      continue
    }
    const schema = structuredClone(item.schema)
    const before = JSON.stringify(schema)
    const fetchesBefore = network.length
    let compiled: Check
    try {
      compiled = await compileNow(engine, schema, { formats: item.formats ?? false })
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 140)
      const fetched = network.slice(fetchesBefore)
      const detail = `${reason}${fetched.length > 0 ? ` [network attempted: ${fetched.join("; ")}]` : ""}`
      results.push({ id: item.id, status: item.refuse === true && fetched.length === 0 ? "ok" : "refused", detail })
      continue
    }
    const problems: Array<string> = []
    const check = (value: unknown): Issue | undefined => {
      try {
        return compiled(value)
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 140)
        return { path: "(throws)", message: `throws when validating: ${reason}` }
      }
    }
    let late = false
    if (item.refuse === true) {
      const outcome = check({ x: 1 })
      late = outcome?.path === "(throws)"
      problems.push(
        late
          ? `compiled; ${outcome!.message}`
          : `compiled; {x:1} → ${outcome === undefined ? "valid" : `invalid at ${outcome.path}: ${outcome.message}`}`
      )
    }
    for (const value of item.valid ?? []) {
      const issue = check(value)
      if (issue !== undefined) problems.push(`rejects ${JSON.stringify(value)} (${issue.path}: ${issue.message})`)
    }
    for (const [value, path] of item.invalid ?? []) {
      const issue = check(value)
      const paths: ReadonlyArray<string> = typeof path === "string" ? [path] : path
      if (issue === undefined) problems.push(`accepts ${JSON.stringify(value)}`)
      else if (!paths.includes(issue.path)) problems.push(`path ${JSON.stringify(issue.path)} for ${paths[0]}`)
    }
    const fetched = network.slice(fetchesBefore)
    if (fetched.length > 0) problems.push(`network attempted: ${fetched.join("; ")}`)
    if (JSON.stringify(schema) !== before) mutated.push(item.id)
    results.push({
      id: item.id,
      status: problems.length === 0 ? "ok" : item.refuse === true ? (late ? "late" : "accepted") : "wrong",
      detail: problems.join("; ").slice(0, 300)
    })
  }
  // The messages a user sees.
  for (const workload of workloads) {
    if (workload.formats && candidate.assertsFormats === false) continue
    try {
      const check = await compileNow(engine, structuredClone(workload.schema), { formats: workload.formats })
      try {
        messages[workload.id] = check(workload.invalid) ?? "accepted"
      } catch (error) {
        messages[workload.id] = `throws: ${error instanceof Error ? error.message : String(error)}`
      }
    } catch (error) {
      messages[workload.id] = `refused: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  // Two different schemas that declare the same `$id` (two tools of one server).
  const sameId = { $id: "https://example.com/schemas/result.json", type: "object", required: ["a"] }
  let duplicateId: string
  try {
    const one = await compileNow(engine, structuredClone(sameId), { formats: false })
    const two = await compileNow(engine, { ...structuredClone(sameId), required: ["b"] }, { formats: false })
    duplicateId = one({ a: 1 }) === undefined && two({ b: 1 }) === undefined && two({ a: 1 }) !== undefined
      ? "ok"
      : "wrong: the second schema is validated as the first"
  } catch (error) {
    duplicateId = `refused: ${(error instanceof Error ? error.message : String(error)).slice(0, 120)}`
  }
  return { results, messages, mutated, duplicateId }
}

// ---------------------------------------------------------------------------
// Main: rounds of fresh processes, medians, report
// ---------------------------------------------------------------------------

/** The directory a package is installed in, looked up from `from` upwards. */
const packageDir = (name: string, from: string): string | undefined => {
  for (let dir = from;; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

const directorySize = (dir: string): number => {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") total += directorySize(path)
    } else if (entry.isFile()) total += statSync(path).size
  }
  return total
}

/** A package's version, and the installed size and count of it with its dependencies. */
const footprint = (names: ReadonlyArray<string>) => {
  const seen = new Map<string, string>()
  const visit = (name: string, from: string) => {
    const dir = packageDir(name, from)
    if (dir === undefined || seen.has(dir)) return
    seen.set(dir, name)
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir)
  }
  for (const name of names) visit(name, here)
  let bytes = 0
  for (const dir of seen.keys()) bytes += directorySize(dir)
  const versions = names.map((name) => {
    const dir = packageDir(name, here)
    return dir === undefined
      ? `${name} (missing)`
      : `${name}@${JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version}`
  })
  return { versions, packages: seen.size, kib: bytes / 1024 }
}

const runWorker = (id: string, task: string, quick: boolean): any => {
  const args = [
    "--expose-gc",
    self,
    "--worker",
    id,
    task,
    ...(quick ? ["--quick"] : []),
    ...(oursOption === undefined ? [] : ["--ours", oursOption])
  ]
  const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 300_000 })
  const line = run.stdout.trim().split("\n").pop() ?? ""
  try {
    return JSON.parse(line)
  } catch {
    return { error: `${run.stderr || run.stdout}`.trim().split("\n").slice(0, 3).join(" ") }
  }
}

const fmt = (n: number | undefined, digits = 3, compact = true) => {
  if (n === undefined || !Number.isFinite(n)) return "–"
  if (compact && n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`
  if (compact && n >= 1e4) return `${Math.round(n / 1e3).toLocaleString("en-US")} k`
  if (n >= 1000) return Math.round(n).toLocaleString("en-US")
  return n.toPrecision(digits)
}

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, right = true) => {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|")
  return [
    `| ${header.map(escape).join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 || !right ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`)
  ].join("\n")
}

const main = async () => {
  const quick = argv.includes("--quick")
  const rounds = quick ? 1 : Number(option("--rounds") ?? 5)
  const only = option("--only")?.split(",")
  const chosen = candidates.filter((c) => only === undefined || only.includes(c.id))
  const installed = chosen.filter((c) => c.packages.every((name) => packageDir(name, here) !== undefined))
  const missing = chosen.filter((c) => !installed.includes(c))
  if (missing.length > 0) {
    process.stderr.write(
      `skipped (not installed): ${missing.map((c) => `${c.id} [${c.packages.join(" ")}]`).join(", ")}\n`
    )
  }
  if (installed.length === 0) {
    process.stderr.write(
      `Install the candidates as devDependencies first: ${libraries.flatMap((c) => c.packages).join(" ")}\n`
    )
    process.exit(1)
  }

  const perRound: Record<string, Array<PerfResult>> = {}
  const failures: Record<string, string> = {}
  for (let round = 0; round < rounds; round++) {
    // Interleaved, starting from a different candidate each round.
    for (let k = 0; k < installed.length; k++) {
      const candidate = installed[(k + round) % installed.length]!
      process.stderr.write(`round ${round + 1}/${rounds}: ${candidate.id}\n`)
      const result = runWorker(candidate.id, "perf", quick)
      if (result.error !== undefined) failures[candidate.id] = result.error
      else (perRound[candidate.id] ??= []).push(result)
    }
  }
  const checks: Record<string, any> = {}
  for (const candidate of installed) checks[candidate.id] = runWorker(candidate.id, "correctness", quick)

  const stat = (id: string, pick: (r: PerfResult) => number) => {
    const values = (perRound[id] ?? []).map(pick)
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
  }
  const summary = installed.map((candidate) => {
    const id = candidate.id
    const metrics: Record<string, { median: number; min: number; max: number }> = {
      importMs: stat(id, (r) => r.importMs),
      firstCompileMs: stat(id, (r) => r.firstCompileMs),
      retainedKiB: stat(id, (r) => r.retainedKiB)
    }
    for (const workload of workloads) {
      metrics[`compileUs.${workload.id}`] = stat(id, (r) => r.compileUs[workload.id] ?? NaN)
      metrics[`valid.${workload.id}`] = stat(id, (r) => r.opsPerSec[workload.id]?.valid ?? NaN)
      metrics[`invalid.${workload.id}`] = stat(id, (r) => r.opsPerSec[workload.id]?.invalid ?? NaN)
    }
    const verdicts = Object.fromEntries(
      workloads.map((w) => [w.id, perRound[id]?.[0]?.opsPerSec[w.id]?.verdict ?? "n/a"])
    )
    return { id, label: candidate.label, footprint: footprint(candidate.packages), metrics, verdicts }
  })

  const cell = (id: string, key: string, compact = true) => {
    const m = summary.find((s) => s.id === id)!.metrics[key]!
    return fmt(m.median, 3, compact)
  }
  const withRange = (id: string, key: string) => {
    const m = summary.find((s) => s.id === id)!.metrics[key]!
    return `${fmt(m.median)} (${fmt(m.min)}–${fmt(m.max)})`
  }
  const ids = summary.map((s) => s.id)
  const sections: Array<string> = []
  sections.push(
    `Node ${process.version} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}; ${rounds} round(s)${
      quick ? " (quick)" : ""
    }, each candidate in a fresh process per round; medians (range).`
  )
  sections.push(
    "### Packages\n\n" + table(
      ["candidate", "packages", "installed with dependencies", "format assertion"],
      summary.map((s) => [
        s.id,
        s.footprint.versions.join(", ") || "the client's module",
        s.footprint.packages === 0 ? "–" : `${s.footprint.packages} package(s), ${fmt(s.footprint.kib)} KiB`,
        candidates.find((c) => c.id === s.id)!.formatControl
      ]),
      false
    )
  )
  sections.push(
    "### Start-up and compile (lower is better)\n\n" + table(
      [
        "candidate",
        "import (ms)",
        "first compile in process (ms)",
        ...workloads.map((w) => `compile ${w.id} (µs)`),
        "heap kept per dropped schema (KiB)"
      ],
      ids.map((id) => [
        id,
        withRange(id, "importMs"),
        withRange(id, "firstCompileMs"),
        ...workloads.map((w) => cell(id, `compileUs.${w.id}`, false)),
        cell(id, "retainedKiB")
      ])
    )
  )
  sections.push(
    "### Checks per second (higher is better): valid / invalid\n\n" + table(
      ["candidate", ...workloads.map((w) => w.id)],
      ids.map((id) => [id, ...workloads.map((w) => `${cell(id, `valid.${w.id}`)} / ${cell(id, `invalid.${w.id}`)}`)])
    )
  )
  sections.push(
    "Workloads: " + workloads.map((w) => `\`${w.id}\`: ${w.title}, invalid at \`${w.invalidPath}\``).join("; ") + "."
  )
  sections.push(
    "### Verdicts on the workload instances\n\n" + table(
      ["candidate", ...workloads.map((w) => w.id)],
      summary.map((s) => [s.id, ...workloads.map((w) => s.verdicts[w.id] ?? "–")]),
      false
    )
  )
  const mark = (r: CaseResult | undefined) =>
    r === undefined
      ? "–"
      : r.status === "ok" || r.status === "n/a"
      ? r.status
      : `${r.status.toUpperCase()}: ${r.detail}`
  sections.push(
    "### Correctness\n\n" + table(
      ["case", ...ids],
      [
        ...cases.map((c) => [
          c.title,
          ...ids.map((id) => mark(checks[id]?.results?.find((r: CaseResult) => r.id === c.id)))
        ]),
        ["two schemas with the same `$id`", ...ids.map((id) => checks[id]?.duplicateId ?? "–")],
        ["schema object left unchanged", ...ids.map((id) => (checks[id]?.mutated?.length === 0 ? "ok" : "mutated"))]
      ],
      false
    )
  )
  sections.push(
    "### Remote and unusable schemas: the reason given\n\n" + table(
      ["case", ...ids],
      cases.filter((c) => c.refuse === true).map((c) => [
        c.id,
        ...ids.map((id) => checks[id]?.results?.find((r: CaseResult) => r.id === c.id)?.detail ?? "–")
      ]),
      false
    )
  )
  sections.push(
    "### First issue reported for each invalid workload instance\n\n" + table(
      ["workload", ...ids],
      workloads.map((w) => [
        `${w.id} (\`${w.invalidPath}\`)`,
        ...ids.map((id) => {
          const m = checks[id]?.messages?.[w.id]
          return m === undefined ? "–" : typeof m === "string" ? m : `\`${m.path}\` ${m.message}`
        })
      ]),
      false
    )
  )
  if (Object.keys(failures).length > 0) {
    sections.push("### Failed workers\n\n" + Object.entries(failures).map(([id, e]) => `- ${id}: ${e}`).join("\n"))
  }
  const markdown = sections.join("\n\n") + "\n"
  const stamp = new Date().toISOString().replace(/[:.]/g, "-")
  const dir = join(here, "results", `json-schema-${stamp}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "results.json"),
    JSON.stringify({ quick, rounds, node: process.version, summary, perRound, checks, failures }, null, 2)
  )
  writeFileSync(join(dir, "results.md"), markdown)
  process.stdout.write(`${markdown}\nresults: ${dir}\n`)
}

const worker = async (id: string, task: string) => {
  guardNetwork()
  const candidate = candidates.find((c) => c.id === id)
  if (candidate === undefined) throw new Error(`Unknown candidate ${id}`)
  const quick = argv.includes("--quick")
  const result = task === "perf" ? await perf(candidate, quick) : await correctness(candidate)
  process.stdout.write(`\n${JSON.stringify(result)}\n`)
}

if (argv[0] === "--worker") await worker(argv[1]!, argv[2]!)
else await main()
