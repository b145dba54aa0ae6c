/** What the error messages and the wire log show: never a planted credential, and everything else as it is. */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { Redaction } from "../../src/index.ts"

const Scalar = Schema.Union([Schema.String, Schema.Finite, Schema.Boolean, Schema.Null])
const SafeKey = Schema.Literals(["name", "uri", "id", "text", "items", "method", "params", "a"])
const SecretKey = Schema.Literals([
  "authorization",
  "Authorization",
  "token",
  "access_token",
  "refreshToken",
  "client_secret",
  "password",
  "apiKey",
  "x-api-key",
  "API_KEY",
  "cookie",
  "credentials"
])
/** A credential: long enough and plain enough that it cannot appear by chance. */
const Secret = Schema.String.pipe(Schema.check(Schema.isPattern(/^[A-Za-z0-9]{12,40}$/)))
const Members = Schema.Array(Schema.Tuple([SafeKey, Scalar]))

const nest = (value: unknown, depth: number): unknown =>
  depth <= 0 ? value : depth % 2 === 0 ? { params: nest(value, depth - 1) } : [nest(value, depth - 1)]

describe("Redaction", () => {
  it.prop(
    "a value under a secret key, at any depth among other members, is never shown",
    [Members, SecretKey, Secret, Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 4 })))],
    ([members, key, secret, depth]) => {
      const value = nest({ ...Object.fromEntries(members), [key]: secret }, depth)
      const shown = Redaction.stringify(value)
      assert.notInclude(shown, secret)
      assert.include(shown, `"${key}":"<redacted>"`)
    }
  )

  it.prop(
    "a value without secret keys or credentials is shown as it is",
    [Schema.Array(Schema.Tuple([SafeKey, Schema.Union([Scalar, Members])]))],
    ([members]) => {
      const value = Object.fromEntries(
        members.map(([key, member]) => [key, Array.isArray(member) ? Object.fromEntries(member) : member])
      )
      assert.strictEqual(Redaction.stringify(value), JSON.stringify(value))
    },
    { arbitrary: { runs: 500 } }
  )

  it.prop(
    "a credential in free text is hidden, however it is written",
    [
      Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 6 }))),
      Secret,
      Schema.String
    ],
    ([form, secret, around]) => {
      const forms = [
        `Authorization: Bearer ${secret}`,
        `basic ${secret}`,
        `GET /mcp?access_token=${secret}&x=1`,
        `{"password":"${secret}"}`,
        `MY_API_KEY=${secret} npm start`,
        `client_secret: '${secret}'`,
        `see https://me:${secret}@example.com/mcp`
      ]
      const text = `${around.replace(/[A-Za-z0-9]/g, "")} ${forms[form]} ${around.replace(/[A-Za-z0-9]/g, "")}`
      assert.notInclude(Redaction.redactText(text), secret)
      assert.notInclude(Redaction.excerpt(text, 1000), secret)
    }
  )

  it("keeps progressToken, and shows URLs without user info and query", () => {
    assert.strictEqual(Redaction.stringify({ progressToken: "p-1" }), `{"progressToken":"p-1"}`)
    assert.strictEqual(
      Redaction.safeUrl("https://me:pw@example.com:8443/a/mcp?token=t#x"),
      "https://example.com:8443/a/mcp"
    )
  })
})
