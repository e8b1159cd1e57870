import type { NodeId } from './NodeId.ts'
import { bitLength, trailingZeros } from './u64.ts'

// The perfect subtrees that exactly cover the leaf range [begin, end), left to right: a compact
// range of RFC 9162 / transparency-dev/merkle `compact.RangeNodes`. Internal: planning uses it to
// cover the parts of a tree that a proof's path does not. Bigint so that the bit operations stay
// exact past 2^32; callers keep sizes below 2^53 and convert back.
export function rangeNodes(begin: bigint, end: bigint): { level: number; index: bigint }[] {
  const out: { level: number; index: bigint }[] = []
  let [left, right] = decompose(begin, end)
  let pos = begin
  // Left border: subtrees grow towards the middle of the range, lowest level first.
  while (left !== 0n) {
    const level = trailingZeros(left)
    const bit = 1n << BigInt(level)
    out.push({ level, index: pos >> BigInt(level) })
    pos += bit
    left ^= bit
  }
  // Right border: subtrees shrink towards the end of the range, highest level first.
  while (right !== 0n) {
    const level = bitLength(right) - 1
    const bit = 1n << BigInt(level)
    out.push({ level, index: pos >> BigInt(level) })
    pos += bit
    right ^= bit
  }
  return out
}

// The sizes of the left and right parts of the range as bit masks (one bit per subtree), split
// where the paths to leaves begin-1 and end part.
function decompose(begin: bigint, end: bigint): [bigint, bigint] {
  if (begin === 0n) return [0n, end]
  const xbegin = begin - 1n
  const d = bitLength(xbegin ^ end) - 1
  const mask = (1n << BigInt(d)) - 1n
  return [~xbegin & mask, end & mask]
}

/** The node ids as numbers (every caller checked that sizes are below 2^53). */
export function toNodeIds(nodes: readonly { level: number; index: bigint }[]): NodeId[] {
  return nodes.map((n) => ({ level: n.level, index: Number(n.index) }))
}
