import { TreeRangeError } from './errors.ts'
import type { ProofNodes } from './ProofNodes.ts'
import { planProofNodes, skipFirst } from './planProofNodes.ts'
import { toNodeIds } from './rangeNodes.ts'
import { toSafeIndex } from './u64.ts'

export type InclusionProofNodesParameters = {
  /** Index of the leaf; requires 0 <= leafIndex < treeSize. */
  leafIndex: number | bigint
  /** Size of the tree, at most 2^53-1. */
  treeSize: number | bigint
}

/**
 * The stored nodes an RFC 9162 §2.1.3.1 inclusion proof (PATH(m, D[n])) needs, and how to rehash
 * them: pure planning, apart from fetching. Model: transparency-dev/merkle `proof.Inclusion`.
 *
 * @throws {TreeRangeError} unless 0 <= leafIndex < treeSize <= 2^53-1.
 * @example
 * inclusionProofNodes({ leafIndex: 2, treeSize: 7 })
 * // { ids: [{ level: 0, index: 3 }, { level: 1, index: 0 }, { level: 0, index: 6 }, { level: 1, index: 2 }],
 * //   begin: 2, end: 4 }
 */
export function inclusionProofNodes(parameters: InclusionProofNodesParameters): ProofNodes {
  const { leafIndex, treeSize } = parameters
  const index = toSafeIndex(leafIndex)
  const size = toSafeIndex(treeSize)
  if (index === undefined || size === undefined || index >= size) {
    throw new TreeRangeError(`leafIndex ${leafIndex} is out of range for treeSize ${treeSize}.`, {
      details: 'Requires 0 <= leafIndex < treeSize <= 2^53-1.',
    })
  }
  const p = skipFirst(planProofNodes(BigInt(index), 0, BigInt(size)))
  return { ids: toNodeIds(p.ids), begin: p.begin, end: p.end }
}
