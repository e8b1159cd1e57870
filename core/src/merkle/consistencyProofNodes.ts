import { TreeRangeError } from './errors.ts'
import type { ProofNodes } from './ProofNodes.ts'
import { planProofNodes, skipFirst } from './planProofNodes.ts'
import { toNodeIds } from './rangeNodes.ts'
import { toSafeIndex, trailingZeros } from './u64.ts'

export type ConsistencyProofNodesParameters = {
  /** Size of the older tree; requires 0 < size1 <= size2. */
  size1: number | bigint
  /** Size of the newer tree, at most 2^53-1. */
  size2: number | bigint
}

/**
 * The stored nodes an RFC 9162 §2.1.4.1 consistency proof (PROOF(m, D[n])) needs, and how to
 * rehash them: pure planning, apart from fetching. Model: transparency-dev/merkle
 * `proof.Consistency`. Equal sizes need no nodes.
 *
 * The proof is the inclusion path, in the tree of size2, of the largest perfect subtree that ends
 * at size1, preceded by that subtree's hash unless it is the whole tree of size1 (a power of two:
 * the verifier already has it as root1).
 *
 * @throws {TreeRangeError} unless 0 < size1 <= size2 <= 2^53-1.
 * @example
 * consistencyProofNodes({ size1: 6, size2: 8 })
 * // { ids: [{ level: 1, index: 2 }, { level: 1, index: 3 }, { level: 2, index: 0 }], begin: 0, end: 0 }
 */
export function consistencyProofNodes(parameters: ConsistencyProofNodesParameters): ProofNodes {
  const { size1, size2 } = parameters
  const m = toSafeIndex(size1)
  const n = toSafeIndex(size2)
  if (m === undefined || n === undefined || m === 0 || m > n) {
    throw new TreeRangeError(`No consistency proof from size1 ${size1} to size2 ${size2}.`, {
      details: 'Requires 0 < size1 <= size2 <= 2^53-1.',
    })
  }
  if (m === n) return { ids: [], begin: 0, end: 0 }
  const big1 = BigInt(m)
  const level = trailingZeros(big1)
  const index = (big1 - 1n) >> BigInt(level)
  const planned = planProofNodes(index, level, BigInt(n))
  const isPowerOfTwo = big1 === 1n << BigInt(level)
  const p = isPowerOfTwo ? skipFirst(planned) : planned
  return { ids: toNodeIds(p.ids), begin: p.begin, end: p.end }
}
