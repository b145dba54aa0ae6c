/**
 * Internal: a small deterministic pseudo-random generator (mulberry32), so
 * that the testing kit's decisions depend on a seed and nothing else.
 *
 * @since 0.1.0
 */

/** A generator of numbers in [0, 1) from a 32-bit seed: the same seed gives the same sequence everywhere. */
export const generator = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Derives the seed of an independent sequence from a seed and a label (one per direction of a connection). */
export const derive = (seed: number, label: string): number => {
  let hash = (seed ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0
  return hash
}
