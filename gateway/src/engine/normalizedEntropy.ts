/**
 * Shannon entropy of a probability distribution divided by its maximum, `ln n`: 0 when one
 * outcome holds all the mass, 1 when all `n` outcomes are equally likely. Normalizing makes one
 * threshold (0.85 in the protocol's pseudocode) meaningful whatever the number of outcomes.
 *
 * The input is scaled to sum 1 first (callers validate that it is close to 1); zero entries
 * contribute nothing (the limit of p·ln p at 0). A single outcome has entropy 0.
 *
 * Spec: Sacred Pause Protocol §4.1 (H(y|x) against T_unc).
 *
 * @example
 * normalizedEntropy([0.5, 0.5]) // 1
 * normalizedEntropy([1, 0, 0]) // 0
 */
export function normalizedEntropy(distribution: readonly number[]): number {
  const n = distribution.length
  if (n < 2) return 0
  let sum = 0
  for (const p of distribution) sum += p
  if (!(sum > 0)) return 1
  let h = 0
  for (const raw of distribution) {
    const p = raw / sum
    if (p > 0) h -= p * Math.log(p)
  }
  // Rounding can push a uniform distribution a hair above 1; the value is a fraction by definition.
  return Math.min(1, Math.max(0, h / Math.log(n)))
}
