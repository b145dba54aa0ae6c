/**
 * Sign-in of the `effect-mcp` command against the project's local
 * authorization server: the browser flow through the loopback redirect (the
 * test plays the browser), tokens in a 0600 file under `$XDG_CONFIG_HOME`
 * reused and refreshed by later runs, `logout`, and a refused client credentials grant (exit code 6).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as AuthServer from "../support/AuthServer.ts"
import * as Peers from "../support/Peers.ts"
import * as Run from "./Run.ts"

/** Opens the address the command prints, as a browser would, and follows the redirect to the command. */
const browser = () => {
  let opened = false
  return (text: string) => {
    const match = /by opening this address:\n(\S+)\n/.exec(text)
    if (opened || match === null) return
    opened = true
    void (async () => {
      const response = await fetch(match[1]!, { redirect: "manual" })
      await fetch(response.headers.get("location")!)
    })()
  }
}

describe("effect-mcp sign-in", () => {
  it.live(
    "the first run signs in through the loopback redirect, the next reuses the token, expiry refreshes, logout forgets",
    () =>
      Effect.gen(function*() {
        const server = yield* AuthServer.start()
        const config = mkdtempSync(path.join(tmpdir(), "effect-mcp-config-"))
        const env = { XDG_CONFIG_HOME: config }
        const port = yield* Peers.freePort
        const first = yield* Effect.promise(() =>
          Run.run(["tools", "--json", "--url", server.url, "--callback-port", String(port)], {
            env,
            onStderr: browser()
          })
        )
        assert.strictEqual(first.code, 0, first.stderr)
        assert.deepStrictEqual(Run.json(first), { tools: [] })
        assert.include(first.stderr, `Sign in to ${server.url} by opening this address:`)
        assert.strictEqual(server.log.registrations, 1)
        assert.strictEqual(server.log.tokenRequests[0]!.grant_type, "authorization_code")
        assert.strictEqual(server.log.authorizeRequests[0]!.redirect_uri, `http://127.0.0.1:${port}/callback`)

        const file = path.join(config, "effect-mcp", "tokens.json")
        assert.strictEqual(statSync(file).mode & 0o777, 0o600)
        assert.deepStrictEqual(Object.keys(JSON.parse(readFileSync(file, "utf8"))), [`${server.base} ${server.url}`])

        // The second run uses the stored token: no authorization, no registration, no token request.
        const noBrowser: Run.RunOptions = {
          env,
          onStderr: (text, child) => void (text.includes("by opening this address") && child.kill())
        }
        const stored = () => JSON.parse(readFileSync(file, "utf8"))[`${server.base} ${server.url}`]
        const second = yield* Effect.promise(() => Run.run(["tools", "--json", "--url", server.url], noBrowser))
        assert.strictEqual(second.code, 0, second.stderr)
        assert.strictEqual(server.log.authorizeRequests.length, 1)
        assert.strictEqual(server.log.registrations, 1)
        assert.strictEqual(server.log.tokenRequests.length, 1)
        assert.strictEqual(server.log.mcpAuthorization.at(-1), `Bearer ${stored().accessToken}`)

        // Once the token has expired, the next run refreshes it, as the registered client.
        const expired = stored().accessToken
        const all = JSON.parse(readFileSync(file, "utf8"))
        all[`${server.base} ${server.url}`].expiresAt = Date.now() - 60_000
        writeFileSync(file, JSON.stringify(all))
        const third = yield* Effect.promise(() => Run.run(["tools", "--json", "--url", server.url], noBrowser))
        assert.strictEqual(third.code, 0, third.stderr)
        assert.strictEqual(server.log.tokenRequests.length, 2)
        assert.strictEqual(server.log.tokenRequests[1]!.grant_type, "refresh_token")
        assert.strictEqual(server.log.tokenRequests[1]!.client_id, "client-1")
        assert.notStrictEqual(stored().accessToken, expired)
        assert.strictEqual(server.log.mcpAuthorization.at(-1), `Bearer ${stored().accessToken}`)
        assert.strictEqual(server.log.authorizeRequests.length, 1)

        const logout = yield* Effect.promise(() => Run.run(["logout", "--url", server.url], { env }))
        assert.strictEqual(logout.code, 0, logout.stderr)
        assert.include(logout.stderr, `Signed out of ${server.url}`)
        assert.deepStrictEqual(JSON.parse(readFileSync(file, "utf8")), {})
        const again = yield* Effect.promise(() => Run.run(["logout", "--url", server.url], { env }))
        assert.include(again.stderr, `No stored sign-in for ${server.url}`)
      }).pipe(Effect.scoped),
    300_000
  )

  it.live("6: the authorization server refuses the client credentials", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const config = mkdtempSync(path.join(tmpdir(), "effect-mcp-config-"))
      const outcome = yield* Effect.promise(() =>
        Run.run(["tools", "--url", server.url], {
          env: { XDG_CONFIG_HOME: config, MCP_CLIENT_ID: "machine", MCP_CLIENT_SECRET: "wrong" }
        })
      )
      assert.strictEqual(outcome.code, 6, outcome.stderr)
      assert.include(outcome.stderr, "Authorization failed")
      assert.strictEqual(server.log.tokenRequests[0]!.grant_type, "client_credentials")
      assert.isFalse(existsSync(path.join(config, "effect-mcp", "tokens.json")))
    }).pipe(Effect.scoped), 300_000)
})
