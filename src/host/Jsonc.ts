/**
 * JSON with comments, as VS Code, Cursor and Claude Code write configuration
 * files: `//` and `/* *\/` comments and trailing commas are accepted. Every
 * value's position is kept, so that a later error about a member can name
 * its line and column.
 *
 * @since 0.1.0
 */

// =============================================================================
// Models
// =============================================================================

/**
 * A parsed document and where each of its values starts.
 *
 * @category models
 * @since 0.1.0
 */
export interface Document {
  readonly value: unknown
  /** The offset of the value at a path (object keys and array indices). */
  readonly offsetOf: (path: ReadonlyArray<PropertyKey>) => number | undefined
  /** The 1-based line and column of an offset. */
  readonly position: (offset: number) => { readonly line: number; readonly column: number }
}

/**
 * Why a text is not JSON(C), and where.
 *
 * @category models
 * @since 0.1.0
 */
export interface SyntaxFailure {
  readonly description: string
  readonly line: number
  readonly column: number
}

// =============================================================================
// Constructors
// =============================================================================

/**
 * Parses JSON with comments and trailing commas.
 *
 * @example
 * ```ts
 * import { Jsonc } from "effect-mcp-client"
 *
 * const result = Jsonc.parse(`{ "servers": {}, // none yet\n}`)
 * if ("value" in result) console.log(result.offsetOf(["servers"])) // 13
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parse = (text: string): Document | SyntaxFailure => {
  const offsets = new Map<string, number>()
  const position = (offset: number) => {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < offset && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++
        lineStart = i + 1
      }
    }
    return { line, column: offset - lineStart + 1 }
  }
  let index = 0

  const fail = (description: string, at: number = index): never => {
    throw new ParseFailure(description, at)
  }
  const skip = () => {
    while (index < text.length) {
      const c = text[index]!
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") index++
      else if (c === "/" && text[index + 1] === "/") {
        while (index < text.length && text[index] !== "\n") index++
      } else if (c === "/" && text[index + 1] === "*") {
        const end = text.indexOf("*/", index + 2)
        if (end < 0) fail("unterminated comment")
        index = end + 2
      } else break
    }
  }
  const readString = (): string => {
    const start = index
    index++
    let out = ""
    while (true) {
      if (index >= text.length) fail("unterminated string", start)
      const c = text[index]!
      if (c === "\"") {
        index++
        return out
      }
      if (c === "\n") fail("unterminated string", start)
      if (c === "\\") {
        const e = text[index + 1]
        const simple: Record<string, string> = {
          "\"": "\"",
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t"
        }
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e]
          index += 2
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
          out += String.fromCharCode(parseInt(text.slice(index + 2, index + 6), 16))
          index += 6
        } else fail("invalid escape in string")
      } else {
        out += c
        index++
      }
    }
  }
  const value = (path: Array<PropertyKey>): unknown => {
    skip()
    offsets.set(pathKey(path), index)
    const c = text[index]
    if (c === "{") {
      index++
      const object: Record<string, unknown> = {}
      skip()
      while (text[index] !== "}") {
        if (text[index] !== "\"") {
          fail(
            index >= text.length ? "unexpected end of input in an object" : "expected a member name in double quotes"
          )
        }
        const key = readString()
        skip()
        if (text[index] !== ":") fail("expected ':' after a member name")
        index++
        object[key] = value([...path, key])
        skip()
        if (text[index] === ",") {
          index++
          skip()
        } else if (text[index] !== "}") {
          fail(index >= text.length ? "unexpected end of input in an object" : "expected ',' or '}'")
        }
      }
      index++
      return object
    }
    if (c === "[") {
      index++
      const array: Array<unknown> = []
      skip()
      while (text[index] !== "]") {
        if (index >= text.length) fail("unexpected end of input in an array")
        array.push(value([...path, array.length]))
        skip()
        if (text[index] === ",") {
          index++
          skip()
        } else if (text[index] !== "]") {
          fail(index >= text.length ? "unexpected end of input in an array" : "expected ',' or ']'")
        }
      }
      index++
      return array
    }
    if (c === "\"") return readString()
    const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
      text.slice(index, index + 64)
    )
    if (literal === null) fail(index >= text.length ? "unexpected end of input" : `unexpected character '${c}'`)
    index += literal![0].length
    return JSON.parse(literal![0])
  }

  try {
    const result = value([])
    skip()
    if (index < text.length) fail("unexpected content after the document")
    return { value: result, offsetOf: (path) => offsets.get(pathKey(path)), position }
  } catch (error) {
    if (error instanceof ParseFailure) return { description: error.description, ...position(error.offset) }
    throw error
  }
}

// =============================================================================
// Internal
// =============================================================================

class ParseFailure {
  readonly description: string
  readonly offset: number
  constructor(description: string, offset: number) {
    this.description = description
    this.offset = offset
  }
}

const pathKey = (path: ReadonlyArray<PropertyKey>): string => path.map((segment) => String(segment)).join("\u0000")
