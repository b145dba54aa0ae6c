/**
 * Regular expressions from servers, matched in time linear in the input.
 *
 * A JSON Schema `pattern` or `patternProperties` key is an ECMA-262 regular
 * expression written by the server. V8's engine backtracks, so a pattern such
 * as `^(a+)+$` takes exponential time on some inputs and stalls the event loop.
 * Here patterns are compiled by `re2js`, a port of RE2, whose matching is
 * linear in the input; the reasons for the choice are in
 * docs/decisions/linear-regexp.md. `JsonSchema` loads this module with the
 * validator, on the first schema compiled. Features RE2 cannot match in linear time
 * (backreferences, lookahead) make the pattern unusable: `make` fails and the
 * schema that holds it is refused with the reason.
 *
 * @since 0.1.0
 */
import { RE2JS } from "re2js"

/**
 * A compiled pattern: `test` reports whether it matches anywhere in the input,
 * as `RegExp.prototype.test` does for a pattern without the `g` flag.
 *
 * @category models
 * @since 0.1.0
 */
export interface LinearRegExp {
  readonly source: string
  readonly flags: string
  readonly test: (input: string) => boolean
}

/**
 * Compiles an ECMA-262 pattern for linear-time matching; throws a
 * `SyntaxError` naming the pattern when it cannot be matched in linear time
 * or is not a valid pattern.
 *
 * @example
 * ```ts
 * import * as LinearRegExp from "./LinearRegExp.ts"
 *
 * const nested = LinearRegExp.make("^(a+)+$")
 * nested.test("a".repeat(100_000) + "b") // => false, at once
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (source: string): LinearRegExp => {
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source))
  } catch (error) {
    throw new SyntaxError(
      `pattern ${JSON.stringify(source)} cannot be matched in linear time: ${
        error instanceof Error ? error.message : String(error)
      }`
    )
  }
  return { source, flags: "u", test: (input) => compiled.matcher(String(input)).find() }
}

/**
 * A stand-in for the `RegExp` constructor: what TypeBox builds with
 * `new RegExp(pattern, "u")` while `withLinearPatterns` runs is a
 * `LinearRegExp`. Only `test` is used by the validator.
 */
function LinearRegExpConstructor(this: unknown, source: string | { readonly source: string }): LinearRegExp {
  return make(typeof source === "string" ? source : source.source)
}

/**
 * Runs `f` with every `new RegExp(…)` it makes compiled for linear-time
 * matching. The JSON Schema validator builds the regular expressions of
 * `pattern`, `patternProperties` and `additionalProperties` this way, both
 * when it compiles a schema and when it collects errors, so every call into it
 * goes through here. `f` is synchronous and calls no code of the application,
 * so nothing else observes the replaced constructor.
 *
 * @example
 * ```ts
 * import * as LinearRegExp from "./LinearRegExp.ts"
 *
 * const matched = LinearRegExp.withLinearPatterns(() => new RegExp("^(a+)+$", "u").test("aaa"))
 * ```
 *
 * @category utils
 * @since 0.1.0
 */
export const withLinearPatterns = <A>(f: () => A): A => {
  const original = globalThis.RegExp
  globalThis.RegExp = LinearRegExpConstructor as unknown as RegExpConstructor
  try {
    return f()
  } finally {
    globalThis.RegExp = original
  }
}
