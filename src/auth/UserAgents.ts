/**
 * Ways to take the user to the authorization server and bring the redirect
 * back (`OAuthClient.UserAgent`).
 *
 * - `loopback`: listens on 127.0.0.1 for the redirect, and shows the user the
 *   URL to open (it never opens anything by itself).
 * - `headless`: follows the authorization server's redirect itself, for
 *   tests and for servers that authorize without a user.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as http from "node:http"
import { AuthorizationError } from "../McpError.ts"
import type { UserAgent } from "./OAuthClient.ts"

/**
 * Requests the authorization URL without a browser and returns where the
 * server redirects (for automated flows and tests).
 *
 * @example
 * ```ts
 * import { UserAgents } from "effect-mcp-client"
 *
 * const agent = UserAgents.headless("http://127.0.0.1:3000/callback")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const headless = (redirectUri: string): UserAgent => ({
  redirectUri,
  authorize: (authorizationUrl) =>
    Effect.tryPromise({
      try: async () => {
        const response = await fetch(authorizationUrl, { redirect: "manual" })
        const location = response.headers.get("location")
        if (location === null) throw new Error(`no redirect (HTTP ${response.status})`)
        return new URL(location, authorizationUrl)
      },
      catch: (error) =>
        new AuthorizationError({
          reason: "user-agent",
          description: `The authorization request failed: ${error instanceof Error ? error.message : String(error)}`
        })
    })
})

/**
 * Listens on `http://127.0.0.1:<port>/callback` for the redirect, and shows
 * the user the URL through `show` (by default, on stderr).
 *
 * @category constructors
 * @since 0.1.0
 */
export const loopback = (options: {
  readonly port: number
  readonly show?: ((authorizationUrl: URL) => Effect.Effect<void>) | undefined
  readonly timeout?: number | undefined
}): Effect.Effect<UserAgent> =>
  Effect.sync(() => {
    const redirectUri = `http://127.0.0.1:${options.port}/callback`
    const show = options.show ??
      ((url: URL) => Effect.sync(() => process.stderr.write(`Open this address to authorize:\n${url.toString()}\n`)))
    return {
      redirectUri,
      authorize: (authorizationUrl) =>
        Effect.andThen(
          show(authorizationUrl),
          Effect.callback<URL, AuthorizationError>((resume) => {
            const server = http.createServer((request, response) => {
              const url = new URL(request.url ?? "/", redirectUri)
              if (url.pathname !== "/callback") {
                response.writeHead(404).end()
                return
              }
              response.writeHead(200, { "content-type": "text/plain" }).end("You can close this window.")
              server.close()
              resume(Effect.succeed(url))
            })
            server.once(
              "error",
              (error) =>
                resume(Effect.fail(new AuthorizationError({ reason: "user-agent", description: error.message })))
            )
            server.listen(options.port, "127.0.0.1")
            return Effect.sync(() => void server.close())
          })
        )
    }
  })
