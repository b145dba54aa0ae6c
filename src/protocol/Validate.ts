/**
 * Validation of incoming payloads against the protocol model.
 *
 * MCP payloads are plain JSON, and the model has no transformations, so
 * decoding is validation: a payload that matches its schema is returned as
 * the very object that was received. Nothing is copied, and members the
 * model does not know are kept. A payload that does not match becomes a
 * `ProtocolError` whose `path` names the first member that failed.
 *
 * @since 0.1.0
 */
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaJITCompiler from "effect/schema/SchemaJITCompiler"
import * as SchemaIssue from "effect/SchemaIssue"
import { ProtocolError } from "../McpError.ts"

/**
 * A compiled check of one payload schema.
 *
 * @category models
 * @since 0.1.0
 */
export type Validator<A> = (input: unknown, method: string) => Result.Result<A, ProtocolError>

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const formatPath = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string => {
  if (path === undefined || path.length === 0) return ""
  return path.map((segment) => {
    const key = typeof segment === "object" ? segment.key : segment
    return typeof key === "number" ? `[${key}]` : `.${String(key)}`
  }).join("").replace(/^\./, "")
}

/**
 * A validator for a payload schema, compiled when first used. The fast path
 * is a type guard; the issue is computed only when the guard fails.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Mcp, Validate } from "effect-mcp-client"
 *
 * const check = Validate.validator(Mcp.ListToolsResult)
 * Result.isSuccess(check({ tools: [] }, "tools/list")) // => true
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const validator = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S
): Validator<S["Type"]> => {
  // Compiled on first use: a program that never sees a payload of this kind never pays for it,
  // and importing the package compiles nothing.
  let check: Validator<S["Type"]> | undefined
  return (input, method) => (check ??= compile(schema))(input, method)
}

/**
 * A validator with a fast path: what `recognize` accepts is taken without
 * running the schema. `recognize` must accept only values the schema accepts
 * (a narrower, common shape); everything else goes to the schema.
 *
 * @example
 * ```ts
 * import { Mcp, Validate } from "effect-mcp-client"
 *
 * const check = Validate.validatorWithFastPath(Mcp.isTextCallToolResult, Mcp.CallToolResult)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const validatorWithFastPath = <S extends Schema.ConstraintDecoder<unknown>>(
  recognize: (input: unknown) => boolean,
  schema: S
): Validator<S["Type"]> => {
  const validate = validator(schema)
  return (input, method) => recognize(input) ? Result.succeed(input as S["Type"]) : validate(input, method)
}

const compile = <S extends Schema.ConstraintDecoder<unknown>>(schema: S): Validator<S["Type"]> => {
  // Protocol schemas are validated on every message: compile them to plain functions
  // (this falls back to the interpreter where code generation is not allowed).
  SchemaJITCompiler.enable(schema.ast)
  const is = Schema.is(schema)
  const decode = Schema.decodeUnknownExit(schema)
  return (input, method) => {
    if (is(input)) return Result.succeed(input)
    return Result.fail(explain(decode(input), method))
  }
}

const explain = (exit: Exit.Exit<unknown, Schema.SchemaError>, method: string): ProtocolError => {
  if (Exit.isFailure(exit)) {
    const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
    if (error !== undefined && error._tag === "Fail") {
      const first = formatter(error.error.issue).issues[0]
      if (first !== undefined) {
        return new ProtocolError({
          description: `Invalid ${method} payload: ${first.message}`,
          method,
          path: formatPath(first.path)
        })
      }
    }
  }
  return new ProtocolError({ description: `Invalid ${method} payload`, method })
}

const decoders = new WeakMap<object, Validator<unknown>>()

/**
 * A validator that decodes with a caller's schema (which may transform),
 * compiled once per schema. Unlike `validator`, the result is the decoded
 * value.
 *
 * @category constructors
 * @since 0.1.0
 */
export const decoder = <S extends Schema.ConstraintDecoder<unknown>>(schema: S): Validator<S["Type"]> => {
  let decode = decoders.get(schema) as Validator<S["Type"]> | undefined
  if (decode === undefined) {
    const decodeUnknown = Schema.decodeUnknownResult(schema)
    decode = (input, method) =>
      Result.mapError(
        decodeUnknown(input),
        (error) => new ProtocolError({ description: `Invalid ${method} result: ${error.message}`, method })
      )
    decoders.set(schema, decode)
  }
  return decode
}
