// Start-up as an Effect application pays it: this runner first loads what any Effect program on Node has loaded
// already (Effect's core modules, Schema, Stream, and @effect/platform-node's runtime and services), then starts
// the timer and runs our client's runner (ours.mjs). The harness's start-up result then counts only what this
// client adds: its own modules, the modules of Effect it needs beyond these, the server's start and the handshake.
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"

// Every module is loaded (and used here, so that no bundler or linter drops one).
const loaded = [Cause, Config, Context, Data, Duration, Effect, Exit, Layer, Option, Schedule, Schema, Scope, Stream, NodeRuntime, NodeServices]
if (loaded.some((module) => module === undefined)) throw new Error("a module did not load")
globalThis.benchStartedAt = performance.now()
await import("./ours.mjs")
