import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as McpPrompt from "../../src/ai/McpPrompt.ts"
import { McpClient } from "../../src/index.ts"
import * as Peers from "../support/Peers.ts"

describe("McpPrompt with the everything server", () => {
  layer(McpClient.layer({ name: "prompts", version: "1.0.0" }).pipe(Layer.provide(Peers.stdio("everything"))), {
    timeout: "60 seconds"
  })((it) => {
    it.effect("a prompt with arguments becomes a user message", () =>
      Effect.gen(function*() {
        const prompt = yield* McpPrompt.get(yield* McpClient.McpClient, "args-prompt", { city: "Lyon" })
        assert.strictEqual(prompt.content.length, 1)
        const message = prompt.content[0]!
        assert.strictEqual(message.role, "user")
        const text = message.role === "user" ? message.content.map((part) => part.type === "text" ? part.text : "") : []
        assert.include(text.join(""), "Lyon")
      }))

    it.effect("an embedded text resource is its text, a blob a file part, in one user message", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const text = yield* McpPrompt.get(client, "resource-prompt", { resourceType: "Text", resourceId: "1" })
        assert.strictEqual(text.content.length, 1)
        const parts = text.content[0]!.role === "user" ? text.content[0]!.content : []
        assert.deepStrictEqual(parts.map((part) => part.type), ["text", "text"])
        assert.include(parts[1]!.type === "text" ? parts[1]!.text : "", "Resource 1")

        const blob = yield* McpPrompt.get(client, "resource-prompt", { resourceType: "Blob", resourceId: "2" })
        const blobParts = blob.content[0]!.role === "user" ? blob.content[0]!.content : []
        assert.deepStrictEqual(blobParts.map((part) => part.type), ["text", "file"])
        assert.strictEqual(blobParts[1]!.type === "file" && blobParts[1]!.mediaType, "text/plain")
      }))

    it.effect("a resource read becomes a user message", () =>
      Effect.gen(function*() {
        const prompt = yield* McpPrompt.read(yield* McpClient.McpClient, "demo://resource/dynamic/text/1")
        const parts = prompt.content[0]!.role === "user" ? prompt.content[0]!.content : []
        assert.strictEqual(parts.length, 1)
        assert.include(parts[0]!.type === "text" ? parts[0]!.text : "", "Resource 1")
      }))
  })
})
