/**
 * A node of the Merkle tree: the perfect subtree of `2^level` leaves that starts at leaf
 * `index * 2^level` (level 0 nodes are the leaf hashes). Model: transparency-dev/merkle
 * `compact.NodeID`.
 *
 * Indexes are numbers, exact up to 2^53-1 (see `u64.ts` for why builders use numbers).
 *
 * @example
 * const root4: NodeId = { level: 2, index: 0 } // MTH of leaves 0..3
 */
export type NodeId = {
  /** Height above the leaves: the subtree holds 2^level leaves. */
  readonly level: number
  /** Position among the nodes of that level, counted from 0 on the left. */
  readonly index: number
}
