import { existsSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import {
  bytesToBase64,
  bytesToHex,
  encodeEntryBundle,
  encodeHashTile,
  entryBundlePath,
  equalBytes,
  formatTlogCheckpoint,
  hashLeaf,
  hexToBytes,
  parseNote,
  parseTlogCheckpoint,
  type Sha256,
  signNote,
  TILE_WIDTH,
  type Tile,
  tileNodeIds,
  tilePath,
  tilesToPublish,
  utf8ToBytes,
} from '@tml/core'
import type { AnchorStore } from '../anchoring/AnchorStore.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { writeFileAtomic } from './writeFileAtomic.ts'

/** Parameters of {@link TileWriter}. */
export type TileWriterParameters = {
  /** The folder served as the log's tlog-tiles prefix (`DATA/tiles`): `checkpoint`, `tile/…`. */
  dir: string
  /** Origin line of the checkpoint note, and the note key's name (see `tilesOrigin`). */
  origin: string
  /** Ed25519 seed of the note key. */
  noteKey: Uint8Array
  /** Signed checkpoints and the tree's stored nodes (the sequencer's store). */
  checkpoints: Pick<AnchorStore, 'latestCheckpoint' | 'getNodes'>
  /** The MTLs, exactly as hashed into the tree. */
  entries: Pick<LogStore, 'entries'>
  hash?: Sha256
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    [k: string]: unknown
  }) => void
}

/** What one {@link TileWriter.sync} published. */
export type TileSyncResult = { treeSize: number; tilesWritten: number; noteWritten: boolean }

/** Thrown when the store and the published files disagree; nothing more is published. */
export class TilePublishError extends Error {
  override name = 'TilePublishError' as const
}

/**
 * Publishes the log as C2SP tlog-tiles in a folder any static host can serve: for the latest
 * signed checkpoint, the hash tiles and entry bundles completed since the last publication and
 * the partial ones of the new size, then the `checkpoint` signed note (origin, size, root,
 * signed with the Ed25519 note key). Every file is written atomically, tiles before the note, so
 * a reader that has a note finds its tiles. Full tiles are immutable: written once, never again;
 * partial tiles are replaced, and removed once their full tile exists (c2sp.org/tlog-tiles allows
 * it). Started again, it catches up from the store and the `checkpoint` file it finds.
 *
 * It reads stored nodes and entries and writes files: it runs after checkpoints, never on the
 * decision path, and yields to the event loop between tiles.
 *
 * Spec: c2sp.org/tlog-tiles, c2sp.org/tlog-checkpoint, c2sp.org/signed-note.
 *
 * @example
 * const writer = new TileWriter({ dir: 'data/tiles', origin, noteKey, checkpoints: lane.store, entries: logStore })
 * lane.onCheckpoint(() => writer.requestSync())
 */
export class TileWriter {
  readonly #p: TileWriterParameters
  /** The size and root of the `checkpoint` file as last written or read. */
  #published: { treeSize: number; rootHash: Uint8Array; note: string } | undefined
  #running: Promise<TileSyncResult | undefined> | undefined
  #again = false
  #closed = false

  constructor(p: TileWriterParameters) {
    this.#p = p
  }

  /** Asks for a sync (after a checkpoint) without waiting; runs coalesce, errors become events. */
  requestSync(): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.#loop()
  }

  /** Resolves once no sync is running or queued (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  /** Stops taking requests and waits for the sync in flight. */
  async close(): Promise<void> {
    this.#closed = true
    await this.idle()
  }

  async #loop(): Promise<TileSyncResult | undefined> {
    let last: TileSyncResult | undefined
    try {
      do {
        this.#again = false
        try {
          last = await this.sync()
        } catch (error) {
          this.#p.onEvent?.({ level: 'error', message: 'publishing C2SP tiles failed', error })
        }
      } while (this.#again && !this.#closed)
    } finally {
      this.#running = undefined
    }
    return last
  }

  /**
   * Publishes the latest signed checkpoint (a no-op when it is already published). Call it
   * through {@link requestSync} from listeners; direct calls must not overlap.
   *
   * @throws {TilePublishError} when the store holds a smaller or different tree than the
   *   published note (a restored backup, another log's folder), or an entry does not hash to its
   *   leaf: publishing then would contradict what followers already hold.
   */
  async sync(): Promise<TileSyncResult | undefined> {
    const checkpoint = await this.#p.checkpoints.latestCheckpoint()
    if (!checkpoint) return undefined
    const { treeSize } = checkpoint
    const rootHash = hexToBytes(checkpoint.rootHash, 32)
    const note = signNote({
      text: formatTlogCheckpoint({ origin: this.#p.origin, treeSize, rootHash }),
      signers: [{ name: this.#p.origin, privateKey: this.#p.noteKey }],
    })
    const published = this.#published ?? this.#readPublished()
    if (published && published.treeSize > treeSize) {
      throw new TilePublishError(
        `${this.#checkpointPath()} holds tree size ${published.treeSize}, the store only ${treeSize}: not publishing an older tree`,
      )
    }
    if (published && published.treeSize === treeSize) {
      if (!equalBytes(published.rootHash, rootHash)) {
        throw new TilePublishError(
          `${this.#checkpointPath()} holds another root for tree size ${treeSize} (${bytesToBase64(published.rootHash)}, store ${checkpoint.rootHash})`,
        )
      }
      // Same tree: only a changed key or origin needs a new note (an idle epoch needs nothing).
      if (published.note === note) return { treeSize, tilesWritten: 0, noteWritten: false }
    }
    const tiles = tilesToPublish({ fromSize: published?.treeSize ?? 0, toSize: treeSize })
    let written = 0
    for (const tile of tiles) {
      if (await this.#writeTile(tile)) written++
      // Catching up on a large log must not hold the event loop for seconds.
      await yieldToEventLoop()
    }
    // The note last: whoever reads it finds every tile it needs.
    await writeFileAtomic(this.#checkpointPath(), utf8ToBytes(note))
    this.#published = { treeSize, rootHash, note }
    // Partial tiles a full tile now replaces: the spec lets a log drop them, and a slow log would
    // otherwise keep up to 255 of them per tile.
    for (const tile of tiles) {
      if (tile.width !== TILE_WIDTH) continue
      await rm(join(this.#p.dir, `${tilePath(tile)}.p`), { recursive: true, force: true })
      if (tile.level === 0) {
        await rm(join(this.#p.dir, `${entryBundlePath(tile)}.p`), { recursive: true, force: true })
      }
    }
    this.#p.onEvent?.({
      level: 'info',
      message: 'C2SP checkpoint published',
      treeSize,
      tiles: written,
    })
    return { treeSize, tilesWritten: written, noteWritten: true }
  }

  /** Writes one hash tile (and, at level 0, its entry bundle); false when a full tile exists. */
  async #writeTile(tile: Tile): Promise<boolean> {
    const path = join(this.#p.dir, tilePath(tile))
    const bundlePath = join(this.#p.dir, entryBundlePath(tile))
    const full = tile.width === TILE_WIDTH
    // Immutable: a full tile once written is never rewritten (followers may have cached it).
    if (full && existsSync(path) && (tile.level > 0 || existsSync(bundlePath))) return false
    const hashes = await this.#p.checkpoints.getNodes(tileNodeIds(tile))
    if (tile.level === 0) {
      const first = tile.index * TILE_WIDTH
      const stored = await this.#p.entries.entries(first, tile.width)
      const entries = stored.map((e, i) => {
        if (e.seq !== first + i)
          throw new TilePublishError(`entry ${first + i} is missing from the log store`)
        const bytes = utf8ToBytes(e.mtl)
        // The bundle must hash to the tile, or followers would reject the log.
        if (!equalBytes(hashLeaf(bytes, this.#p.hash), hashes[i] as Uint8Array)) {
          throw new TilePublishError(
            `entry ${first + i} does not hash to leaf ${bytesToHex(hashes[i] as Uint8Array)}`,
          )
        }
        return bytes
      })
      if (entries.length !== tile.width) {
        throw new TilePublishError(`entries ${first}… are missing from the log store`)
      }
      if (!(full && existsSync(bundlePath)))
        await writeFileAtomic(bundlePath, encodeEntryBundle(entries))
    }
    if (!(full && existsSync(path))) await writeFileAtomic(path, encodeHashTile(hashes))
    return true
  }

  #checkpointPath(): string {
    return join(this.#p.dir, 'checkpoint')
  }

  // What an earlier run published: its size and root. A file that does not parse counts as
  // nothing published (every tile is then checked again; full tiles found are kept).
  #readPublished(): { treeSize: number; rootHash: Uint8Array; note: string } | undefined {
    const path = this.#checkpointPath()
    if (!existsSync(path)) return undefined
    try {
      const note = readFileSync(path, 'utf8')
      const parsed = parseTlogCheckpoint(parseNote(note).text)
      return { treeSize: Number(parsed.treeSize), rootHash: parsed.rootHash, note }
    } catch (error) {
      this.#p.onEvent?.({
        level: 'warn',
        message: `${path} is not a checkpoint note: rewriting it`,
        error,
      })
      return undefined
    }
  }
}
