/**
 * The exit codes of the `effect-mcp` command, and the failures of the
 * command itself (a bad command line, a tool that reported failure).
 *
 * | code | meaning                                                   |
 * | ---- | --------------------------------------------------------- |
 * | 0    | success                                                   |
 * | 1    | the tool ran and reported `isError`                       |
 * | 2    | usage: bad flags or arguments, nothing sent               |
 * | 3    | could not connect, or the connection broke                |
 * | 4    | the server refused the request (a JSON-RPC error)         |
 * | 5    | a deadline passed                                         |
 * | 6    | authorization failed or was refused                       |
 * | 130  | interrupted (the call was cancelled, the session closed)  |
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type { McpError } from "../McpError.ts"

/**
 * The exit codes, by name.
 *
 * @example
 * ```ts
 * import { ExitCode } from "effect-mcp-client/cli"
 *
 * const code = ExitCode.codes.timeout // => 5
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const codes = {
  ok: 0,
  toolError: 1,
  usage: 2,
  connection: 3,
  refused: 4,
  timeout: 5,
  authorization: 6,
  interrupted: 130
} as const

/**
 * The command line is wrong: an unknown tool argument, a value that does not
 * fit the tool's `inputSchema`, a missing target. Nothing was sent.
 *
 * @example
 * ```ts
 * import { ExitCode } from "effect-mcp-client/cli"
 *
 * const error = new ExitCode.UsageError({ description: "give a server command after -- or --url" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class UsageError extends Schema.TaggedError<UsageError>("effect-mcp-client/cli/UsageError")("UsageError", {
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/**
 * The tool ran and reported failure (`isError: true`); its result has been
 * printed.
 *
 * @example
 * ```ts
 * import { ExitCode } from "effect-mcp-client/cli"
 *
 * const error = new ExitCode.ToolReportedError({ name: "divide" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ToolReportedError
  extends Schema.TaggedError<ToolReportedError>("effect-mcp-client/cli/ToolReportedError")("ToolReportedError", {
    name: Schema.String
  })
{
  override get message(): string {
    return `Tool '${this.name}' reported an error`
  }
}

/**
 * Any failure the command can end with.
 *
 * @category models
 * @since 0.1.0
 */
export type CliFailure = McpError | UsageError | ToolReportedError

const tagOf = (u: unknown): string | undefined =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" ? u._tag : undefined

/**
 * The exit code for a failure: one of ours, one of the library's, or one of
 * `effect/cli`'s parse errors (usage).
 *
 * @example
 * ```ts
 * import { McpError } from "effect-mcp-client"
 * import { ExitCode } from "effect-mcp-client/cli"
 *
 * const code = ExitCode.ofError(new McpError.RequestTimeout({ method: "tools/call", timeoutMillis: 1000 })) // => 5
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ofError = (error: unknown): number => {
  switch (tagOf(error)) {
    case "ToolReportedError":
    case "TaskFailed":
      return codes.toolError
    case "UsageError":
    case "HostConfigError":
    case "ExpansionError":
    case "InvalidToolArguments":
    case "ShowHelp":
    case "UnrecognizedOption":
    case "DuplicateOption":
    case "MissingOption":
    case "MissingArgument":
    case "UnexpectedArgument":
    case "ValidationError":
    case "InvalidValue":
    case "UnknownSubcommand":
    case "UserError":
      return codes.usage
    case "McpServerError":
    case "ToolNotFound":
    case "ResourceNotFound":
    case "PromptNotFound":
    case "CapabilityNotSupported":
    case "MissingClientCapability":
    case "HeaderMismatch":
    case "InputDeclined":
    case "UrlElicitationRequired":
    case "OutputValidationError":
    case "TaskCancelled":
      return codes.refused
    case "RequestTimeout":
      return codes.timeout
    case "AuthorizationError":
      return codes.authorization
    case "TransportError": {
      const status = (error as { readonly status?: number }).status
      return status === 401 || status === 403 ? codes.authorization : codes.connection
    }
    default:
      return codes.connection
  }
}

/**
 * The exit code for how the program ended: 0, 130 when interrupted, else
 * the code of its failure.
 *
 * @example
 * ```ts
 * import { Exit } from "effect"
 * import { ExitCode } from "effect-mcp-client/cli"
 *
 * const code = ExitCode.ofExit(Exit.succeed(undefined)) // => 0
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ofExit = <A, E>(exit: Exit.Exit<A, E>): number => {
  if (Exit.isSuccess(exit)) return codes.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return codes.interrupted
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  return failure !== undefined ? ofError(failure.error) : codes.connection
}
