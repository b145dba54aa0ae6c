/**
 * Installs the real MCP servers the tests talk to before any test runs, so
 * that no test pays for (or times out on) their first installation.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

export default function setup() {
  const peers = fileURLToPath(new URL("../../../shared/tools/peers/run.sh", import.meta.url))
  if (existsSync(peers)) execFileSync(peers, ["install"], { stdio: "inherit", timeout: 300_000 })
  // The conformance runner installs its harness on first use; listing its plan does only that.
  const conformance = fileURLToPath(new URL("../../../shared/tools/conformance/run-client.sh", import.meta.url))
  if (existsSync(conformance)) execFileSync("bash", [conformance, "--list", "x"], { stdio: "ignore", timeout: 300_000 })
}
