import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { CompactTree, type NodeId, type NodeStore } from '@tml/core'
import { nodeSha256 } from '../keys/nodeSha256.ts'

/** Bytes of one leaf hash. */
export const LEAF_BYTES = 32

/** Leaves read from the file at once: 2 MiB, what bounds the memory of every scan. */
const CHUNK_LEAVES = 65_536

/**
 * A file of RFC 9162 leaf hashes, leaf i at byte 32·i, read in chunks: the tree it holds (or any
 * prefix of it) is rebuilt without holding the leaves, and it serves the perfect subtrees the
 * proof builders ask for (`NodeStore`) by hashing their leaves. No interior node is stored, so a
 * proof costs one pass over the leaves it covers: the monitor builds one per contradiction.
 *
 * @example
 * const file = new LeafFile('/var/lib/tml/0xab….leaves')
 * bytesToHex(file.root(file.size)) === checkpoint.rootHash
 * await buildInclusionProof({ leafIndex: 3, treeSize: file.size, store: file })
 */
export class LeafFile implements NodeStore {
  readonly path: string

  constructor(path: string) {
    this.path = path
  }

  /** Whole leaves in the file (0 when there is none). */
  get size(): number {
    return existsSync(this.path) ? Math.floor(statSync(this.path).size / LEAF_BYTES) : 0
  }

  /**
   * Leaves [start, end), in chunks of at most 65,536 (each a fresh array).
   *
   * @throws {RangeError} when the file holds fewer than `end` leaves.
   */
  *chunks(start: number, end: number): Generator<Uint8Array> {
    if (end > this.size) throw new RangeError(`${this.path} holds ${this.size} leaves, not ${end}`)
    if (end <= start) return
    const fd = openSync(this.path, 'r')
    try {
      for (let at = start; at < end; at += CHUNK_LEAVES) {
        const n = Math.min(CHUNK_LEAVES, end - at)
        const buffer = new Uint8Array(n * LEAF_BYTES)
        let read = 0
        while (read < buffer.length) {
          const got = readSync(fd, buffer, read, buffer.length - read, at * LEAF_BYTES + read)
          if (got === 0) throw new RangeError(`${this.path} ended before leaf ${end}`)
          read += got
        }
        yield buffer
      }
    } finally {
      closeSync(fd)
    }
  }

  /** A compact tree of the leaves [0, size), to root or extend. */
  tree(size: number): CompactTree {
    const tree = new CompactTree({ hash: nodeSha256 })
    for (const chunk of this.chunks(0, size))
      for (let i = 0; i < chunk.length; i += LEAF_BYTES)
        tree.append(chunk.subarray(i, i + LEAF_BYTES))
    return tree
  }

  /** The Merkle tree hash of the leaves [0, size). */
  root(size: number): Uint8Array {
    return this.tree(size).root()
  }

  /** The first index below `size` where this file and `other` hold different leaves, if any. */
  firstDifference(other: LeafFile, size: number): number | undefined {
    const theirs = other.chunks(0, size)
    let base = 0
    for (const mine of this.chunks(0, size)) {
      const chunk = theirs.next().value as Uint8Array
      for (let i = 0; i < mine.length; i++)
        if (mine[i] !== chunk[i]) {
          theirs.return(undefined)
          return base + Math.floor(i / LEAF_BYTES)
        }
      base += mine.length / LEAF_BYTES
    }
    return undefined
  }

  /** The hash of each perfect subtree: its leaves folded (`NodeStore`). */
  getNodes(ids: readonly NodeId[]): Uint8Array[] {
    return ids.map(({ level, index }) => {
      const width = 2 ** level
      const tree = new CompactTree({ hash: nodeSha256 })
      for (const chunk of this.chunks(index * width, (index + 1) * width))
        for (let i = 0; i < chunk.length; i += LEAF_BYTES)
          tree.append(chunk.subarray(i, i + LEAF_BYTES))
      return tree.root()
    })
  }
}
