import type { Sha256 } from '../hash/sha256.ts'
import { consistencyProofNodes } from './consistencyProofNodes.ts'
import type { NodeStore } from './NodeStore.ts'
import { proofFromNodeHashes } from './proofFromNodeHashes.ts'

export type BuildConsistencyProofParameters = {
  /** Size of the older tree; requires 0 < size1 <= size2. */
  size1: number | bigint
  /** Size of the newer tree (the store may hold a larger tree). */
  size2: number | bigint
  /** Where the nodes are read. */
  store: NodeStore
  /** SHA-256 for the ephemeral node; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * Builds the RFC 9162 §2.1.4.1 consistency proof between two sizes of a log from a node store:
 * plan, fetch, rehash.
 *
 * @throws {TreeRangeError} unless 0 < size1 <= size2 <= 2^53-1; and whatever the store throws
 *   for a missing node (`MissingNodeError` from `MemoryNodeStore`).
 * @example
 * const proof = await buildConsistencyProof({ size1: 6, size2: 10, store })
 * verifyConsistency({ size1: 6, size2: 10, root1, root2, proof }) // true
 */
export async function buildConsistencyProof(
  parameters: BuildConsistencyProofParameters,
): Promise<Uint8Array[]> {
  const { size1, size2, store, hash } = parameters
  const nodes = consistencyProofNodes({ size1, size2 })
  const hashes = await store.getNodes(nodes.ids)
  return proofFromNodeHashes({ nodes, hashes, hash })
}
