import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, CompactTree, type Hex, hexToBytes, isHex } from '@tml/core'
import { readEntryPage } from '../audit/readApiLog.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import { LEAF_BYTES, LeafFile } from './LeafFile.ts'
import { MonitorError } from './MonitorError.ts'

/** Entries asked per request (the gateway's page limit). */
const ENTRY_PAGE = 1000

/** A gateway's entries route, as `apiGetter` reads it (with the API key). */
export type EntrySource = { url: string; get: (path: string) => Promise<unknown> }

/** What a gateway's entries gave: the file of the tree, or the root they make instead. */
export type FetchedTree = { file: LeafFile } | { root: Hex }

/**
 * The monitor's copy of one log's leaf hashes, as Certificate Transparency monitors keep one:
 * `<dir>/<logId>.leaves`, 32 bytes per leaf, append-only. Leaves are appended only once they
 * and the mirrored ones reproduce a root the log signed, so the file holds a tree the log signed
 * (or, after a crash in an append, a prefix of one). Memory: the compact tree (O(log n) hashes)
 * and one page of entries; the leaves stay on disk. Opening reads the file once to rebuild the
 * compact tree.
 *
 * @example
 * const mirror = LeafMirror.open({ dir: 'mirror', logId })
 * await mirror.extend(source, checkpoint.treeSize, checkpoint.rootHash) // undefined: appended
 */
export class LeafMirror {
  readonly file: LeafFile
  readonly #logId: Hex
  #tree: CompactTree

  private constructor(file: LeafFile, logId: Hex) {
    this.file = file
    this.#logId = logId
    this.#tree = file.tree(file.size)
  }

  /**
   * Opens (creating `dir` if needed) the mirror of `logId`. A torn last leaf (a crash in an
   * append) is cut off: what precedes it is a prefix of a signed tree.
   *
   * @example LeafMirror.open({ dir: '/var/lib/tml-monitor', logId })
   */
  static open({ dir, logId }: { dir: string; logId: Hex }): LeafMirror {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, `${logId.toLowerCase()}.leaves`)
    closeSync(openSync(path, 'a'))
    const bytes = statSync(path).size
    if (bytes % LEAF_BYTES !== 0) truncateSync(path, bytes - (bytes % LEAF_BYTES))
    return new LeafMirror(new LeafFile(path), logId)
  }

  /** Leaves mirrored. */
  get size(): number {
    return this.#tree.size
  }

  /** Whether the first `size` mirrored leaves have the Merkle root `rootHash`. */
  holds(size: bigint, rootHash: Hex): boolean {
    const n = Number(size)
    if (n > this.size) return false
    const root = n === this.size ? this.#tree.root() : this.file.root(n)
    return bytesToHex(root) === rootHash.toLowerCase()
  }

  /**
   * Reads the entries [size, treeSize) from `source` and appends their leaf hashes when, after
   * the mirrored ones, they reproduce `rootHash`; otherwise appends nothing and returns the root
   * they make instead.
   *
   * @throws {MonitorError} when the gateway cannot be read or serves malformed or too few entries.
   */
  async extend(source: EntrySource, treeSize: bigint, rootHash: Hex): Promise<Hex | undefined> {
    const staging = `${this.file.path}.staging`
    const tree = CompactTree.fromState({ ...this.#tree.state(), hash: nodeSha256 })
    try {
      await this.#fetch(source, this.size, Number(treeSize), staging, tree)
      const root = bytesToHex(tree.root())
      if (root !== rootHash.toLowerCase()) return root
      const staged = new LeafFile(staging)
      const fd = openSync(this.file.path, 'a')
      try {
        for (const chunk of staged.chunks(0, staged.size)) writeSync(fd, chunk)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      this.#tree = tree
      return undefined
    } finally {
      rmSync(staging, { force: true })
    }
  }

  /**
   * Reads the whole tree of `treeSize` leaves from `source` into a file of its own (beside the
   * mirror; the caller removes it) when its entries reproduce `rootHash`; otherwise the root
   * they make instead. For the newer tree of an inconsistency, which is not the mirrored one.
   *
   * @throws {MonitorError} when the gateway cannot be read or serves malformed or too few entries.
   */
  async fetchTree(source: EntrySource, treeSize: bigint, rootHash: Hex): Promise<FetchedTree> {
    const path = `${this.file.path}.tree-${treeSize}`
    const tree = new CompactTree({ hash: nodeSha256 })
    try {
      await this.#fetch(source, 0, Number(treeSize), path, tree)
    } catch (error) {
      rmSync(path, { force: true })
      throw error
    }
    const root = bytesToHex(tree.root())
    if (root === rootHash.toLowerCase()) return { file: new LeafFile(path) }
    rmSync(path, { force: true })
    return { root }
  }

  /** Writes the leaf hashes of entries [start, end) to `path` (new), appending them to `tree`. */
  async #fetch(
    source: EntrySource,
    start: number,
    end: number,
    path: string,
    tree: CompactTree,
  ): Promise<void> {
    const fd = openSync(path, 'w')
    try {
      for (let at = start; at < end; ) {
        const bad = (why: string) =>
          new MonitorError(`gateway ${source.url}: bad entries answer from ${at}: ${why}`)
        let entries: Awaited<ReturnType<typeof readEntryPage>>
        try {
          entries = await readEntryPage(source.get, this.#logId, at, Math.min(at + ENTRY_PAGE, end))
        } catch (error) {
          throw bad((error as Error).message)
        }
        if (entries.length === 0)
          throw bad(`no entries, though a signed tree of ${end} leaves was shown`)
        if (entries.length > end - at) throw bad(`more entries than asked for`)
        const page = new Uint8Array(entries.length * LEAF_BYTES)
        entries.forEach((e, i) => {
          if (e?.seq !== at + i) throw bad(`entry ${i} has seq ${String(e?.seq)}, not ${at + i}`)
          if (!isHex(e.leaf_hash, 32)) throw bad(`entry ${at + i} has no 32-byte leaf_hash`)
          const leaf = hexToBytes(e.leaf_hash)
          page.set(leaf, i * LEAF_BYTES)
          tree.append(leaf)
        })
        writeSync(fd, page)
        at += entries.length
      }
    } finally {
      closeSync(fd)
    }
  }
}
