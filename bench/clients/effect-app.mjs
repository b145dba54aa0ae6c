// Start-up as an Effect application pays it: this runner first loads what any Effect program on Node has loaded
// already (Effect's core modules, Schema, Stream, and @effect/platform-node's runtime and services), then starts
// the timer and runs our client's runner (ours.mjs). The harness's start-up result then counts only what this
// client adds: its own modules, the modules of Effect it needs beyond these, the server's start and the handshake.
import "effect/Cause"
import "effect/Config"
import "effect/Context"
import "effect/Data"
import "effect/Duration"
import "effect/Effect"
import "effect/Exit"
import "effect/Layer"
import "effect/Option"
import "effect/Schedule"
import "effect/Schema"
import "effect/Scope"
import "effect/Stream"
import "@effect/platform-node/NodeRuntime"
import "@effect/platform-node/NodeServices"

globalThis.benchStartedAt = performance.now()
await import("./ours.mjs")
