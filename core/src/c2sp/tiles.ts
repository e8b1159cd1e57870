import type { NodeId } from '../merkle/NodeId.ts'
import { InvalidTileError } from './C2spErrors.ts'

/** Tree levels one tile spans: a tile holds the 2^8 hashes at the bottom of an 8-level subtree. */
export const TILE_HEIGHT = 8
/** Hashes in a full tile (entries in a full entry bundle). */
export const TILE_WIDTH = 256
/** Bytes of one hash in a tile (SHA-256). */
export const TILE_HASH_SIZE = 32

/**
 * A hash tile: the `width` consecutive Merkle Tree Hashes at tile level `level` (tree level
 * 8·level) starting with hash `index`·256 of that level. A full tile has width 256; a partial one,
 * the right edge of a tree, 1 … 255. An entry bundle has the coordinates of its level-0 tile.
 */
export type Tile = { level: number; index: number; width: number }

/** Highest tile level the spec allows (tile levels 0 … 63). */
const MAX_LEVEL = 63

function assertTile(tile: Tile, what: string, level = true): void {
  const t = tile as Partial<Record<keyof Tile, unknown>>
  if (
    level &&
    !(Number.isInteger(t.level) && (t.level as number) >= 0 && (t.level as number) <= MAX_LEVEL)
  ) {
    throw new InvalidTileError(`${what}: level must be an integer from 0 to ${MAX_LEVEL}`)
  }
  if (!(Number.isSafeInteger(t.index) && (t.index as number) >= 0)) {
    throw new InvalidTileError(`${what}: index must be a safe integer ≥ 0`)
  }
  if (
    !(Number.isInteger(t.width) && (t.width as number) >= 1 && (t.width as number) <= TILE_WIDTH)
  ) {
    throw new InvalidTileError(`${what}: width must be an integer from 1 to ${TILE_WIDTH}`)
  }
}

// N as zero-padded 3-digit elements, all but the last prefixed with x: 1234067 → x001/x234/067,
// so that a file system holds every tile without a file and a directory sharing a name.
function indexPath(index: number): string {
  let n = index
  let path = String(n % 1000).padStart(3, '0')
  while (n >= 1000) {
    n = Math.floor(n / 1000)
    path = `x${String(n % 1000).padStart(3, '0')}/${path}`
  }
  return path
}

const widthSuffix = (width: number) => (width === TILE_WIDTH ? '' : `.p/${width}`)

/**
 * The path of a hash tile under the log's prefix: `tile/<L>/<N>[.p/<W>]`.
 *
 * Spec: c2sp.org/tlog-tiles §Merkle Tree.
 *
 * @throws {InvalidTileError} when the coordinates are out of range.
 * @example
 * tilePath({ level: 0, index: 1234067, width: 256 }) // 'tile/0/x001/x234/067'
 * tilePath({ level: 1, index: 0, width: 17 }) // 'tile/1/000.p/17'
 */
export function tilePath(tile: Tile): string {
  assertTile(tile, 'tilePath')
  return `tile/${tile.level}/${indexPath(tile.index)}${widthSuffix(tile.width)}`
}

/**
 * The path of an entry bundle: `tile/entries/<N>[.p/<W>]`, the entries whose leaf hashes are
 * level-0 tile N.
 *
 * Spec: c2sp.org/tlog-tiles §Log entries.
 *
 * @throws {InvalidTileError} when the coordinates are out of range.
 * @example
 * entryBundlePath({ index: 1, width: 44 }) // 'tile/entries/001.p/44'
 */
export function entryBundlePath(bundle: { index: number; width: number }): string {
  assertTile({ level: 0, ...bundle }, 'entryBundlePath', false)
  return `tile/entries/${indexPath(bundle.index)}${widthSuffix(bundle.width)}`
}

/** What a tile path names: a hash tile or an entry bundle. */
export type ParsedTilePath =
  | (Tile & { kind: 'hashes' })
  | { kind: 'entries'; index: number; width: number }

const PATH_RE =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/

/**
 * Reads a tile or entry bundle path, refusing every spelling but the canonical one (so that one
 * tile has one path, and a server can map paths to files without traversal or aliases).
 *
 * @throws {InvalidTileError} when `path` is not a canonical tile path.
 * @example
 * parseTilePath('tile/0/x001/x234/067') // { kind: 'hashes', level: 0, index: 1234067, width: 256 }
 * parseTilePath('tile/entries/000.p/7') // { kind: 'entries', index: 0, width: 7 }
 */
export function parseTilePath(path: string): ParsedTilePath {
  const m = typeof path === 'string' ? PATH_RE.exec(path) : null
  if (!m)
    throw new InvalidTileError(`${JSON.stringify(String(path).slice(0, 80))} is not a tile path`)
  const digits = (m[2] as string).replaceAll('x', '').replaceAll('/', '')
  const index = Number(digits)
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3])
  if (!Number.isSafeInteger(index) || (m[3] !== undefined && width >= TILE_WIDTH)) {
    throw new InvalidTileError(`${JSON.stringify(path.slice(0, 80))}: index or width out of range`)
  }
  const parsed: ParsedTilePath =
    m[1] === 'entries'
      ? { kind: 'entries', index, width }
      : { kind: 'hashes', level: Number(m[1]), index, width }
  if (parsed.kind === 'hashes' && parsed.level > MAX_LEVEL) {
    throw new InvalidTileError(`${JSON.stringify(path)}: level above ${MAX_LEVEL}`)
  }
  // 0001 and 000/001 spell 1 too: only the path we would write is accepted.
  const canonical = parsed.kind === 'entries' ? entryBundlePath(parsed) : tilePath(parsed)
  if (canonical !== path)
    throw new InvalidTileError(`${JSON.stringify(path)} is not canonical (${canonical})`)
  return parsed
}

/**
 * The hash tiles a log publishes when its tree grows from `fromSize` to `toSize`: at each level,
 * every full tile completed in between, and the partial tile of `toSize` when it has one (width
 * ⌊toSize / 256^L⌋ mod 256). With `fromSize` 0 it is every tile of the tree. Entry bundles follow
 * the level-0 tiles. Partial tiles are never hashed into the level above.
 *
 * Spec: c2sp.org/tlog-tiles §Merkle Tree, §Partial Tiles; model: `tlog.NewTiles` of
 * golang.org/x/mod/sumdb (which also lists every intermediate partial width).
 *
 * @throws {InvalidTileError} when the sizes are not safe integers with fromSize ≤ toSize.
 * @example
 * tilesToPublish({ fromSize: 0, toSize: 256 })
 * // [{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]
 */
export function tilesToPublish({ fromSize, toSize }: { fromSize: number; toSize: number }): Tile[] {
  if (
    !Number.isSafeInteger(fromSize) ||
    !Number.isSafeInteger(toSize) ||
    fromSize < 0 ||
    fromSize > toSize
  ) {
    throw new InvalidTileError(
      `tree sizes must be safe integers with 0 ≤ fromSize ≤ toSize (got ${fromSize}, ${toSize})`,
    )
  }
  const tiles: Tile[] = []
  for (let level = 0, span = 1; Math.floor(toSize / span) > 0; level++, span *= TILE_WIDTH) {
    // Hashes that exist at this level before and after: one per 256^level leaves.
    const before = Math.floor(fromSize / span)
    const after = Math.floor(toSize / span)
    const lastFull = Math.floor(after / TILE_WIDTH)
    for (let index = Math.floor(before / TILE_WIDTH); index < lastFull; index++) {
      tiles.push({ level, index, width: TILE_WIDTH })
    }
    const width = after % TILE_WIDTH
    if (width > 0) tiles.push({ level, index: lastFull, width })
  }
  return tiles
}

/**
 * The tree nodes a tile holds, in order: level 8·L, indexes N·256 … N·256+W-1 (`NodeId` of the
 * merkle area, so a `NodeStore` that keeps every perfect subtree serves tiles directly).
 *
 * @throws {InvalidTileError} when the coordinates are out of range.
 * @example
 * tileNodeIds({ level: 1, index: 0, width: 2 }) // [{ level: 8, index: 0 }, { level: 8, index: 1 }]
 */
export function tileNodeIds(tile: Tile): NodeId[] {
  assertTile(tile, 'tileNodeIds')
  const first = tile.index * TILE_WIDTH
  return Array.from({ length: tile.width }, (_, i) => ({
    level: tile.level * TILE_HEIGHT,
    index: first + i,
  }))
}

/**
 * The bytes of a hash tile: its hashes concatenated (32 bytes each, 1 … 256 of them).
 *
 * @throws {InvalidTileError} on a hash that is not 32 bytes or a count outside 1 … 256.
 */
export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length < 1 || hashes.length > TILE_WIDTH) {
    throw new InvalidTileError(`a tile holds 1 to ${TILE_WIDTH} hashes, got ${hashes.length}`)
  }
  const out = new Uint8Array(hashes.length * TILE_HASH_SIZE)
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== TILE_HASH_SIZE) {
      throw new InvalidTileError(`hash ${i} is not ${TILE_HASH_SIZE} bytes`)
    }
    out.set(h, i * TILE_HASH_SIZE)
  })
  return out
}

/**
 * The hashes of a hash tile's bytes, checking its length against the width its path gives.
 *
 * @throws {InvalidTileError} when the length is not `width` · 32 bytes.
 */
export function decodeHashTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array) || bytes.length !== width * TILE_HASH_SIZE) {
    throw new InvalidTileError(
      `a tile of width ${width} is ${width * TILE_HASH_SIZE} bytes, got ${bytes?.length}`,
    )
  }
  return Array.from({ length: width }, (_, i) =>
    bytes.slice(i * TILE_HASH_SIZE, (i + 1) * TILE_HASH_SIZE),
  )
}

/** Largest entry an entry bundle can carry: its length is a big-endian uint16. */
export const MAX_BUNDLED_ENTRY = 0xffff

/**
 * An entry bundle: each entry as a big-endian uint16 length followed by its bytes. Each entry
 * is the data whose RFC 6962 leaf hash, SHA-256(0x00 ‖ entry), is in the level-0 tile.
 *
 * Spec: c2sp.org/tlog-tiles §Log entries.
 *
 * @throws {InvalidTileError} on more than 256 entries or an entry above 65,535 bytes.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new InvalidTileError(`a bundle holds 1 to ${TILE_WIDTH} entries, got ${entries.length}`)
  }
  let total = 0
  entries.forEach((e, i) => {
    if (!(e instanceof Uint8Array) || e.length > MAX_BUNDLED_ENTRY) {
      throw new InvalidTileError(
        `entry ${i} is ${e?.length} bytes; a bundle carries at most ${MAX_BUNDLED_ENTRY}`,
      )
    }
    total += 2 + e.length
  })
  const out = new Uint8Array(total)
  let at = 0
  for (const e of entries) {
    out[at] = e.length >> 8
    out[at + 1] = e.length & 0xff
    out.set(e, at + 2)
    at += 2 + e.length
  }
  return out
}

/**
 * The entries of an entry bundle, checking that the lengths use up the bytes exactly and, when
 * given, that there are `width` of them.
 *
 * @throws {InvalidTileError} on a truncated bundle, trailing bytes or the wrong count.
 */
export function decodeEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new InvalidTileError('a bundle is bytes')
  const entries: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new InvalidTileError(`truncated length at byte ${at}`)
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
    if (at + 2 + length > bytes.length) {
      throw new InvalidTileError(
        `entry ${entries.length} (${length} bytes) runs past the bundle's end`,
      )
    }
    entries.push(bytes.slice(at + 2, at + 2 + length))
    at += 2 + length
  }
  if (width !== undefined && entries.length !== width) {
    throw new InvalidTileError(`the bundle holds ${entries.length} entries, its path says ${width}`)
  }
  return entries
}
