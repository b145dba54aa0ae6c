/** The content guards accept exactly the blocks of their variant, and `textOf` reads the text blocks in order. */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { Mcp } from "../../src/index.ts"

const variants = [
  { guard: Mcp.isText, schema: Mcp.TextContent },
  { guard: Mcp.isImage, schema: Mcp.ImageContent },
  { guard: Mcp.isAudio, schema: Mcp.AudioContent },
  { guard: Mcp.isResourceLink, schema: Mcp.ResourceLink },
  { guard: Mcp.isEmbeddedResource, schema: Mcp.EmbeddedResource }
] as const

const isUnknown = Schema.is(Mcp.UnknownContent)

describe("content guards", () => {
  it.prop("each guard accepts exactly the blocks its variant's schema accepts", [Mcp.ContentBlock], ([block]) => {
    for (const { guard, schema } of variants) {
      assert.strictEqual(guard(block), Schema.is(schema)(block), `${guard.name} on ${JSON.stringify(block)}`)
    }
  }, { arbitrary: { runs: 1000 } })

  it.prop("a block of an unknown type passes no guard; any other block passes exactly one", [Mcp.ContentBlock], ([
    block
  ]) => {
    const passed = variants.filter(({ guard }) => guard(block)).length
    assert.strictEqual(passed, isUnknown(block) ? 0 : 1, JSON.stringify(block))
  }, { arbitrary: { runs: 1000 } })

  it.prop("resource contents are text exactly when they match TextResourceContents", [Mcp.ResourceContents], ([
    contents
  ]) => {
    assert.strictEqual(Mcp.isTextResource(contents), Schema.is(Mcp.TextResourceContents)(contents))
  })

  it("narrows a block so that its members can be read", () => {
    const blocks: ReadonlyArray<Mcp.ContentBlock> = [
      { type: "image", data: "AAAA", mimeType: "image/png" },
      { type: "text", text: "caption" },
      { type: "x-chart", points: [1, 2] } as Mcp.UnknownContent
    ]
    assert.strictEqual(blocks.find(Mcp.isText)?.text, "caption")
    assert.deepStrictEqual(blocks.filter(Mcp.isImage).map((image) => image.mimeType), ["image/png"])
  })
})

describe("textOf", () => {
  const content: ReadonlyArray<Mcp.ContentBlock> = [
    { type: "text", text: "first" },
    { type: "image", data: "AAAA", mimeType: "image/png" },
    { type: "resource", resource: { uri: "memo://a", text: "embedded, not a text block" } },
    { type: "text", text: "second" }
  ]

  it("joins the text blocks of a tool result in order, with a newline or the given separator", () => {
    assert.strictEqual(Mcp.textOf({ content }), "first\nsecond")
    const failed: Mcp.CallToolResult = { content, isError: true }
    assert.strictEqual(Mcp.textOf(failed, " | "), "first | second")
    assert.strictEqual(Mcp.textOf(content), "first\nsecond")
    assert.strictEqual(Mcp.textOf({ content: [] }), "")
  })

  it("reads the text messages of a prompt and the text contents of a resource", () => {
    const prompt: Mcp.GetPromptResult = {
      messages: [
        { role: "user", content: { type: "text", text: "Hello" } },
        { role: "assistant", content: { type: "image", data: "AAAA", mimeType: "image/png" } },
        { role: "assistant", content: { type: "text", text: "there" } }
      ]
    }
    assert.strictEqual(Mcp.textOf(prompt, " "), "Hello there")
    const read: Mcp.ReadResourceResult = {
      contents: [{ uri: "memo://a", text: "a" }, { uri: "memo://b", blob: "AAAA" }, { uri: "memo://c", text: "c" }]
    }
    assert.strictEqual(Mcp.textOf(read), "a\nc")
  })

  it.prop("a result, its blocks, and a prompt of one message per block have the same text", [
    Schema.Array(Mcp.ContentBlock)
  ], ([blocks]) => {
    const prompt = { messages: blocks.map((block) => ({ role: "user" as const, content: block })) }
    assert.strictEqual(Mcp.textOf({ content: blocks }), Mcp.textOf(blocks))
    assert.strictEqual(Mcp.textOf(prompt), Mcp.textOf(blocks))
    const texts = blocks.filter(Mcp.isText).map((block) => block.text)
    const joined = Mcp.textOf(blocks, "\u0000")
    assert.strictEqual(joined.length, texts.reduce((sum, text) => sum + text.length, Math.max(0, texts.length - 1)))
    assert.isTrue(joined.startsWith(texts[0] ?? "") && joined.endsWith(texts.at(-1) ?? ""))
  })
})
