/**
 * Runs the official MCP conformance suite's client scenarios
 * (`@modelcontextprotocol/conformance`, pinned in devDependencies) against this
 * client (`test/conformance/client.ts`), one harness process per scenario and
 * wire version, and judges each strictly: a scenario passes only when the
 * harness recorded checks, every check passed (no FAILURE, no WARNING) and the
 * client exited 0 within the timeout (or, in a scenario that expects the client
 * to refuse and give up, such as auth/iss-wrong-issuer, exited having exitedWithError). Prints a table and ends with
 * `N passed, M failed`; exits 0 only when nothing failed.
 *
 *   npm run conformance                                   every client scenario, at 2025-11-25 and 2026-07-28
 *   npm run conformance -- --requirements 2025-11-25      what that revision requires, its unscored extras and every extension
 *   npm run conformance -- --spec-version 2026-07-28 --scenario request-metadata
 *
 * The harness's mock servers listen on all interfaces unless told otherwise;
 * it runs with test/servers/loopback.cjs preloaded, which keeps them on 127.0.0.1.
 */
import { spawn, spawnSync } from "node:child_process"
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../", import.meta.url))
const harness = join(root, "node_modules/@modelcontextprotocol/conformance/dist/index.js")
const loopbackGuard = join(root, "test/servers/loopback.cjs")
const ownClient = `${process.execPath} --disable-warning=ExperimentalWarning ${
  join(root, "test/conformance/client.ts")
}`
/** The wire versions a scenario runs at by default, where its tags include them. */
const defaultWires = ["2025-11-25", "2026-07-28"]

const usage = `usage: npm run conformance -- [options]

  --scenario NAME        only this scenario (repeatable)
  --spec-version V       only wire version V (scenarios tagged with V; extensions are forced)
  --requirements REV     what revision REV requires, its unscored client scenarios and every extension, at REV
  --timeout MS           the client's time limit per scenario (default 30000)
  -j, --jobs N           scenarios run at once (default 1; timing scenarios such as sse-retry prefer 1)
  --out DIR              where the harness writes its results (default: a new temporary folder)
  --client COMMAND       the client command to judge (default: this project's test/conformance/client.ts)
  --list                 print the plan and exit
`

interface Options {
  readonly scenarios: Array<string>
  specVersion?: string
  requirements?: string
  timeout: number
  jobs: number
  out?: string
  client: string
  list: boolean
}

const stop = (message: string): never => {
  console.error(`conformance: ${message}`)
  process.exit(2)
}

const parse = (argv: ReadonlyArray<string>): Options => {
  const options: Options = { scenarios: [], timeout: 30_000, jobs: 1, client: ownClient, list: false }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = () => argv[++i] ?? stop(`${flag} needs a value`)
    const count = (text: string) => /^[1-9]\d*$/.test(text) ? Number(text) : stop(`${flag} needs a positive number`)
    switch (flag) {
      case "--scenario":
        options.scenarios.push(value())
        break
      case "--spec-version":
        options.specVersion = value()
        break
      case "--requirements":
        options.requirements = value()
        break
      case "--timeout":
        options.timeout = count(value())
        break
      case "-j":
      case "--jobs":
        options.jobs = count(value())
        break
      case "--out":
        options.out = value()
        break
      case "--client":
        options.client = value()
        break
      case "--list":
        options.list = true
        break
      case "-h":
      case "--help":
        process.stdout.write(usage)
        process.exit(0)
        break
      default:
        stop(`unknown argument ${flag}\n${usage}`)
    }
  }
  if (options.requirements !== undefined && options.specVersion !== undefined) {
    stop("--requirements and --spec-version do not go together (a requirement set has its own wire version)")
  }
  return options
}

/** The harness's own listing output. */
const harnessSays = (args: ReadonlyArray<string>): string => {
  const run = spawnSync(process.execPath, [harness, ...args], { encoding: "utf8" })
  if (run.status !== 0) stop(`conformance ${args.join(" ")} failed:\n${run.stderr}${run.stdout}`)
  return run.stdout + run.stderr
}

interface Scenario {
  readonly name: string
  readonly tags: ReadonlyArray<string>
}

const clientScenarios = (): ReadonlyArray<Scenario> => {
  const found = [...harnessSays(["list", "--client"]).matchAll(/^\s+- (\S+) \[([^\]]*)\]\s*$/gm)].map((match) => ({
    name: match[1]!,
    tags: match[2]!.split(",").map((tag) => tag.trim())
  }))
  return found.length > 0 ? found : stop("the harness listed no client scenarios")
}

/** The client scenarios a revision requires, and those it runs without scoring them. */
const requirementSet = (revision: string) => {
  const text = harnessSays(["list", "--requirements", revision])
  const client = text.match(/^Client scenarios[^\n]*\n((?:\s+- \S+\n)+)/m)?.[1] ?? ""
  const required = [...client.matchAll(/- (\S+)/g)].map((match) => match[1]!)
  const unscored = [...text.matchAll(/^\s+- (\S+) \[client\]\s*$/gm)].map((match) => match[1]!)
  return required.length > 0 ? { required, unscored } : stop(`no client requirements listed for ${revision}`)
}

interface Run {
  readonly scenario: string
  readonly wire: string
  /** Run even where the harness thinks the scenario does not apply (extensions, requirement sets). */
  readonly force: boolean
}

const newestDate = (tags: ReadonlyArray<string>) => tags.filter((tag) => /^\d{4}-\d{2}-\d{2}$/.test(tag)).sort().at(-1)

const plan = (options: Options): ReadonlyArray<Run> => {
  const scenarios = clientScenarios()
  for (const name of options.scenarios) {
    if (!scenarios.some((scenario) => scenario.name === name)) stop(`unknown scenario ${name}`)
  }
  const chosen = (name: string) => options.scenarios.length === 0 || options.scenarios.includes(name)
  if (options.requirements !== undefined) {
    const { required, unscored } = requirementSet(options.requirements)
    // The harness lists only some extensions under a requirement set; every extension client scenario runs.
    const extensions = scenarios.filter((scenario) => scenario.tags.includes("extension")).map((s) => s.name)
    const all = [...new Set([...required, ...unscored, ...extensions])]
    return all.filter(chosen).map((scenario) => ({
      scenario,
      wire: options.requirements!,
      force: true
    }))
  }
  return scenarios.filter((scenario) => chosen(scenario.name)).flatMap((scenario): Array<Run> => {
    const extension = scenario.tags.includes("extension")
    if (options.specVersion !== undefined) {
      return extension || scenario.tags.includes(options.specVersion)
        ? [{ scenario: scenario.name, wire: options.specVersion, force: extension }]
        : []
    }
    if (extension) return defaultWires.map((wire) => ({ scenario: scenario.name, wire, force: true }))
    const wires = defaultWires.filter((wire) => scenario.tags.includes(wire))
    const newest = newestDate(scenario.tags)
    return (wires.length > 0 ? wires : newest === undefined ? [] : [newest]).map((wire) => ({
      scenario: scenario.name,
      wire,
      force: false
    }))
  })
}

interface Check {
  readonly id: string
  readonly status: string
}

interface Verdict {
  readonly run: Run
  readonly passed: boolean
  readonly counts: Readonly<Record<"SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED", number>>
  readonly notes: ReadonlyArray<string>
  readonly seconds: number
}

const findChecks = (dir: string): string | undefined => {
  if (!existsSync(dir)) return undefined
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isFile() && entry.name === "checks.json") return path
    if (entry.isDirectory()) {
      const found = findChecks(path)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/** Runs the harness on one scenario in its own process group; resolves with its exit and output. */
const runHarness = (run: Run, dir: string, options: Options) =>
  new Promise<{ readonly log: string; readonly killed: boolean; readonly code: number | null }>((resolve) => {
    const logPath = `${dir}.log`
    const log = openSync(logPath, "w")
    const args = [
      harness,
      "client",
      "--command",
      options.client,
      "--scenario",
      run.scenario,
      "--spec-version",
      run.wire,
      "--timeout",
      String(options.timeout),
      "-o",
      dir,
      ...(run.force ? ["--force"] : [])
    ]
    const preload = `--require ${loopbackGuard}`
    const child = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        NO_COLOR: "1",
        NODE_OPTIONS: process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ${preload}` : preload
      }
    })
    let killed = false
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL")
      } catch {
        // The group is gone already.
      }
    }
    const limit = setTimeout(() => {
      killed = true
      killGroup()
    }, options.timeout + 60_000)
    child.once("close", (code) => {
      clearTimeout(limit)
      killGroup() // whatever the client left behind
      closeSync(log)
      resolve({ log: readFileSync(logPath, "utf8"), killed, code })
    })
  })

const judge = async (run: Run, out: string, options: Options): Promise<Verdict> => {
  const started = Date.now()
  const dir = join(out, `${run.scenario.replaceAll("/", "__")}@${run.wire}`)
  const { code, killed, log } = await runHarness(run, dir, options)
  const checksFile = findChecks(dir)
  const checks: ReadonlyArray<Check> = checksFile === undefined ? [] : JSON.parse(readFileSync(checksFile, "utf8"))
  const counts = { SUCCESS: 0, FAILURE: 0, WARNING: 0, SKIPPED: 0 }
  for (const check of checks) if (check.status in counts) counts[check.status as keyof typeof counts]++
  const notes: Array<string> = []
  if (killed) notes.push("harness killed at its time limit")
  if (/^SKIPPED: /m.test(log)) notes.push("the harness skipped it as not applicable")
  if (checksFile === undefined) notes.push("no checks recorded")
  else if (counts.SUCCESS === 0) notes.push("no check passed")
  // The harness names a non-zero client exit as an error unless the scenario expects the client to give up
  // (a refusal scenario such as auth/iss-wrong-issuer), and fails its own run on it, on a timeout, on any
  // FAILURE and on any WARNING check.
  const exitedWithError = log.match(/CLIENT EXITED WITH ERROR \(code (-?\d+)\)/)
  if (exitedWithError !== null) notes.push(`client exited with ${exitedWithError[1]}`)
  else if (/Client exited with code/.test(log)) notes.push("client gave up, as the scenario expects")
  if (/CLIENT TIMED OUT|Client timed out after/.test(log)) notes.push("client timed out")
  if (code !== 0 && exitedWithError === null && !killed) notes.push(`harness failed the run (exit ${code})`)
  const bad = [...new Set(checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING").map((c) => c.id))]
  if (bad.length > 0) notes.push(bad.slice(0, 5).join(" ") + (bad.length > 5 ? ` and ${bad.length - 5} more` : ""))
  const passed = code === 0 && !killed && checksFile !== undefined && counts.SUCCESS > 0 && counts.FAILURE === 0 &&
    counts.WARNING === 0 && exitedWithError === null && !/^SKIPPED: |CLIENT TIMED OUT/m.test(log) &&
    /OVERALL: PASSED/.test(log)
  return { run, passed, counts, notes, seconds: (Date.now() - started) / 1000 }
}

const table = (verdicts: ReadonlyArray<Verdict>) => {
  const width = Math.max(8, ...verdicts.map((v) => v.run.scenario.length)) + 2
  const row = (cells: ReadonlyArray<string | number>, widths: ReadonlyArray<number>) =>
    cells.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join("")
  const widths = [width, 12, 8, 6, 6, 6, 6]
  return [
    row(["SCENARIO", "WIRE", "RESULT", "pass", "fail", "warn", "skip", "notes"], widths),
    ...verdicts.map((v) =>
      row([
        v.run.scenario,
        v.run.wire,
        v.passed ? "PASS" : "FAIL",
        v.counts.SUCCESS,
        v.counts.FAILURE,
        v.counts.WARNING,
        v.counts.SKIPPED,
        v.notes.join("; ")
      ], widths)
    )
  ].join("\n")
}

const main = async () => {
  const options = parse(process.argv.slice(2))
  if (!existsSync(harness)) stop(`the conformance harness is not installed (${harness}); run npm ci`)
  const runs = plan(options)
  if (runs.length === 0) stop("nothing selected")
  if (options.list) {
    for (const run of runs) console.log(`${run.scenario}\t${run.wire}${run.force ? "\t(forced)" : ""}`)
    console.log(`${runs.length} runs`)
    return
  }
  const out = options.out ?? mkdtempSync(join(tmpdir(), "mcp-conformance-"))
  mkdirSync(out, { recursive: true })
  const version = JSON.parse(readFileSync(join(harness, "../../package.json"), "utf8")).version as string
  console.error(
    `conformance ${version} against ${options.client}: ${runs.length} runs, ${options.jobs} at a time, results in ${out}`
  )

  const verdicts: Array<Verdict> = new Array(runs.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(options.jobs, runs.length) }, async () => {
    for (let i = next++; i < runs.length; i = next++) {
      const verdict = await judge(runs[i]!, out, options)
      verdicts[i] = verdict
      console.error(
        `  ${verdict.passed ? "PASS" : "FAIL"} ${verdict.run.scenario} @ ${verdict.run.wire} (${
          verdict.seconds.toFixed(1)
        } s)`
      )
    }
  }))

  const passed = verdicts.filter((v) => v.passed).length
  const failed = verdicts.length - passed
  const lines = [`# @modelcontextprotocol/conformance ${version}, strict verdict`, table(verdicts), ""]
  if (options.requirements !== undefined) {
    const { required } = requirementSet(options.requirements)
    const scored = verdicts.filter((v) => required.includes(v.run.scenario))
    const unscored = verdicts.filter((v) => !required.includes(v.run.scenario))
    const passing = (some: ReadonlyArray<Verdict>) => `${some.filter((v) => v.passed).length}/${some.length}`
    const extra = unscored.length > 0 ? `; ${passing(unscored)} of those it runs without scoring` : ""
    lines.push(`requirements ${options.requirements} (client): ${passing(scored)} required scenarios pass${extra}`)
  }
  lines.push(`results: ${out}`, `${passed} passed, ${failed} failed`)
  const text = lines.join("\n")
  writeFileSync(join(out, "summary.txt"), `${text}\n`)
  console.log(text)
  process.exitCode = failed > 0 ? 1 : 0
}

await main()
