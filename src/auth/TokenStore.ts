/**
 * Where an authorization client keeps its tokens: in memory (the default),
 * in a file readable by the owner only, or anywhere a `TokenStore` reaches.
 * Tokens are `Redacted` in memory and written only to the file store.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { webcrypto } from "node:crypto"
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { AuthorizationError } from "../McpError.ts"
import type * as Dpop from "./Dpop.ts"

/**
 * The tokens for one resource and authorization server.
 *
 * @category models
 * @since 0.1.0
 */
export interface Tokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken?: Redacted.Redacted<string>
  /** When the access token expires, in milliseconds since the epoch. */
  readonly expiresAt?: number
  readonly scope?: string
  /** `DPoP` when the token is bound to `dpopKey` (RFC 9449); else a bearer token. */
  readonly tokenType?: "Bearer" | "DPoP"
  /** The proof-of-possession key the token is bound to. */
  readonly dpopKey?: Dpop.Key
  /**
   * Who the tokens were issued to, and by whom: what a later process needs
   * to use and refresh them without authorizing again.
   */
  readonly client?: StoredClient
}

/**
 * The authorization server and client registration tokens belong to.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredClient {
  readonly issuer: string
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  /** The `resource` parameter the tokens were requested for. */
  readonly resource: string
  /** The registration used, if any (none for client credentials). */
  readonly clientId?: string
  readonly clientSecret?: Redacted.Redacted<string>
  readonly authMethod?: string
}

/**
 * A store of tokens by key (the issuer and the resource).
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenStore {
  readonly get: (key: string) => Effect.Effect<Tokens | undefined, AuthorizationError>
  readonly set: (key: string, tokens: Tokens) => Effect.Effect<void, AuthorizationError>
  readonly remove: (key: string) => Effect.Effect<void, AuthorizationError>
  /**
   * The stored tokens of a resource (keys end with ` <resource>`) that carry
   * their `client`, for a process that has not authorized yet. Optional: a
   * store without it is used only for the tokens of this process's flows.
   */
  readonly find?: (
    resource: string
  ) => Effect.Effect<{ readonly key: string; readonly tokens: Tokens } | undefined, AuthorizationError>
}

/**
 * Tokens kept in memory, for the life of the process.
 *
 * @category constructors
 * @since 0.1.0
 */
export const memory = (): TokenStore => {
  const tokens = new Map<string, Tokens>()
  return {
    get: (key) => Effect.sync(() => tokens.get(key)),
    set: (key, value) => Effect.sync(() => void tokens.set(key, value)),
    remove: (key) => Effect.sync(() => void tokens.delete(key))
  }
}

interface Stored {
  readonly accessToken: string
  readonly refreshToken?: string
  readonly expiresAt?: number
  readonly scope?: string
  readonly client?: Omit<StoredClient, "clientSecret"> & { readonly clientSecret?: string }
  readonly tokenType?: "Bearer" | "DPoP"
  readonly dpopKey?: webcrypto.JsonWebKey
}

const fromStored = (stored: Stored): Tokens => {
  const client = stored.client
  return {
    accessToken: Redacted.make(stored.accessToken),
    ...(stored.refreshToken === undefined ? {} : { refreshToken: Redacted.make(stored.refreshToken) }),
    ...(stored.expiresAt === undefined ? {} : { expiresAt: stored.expiresAt }),
    ...(stored.scope === undefined ? {} : { scope: stored.scope }),
    ...(stored.tokenType === undefined ? {} : { tokenType: stored.tokenType }),
    ...(stored.dpopKey === undefined ? {} : { dpopKey: Redacted.make(stored.dpopKey) }),
    ...(client === undefined ? {} : {
      client:
        (({ clientSecret, ...rest }) =>
          clientSecret === undefined ? rest : { ...rest, clientSecret: Redacted.make(clientSecret) })(client)
    })
  }
}

const toStored = (tokens: Tokens): Stored => {
  const client = tokens.client
  return {
    accessToken: Redacted.value(tokens.accessToken),
    ...(tokens.refreshToken === undefined ? {} : { refreshToken: Redacted.value(tokens.refreshToken) }),
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    ...(tokens.tokenType === undefined ? {} : { tokenType: tokens.tokenType }),
    ...(tokens.dpopKey === undefined ? {} : { dpopKey: Redacted.value(tokens.dpopKey) }),
    ...(client === undefined ? {} : {
      client:
        (({ clientSecret, ...rest }) =>
          clientSecret === undefined ? rest : { ...rest, clientSecret: Redacted.value(clientSecret) })(client)
    })
  }
}

/**
 * Tokens kept in a JSON file, created with permissions 0600 (owner only).
 *
 * @example
 * ```ts
 * import { TokenStore } from "effect-mcp-client"
 *
 * const store = TokenStore.file("/home/me/.config/my-app/mcp-tokens.json")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const file = (path: string): TokenStore => {
  const failure = (action: string) => (error: unknown) =>
    new AuthorizationError({
      reason: "token-store",
      description: `Could not ${action} the token file ${path}: ${
        error instanceof Error ? error.message : String(error)
      }`
    })
  const read = Effect.try({
    try: (): Record<string, Stored> => existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {},
    catch: failure("read")
  })
  const write = (all: Record<string, Stored>) =>
    Effect.try({
      try: () => {
        const temporary = `${path}.${process.pid}.tmp`
        writeFileSync(temporary, JSON.stringify(all), { mode: 0o600 })
        chmodSync(temporary, 0o600)
        renameSync(temporary, path)
      },
      catch: failure("write")
    })
  return {
    get: (key) =>
      Effect.map(read, (all) => {
        const stored = all[key]
        return stored === undefined ? undefined : fromStored(stored)
      }),
    set: (key, tokens) => Effect.flatMap(read, (all) => write({ ...all, [key]: toStored(tokens) })),
    find: (resource) =>
      Effect.map(read, (all) => {
        const key = Object.keys(all).find((key) => key.endsWith(` ${resource}`) && all[key]!.client !== undefined)
        return key === undefined ? undefined : { key, tokens: fromStored(all[key]!) }
      }),
    remove: (key) =>
      Effect.flatMap(read, (all) => {
        const { [key]: _, ...rest } = all
        return write(rest)
      })
  }
}
