import { type Sha256, sha256 } from '../hash/sha256.ts'
import { InvalidNodeHashError, NodeCountMismatchError, TreeRangeError } from './errors.ts'
import type { NodeId } from './NodeId.ts'
import { rangeNodes, toNodeIds } from './rangeNodes.ts'
import { onesCountSafe, toSafeIndex } from './u64.ts'
import { isHash } from './untrusted.ts'

const NODE_PREFIX = new Uint8Array([0x01])

/**
 * Receives every perfect node as the tree creates it: each leaf hash (level 0) on append, then
 * each interior node it completes, lowest first. Each level is reported densely in index order,
 * which is what `MemoryNodeStore.put` wants. Positional arguments: it runs about twice per append.
 * The hash array is shared with the tree: keep it or copy it, do not mutate it.
 *
 * When it throws, `append` throws and the tree stays as it was; the nodes reported before the
 * throw are reported again when the append is retried, so a sink must accept a node twice
 * (`MemoryNodeStore` does when the hash is the same).
 *
 * @example
 * const onNode: NodeSink = (level, index, hash) => db.putNode(level, index, hash)
 */
export type NodeSink = (level: number, index: number, hash: Uint8Array) => void

export type CompactTreeParameters = {
  /** SHA-256 for the interior nodes; defaults to the pure one (Node callers pass OpenSSL's). */
  hash?: Sha256 | undefined
  /** Called with every perfect node as it is created, e.g. to persist it. */
  onNode?: NodeSink | undefined
}

/** What a `CompactTree` needs to resume: its size and the roots of its perfect subtrees. */
export type CompactTreeState = {
  /** Number of leaves, at most 2^53-1. */
  size: number
  /**
   * The roots of the perfect subtrees that make up the tree, left to right (largest first): one
   * per set bit of `size`. The compact range [0, size) of RFC 9162 / transparency-dev/merkle.
   */
  hashes: Uint8Array[]
}

/**
 * An append-only RFC 9162 Merkle tree that keeps only the O(log n) roots of its perfect
 * subtrees (a compact range, like transparency-dev/merkle `compact.Range` from 0), so it can
 * give the root at any size without holding the leaves. `onNode` sees every node it creates,
 * so that a store can serve proofs later.
 *
 * Sizes are numbers, exact up to 2^53-1 leaves (see `u64.ts`).
 *
 * @example
 * const tree = new CompactTree()
 * for (const entry of entries) tree.append(hashLeaf(entry))
 * tree.root() // MTH(D[n]), RFC 9162 §2.1.1
 * const saved = tree.state() // and later: CompactTree.fromState(saved)
 */
export class CompactTree {
  readonly #hash: Sha256
  readonly #onNode: NodeSink | undefined
  // #right[level] is the root of the perfect subtree of 2^level leaves on the right edge, present
  // exactly when bit `level` of the size is set. Indexed by level so that append is a carry loop.
  readonly #right: (Uint8Array | undefined)[] = []
  // Where a leaf hash waits on the right edge for its sibling: a copy, since the caller may reuse
  // its buffer, into one array allocated once (append is the hot path). Hash outputs are fresh
  // arrays and are kept as they are.
  readonly #leafSlot = new Uint8Array(32)
  #size = 0

  constructor(parameters: CompactTreeParameters = {}) {
    this.#hash = parameters.hash ?? sha256
    this.#onNode = parameters.onNode
  }

  /**
   * A tree that resumes from a saved state (`state()`), e.g. after a restart. The size may come
   * back as a bigint (SQLite's 64-bit integers). Nodes created before the save are not reported
   * again to `onNode`.
   *
   * @throws {TreeRangeError} unless `size` is an integer from 0 to 2^53-1.
   * @throws {NodeCountMismatchError} unless there is one hash per set bit of `size`.
   * @throws {InvalidNodeHashError} when a hash is not 32 bytes.
   */
  static fromState(
    parameters: { size: number | bigint; hashes: readonly Uint8Array[] } & CompactTreeParameters,
  ): CompactTree {
    const { size, hashes, ...rest } = parameters
    const n = checkedSize(size)
    const expected = onesCountSafe(n)
    if (!Array.isArray(hashes) || hashes.length !== expected) {
      throw new NodeCountMismatchError(
        `Compact tree state of size ${n}`,
        expected,
        Array.isArray(hashes) ? hashes.length : 0,
      )
    }
    const tree = new CompactTree(rest)
    // Hashes come largest first; the set bits of n, from the top, say their levels.
    let k = hashes.length - 1
    let bits = n
    for (let level = 0; bits > 0; level++, bits = Math.floor(bits / 2)) {
      if (bits % 2 === 0) continue
      const h: unknown = hashes[k]
      if (!isHash(h)) throw new InvalidNodeHashError(`Compact tree state hash ${k}`, h)
      tree.#right[level] = h.slice()
      k--
    }
    tree.#size = n
    return tree
  }

  /**
   * The ids of the nodes whose hashes `fromState` takes for a tree of `size` leaves: the perfect
   * subtrees of the compact range [0, size), largest first, one per set bit of `size`. A store
   * that kept what `onNode` reported resumes the tree from them.
   *
   * @throws {TreeRangeError} unless `size` is an integer from 0 to 2^53-1.
   *
   * @example
   * CompactTree.fromState({ size, hashes: store.getNodes(CompactTree.nodeIds(size)) })
   */
  static nodeIds(size: number | bigint): NodeId[] {
    return toNodeIds(rangeNodes(0n, BigInt(checkedSize(size))))
  }

  /** Number of leaves appended. */
  get size(): number {
    return this.#size
  }

  /**
   * Appends a leaf hash (SHA-256(0x00 || entry), see `hashLeaf`) and returns its index. Hashes one
   * node per trailing one bit of the old size: one on average.
   *
   * @throws {InvalidNodeHashError} unless `leafHash` is 32 bytes.
   * @throws {TreeRangeError} when the tree already holds 2^53-1 leaves.
   */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== 32) {
      throw new InvalidNodeHashError('Leaf hash', leafHash)
    }
    const index = this.#size
    if (index === Number.MAX_SAFE_INTEGER) {
      throw new TreeRangeError('Compact tree is full.', { details: 'It holds 2^53-1 leaves.' })
    }
    const onNode = this.#onNode
    const right = this.#right
    const hash = this.#hash
    if (onNode !== undefined) onNode(0, index, leafHash)
    let h = leafHash
    let level = 0
    // i is the index of h among the nodes of its level; while it is odd, h has a left sibling
    // waiting on the right edge, and together they complete their parent. Plain division, not
    // bit operators: those stop at 32 bits.
    let i = index
    while (i % 2 === 1) {
      h = hash(NODE_PREFIX, right[level] as Uint8Array, h)
      level++
      i = (i - 1) / 2
      if (onNode !== undefined) onNode(level, i, h)
    }
    // The tree changes only now, so that a throwing hash or sink leaves it as it was.
    for (let l = 0; l < level; l++) right[l] = undefined
    if (level === 0) {
      this.#leafSlot.set(leafHash)
      right[0] = this.#leafSlot
    } else {
      right[level] = h
    }
    this.#size = index + 1
    return index
  }

  /**
   * The root of the tree at its current size, MTH(D[n]) of RFC 9162 §2.1.1: the perfect subtrees
   * folded from the smallest up (each is the right child of the next larger one). The empty
   * tree's root is SHA-256 of the empty string.
   */
  root(): Uint8Array {
    let root: Uint8Array | undefined
    for (const h of this.#right) {
      if (h === undefined) continue
      root = root === undefined ? h.slice() : this.#hash(NODE_PREFIX, h, root)
    }
    return root ?? this.#hash(new Uint8Array(0))
  }

  /** The state to save and resume from with `CompactTree.fromState` (copies). */
  state(): CompactTreeState {
    const hashes: Uint8Array[] = []
    for (let level = this.#right.length - 1; level >= 0; level--) {
      const h = this.#right[level]
      if (h !== undefined) hashes.push(h.slice())
    }
    return { size: this.#size, hashes }
  }
}

function checkedSize(size: number | bigint): number {
  const n = toSafeIndex(size)
  if (n === undefined) {
    throw new TreeRangeError(`Compact tree size ${String(size)} is out of range.`, {
      details: 'Sizes are integers from 0 to 2^53-1.',
    })
  }
  return n
}
