import { rangeNodes } from './rangeNodes.ts'
import { bitLength } from './u64.ts'

type BigNode = { level: number; index: bigint }

/**
 * The nodes that prove node (level, index) is in the tree of `size` leaves, that node first:
 * transparency-dev/merkle `proof.nodes`. Internal to the planning functions.
 *
 * The path climbs from the node to the `fork`, where it leaves the path to the last leaf; the
 * fork's sibling on the right is the ephemeral node (rebuilt from the compact range to the
 * right of the fork), then the perfect subtrees to the left of the fork complete the proof.
 */
export function planProofNodes(
  index: bigint,
  level: number,
  size: bigint,
): { ids: BigNode[]; begin: number; end: number } {
  const inner = bitLength(index ^ (size >> BigInt(level))) - 1
  const forkLevel = level + inner
  const forkIndex = index >> BigInt(inner)
  const forkBegin = forkIndex << BigInt(forkLevel)
  const forkEnd = (forkIndex + 1n) << BigInt(forkLevel)

  const ids: BigNode[] = [{ level, index }]
  let node: BigNode = { level, index }
  while (node.level < forkLevel) {
    ids.push({ level: node.level, index: node.index ^ 1n })
    node = { level: node.level + 1, index: node.index >> 1n }
  }
  let begin = ids.length
  // Reversed so that the rehash folds them from the lowest level up.
  ids.push(...rangeNodes(forkEnd, size).reverse())
  let end = ids.length
  ids.push(...rangeNodes(0n, forkBegin).reverse())
  if (begin >= end) {
    begin = 0
    end = 0
  }
  return { ids, begin, end }
}

/** Drops the first node (the one the verifier already has) and shifts the ephemeral range. */
export function skipFirst(p: { ids: BigNode[]; begin: number; end: number }): {
  ids: BigNode[]
  begin: number
  end: number
} {
  const shift = p.begin < p.end ? 1 : 0
  return { ids: p.ids.slice(1), begin: p.begin - shift, end: p.end - shift }
}
