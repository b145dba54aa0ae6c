/**
 * The `effect-mcp` command tree: the flags every command shares (the
 * target, output, interaction), one subcommand per MCP operation, and the
 * MCP Inspector's `--method …` form on the root command.
 *
 * @since 0.1.0
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Latch from "effect/Latch"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as McpClient from "../McpClient.ts"
import type * as Mcp from "../protocol/Mcp.ts"
import { type CliFailure, ToolReportedError, UsageError } from "./ExitCode.ts"
import * as Interaction from "./Interaction.ts"
import * as Render from "./Render.ts"
import * as SignIn from "./SignIn.ts"
import * as Target from "./Target.ts"
import * as ToolArguments from "./ToolArguments.ts"
import * as UrlSteps from "./UrlSteps.ts"

const optionalString = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)
const repeated = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.atLeast(0))

const sharedFlags = {
  url: optionalString("url", "The server's Streamable HTTP endpoint (falls back to HTTP+SSE)"),
  header: repeated("header", "An HTTP header 'Name: value' (repeatable)").pipe(Flag.withAlias("H")),
  env: repeated("env", "A variable NAME=value for the stdio server (repeatable)").pipe(Flag.withAlias("e")),
  era: Flag.Literals("era", ["auto", "legacy", "modern"]).pipe(
    Flag.withDescription("auto: 2026-07-28 when the server speaks it; legacy: initialize; modern: 2026-07-28 only"),
    Flag.withDefault("auto")
  ),
  timeout: Flag.Finite("timeout").pipe(Flag.withDescription("Deadline of each request, in seconds"), Flag.optional),
  json: Flag.Boolean("json").pipe(
    Flag.withDescription("Print exactly the protocol result as JSON"),
    Flag.withDefault(false)
  ),
  out: optionalString("out", "Save images, audio and blobs into this folder"),
  elicitJson: optionalString("elicit-json", "Answer form elicitations with this JSON object"),
  samplingReply: optionalString("sampling-reply", "Answer sampling requests with this fixed text"),
  root: repeated("root", "Offer this folder as a root (repeatable)"),
  config: optionalString("config", "A configuration file of servers (mcpServers, .mcp.json, VS Code's servers)"),
  server: optionalString("server", "The server of --config to use (the file's only enabled one when absent)"),
  input: repeated("input", "An answer to the configuration's ${input:id}, as id=value (repeatable)"),
  clientId: optionalString("client-id", "OAuth client id (client credentials grant with --client-secret)").pipe(
    Flag.withHidden
  ),
  clientSecret: Flag.Redacted("client-secret").pipe(Flag.optional, Flag.withHidden),
  callbackPort: Flag.Int("callback-port").pipe(
    Flag.withDescription("The loopback port for the sign-in redirect"),
    Flag.withDefault(8976)
  )
}

type Shared = Command.Command.Config.Infer<typeof sharedFlags>

const write = (text: string) => Effect.sync(() => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`))
const notice = (text: string) => void process.stderr.write(`${text}\n`)
const width = () => process.stdout.isTTY ? process.stdout.columns : undefined

/** Prints the result: the protocol JSON with `--json`, else the human rendering. */
const emit = (flags: Shared, value: unknown, human: () => string) =>
  write(flags.json ? JSON.stringify(value, null, 2) : human())

/** Prints one JSON line (`--json` streams) or one human line. */
const emitLine = (flags: Shared, value: unknown, human: () => string) =>
  write(flags.json ? JSON.stringify(value) : human())

/** Opens the session the flags name, runs `body` with it, and closes it. */
const withSession = <E>(
  body: (client: McpClient.McpClientShape, flags: Shared) => Effect.Effect<void, E, Scope.Scope | UrlSteps.UrlSteps>,
  options: { readonly followLogs?: boolean } = {}
) => Effect.flatMap(root, (flags) => withSessionOf(flags, body, options))

const withSessionOf = <E>(
  flags: Shared,
  body: (client: McpClient.McpClientShape, flags: Shared) => Effect.Effect<void, E, Scope.Scope | UrlSteps.UrlSteps>,
  options: { readonly followLogs?: boolean } = {}
) =>
  Effect.gen(function*() {
    const command = yield* Target.ServerCommand
    const settings: Target.Settings = {
      url: Option.getOrUndefined(flags.url),
      headers: flags.header,
      env: flags.env,
      era: flags.era,
      timeoutSeconds: Option.getOrUndefined(flags.timeout),
      config: Option.getOrUndefined(flags.config),
      server: Option.getOrUndefined(flags.server),
      inputs: flags.input
    }
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true
    const handlers = Interaction.layer({
      interactive,
      elicitJson: Option.getOrUndefined(flags.elicitJson),
      samplingReply: Option.getOrUndefined(flags.samplingReply),
      roots: flags.root,
      notice
    })
    const resolved = yield* Target.resolve(settings, command, interactive ? Interaction.inputs(notice) : undefined)
    yield* Effect.scoped(Effect.gen(function*() {
      const launch = resolved.launch
      const auth = launch._tag === "stdio" ? undefined : yield* SignIn.oauthClient({
        url: launch.url,
        clientId: Option.getOrUndefined(flags.clientId),
        clientSecret: Option.getOrUndefined(flags.clientSecret),
        callbackPort: flags.callbackPort,
        notice
      })
      const client = yield* Effect.provide(Target.connect(settings, resolved, auth), handlers)
      const steps = yield* UrlSteps.make(client, {
        interactive,
        limit: settings.timeoutSeconds !== undefined
          ? Duration.seconds(settings.timeoutSeconds)
          : Duration.millis(resolved.timeoutMillis ?? 600_000),
        notice
      })
      if (options.followLogs !== false) {
        yield* Stream.runForEach(client.logs, (message) => Effect.sync(() => notice(Render.logMessage(message))))
          .pipe(Effect.forkScoped)
      }
      yield* Effect.provideService(body(client, flags), UrlSteps.UrlSteps, steps)
    }))
  })

// -----------------------------------------------------------------------------
// Operations, shared by the subcommands and the --method form
// -----------------------------------------------------------------------------

const callTool = (
  client: McpClient.McpClientShape,
  flags: Shared,
  name: string,
  pairs: ReadonlyArray<string>,
  jsonArgs: string | undefined
) =>
  Effect.gen(function*() {
    const base = jsonArgs === undefined ? {} : yield* ToolArguments.jsonObject(jsonArgs)
    const tool = (yield* client.listTools()).tools.find((tool) => tool.name === name)
    const args = yield* ToolArguments.forTool(tool?.inputSchema, pairs, base)
    const progressOnTerminal = !flags.json && process.stderr.isTTY === true
    let drawn = false
    const result = yield* UrlSteps.retrying(
      client.callToolWithProgress(name, args, { resetTimeoutOnProgress: true }).pipe(
        Stream.runFoldEffect(
          () => undefined as Mcp.CallToolResult | undefined,
          (last, event) =>
            Effect.sync(() => {
              if (event._tag === "Result") return event.result
              if (flags.json) return last
              if (progressOnTerminal) {
                process.stderr.write(`\r\u001b[2K${Render.progressBar(event)}`)
                drawn = true
              } else {
                notice(
                  `progress ${event.progress}${event.total !== undefined ? `/${event.total}` : ""}${
                    event.message !== undefined ? ` ${event.message}` : ""
                  }`
                )
              }
              return last
            })
        ),
        Effect.ensuring(Effect.sync(() => drawn && void process.stderr.write("\r\u001b[2K")))
      )
    )
    if (result === undefined) return yield* new UsageError({ description: `No result from tool '${name}'` })
    yield* emit(flags, result, () => Render.toolResult(result, Render.files(Option.getOrUndefined(flags.out), name)))
    if (result.isError === true) return yield* new ToolReportedError({ name })
  })

const listTools = (client: McpClient.McpClientShape, flags: Shared) =>
  Effect.flatMap(client.listTools(), (result) => emit(flags, result, () => Render.tools(result, width())))
const listResources = (client: McpClient.McpClientShape, flags: Shared) =>
  Effect.flatMap(client.listResources(), (result) => emit(flags, result, () => Render.resources(result, width())))
const listTemplates = (client: McpClient.McpClientShape, flags: Shared) =>
  Effect.flatMap(
    client.listResourceTemplates(),
    (result) => emit(flags, result, () => Render.templates(result, width()))
  )
const listPrompts = (client: McpClient.McpClientShape, flags: Shared) =>
  Effect.flatMap(client.listPrompts(), (result) => emit(flags, result, () => Render.prompts(result, width())))
const readResource = (client: McpClient.McpClientShape, flags: Shared, uri: string) =>
  Effect.flatMap(
    client.readResource(uri),
    (result) =>
      emit(flags, result, () => Render.readResult(result, Render.files(Option.getOrUndefined(flags.out), "resource")))
  )
const getPrompt = (client: McpClient.McpClientShape, flags: Shared, name: string, pairs: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const args = yield* ToolArguments.strings(pairs)
    const result = yield* client.getPrompt(name, args)
    yield* emit(flags, result, () => Render.promptResult(result, Render.files(Option.getOrUndefined(flags.out), name)))
  })

const levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] as const

/** Runs a tool in the same session (to make the server send what is followed), its result on stderr. */
const trigger = (client: McpClient.McpClientShape, call: Option.Option<string>, pairs: ReadonlyArray<string>) =>
  Option.match(call, {
    onNone: () => Effect.void,
    onSome: (name) =>
      Effect.gen(function*() {
        const tool = (yield* client.listTools()).tools.find((tool) => tool.name === name)
        const args = yield* ToolArguments.forTool(tool?.inputSchema, pairs)
        const result = yield* client.callTool(name, args)
        notice(Render.toolResult(result, Render.files(undefined, name)))
      })
  })

const triggerFlags = {
  call: optionalString("call", "Call this tool in the same session once following has started"),
  arg: repeated("arg", "An argument key=value of --call (repeatable)"),
  count: Flag.Int("count").pipe(Flag.withDescription("Stop after this many"), Flag.optional)
}

const limited = <A, E>(stream: Stream.Stream<A, E>, count: Option.Option<number>) =>
  Option.match(count, { onNone: () => stream, onSome: (n) => Stream.take(stream, n) })

// -----------------------------------------------------------------------------
// Subcommands
// -----------------------------------------------------------------------------

const info = Command.make(
  "info",
  {},
  () => withSession((client, flags) => emit(flags, Render.infoJson(client), () => Render.info(client)))
).pipe(
  Command.withDescription("Server info, negotiated revision and era, capabilities, instructions")
)

const tools = Command.make("tools", {}, () => withSession(listTools)).pipe(
  Command.withDescription("List the server's tools")
)

const call = Command.make(
  "call",
  {
    tool: Argument.String("tool").pipe(Argument.withDescription("The tool's name")),
    args: Argument.String("key=value").pipe(
      Argument.withDescription("Arguments, read as the types the tool's inputSchema declares (key:=json for JSON)"),
      Argument.variadic()
    ),
    jsonArgs: optionalString("json-args", "The arguments as one JSON object (key=value pairs add to it)")
  },
  ({ args, jsonArgs, tool }) =>
    withSession((client, flags) => callTool(client, flags, tool, args, Option.getOrUndefined(jsonArgs)))
).pipe(Command.withDescription("Call a tool; exit code 1 when it reports an error"))

const resources = Command.make("resources", {}, () => withSession(listResources)).pipe(
  Command.withDescription("List the server's resources")
)

const templates = Command.make("templates", {}, () => withSession(listTemplates)).pipe(
  Command.withDescription("List the server's resource templates")
)

const read = Command.make(
  "read",
  { uri: Argument.String("uri").pipe(Argument.withDescription("The resource's URI")) },
  ({ uri }) => withSession((client, flags) => readResource(client, flags, uri))
).pipe(Command.withDescription("Read a resource"))

const prompts = Command.make("prompts", {}, () => withSession(listPrompts)).pipe(
  Command.withDescription("List the server's prompts")
)

const prompt = Command.make(
  "prompt",
  {
    name: Argument.String("name").pipe(Argument.withDescription("The prompt's name")),
    args: Argument.String("key=value").pipe(Argument.withDescription("The prompt's arguments"), Argument.variadic())
  },
  ({ args, name }) => withSession((client, flags) => getPrompt(client, flags, name, args))
).pipe(Command.withDescription("Render a prompt"))

const complete = Command.make(
  "complete",
  {
    prompt: optionalString("prompt", "Complete an argument of this prompt"),
    template: optionalString("template", "Complete a variable of this resource template"),
    argument: Argument.String("argument").pipe(Argument.withDescription("The argument (or variable) name")),
    value: Argument.String("value").pipe(
      Argument.withDescription("What has been typed so far"),
      Argument.withDefault("")
    ),
    context: repeated("context", "Values of other arguments, key=value (repeatable)")
  },
  (input) =>
    withSession((client, flags) =>
      Effect.gen(function*() {
        const ref: Mcp.CompletionReference | undefined = Option.isSome(input.prompt)
          ? { type: "ref/prompt", name: input.prompt.value }
          : Option.isSome(input.template)
          ? { type: "ref/resource", uri: input.template.value }
          : undefined
        if (ref === undefined || (Option.isSome(input.prompt) && Option.isSome(input.template))) {
          return yield* new UsageError({ description: "complete needs one of --prompt NAME or --template URI" })
        }
        const context = yield* ToolArguments.strings(input.context)
        const result = yield* client.complete(ref, { name: input.argument, value: input.value }, {
          ...(input.context.length > 0 ? { context } : {})
        })
        yield* emit(flags, result, () => result.completion.values.join("\n"))
      })
    )
).pipe(Command.withDescription("Complete an argument of a prompt or resource template"))

const ping = Command.make("ping", {}, () =>
  withSession((client, flags) =>
    Effect.gen(function*() {
      const started = Date.now()
      yield* client.ping()
      yield* emit(flags, {}, () => `ok (${Date.now() - started} ms)`)
    })
  )).pipe(Command.withDescription("Check the server answers"))

const logs = Command.make(
  "logs",
  {
    level: Flag.Literals("level", levels).pipe(Flag.withDescription("The lowest level to receive"), Flag.optional),
    ...triggerFlags
  },
  (input) =>
    withSession((client, flags) =>
      Effect.gen(function*() {
        const follower = yield* limited(client.logs, input.count).pipe(
          Stream.runForEach((message) => emitLine(flags, message, () => Render.logMessage(message))),
          Effect.forkScoped
        )
        if (Option.isSome(input.level)) yield* client.setLoggingLevel(input.level.value)
        yield* trigger(client, input.call, input.arg)
        yield* Fiber.join(follower)
      }), { followLogs: false })
).pipe(Command.withDescription("Follow the server's log messages (until Ctrl-C, or --count)"))

const watch = Command.make(
  "watch",
  {
    uri: Argument.String("uri").pipe(Argument.withDescription("The resource to watch")),
    ...triggerFlags
  },
  (input) =>
    withSession((client, flags) =>
      Effect.gen(function*() {
        // Before triggering, the subscription must be in place: a 2025 server has answered
        // resources/subscribe when the stream starts; a 2026-07-28 one acknowledges the listen.
        const acknowledged = yield* client.notifications.pipe(
          Stream.filter((notification) => notification.method === "notifications/subscriptions/acknowledged"),
          Stream.take(1),
          Stream.runDrain,
          Effect.forkScoped
        )
        yield* Effect.yieldNow
        const subscribed = yield* Latch.make(false)
        const follower = yield* limited(client.resourceUpdates(input.uri), input.count).pipe(
          Stream.onStart(subscribed.open),
          Stream.runForEach((update) => emitLine(flags, update, () => `updated ${update.uri}`)),
          Effect.forkScoped
        )
        if (Option.isSome(input.call)) {
          yield* subscribed.await
          if (client.era === "modern") yield* Fiber.join(acknowledged)
        }
        yield* trigger(client, input.call, input.arg)
        yield* Fiber.join(follower)
      })
    )
).pipe(Command.withDescription("Print updates of a resource (until Ctrl-C, or --count)"))

const logout = Command.make("logout", {}, () =>
  Effect.gen(function*() {
    const flags = yield* root
    const url = Option.getOrUndefined(flags.url)
    if (url === undefined) return yield* new UsageError({ description: "logout needs --url" })
    const removed = yield* SignIn.logout(url)
    notice(removed ? `Signed out of ${url}` : `No stored sign-in for ${url}`)
  })).pipe(Command.withDescription("Forget the tokens stored for --url"))

// -----------------------------------------------------------------------------
// The root, with the Inspector's --method form
// -----------------------------------------------------------------------------

const inspectorFlags = {
  method: optionalString("method", "Inspector form: tools/list, tools/call, resources/list, … (prints JSON)"),
  toolName: optionalString("tool-name", "Inspector form: the tool of tools/call"),
  toolArg: repeated("tool-arg", "Inspector form: an argument key=value of tools/call (repeatable)"),
  uri: optionalString("uri", "Inspector form: the resource of resources/read"),
  promptName: optionalString("prompt-name", "Inspector form: the prompt of prompts/get"),
  promptArgs: repeated("prompt-args", "Inspector form: an argument key=value of prompts/get (repeatable)"),
  logLevel: Flag.Literals("log-level", levels).pipe(
    Flag.withDescription("Inspector form: the level of logging/setLevel"),
    Flag.optional
  )
}

const required = (value: Option.Option<string>, flag: string, method: string) =>
  Option.match(value, {
    onNone: () => Effect.fail(new UsageError({ description: `--method ${method} needs ${flag}` })),
    onSome: Effect.succeed
  })

const inspector = (input: Command.Command.Config.Infer<typeof inspectorFlags> & Shared) =>
  Effect.gen(function*() {
    if (Option.isNone(input.method)) {
      return yield* new UsageError({ description: "Give a command (effect-mcp --help lists them)" })
    }
    const method = input.method.value
    yield* withSessionOf(input, (client, given): Effect.Effect<void, CliFailure, UrlSteps.UrlSteps> => {
      // The Inspector's CLI prints JSON.
      const flags: Shared = { ...given, json: true }
      switch (method) {
        case "tools/list":
          return listTools(client, flags)
        case "tools/call":
          return Effect.flatMap(
            required(input.toolName, "--tool-name", method),
            (name) => callTool(client, flags, name, input.toolArg, undefined)
          )
        case "resources/list":
          return listResources(client, flags)
        case "resources/templates/list":
          return listTemplates(client, flags)
        case "resources/read":
          return Effect.flatMap(required(input.uri, "--uri", method), (uri) => readResource(client, flags, uri))
        case "prompts/list":
          return listPrompts(client, flags)
        case "prompts/get":
          return Effect.flatMap(
            required(input.promptName, "--prompt-name", method),
            (name) => getPrompt(client, flags, name, input.promptArgs)
          )
        case "logging/setLevel":
          return Effect.flatMap(
            required(Option.map(input.logLevel, String), "--log-level", method),
            (level) => Effect.andThen(client.setLoggingLevel(level as Mcp.LoggingLevel), emit(flags, {}, () => ""))
          )
        case "ping":
          return Effect.andThen(client.ping(), emit(flags, {}, () => ""))
        default:
          return Effect.fail(new UsageError({ description: `--method ${method} is not one this command sends` }))
      }
    })
  })

/** The root command, whose own flags are the MCP Inspector's `--method` form. */
const root = Command.make(
  "effect-mcp",
  inspectorFlags,
  // `withSharedFlags` hands the root's handler the shared flags too, beside its own.
  (input) => inspector(input as typeof input & Shared)
).pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription("Inspect and call any MCP server from a terminal or a script")
)

/**
 * The whole command: `effect-mcp <command> [flags] [-- server command]`.
 *
 * @example
 * ```ts
 * import { Command } from "effect/cli"
 * import { Commands } from "effect-mcp-client/cli"
 *
 * const run = Command.runWith(Commands.command, { version: "0.1.0" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const command = root.pipe(
  Command.withSubcommands([
    info,
    tools,
    call,
    resources,
    templates,
    read,
    prompts,
    prompt,
    complete,
    ping,
    logs,
    watch,
    logout
  ])
)
