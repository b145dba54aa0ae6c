/**
 * The messages of connection failures, against real processes and sockets: each names its cause
 * (command and errno, URL and errno, HTTP status and body, exit code or signal and stderr), and none
 * shows a credential, in its message or in the pretty-printed cause.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpTransport, McpClient, McpError, OAuthClient, TokenStore, UserAgents } from "../../src/index.ts"
import * as StdioTransport from "../../src/transport/StdioTransport.ts"
import * as AuthServer from "../support/AuthServer.ts"
import { type Driver, drivers } from "../support/HttpDrivers.ts"

/** The planted credential: it must never appear in what a user is shown. */
const secret = "s3cr3t-planted-0123456789"

interface Failure {
  readonly error: McpError.McpError
  readonly message: string
  readonly pretty: string
}

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    assert.isTrue(Exit.isFailure(exit), "expected a failure")
    if (Exit.isSuccess(exit)) throw new Error("unreachable")
    const error = Cause.squash(exit.cause)
    assert.isTrue(McpError.isMcpError(error), String(error))
    const failure: Failure = {
      error: error as McpError.McpError,
      message: (error as McpError.McpError).message,
      pretty: Cause.pretty(exit.cause)
    }
    assert.notInclude(failure.message, secret)
    assert.notInclude(failure.pretty, secret)
    return failure
  })

const openStdio = (options: StdioTransport.Options) =>
  failureOf(
    McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
      Effect.provide(StdioTransport.layerNode({ stderr: "ignore", ...options })),
      Effect.scoped
    )
  )

const openHttpWith = (driver: Driver) => (options: HttpTransport.Options) =>
  failureOf(
    McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
      Effect.provide(driver.layer({ legacySseFallback: false, ...options })),
      Effect.scoped
    )
  )

/** An HTTP server on 127.0.0.1 that answers every request with `status` and `body`. */
const refusingServer = (status: number, body: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: http.Server; readonly port: number }>((resume) => {
      const server = http.createServer((_, response) => {
        response.writeHead(status, { "content-type": "text/plain" }).end(body)
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, port: (server.address() as any).port })))
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )

/** A port on 127.0.0.1 that nothing listens on: one the system just gave out and took back. */
const closedPort = Effect.callback<number>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as any).port as number
    server.close(() => resume(Effect.succeed(port)))
  })
})

const transportError = (failure: Failure) => {
  assert.strictEqual(failure.error._tag, "TransportError", failure.message)
  return failure.error as McpError.TransportError
}

describe("error messages name their cause", () => {
  it.live("a command that does not exist: the command and ENOENT, on one line", () =>
    Effect.gen(function*() {
      const failure = yield* openStdio({ command: "/no/such/command", args: [`--token=${secret}`] })
      transportError(failure)
      assert.strictEqual(
        failure.message,
        "Could not start the MCP server '/no/such/command': spawn /no/such/command ENOENT " +
          "(no such file or directory: is the command installed, and on PATH?)"
      )
    }))

  it.live("a file that is not executable: the command and EACCES", () =>
    Effect.gen(function*() {
      const file = join(mkdtempSync(join(tmpdir(), "mcp-errors-")), "server.sh")
      writeFileSync(file, "#!/bin/sh\necho never\n")
      chmodSync(file, 0o644)
      const failure = yield* openStdio({ command: file })
      transportError(failure)
      assert.strictEqual(
        failure.message,
        `Could not start the MCP server '${file}': spawn ${file} EACCES (permission denied: is the file executable?)`
      )
    }))

  it.live("a server that exits with code 3: the code and its stderr, credentials from its environment hidden", () =>
    Effect.gen(function*() {
      const failure = yield* openStdio({
        command: process.execPath,
        args: ["-e", "console.error('config error: API_KEY=' + process.env.API_KEY + ' rejected'); process.exit(3)"],
        env: { API_KEY: Redacted.make(secret) },
        name: "crashing-server"
      })
      const error = transportError(failure)
      assert.strictEqual(error.exitCode, 3)
      assert.strictEqual(
        failure.message,
        "The MCP server 'crashing-server' exited; exit code 3; stderr: config error: API_KEY=<redacted> rejected"
      )
    }))

  it.live("a server killed by a signal: the signal and its stderr", () =>
    Effect.gen(function*() {
      const failure = yield* openStdio({
        command: process.execPath,
        args: ["-e", "console.error('about to be killed'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50)"],
        name: "killed-server"
      })
      const error = transportError(failure)
      assert.strictEqual(error.signal, "SIGKILL")
      assert.strictEqual(
        failure.message,
        "The MCP server 'killed-server' was stopped; signal SIGKILL; stderr: about to be killed"
      )
    }))
})

describe.each(drivers)("HTTP error messages name their cause over $name", (driver) => {
  const openHttp = openHttpWith(driver)

  it.live("a refused connection: the URL (without credentials) and ECONNREFUSED", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const failure = yield* openHttp({
        url: `http://user:${secret}@127.0.0.1:${port}/mcp?token=${secret}`,
        headers: { authorization: `Bearer ${secret}`, "x-api-key": Redacted.make(secret) }
      })
      transportError(failure)
      assert.strictEqual(
        failure.message,
        `POST http://127.0.0.1:${port}/mcp failed: connect ECONNREFUSED 127.0.0.1:${port} ` +
          "(nothing is listening there: is the server running?)"
      )
    }))

  it.live("a refused request: the status and the start of the body, credentials in it hidden", () =>
    Effect.gen(function*() {
      const body = `Forbidden: the header Authorization: Bearer ${secret} has no access to this workspace. ` +
        "x".repeat(1000)
      const { port } = yield* refusingServer(403, body)
      const failure = yield* openHttp({
        url: `http://127.0.0.1:${port}/mcp?api_key=${secret}`,
        headers: { authorization: `Bearer ${secret}` }
      })
      const error = transportError(failure)
      assert.strictEqual(error.status, 403)
      assert.match(
        failure.message,
        new RegExp(
          `^POST http://127\\.0\\.0\\.1:${port}/mcp was refused with HTTP 403: ` +
            "Forbidden: the header Authorization: Bearer <redacted> has no access to this workspace\\. x+…$"
        ),
        failure.message
      )
      assert.isBelow(failure.message.length, 300, failure.message)
    }).pipe(Effect.scoped))

  it.live("https to a server that speaks plain HTTP: the URL and the TLS reason", () =>
    Effect.gen(function*() {
      const { port } = yield* refusingServer(200, "")
      const failure = yield* openHttp({ url: `https://127.0.0.1:${port}/mcp` })
      transportError(failure)
      assert.strictEqual(
        failure.message,
        `POST https://127.0.0.1:${port}/mcp failed: TLS error ERR_SSL_WRONG_VERSION_NUMBER: wrong version number`
      )
    }).pipe(Effect.scoped))

  it.live("a wrong path: both transports' refusals, with the POST's body", () =>
    Effect.gen(function*() {
      const { port } = yield* refusingServer(404, "Cannot POST /mcp")
      const failure = yield* openHttp({ url: `http://127.0.0.1:${port}/mcp`, legacySseFallback: true })
      assert.strictEqual(
        failure.message,
        `The server at http://127.0.0.1:${port}/mcp refused both MCP transports (POST 404: Cannot POST /mcp; GET 404)`
      )
    }).pipe(Effect.scoped))

  it.live("an OAuth session whose server went away: the access token is not shown", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.start()
      const store = TokenStore.memory()
      const httpClient = yield* Layer.build(NodeHttpClient.layerUndici)
      const auth = yield* OAuthClient.make({
        clientName: "test",
        userAgent: UserAgents.headless("http://127.0.0.1:1/callback"),
        store
      }).pipe(Effect.provideContext(httpClient))
      const context = yield* Layer.build(driver.layer({ url: server.url, auth, legacySseFallback: false }))
      const client = yield* McpClient.make({ name: "test", version: "1.0.0", era: "legacy" }).pipe(
        Effect.provideContext(context)
      )
      yield* client.listTools()
      const sent = server.log.mcpAuthorization.filter((h) => h !== undefined).at(-1)!
      const accessToken = sent.replace(/^Bearer /, "")
      assert.isAbove(accessToken.length, 8)
      server.server.closeAllConnections()
      yield* Effect.callback<void>((resume) => {
        server.server.close(() => resume(Effect.void))
      })
      const exit = yield* Effect.exit(client.listTools())
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Cause.squash(exit.cause) as McpError.McpError
        assert.strictEqual(error._tag, "TransportError")
        assert.include(error.message, `POST ${new URL(server.url).origin}/mcp failed: `)
        assert.notInclude(error.message, accessToken)
        assert.notInclude(Cause.pretty(exit.cause), accessToken)
      }
    }).pipe(Effect.scoped))
})
