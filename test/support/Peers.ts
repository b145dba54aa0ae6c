/** The real MCP servers of ../shared/tools/peers, started over stdio. */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { StdioTransport } from "../../src/index.ts"
import * as Oracle from "./Oracle.ts"

/** The peers' start script (shared/ sits beside the repository). */
export const runScript = fileURLToPath(new URL("../../../shared/tools/peers/run.sh", import.meta.url))

/** Whether the peers are there (they are on every machine of this project). */
export const available = existsSync(runScript)

export type Peer = "everything" | "ts-v2" | "effect"

/** A stdio transport to a peer. */
export const stdio = (peer: Peer, extra: ReadonlyArray<string> = [], options: Partial<StdioTransport.Options> = {}) =>
  Oracle.layer(StdioTransport.layerNode({
    command: runScript,
    args: [peer, "stdio", ...extra],
    name: peer,
    stderr: "ignore",
    ...options
  }))
