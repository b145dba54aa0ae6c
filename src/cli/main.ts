#!/usr/bin/env node
/**
 * The `effect-mcp` executable: `effect-mcp <command> [flags] [-- server command]`.
 *
 * The words after the first `--` are the stdio server to start; the rest is
 * parsed by `effect/cli`. Failures are printed on stderr and become the exit
 * codes of `ExitCode`; Ctrl-C interrupts, which cancels what is in flight on
 * the server and closes the session before exiting with 130.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as CliConfig from "effect/cli/CliConfig"
import * as Command from "effect/cli/Command"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import * as Effect from "effect/Effect"
import { isMcpError } from "../McpError.ts"
import * as Commands from "./Commands.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Target from "./Target.ts"

const argv = process.argv.slice(2)
const separator = argv.indexOf("--")
const ownArguments = separator === -1 ? argv : argv.slice(0, separator)
const serverCommand = separator === -1 ? [] : argv.slice(separator + 1)

/** Our failures and the library's are printed here; `effect/cli` prints its own parse errors with the help. */
const report = (error: unknown) =>
  Effect.sync(() => {
    if (isMcpError(error) || (error instanceof Error && ("_tag" in error) && !isCliParseError(error))) {
      process.stderr.write(`effect-mcp: ${error.message}\n`)
    }
  })

const isCliParseError = (error: Error) => (error as { readonly _tag?: string })._tag === "ShowHelp"

Command.runWith(Commands.command, { version: Target.clientInfo.version })(ownArguments).pipe(
  Effect.tapError(report),
  Effect.provideService(Target.ServerCommand, serverCommand),
  // --log-level is the Inspector form's (logging/setLevel), not the built-in one; no wizard.
  Effect.provideService(
    CliConfig.CliConfig,
    CliConfig.make({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions] })
  ),
  Effect.provide(NodeServices.layer),
  (program) =>
    NodeRuntime.runMain(program, {
      disableErrorReporting: true,
      teardown: (exit) => process.exit(ExitCode.ofExit(exit))
    })
)
