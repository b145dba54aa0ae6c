/** What the tests ask of the operating system's processes (Linux `/proc`). */
import { readFileSync } from "node:fs"

/**
 * Whether the process runs. A zombie (ended, not yet reaped) does not: an orphan's zombie waits for the
 * system's init process to reap it, which may take a while, or never come where init does not reap.
 */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z"
  } catch {
    return true
  }
}

/** The parent of a process. */
export const parentOf = (pid: number): number =>
  Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1])
