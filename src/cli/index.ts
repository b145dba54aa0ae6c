/**
 * The modules of the `effect-mcp` command, for building a command of your
 * own on the same parts (the executable itself is `cli/main`).
 *
 * @since 0.1.0
 */

/** The command tree. @since 0.1.0 */
export * as Commands from "./Commands.ts"
/** Exit codes and the command's own failures. @since 0.1.0 */
export * as ExitCode from "./ExitCode.ts"
/** Answers to the server's requests from a terminal. @since 0.1.0 */
export * as Interaction from "./Interaction.ts"
/** Human-readable renderings of results. @since 0.1.0 */
export * as Render from "./Render.ts"
/** OAuth sign-in with a file token store. @since 0.1.0 */
export * as SignIn from "./SignIn.ts"
/** The server a command talks to. @since 0.1.0 */
export * as Target from "./Target.ts"
/** Browser steps the server asks for, waited for and retried. @since 0.1.0 */
export * as UrlSteps from "./UrlSteps.ts"
/** `key=value` arguments read by a tool's input schema. @since 0.1.0 */
export * as ToolArguments from "./ToolArguments.ts"
