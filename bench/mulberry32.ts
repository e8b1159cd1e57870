/**
 * Mulberry32, a small seeded generator of numbers in [0, 1): a benchmark that draws its inputs or
 * its order from it sees the same ones on every run with the same seed. Not for anything secret.
 *
 * @example
 * const rand = mulberry32(42)
 * rand() // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
