import type { NodeId } from './NodeId.ts'

/**
 * Which stored nodes a proof needs and how to turn their hashes into the proof. Model:
 * transparency-dev/merkle `proof.Nodes`.
 *
 * A proof for a tree whose size is not a power of two holds at most one ephemeral node: a node
 * on the right edge that covers a range the tree has only partly filled, so no store holds it.
 * Its hash is rebuilt from the stored nodes `ids[begin:end]` (ordered from the lowest level
 * up, the rightmost first): `proofFromNodeHashes` folds them right to left into one hash.
 *
 * @example
 * const nodes = inclusionProofNodes({ leafIndex: 2, treeSize: 7 })
 * const proof = proofFromNodeHashes({ nodes, hashes: store.getNodes(nodes.ids) })
 */
export type ProofNodes = {
  /** The stored nodes to fetch, in proof order. */
  readonly ids: readonly NodeId[]
  /** `ids[begin:end]` rebuild the ephemeral node; `begin === end` when there is none. */
  readonly begin: number
  /** Exclusive end of the ephemeral range. */
  readonly end: number
}
