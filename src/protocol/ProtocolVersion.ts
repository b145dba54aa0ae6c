/**
 * The protocol revisions this client speaks, and what differs between them.
 *
 * @since 0.1.0
 */

/**
 * The stateful revisions, newest first. `initialize` offers the first.
 *
 * @category constants
 * @since 0.1.0
 */
export const legacyVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"] as const

/**
 * A revision negotiated with `initialize`.
 *
 * @category models
 * @since 0.1.0
 */
export type LegacyVersion = typeof legacyVersions[number]

/**
 * The newest stateful revision.
 *
 * @category constants
 * @since 0.1.0
 */
export const latestLegacy: LegacyVersion = legacyVersions[0]

/**
 * Whether this client speaks a revision.
 *
 * @category guards
 * @since 0.1.0
 */
export const isLegacyVersion = (version: string): version is LegacyVersion =>
  (legacyVersions as ReadonlyArray<string>).includes(version)

/**
 * Whether `version` is `since` or newer. Revisions are dates, so they order
 * as strings.
 *
 * @category predicates
 * @since 0.1.0
 */
export const atLeast = (version: string, since: string): boolean => version >= since
