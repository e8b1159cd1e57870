import { normalizedEntropy } from './normalizedEntropy.ts'

/** Parameters of {@link tokenEntropy}. */
export type TokenEntropyParameters = {
  /** Per generated token, the natural-log probabilities of its top-k alternatives. */
  logprobs: readonly (readonly number[])[]
  /** `mean` (the answer as a whole) or `max` (its least certain token). */
  aggregate: 'mean' | 'max'
}

/**
 * Normalized entropy of a generation from its token log-probabilities: each token's top-k
 * alternatives are turned back into probabilities, renormalized (the top-k rarely holds all the
 * mass, and what is missing says nothing about how it is spread), and measured with
 * {@link normalizedEntropy}; the per-token values are then averaged or maxed.
 *
 * Spec: Sacred Pause Protocol §4.1 (entropy of the prediction distribution).
 *
 * @example
 * tokenEntropy({ logprobs: [[Math.log(0.5), Math.log(0.5)]], aggregate: 'mean' }) // 1
 */
export function tokenEntropy({ logprobs, aggregate }: TokenEntropyParameters): number {
  if (logprobs.length === 0) return 0
  let total = 0
  let max = 0
  for (const token of logprobs) {
    const h = normalizedEntropy(token.map((lp) => Math.exp(lp)))
    total += h
    if (h > max) max = h
  }
  return aggregate === 'max' ? max : total / logprobs.length
}
