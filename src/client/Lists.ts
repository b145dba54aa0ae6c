/**
 * Pagination: every page of a list, one page by cursor, or a stream of
 * pages. Bounded: a server that repeats a cursor or sends more than
 * `maxPages` pages fails the call with `ProtocolError` instead of looping.
 * Cursors are opaque; an empty string is still a cursor.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ProtocolError, type RequestError } from "../McpError.ts"
import * as HttpHeaders from "../protocol/HttpHeaders.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import type { Validator } from "../protocol/Validate.ts"
import type { CallOptions, ListOptions } from "./Options.ts"
import type { Session } from "./Session.ts"

/**
 * The list operations of a session.
 *
 * @category models
 * @since 0.1.0
 */
export interface Lists {
  /** One page, by cursor (the first without one). */
  readonly page: <A extends { readonly nextCursor?: string }>(
    method: string,
    validate: Validator<A>,
    cursor: string | undefined,
    callOptions: CallOptions | undefined
  ) => Effect.Effect<A, RequestError>
  /** Every page, one at a time. */
  readonly pages: <A extends { readonly nextCursor?: string }>(
    method: string,
    validate: Validator<A>,
    callOptions: CallOptions | undefined
  ) => Stream.Stream<A, RequestError>
  /** One page with a cursor; otherwise every page merged into one result. */
  readonly list: <
    K extends string,
    A extends { readonly nextCursor?: string } & { readonly [key in K]: ReadonlyArray<unknown> }
  >(
    method: string,
    key: K,
    validate: Validator<A>,
    listOptions: ListOptions | undefined
  ) => Effect.Effect<A, RequestError>
}

const defaultMaxPages = 1000

/**
 * Builds the list operations of a session.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (session: Session): Lists => {
  const maxPages = session.options.maxPages ?? defaultMaxPages

  /**
   * "A tool whose x-mcp-header annotations break these rules is invalid, and an
   * HTTP client MUST drop it from its tools/list view", with a warning.
   */
  const dropInvalidTools = <A extends Mcp.ListToolsResult>(result: A): Effect.Effect<A> => {
    const invalid = result.tools.flatMap((tool) => {
      const reason = HttpHeaders.invalidReason(tool)
      return reason === undefined ? [] : [{ tool: tool.name, reason }]
    })
    if (invalid.length === 0) return Effect.succeed(result)
    const dropped = new Set(invalid.map(({ tool }) => tool))
    return Effect.as(
      Effect.forEach(invalid, ({ reason, tool }) => Effect.logWarning(`Ignoring tool '${tool}': ${reason}`)),
      { ...result, tools: result.tools.filter((tool) => !dropped.has(tool.name)) }
    )
  }

  const page: Lists["page"] = (method, validate, cursor, callOptions) => {
    const request = session.cached(
      method,
      cursor ?? "",
      session.request(method, cursor === undefined ? undefined : { cursor }, validate, callOptions)
    )
    return session.httpModern && method === "tools/list"
      ? Effect.flatMap(request, (result) => dropInvalidTools(result as typeof result & Mcp.ListToolsResult))
      : request
  }

  const pages: Lists["pages"] = (method, validate, callOptions) => {
    const seen = new Set<string>()
    return Stream.paginate(
      { cursor: undefined as string | undefined, count: 0 },
      ({ count, cursor }) =>
        page(method, validate, cursor, callOptions).pipe(
          Effect.flatMap((result) => {
            const next = result.nextCursor
            if (next === undefined) return Effect.succeed([[result], Option.none()] as const)
            if (seen.has(next)) {
              return Effect.fail(new ProtocolError({ description: `The server repeated the cursor '${next}'`, method }))
            }
            if (count + 1 >= maxPages) {
              return Effect.fail(
                new ProtocolError({ description: `The server sent more than ${maxPages} pages`, method })
              )
            }
            seen.add(next)
            return Effect.succeed([[result], Option.some({ cursor: next, count: count + 1 })] as const)
          })
        )
    )
  }

  const list: Lists["list"] = <
    K extends string,
    A extends { readonly nextCursor?: string } & { readonly [key in K]: ReadonlyArray<unknown> }
  >(
    method: string,
    key: K,
    validate: Validator<A>,
    listOptions: ListOptions | undefined
  ): Effect.Effect<A, RequestError> => {
    if (listOptions?.cursor !== undefined) return page(method, validate, listOptions.cursor, listOptions)
    return Stream.runFold(pages(method, validate, listOptions), () => undefined as A | undefined, (acc, result) => {
      if (acc === undefined) return result
      return { ...result, [key]: [...acc[key], ...result[key]] } as A
    }).pipe(
      Effect.map((merged) => {
        // `pages` emits at least one page, so `merged` is defined here.
        const { nextCursor: _, ...rest } = merged as A
        return rest as unknown as A
      })
    )
  }

  return { page, pages, list }
}
