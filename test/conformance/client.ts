/**
 * The client program the official conformance harness drives: it gets the
 * scenario in MCP_CONFORMANCE_SCENARIO, the revision in
 * MCP_CONFORMANCE_PROTOCOL_VERSION and the server URL as its last argument,
 * and does what the scenario expects, with the public API only.
 *
 * Run it through `npm run conformance` (scripts/conformance.ts).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Console, Effect, Layer, Redacted } from "effect"
import {
  Elicitation,
  HttpTransport,
  type Mcp,
  McpClient,
  OAuthClient,
  ProtocolVersion,
  Skills,
  UserAgents
} from "../../src/index.ts"

const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? ""
const revision = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION
const url = process.argv[process.argv.length - 1]!
/** What some scenarios ask for in particular, such as the tool calls to make. */
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as {
  readonly toolCalls?: ReadonlyArray<{ readonly name: string; readonly arguments?: Record<string, unknown> }>
  readonly client_id?: string
  readonly client_secret?: string
  readonly issuer?: string
  readonly private_key_pem?: string
  readonly signing_algorithm?: "ES256" | "RS256"
  /** Workload identity federation: the workload's JWT. */
  readonly valid_jwt?: string
  /** Enterprise-managed authorization: the identity provider and the user's id_token there. */
  readonly idp_client_id?: string
  readonly idp_id_token?: string
  readonly idp_issuer?: string
  readonly idp_token_endpoint?: string
}

/** How this program authorizes, for the harness's authorization scenarios. */
const authorization = (): OAuthClient.Options => {
  const base = {
    clientName: "effect-mcp-client-conformance",
    userAgent: UserAgents.headless("http://localhost:3000/callback"),
    clientMetadataUrl: "https://conformance-test.local/client-metadata.json"
  }
  if (scenario === "auth/wif-jwt-bearer" && context.valid_jwt !== undefined) {
    return {
      ...base,
      assertionGrant: {
        _tag: "WorkloadIdentity",
        clientId: context.client_id,
        assertion: Effect.succeed(Redacted.make(context.valid_jwt))
      }
    }
  }
  if (context.idp_token_endpoint !== undefined && context.idp_id_token !== undefined && context.client_id) {
    return {
      ...base,
      assertionGrant: {
        _tag: "EnterpriseManaged",
        identityProvider: {
          issuer: context.idp_issuer ?? context.idp_token_endpoint,
          tokenEndpoint: context.idp_token_endpoint,
          clientId: context.idp_client_id ?? context.client_id
        },
        idToken: Effect.succeed(Redacted.make(context.idp_id_token)),
        clientId: context.client_id,
        ...(context.client_secret === undefined ? {} : { clientSecret: Redacted.make(context.client_secret) })
      }
    }
  }
  if (scenario.startsWith("auth/client-credentials") && context.client_id !== undefined) {
    return {
      ...base,
      clientCredentials: context.private_key_pem !== undefined
        ? {
          _tag: "PrivateKeyJwt",
          clientId: context.client_id,
          privateKeyPem: Redacted.make(context.private_key_pem),
          algorithm: context.signing_algorithm ?? "ES256"
        }
        : { _tag: "Secret", clientId: context.client_id, clientSecret: Redacted.make(context.client_secret ?? "") }
    }
  }
  if (context.client_id !== undefined) {
    return {
      ...base,
      preRegistered: {
        clientId: context.client_id,
        ...(context.client_secret === undefined ? {} : { clientSecret: Redacted.make(context.client_secret) }),
        ...(context.issuer === undefined ? {} : { issuer: context.issuer })
      }
    }
  }
  return base
}

/** Arguments that satisfy a tool's input schema as simply as possible. */
const argumentsFor = (tool: Mcp.Tool): Record<string, unknown> => {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>
  const required = (tool.inputSchema.required ?? []) as ReadonlyArray<string>
  const args: Record<string, unknown> = {}
  for (const name of required) {
    const property = properties[name] ?? {}
    const choices = property.enum as ReadonlyArray<unknown> | undefined
    args[name] = choices !== undefined
      ? choices[0]
      : property.type === "number" || property.type === "integer"
      ? 1
      : property.type === "boolean"
      ? true
      : property.type === "object"
      ? {}
      : property.type === "array"
      ? []
      : "test"
  }
  return args
}

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  yield* Console.error(`connected: ${client.serverInfo.name} ${client.protocolVersion} (${client.era})`)
  if (Skills.supported(client)) {
    // Listing reads no file; an application that uses a skill loads it, then reads its other files as needed.
    const skills = yield* Skills.list(client)
    yield* Console.error(`skills: ${skills.map((skill) => skill.uri).join(", ")}`)
    if (scenario === "sep-2640-client-no-prefetch") return
    for (const skill of skills) {
      const used = yield* Effect.gen(function*() {
        yield* Skills.load(client, skill)
        for (const file of skill.resources) if (file.uri !== skill.uri) yield* Skills.readFile(client, skill, file.uri)
        return "verified"
      }).pipe(Effect.catchTag("SkillVerificationError", (error) => Effect.succeed(`refused: ${error.message}`)))
      yield* Console.error(`${skill.uri}: ${used}`)
    }
    return
  }
  if (scenario === "initialize" || client.serverCapabilities.tools === undefined) return
  const { tools } = yield* client.listTools()
  if (scenario.startsWith("json-schema-2020-12")) {
    // Shows that the tool's schema is kept as the server sent it: it is echoed back.
    const focal = tools.find((tool) => tool.name === "json_schema_2020_12_tool")
    if (focal !== undefined) yield* client.callTool("json_schema_echo", { schema: focal.inputSchema })
    return
  }
  const calls = context.toolCalls ?? tools.map((tool) => ({ name: tool.name, arguments: argumentsFor(tool) }))
  for (const call of calls) {
    const result = yield* client.callTool(call.name, call.arguments ?? {}).pipe(
      Effect.map((r) => (r.isError === true ? "tool error" : "ok")),
      Effect.catch((error) => Effect.succeed(`failed: ${error.message}`))
    )
    yield* Console.error(`${call.name}: ${result}`)
  }
})

const version = revision !== undefined &&
    (ProtocolVersion.isLegacyVersion(revision) || ProtocolVersion.isModernVersion(revision))
  ? revision
  : undefined

const Transport = Layer.unwrap(
  Effect.map(
    OAuthClient.make(authorization()),
    (auth) => HttpTransport.layerNode({ url, ...(scenario.startsWith("auth/") ? { auth } : {}) })
  )
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const Session = McpClient.layer({ name: "effect-mcp-client-conformance", version: "0.1.0", protocolVersion: version })
  .pipe(
    Layer.provide(Transport),
    // Form elicitations are accepted with what the user would leave blank: the schema's defaults fill it.
    Layer.provide(Elicitation.layer({ form: () => Effect.succeed({ action: "accept", content: {} }) }))
  )

Effect.runPromiseExit(program.pipe(Effect.provide(Session))).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(String(exit.cause))
    process.exitCode = 1
  }
})
