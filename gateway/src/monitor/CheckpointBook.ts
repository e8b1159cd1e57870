import { type Checkpoint, checkpointStructHash, type Hex } from '@tml/core'

/** A distinct checkpoint (by EIP-712 struct hash) and everything known about it. */
export type SeenCheckpoint = {
  checkpoint: Checkpoint
  /** The EIP-712 struct hash, as `checkpointHashAt` returns it. */
  hash: Hex
  /** The log's signature, once a source showed it (a chain's event alone does not). */
  signature: Hex | undefined
  /** Who showed it: `chain:<id>`, `gateway:<url>`. */
  sources: Set<string>
}

/** Two seen checkpoints that cannot both be the log's, or a pair whose consistency must be checked. */
export type Contradiction =
  | {
      kind: 'same-epoch' | 'same-epoch-timestamp' | 'tree-shrank' | 'same-size-different-roots'
      first: SeenCheckpoint
      second: SeenCheckpoint
    }
  | { kind: 'check-consistency'; older: SeenCheckpoint; newer: SeenCheckpoint }

/**
 * Every checkpoint of one log the monitor has seen, from any source, and the contradictions among
 * them. Adding a checkpoint compares it with those of the same epoch and the same tree size, with
 * the nearest epochs below and above (a later epoch must not have a smaller tree) and asks for a
 * consistency check with the nearest smaller and larger trees (once per tree: idle epochs repeat
 * one). Neighbours suffice: the book's
 * earlier checkpoints were checked the same way, so a contradiction with a far one is also one
 * with a near one (sizes grow with epochs; consistency proofs compose).
 *
 * Pure: no I/O; the caller fetches proofs and submits reports.
 *
 * @example
 * const book = new CheckpointBook()
 * book.add({ checkpoint, signature, source: 'chain:31337' }) // [] when it fits
 */
export class CheckpointBook {
  readonly #byHash = new Map<Hex, SeenCheckpoint>()
  readonly #byEpoch = new Map<bigint, SeenCheckpoint[]>()
  readonly #bySize = new Map<bigint, SeenCheckpoint[]>()
  /** Distinct epochs, ascending. */
  readonly #epochs: bigint[] = []
  /** Distinct tree sizes, ascending. */
  readonly #sizes: bigint[] = []

  /** How many distinct checkpoints the book holds. */
  get size(): number {
    return this.#byHash.size
  }

  /** The highest epoch seen from `source` (0n if none). */
  latestEpoch(source: string): bigint {
    for (let i = this.#epochs.length - 1; i >= 0; i--) {
      const epoch = this.#epochs[i] as bigint
      if ((this.#byEpoch.get(epoch) ?? []).some((s) => s.sources.has(source))) return epoch
    }
    return 0n
  }

  /** The distinct checkpoints of tree size `size`. */
  atSize(size: bigint): readonly SeenCheckpoint[] {
    return this.#bySize.get(size) ?? []
  }

  /**
   * One checkpoint per distinct tree larger than `size` leaves, the largest first.
   *
   * @example book.treesLargerThan(BigInt(mirror.size))[0] // the largest tree seen
   */
  treesLargerThan(size: bigint): SeenCheckpoint[] {
    const out: SeenCheckpoint[] = []
    for (let i = this.#sizes.length - 1; i >= 0 && (this.#sizes[i] as bigint) > size; i--)
      out.push(...distinctTrees(this.#bySize.get(this.#sizes[i] as bigint)))
    return out
  }

  /** Whether `source` showed a checkpoint of `epoch`. */
  has(epoch: bigint, source: string): boolean {
    return (this.#byEpoch.get(epoch) ?? []).some((s) => s.sources.has(source))
  }

  /**
   * Records that `source` showed `checkpoint` (with its signature if known) and returns what it
   * contradicts. A checkpoint already in the book only gains the source (and the signature).
   *
   * @example book.add({ checkpoint, signature: undefined, source: 'chain:31338' })
   */
  add({
    checkpoint,
    signature,
    source,
  }: {
    checkpoint: Checkpoint
    signature: Hex | undefined
    source: string
  }): Contradiction[] {
    const hash = checkpointStructHash(checkpoint)
    const known = this.#byHash.get(hash)
    if (known) {
      known.sources.add(source)
      known.signature ??= signature
      return []
    }
    const seen: SeenCheckpoint = { checkpoint, hash, signature, sources: new Set([source]) }
    const found: Contradiction[] = []
    const { epoch, treeSize, rootHash } = checkpoint
    for (const other of this.#byEpoch.get(epoch) ?? []) {
      const sameTree =
        other.checkpoint.treeSize === treeSize && sameHex(other.checkpoint.rootHash, rootHash)
      found.push({
        kind: sameTree ? 'same-epoch-timestamp' : 'same-epoch',
        first: other,
        second: seen,
      })
    }
    for (const other of this.#bySize.get(treeSize) ?? [])
      if (other.checkpoint.epoch !== epoch && !sameHex(other.checkpoint.rootHash, rootHash))
        found.push({ kind: 'same-size-different-roots', first: other, second: seen })
    const e = searchSorted(this.#epochs, epoch)
    const below = e.index - 1
    const above = e.found ? e.index + 1 : e.index
    for (const other of this.#byEpoch.get(this.#epochs[below] as bigint) ?? [])
      if (other.checkpoint.treeSize > treeSize)
        found.push({ kind: 'tree-shrank', first: other, second: seen })
    for (const other of this.#byEpoch.get(this.#epochs[above] as bigint) ?? [])
      if (other.checkpoint.treeSize < treeSize)
        found.push({ kind: 'tree-shrank', first: seen, second: other })
    const s = searchSorted(this.#sizes, treeSize)
    // A tree already seen (idle epochs repeat it) was checked against its neighbours then.
    const knownTree = (this.#bySize.get(treeSize) ?? []).some((o) =>
      sameHex(o.checkpoint.rootHash, rootHash),
    )
    const smaller = this.#sizes[s.index - 1]
    const larger = this.#sizes[s.found ? s.index + 1 : s.index]
    // An empty tree is a prefix of every tree: nothing to prove from size 0.
    if (!knownTree && smaller !== undefined && smaller > 0n)
      for (const older of distinctTrees(this.#bySize.get(smaller)))
        found.push({ kind: 'check-consistency', older, newer: seen })
    if (!knownTree && larger !== undefined && treeSize > 0n)
      for (const newer of distinctTrees(this.#bySize.get(larger)))
        found.push({ kind: 'check-consistency', older: seen, newer })
    this.#byHash.set(hash, seen)
    push(this.#byEpoch, epoch, seen)
    push(this.#bySize, treeSize, seen)
    if (!e.found) this.#epochs.splice(e.index, 0, epoch)
    if (!s.found) this.#sizes.splice(s.index, 0, treeSize)
    return found
  }
}

/** One checkpoint per root among checkpoints of one size. */
function distinctTrees(list: readonly SeenCheckpoint[] | undefined): SeenCheckpoint[] {
  const out: SeenCheckpoint[] = []
  for (const seen of list ?? [])
    if (!out.some((o) => sameHex(o.checkpoint.rootHash, seen.checkpoint.rootHash))) out.push(seen)
  return out
}

function sameHex(a: Hex, b: Hex): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function push(map: Map<bigint, SeenCheckpoint[]>, key: bigint, seen: SeenCheckpoint): void {
  const list = map.get(key)
  if (list) list.push(seen)
  else map.set(key, [seen])
}

/** Where `value` is, or would be inserted, in the ascending array `sorted`. */
function searchSorted(sorted: readonly bigint[], value: bigint): { index: number; found: boolean } {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as bigint) < value) lo = mid + 1
    else hi = mid
  }
  return { index: lo, found: sorted[lo] === value }
}
