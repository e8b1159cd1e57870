import type { Sha256 } from '../hash/sha256.ts'
import { inclusionProofNodes } from './inclusionProofNodes.ts'
import type { NodeStore } from './NodeStore.ts'
import { proofFromNodeHashes } from './proofFromNodeHashes.ts'

export type BuildInclusionProofParameters = {
  /** Index of the leaf; requires 0 <= leafIndex < treeSize. */
  leafIndex: number | bigint
  /** Size of the tree the proof is for (the store may hold a larger tree). */
  treeSize: number | bigint
  /** Where the nodes are read. */
  store: NodeStore
  /** SHA-256 for the ephemeral node; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * Builds the RFC 9162 §2.1.3.1 inclusion proof of a leaf from a node store: plan, fetch, rehash.
 *
 * @throws {TreeRangeError} unless 0 <= leafIndex < treeSize <= 2^53-1; and whatever the store
 *   throws for a missing node (`MissingNodeError` from `MemoryNodeStore`).
 * @example
 * const proof = await buildInclusionProof({ leafIndex: 3, treeSize: 10, store })
 * verifyInclusion({ leafIndex: 3, treeSize: 10, leafHash, proof, root }) // true
 */
export async function buildInclusionProof(
  parameters: BuildInclusionProofParameters,
): Promise<Uint8Array[]> {
  const { leafIndex, treeSize, store, hash } = parameters
  const nodes = inclusionProofNodes({ leafIndex, treeSize })
  const hashes = await store.getNodes(nodes.ids)
  return proofFromNodeHashes({ nodes, hashes, hash })
}
