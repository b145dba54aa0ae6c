/**
 * The protocol revisions this client speaks, and what differs between them.
 *
 * Two eras: the stateful revisions (2024-11-05 to 2025-11-25), opened with
 * `initialize`, and the stateless one (2026-07-28), where every request
 * carries its version, client info and capabilities.
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
 * The stateless revisions, newest first.
 *
 * @category constants
 * @since 0.1.0
 */
export const modernVersions = ["2026-07-28"] as const

/**
 * A revision negotiated with `initialize`.
 *
 * @category models
 * @since 0.1.0
 */
export type LegacyVersion = typeof legacyVersions[number]

/**
 * A stateless revision.
 *
 * @category models
 * @since 0.1.0
 */
export type ModernVersion = typeof modernVersions[number]

/**
 * Any revision this client speaks.
 *
 * @category models
 * @since 0.1.0
 */
export type Version = LegacyVersion | ModernVersion

/**
 * The newest stateful revision.
 *
 * @category constants
 * @since 0.1.0
 */
export const latestLegacy: LegacyVersion = legacyVersions[0]

/**
 * The newest stateless revision.
 *
 * @category constants
 * @since 0.1.0
 */
export const latestModern: ModernVersion = modernVersions[0]

/**
 * Whether this client speaks a stateful revision.
 *
 * @category guards
 * @since 0.1.0
 */
export const isLegacyVersion = (version: string): version is LegacyVersion =>
  (legacyVersions as ReadonlyArray<string>).includes(version)

/**
 * Whether this client speaks a stateless revision.
 *
 * @category guards
 * @since 0.1.0
 */
export const isModernVersion = (version: string): version is ModernVersion =>
  (modernVersions as ReadonlyArray<string>).includes(version)

/**
 * Whether `version` is `since` or newer. Revisions are dates, so they order
 * as strings.
 *
 * @category predicates
 * @since 0.1.0
 */
export const atLeast = (version: string, since: string): boolean => version >= since
