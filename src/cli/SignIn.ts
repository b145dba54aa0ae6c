/**
 * Sign-in for HTTP servers that need OAuth: the browser flow with a loopback
 * redirect (the address to open is printed), or the client credentials grant
 * from `--client-id`/`--client-secret` (or `MCP_CLIENT_ID`/`MCP_CLIENT_SECRET`);
 * tokens kept in `$XDG_CONFIG_HOME/effect-mcp/tokens.json` (mode 0600).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as OAuthClient from "../auth/OAuthClient.ts"
import * as TokenStore from "../auth/TokenStore.ts"
import * as UserAgents from "../auth/UserAgents.ts"
import type { AuthorizationError } from "../McpError.ts"
import * as SharedDispatcher from "../transport/http/SharedDispatcher.ts"
import { clientInfo } from "./Target.ts"

/**
 * The folder of the command's stored sign-ins: `$XDG_CONFIG_HOME/effect-mcp`,
 * else `~/.config/effect-mcp`.
 *
 * @example
 * ```ts
 * import { SignIn } from "effect-mcp-client/cli"
 *
 * const dir = SignIn.configDir() // => "/home/me/.config/effect-mcp"
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const configDir = (): string => {
  const base = process.env.XDG_CONFIG_HOME !== undefined && process.env.XDG_CONFIG_HOME !== ""
    ? process.env.XDG_CONFIG_HOME
    : path.join(os.homedir(), ".config")
  return path.join(base, "effect-mcp")
}

/**
 * The token file, in a folder created with mode 0700.
 *
 * @category constants
 * @since 0.1.0
 */
export const tokenFile = (): string => {
  const dir = configDir()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return path.join(dir, "tokens.json")
}

/**
 * What sign-in needs from the command line.
 *
 * @category models
 * @since 0.1.0
 */
export interface Settings {
  readonly url: string
  readonly clientId: string | undefined
  readonly clientSecret: Redacted.Redacted<string> | undefined
  readonly callbackPort: number
  readonly notice: (text: string) => void
}

/**
 * The authorization client of a session with an HTTP server. It does
 * nothing until the server answers 401.
 *
 * @example
 * ```ts
 * import { SignIn } from "effect-mcp-client/cli"
 *
 * const auth = SignIn.oauthClient({
 *   url: "https://example.com/mcp",
 *   clientId: undefined,
 *   clientSecret: undefined,
 *   callbackPort: 8976,
 *   notice: (text) => process.stderr.write(`${text}\n`)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const oauthClient = (
  settings: Settings
): Effect.Effect<OAuthClient.OAuthClient, never, Scope.Scope> =>
  Effect.gen(function*() {
    const clientId = settings.clientId ?? nonEmpty(process.env.MCP_CLIENT_ID)
    const secretText = nonEmpty(process.env.MCP_CLIENT_SECRET)
    const clientSecret = settings.clientSecret ?? (secretText === undefined ? undefined : Redacted.make(secretText))
    const store = TokenStore.file(tokenFile())
    if (clientId !== undefined && clientSecret !== undefined) {
      return yield* SharedDispatcher.provideHttpClient(OAuthClient.make({
        clientName: clientInfo.name,
        clientCredentials: { _tag: "Secret", clientId, clientSecret },
        store
      }))
    }
    const userAgent = yield* UserAgents.loopback({
      port: settings.callbackPort,
      show: (url) =>
        Effect.sync(() => settings.notice(`Sign in to ${settings.url} by opening this address:\n${url.toString()}`))
    })
    return yield* SharedDispatcher.provideHttpClient(OAuthClient.make({
      clientName: clientInfo.name,
      userAgent,
      store,
      ...(clientId === undefined ? {} : { preRegistered: { clientId } })
    }))
  })

const nonEmpty = (value: string | undefined) => value === undefined || value === "" ? undefined : value

/**
 * Forgets what is stored for a server; whether anything was.
 *
 * @example
 * ```ts
 * import { SignIn } from "effect-mcp-client/cli"
 *
 * const removed = SignIn.logout("https://example.com/mcp")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const logout = (url: string): Effect.Effect<boolean, AuthorizationError> =>
  Effect.gen(function*() {
    const file = tokenFile()
    if (!existsSync(file)) return false
    const store = TokenStore.file(file)
    const keys = Object.keys(JSON.parse(readFileSync(file, "utf8")) as object)
    const resource = canonical(url)
    const matching = keys.filter((key) => key === resource || key.endsWith(` ${resource}`))
    for (const key of matching) yield* store.remove(key)
    return matching.length > 0
  })

/** The URL as the authorization client keys it: no fragment, no trailing slash. */
const canonical = (url: string): string => {
  const parsed = new URL(url)
  parsed.hash = ""
  return parsed.toString().replace(/\/$/, "")
}
