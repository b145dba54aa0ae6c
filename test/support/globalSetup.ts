/**
 * Installs the real MCP servers the tests talk to before any test runs, so
 * that no test pays for (or times out on) their first installation.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

export default function setup() {
  const script = fileURLToPath(new URL("../../../shared/tools/peers/run.sh", import.meta.url))
  if (existsSync(script)) execFileSync(script, ["install"], { stdio: "inherit", timeout: 300_000 })
}
