/**
 * The `prepare` script: builds dist/ after `npm install` / `npm ci` and when
 * the package is installed from git. `npm pack` and `npm publish` run both
 * `prepack` and `prepare`; `prepack` builds there, so this does not build a
 * second time.
 */
import { execFileSync } from "node:child_process"

const command = process.env["npm_command"]
if (command !== "pack" && command !== "publish") {
  execFileSync("npm", ["run", "build"], { stdio: "inherit", shell: process.platform === "win32" })
}
