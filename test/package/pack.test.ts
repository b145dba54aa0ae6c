/**
 * The package as a user receives it: `npm pack` (which builds on `prepack`),
 * the tarball installed into a project outside the repository, and there a
 * consumer program type-checked and run.
 *
 * The consumer's dependencies are installed with `npm ci --prefer-offline`,
 * from a lockfile made of this repository's own lockfile entries (the closure
 * of the package's dependencies and peers), so the install takes every
 * tarball from the npm cache that `npm ci` filled, and asks the registry only
 * for what a cache pruned since may lack.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"

const root = join(import.meta.dirname, "..", "..")
const fixtures = join(import.meta.dirname, "consumer")
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")

interface LockEntry {
  readonly version: string
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>
  readonly [key: string]: unknown
}

interface PackResult {
  readonly filename: string
  readonly integrity: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

/** npm's own variables (from `npm test`) are dropped, so that the child npm sees only the user's configuration. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) =>
    !key.startsWith("npm_") || key === "npm_config_cache" || key === "npm_config_userconfig"
  )
)

const run = (command: string, args: ReadonlyArray<string>, cwd: string): string =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 })

/** The lockfile entries a set of packages needs, found as Node finds them: nested first, then further up. */
const closure = (
  packages: Record<string, LockEntry>,
  names: ReadonlyArray<string>
): Record<string, LockEntry> => {
  const picked: Record<string, LockEntry> = {}
  const visit = (name: string, from: string, optional: boolean) => {
    for (let base = from;;) {
      const path = `${base === "" ? "" : `${base}/`}node_modules/${name}`
      const entry = packages[path]
      if (entry !== undefined) {
        if (picked[path] !== undefined) return
        const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry
        picked[path] = kept as LockEntry
        for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep, path, false)
        for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(dep, path, true)
        for (const dep of Object.keys(entry.peerDependencies ?? {})) {
          visit(dep, path, entry.peerDependenciesMeta?.[dep]?.optional === true)
        }
        return
      }
      if (base === "") {
        if (optional) return
        throw new Error(`${name} (needed by ${from || "the consumer"}) is not in package-lock.json`)
      }
      const parent = base.lastIndexOf("/node_modules/")
      base = parent === -1 ? "" : base.slice(0, parent)
    }
  }
  for (const name of names) visit(name, "", false)
  return picked
}

describe("the packed package", () => {
  let work = ""
  let consumer = ""
  let packed: PackResult

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "effect-mcp-client-pack-"))
    consumer = join(work, "consumer")
    packed = (JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as Array<PackResult>)[0]!

    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as LockEntry
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      readonly packages: Record<string, LockEntry>
    }
    const peers = Object.keys(manifest.peerDependencies ?? {})
    // A server for the installed command to talk to, as a user would have it: `npx` finds it in the project.
    const servers = ["@modelcontextprotocol/server-everything"]
    const needed = [...Object.keys(manifest.dependencies ?? {}), ...peers, ...servers]
    const tarball = `file:${packed.filename}`
    // The application depends on the package and on the peers it asks for, at the versions this repository uses.
    const dependencies: Record<string, string> = { "effect-mcp-client": tarball }
    for (const name of [...peers, ...servers]) dependencies[name] = lock.packages[`node_modules/${name}`]!.version
    mkdirSync(consumer)
    copyFileSync(join(work, packed.filename), join(consumer, packed.filename))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2)
    )
    writeFileSync(
      join(consumer, "package-lock.json"),
      JSON.stringify(
        {
          name: "consumer",
          lockfileVersion: 3,
          requires: true,
          packages: {
            "": { name: "consumer", dependencies },
            "node_modules/effect-mcp-client": {
              version: manifest.version,
              resolved: tarball,
              integrity: packed.integrity,
              license: manifest["license"],
              dependencies: manifest.dependencies,
              peerDependencies: manifest.peerDependencies,
              engines: manifest["engines"],
              // npm links the commands the lockfile lists.
              bin: manifest["bin"]
            },
            ...closure(lock.packages, needed)
          }
        },
        null,
        2
      )
    )
    for (const file of ["consumer.ts", "main.mjs"]) copyFileSync(join(fixtures, file), join(consumer, file))
    run("npm", ["ci", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"], consumer)
  }, 300_000)

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true })
  }, 120_000)

  it("holds the built JavaScript, declarations and source maps, and nothing of the tests, benchmarks or examples", () => {
    const files = packed.files.map((file) => file.path)
    const expected = [
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/index.js.map",
      "dist/McpClient.d.ts.map"
    ]
    for (const file of expected) {
      assert.include(files, file)
    }
    // The source maps point at src/, which is shipped for them (and for the `source` export condition).
    const map = JSON.parse(readFileSync(join(root, "dist", "McpClient.js.map"), "utf8")) as { sources: Array<string> }
    assert.deepStrictEqual(map.sources, ["../src/McpClient.ts"])
    assert.include(files, "src/McpClient.ts")
    const stray = files.filter((file) => /^(test|bench|examples|scripts|docs)\//.test(file))
    assert.deepStrictEqual(stray, [])
    // Every export names files that are in the tarball.
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, Record<string, string>>
    }
    for (const [entry, conditions] of Object.entries(manifest.exports)) {
      for (const target of Object.values(conditions)) {
        assert.include(files, target.replace(/^\.\//, ""), `${entry} → ${target}`)
      }
    }
  })

  for (const resolution of ["nodenext", "bundler"] as const) {
    it(`type-checks a consumer with tsc --strict, moduleResolution ${resolution}`, () => {
      const compilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        module: resolution === "nodenext" ? "nodenext" : "esnext",
        moduleResolution: resolution
      }
      const config = `tsconfig.${resolution}.json`
      writeFileSync(join(consumer, config), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }))
      let output = ""
      try {
        output = run(process.execPath, [tsc, "-p", config], consumer)
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string }
        assert.fail(`tsc failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`)
      }
      assert.strictEqual(output, "")
    }, 120_000)
  }

  it("installs the command: npx effect-mcp-client tools -- npx -y @modelcontextprotocol/server-everything", () => {
    const output = run(
      "npx",
      ["effect-mcp-client", "tools", "--", "npx", "-y", "@modelcontextprotocol/server-everything"],
      consumer
    )
    for (const tool of ["echo", "get-sum", "trigger-long-running-operation"]) assert.include(output, tool)
    const json = JSON.parse(
      run("npx", [
        "effect-mcp",
        "call",
        "get-sum",
        "a=2",
        "b=3",
        "--json",
        "--",
        "npx",
        "-y",
        "@modelcontextprotocol/server-everything"
      ], consumer)
    ) as {
      readonly content: ReadonlyArray<{ readonly text?: string }>
    }
    assert.include(json.content[0]?.text, "5")
  }, 240_000)

  it("runs under plain Node ESM: lists and calls a tool in memory, with one copy of effect", () => {
    const output = run(process.execPath, ["main.mjs"], consumer)
    assert.deepStrictEqual(output.trim().split("\n"), [
      "server: greeter",
      "tools: greet",
      "greet: Hello, Ada!",
      "farewell is ToolNotFound: true",
      "copies of effect: 1"
    ])
  }, 120_000)
})
