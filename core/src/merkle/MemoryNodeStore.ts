import { equalBytes } from '../bytes/equalBytes.ts'
import {
  InvalidNodeHashError,
  MissingNodeError,
  NodeConflictError,
  TreeRangeError,
} from './errors.ts'
import type { NodeId } from './NodeId.ts'
import type { NodeStore } from './NodeStore.ts'

const HASH_SIZE = 32
// Nodes per chunk. Fixed-size chunks instead of one doubling buffer per level: growing never
// copies and never holds twice the data, and the slack is at most one chunk (128 KiB) per level.
const CHUNK_NODES = 4096

type Level = { chunks: Uint8Array[]; count: number }

/**
 * A `NodeStore` in memory, filled as the tree grows (give `put` to `CompactTree`'s `onNode`).
 * Hashes live in flat byte buffers per level, 32 bytes a node and no object per node: the
 * 2,097,151 nodes of a 2^20-leaf tree take 64 MiB.
 *
 * Each level is stored densely from index 0, in the order an append-only log creates its nodes:
 * `put` appends the next node of a level, accepts a rewrite of a stored node with the same hash
 * (a replay after a restart), and refuses gaps and changed hashes.
 *
 * @example
 * const store = new MemoryNodeStore()
 * const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
 * for (const leaf of leafHashes) tree.append(leaf)
 * const proof = await buildInclusionProof({ leafIndex: 3, treeSize: tree.size, store })
 */
export class MemoryNodeStore implements NodeStore {
  readonly #levels: Level[] = []

  /**
   * Stores the hash of node (level, index). Positional arguments, unlike the rest of core: this
   * runs once per node on the append path, and an object per call shows in the profile.
   *
   * @throws {InvalidNodeHashError} unless `hash` is 32 bytes.
   * @throws {TreeRangeError} when the node would leave a gap in its level.
   * @throws {NodeConflictError} when the node is stored with another hash.
   */
  put(level: number, index: number, hash: Uint8Array): void {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
      throw new InvalidNodeHashError('Node hash', hash)
    }
    const lv = this.#levels[level] ?? this.#addLevel(level)
    if (index === lv.count) {
      const chunkIndex = Math.floor(index / CHUNK_NODES)
      let chunk = lv.chunks[chunkIndex]
      if (chunk === undefined) {
        chunk = new Uint8Array(CHUNK_NODES * HASH_SIZE)
        lv.chunks.push(chunk)
      }
      chunk.set(hash, (index % CHUNK_NODES) * HASH_SIZE)
      lv.count = index + 1
      return
    }
    if (Number.isSafeInteger(index) && index >= 0 && index < lv.count) {
      if (!equalBytes(this.#read(lv, index), hash)) throw new NodeConflictError({ level, index })
      return
    }
    throw new TreeRangeError(`Cannot store node (level ${level}, index ${index}).`, {
      details: `Level ${level} holds ${lv.count} nodes, so the next is index ${lv.count}: levels have no gaps.`,
    })
  }

  /** The hash of node (level, index), or undefined when it is not stored. */
  get(level: number, index: number): Uint8Array | undefined {
    const lv = this.#levels[level]
    if (lv === undefined || !Number.isSafeInteger(index) || index < 0 || index >= lv.count) {
      return undefined
    }
    return this.#read(lv, index).slice()
  }

  /**
   * {@inheritDoc NodeStore.getNodes}
   * @throws {MissingNodeError} when a node is not stored.
   */
  getNodes(ids: readonly NodeId[]): Uint8Array[] {
    return ids.map((id) => {
      const hash = this.get(id.level, id.index)
      if (hash === undefined) throw new MissingNodeError({ level: id.level, index: id.index })
      return hash
    })
  }

  /** How many nodes are stored at `level` (nodes 0 to count-1). */
  count(level: number): number {
    return this.#levels[level]?.count ?? 0
  }

  /** Bytes held by the hash buffers. */
  get byteLength(): number {
    let n = 0
    for (const lv of this.#levels)
      if (lv !== undefined) n += lv.chunks.length * CHUNK_NODES * HASH_SIZE
    return n
  }

  #addLevel(level: number): Level {
    // A tree of at most 2^53-1 leaves has levels 0 to 52 (the top node has 2^52 leaves).
    if (!Number.isInteger(level) || level < 0 || level > 52) {
      throw new TreeRangeError(`Node level ${level} is out of range.`, {
        details: 'Levels are integers from 0 to 52.',
      })
    }
    for (let l = this.#levels.length; l <= level; l++) this.#levels[l] = { chunks: [], count: 0 }
    return this.#levels[level] as Level
  }

  #read(lv: Level, index: number): Uint8Array {
    const chunk = lv.chunks[Math.floor(index / CHUNK_NODES)] as Uint8Array
    const offset = (index % CHUNK_NODES) * HASH_SIZE
    return chunk.subarray(offset, offset + HASH_SIZE)
  }
}
