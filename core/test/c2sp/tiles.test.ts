import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
  entryBundlePath,
  InvalidTileError,
  parseTilePath,
  TILE_WIDTH,
  type Tile,
  tileNodeIds,
  tilePath,
  tilesToPublish,
} from '../../src/c2sp/index.ts'
import { hashChildren } from '../../src/merkle/hashChildren.ts'
import { hashLeaf } from '../../src/merkle/hashLeaf.ts'
import { CompactTree, MemoryNodeStore, rootFromLeafHashes } from '../../src/merkle/index.ts'

const key = (t: Tile) => `${t.level}/${t.index}/${t.width}`
const full = (tiles: Tile[]) =>
  tiles
    .filter((t) => t.width === TILE_WIDTH)
    .map(key)
    .sort()

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  test('vector: the spec’s and Go’s examples', () => {
    assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067')
    // golang.org/x/mod/sumdb/tlog TestTilePath, as C2SP spells them (no height element).
    assert.equal(tilePath({ level: 5, index: 123456078, width: 256 }), 'tile/5/x123/x456/078')
    assert.equal(tilePath({ level: 5, index: 123456078, width: 2 }), 'tile/5/x123/x456/078.p/2')
    assert.equal(tilePath({ level: 0, index: 3057500, width: 256 }), 'tile/0/x003/x057/500')
    assert.equal(entryBundlePath({ index: 3057500, width: 2 }), 'tile/entries/x003/x057/500.p/2')
    assert.equal(tilePath({ level: 63, index: 0, width: 1 }), 'tile/63/000.p/1')
    assert.equal(tilePath({ level: 0, index: 1000, width: 256 }), 'tile/0/x001/000')
    assert.deepEqual(parseTilePath('tile/0/x001/x234/067'), {
      kind: 'hashes',
      level: 0,
      index: 1234067,
      width: 256,
    })
    assert.deepEqual(parseTilePath('tile/entries/001.p/44'), {
      kind: 'entries',
      index: 1,
      width: 44,
    })
  })

  test('errors: non-canonical and out-of-range paths are refused', () => {
    for (const path of [
      'tile/3/5/123/456/078',
      'tile/5/123/456/078',
      'tile/-1/000',
      'tile/00/000',
      'tile/64/000',
      'tile/0/1234',
      'tile/0/x000/001',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/007',
      'tile/0/../../etc/passwd',
      'tile/data/000',
      '/tile/0/000',
      'tile/0/000/',
    ]) {
      assert.throws(() => parseTilePath(path), InvalidTileError, path)
    }
    assert.throws(() => tilePath({ level: 64, index: 0, width: 1 }), /level/)
    assert.throws(() => tilePath({ level: 0, index: -1, width: 1 }), /index/)
    assert.throws(() => tilePath({ level: 0, index: 0, width: 0 }), /width/)
    assert.throws(() => tilePath({ level: 0, index: 0, width: 257 }), /width/)
  })

  test('property: every tile path parses back to its tile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.maxSafeNat(),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          assert.deepEqual(parseTilePath(tilePath({ level, index, width })), {
            kind: 'hashes',
            level,
            index,
            width,
          })
          assert.deepEqual(parseTilePath(entryBundlePath({ index, width })), {
            kind: 'entries',
            index,
            width,
          })
        },
      ),
    )
  })
})

describe('tiles to publish', () => {
  test('vector: the spec’s trees of 70,000 and 256 entries', () => {
    const tiles = tilesToPublish({ fromSize: 0, toSize: 70_000 })
    const at = (level: number) => tiles.filter((t) => t.level === level)
    assert.equal(at(0).filter((t) => t.width === 256).length, 273)
    assert.deepEqual(at(0).at(-1), { level: 0, index: 273, width: 112 })
    assert.deepEqual(at(1), [
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ])
    assert.deepEqual(at(2), [{ level: 2, index: 0, width: 1 }])
    assert.equal(tiles.length, 273 + 1 + 2 + 1)
    assert.deepEqual(tilesToPublish({ fromSize: 0, toSize: 256 }), [
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ])
    assert.deepEqual(tilesToPublish({ fromSize: 0, toSize: 0 }), [])
    assert.deepEqual(tilesToPublish({ fromSize: 300, toSize: 301 }), [
      { level: 0, index: 1, width: 45 },
      { level: 1, index: 0, width: 1 },
    ])
  })

  test('errors: sizes that go back or are not safe integers', () => {
    assert.throws(() => tilesToPublish({ fromSize: 5, toSize: 4 }), InvalidTileError)
    assert.throws(() => tilesToPublish({ fromSize: -1, toSize: 4 }), InvalidTileError)
    assert.throws(() => tilesToPublish({ fromSize: 0, toSize: 2 ** 53 }), InvalidTileError)
  })

  test('property: publishing size after size gives every full tile once, and each size’s partials', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 8 }),
        (raw) => {
          const sizes = [...new Set(raw)].sort((a, b) => a - b)
          const published: string[] = []
          let from = 0
          for (const size of sizes) {
            const tiles = tilesToPublish({ fromSize: from, toSize: size })
            published.push(...full(tiles))
            // The partial tile of each level of this size, as the spec defines its width.
            for (let level = 0, span = 1; Math.floor(size / span) > 0; level++, span *= 256) {
              const width = Math.floor(size / span) % 256
              const partial = tiles.find((t) => t.level === level && t.width < 256)
              assert.deepEqual(partial?.width, width === 0 ? undefined : width)
            }
            from = size
          }
          const last = sizes.at(-1) as number
          assert.deepEqual(
            [...published].sort(),
            full(tilesToPublish({ fromSize: 0, toSize: last })),
          )
          assert.equal(new Set(published).size, published.length)
        },
      ),
    )
  })
})

describe('tile contents', () => {
  // 256·256 + 300 entries: full level-0 and level-1 tiles, partial tiles at levels 0, 1 and 2.
  const size = 256 * 256 + 300
  const entries = Array.from({ length: size }, (_, i) => new TextEncoder().encode(`entry ${i}`))
  const leafHashes = entries.map((e) => hashLeaf(e))
  const store = new MemoryNodeStore()
  const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  for (const h of leafHashes) tree.append(h)
  const tiles = tilesToPublish({ fromSize: 0, toSize: size })
  const read = (t: Tile) => encodeHashTile(store.getNodes(tileNodeIds(t)))

  // The hash of a full tile: its 256 hashes merged pairwise up 8 levels (no leaf prefix).
  const tileHash = (hashes: Uint8Array[]): Uint8Array => {
    let level = hashes
    while (level.length > 1) {
      const next: Uint8Array[] = []
      for (let i = 0; i < level.length; i += 2) {
        next.push(hashChildren(level[i] as Uint8Array, level[i + 1] as Uint8Array))
      }
      level = next
    }
    return level[0] as Uint8Array
  }

  test('behavior: hash i of tile (L, N) is the MTH of entries (N·256+i)·256^L … +256^L', () => {
    assert.deepEqual(
      tiles.map(key).filter((k) => !k.startsWith('0/')),
      ['1/0/256', '1/1/1', '2/0/1'],
    )
    for (const t of tiles.filter((t) => t.level > 0 || t.index % 64 === 0 || t.width < 256)) {
      const hashes = decodeHashTile(read(t), t.width)
      const span = 256 ** t.level
      hashes.forEach((h, i) => {
        const start = (t.index * 256 + i) * span
        assert.deepEqual(
          h,
          rootFromLeafHashes({ leafHashes: leafHashes.slice(start, start + span) }),
        )
      })
    }
  })

  test('behavior: a full tile hashes to its entry in the tile above (how clients authenticate)', () => {
    const level1 = decodeHashTile(read({ level: 1, index: 0, width: 256 }), 256)
    for (const index of [0, 1, 128, 255]) {
      const below = decodeHashTile(read({ level: 0, index, width: 256 }), 256)
      assert.deepEqual(tileHash(below), level1[index])
    }
    const level2 = decodeHashTile(read({ level: 2, index: 0, width: 1 }), 1)
    assert.deepEqual(tileHash(level1), level2[0])
  })

  test('behavior: an entry bundle’s entries hash to its level-0 tile, SHA-256(0x00 ‖ entry)', () => {
    const t = { level: 0, index: 257, width: 44 }
    assert.ok(tiles.some((x) => key(x) === key(t)))
    const bundle = encodeEntryBundle(entries.slice(257 * 256, 257 * 256 + 44))
    const decoded = decodeEntryBundle(bundle, 44)
    assert.deepEqual(
      decoded.map((e) => hashLeaf(e)),
      decodeHashTile(read(t), 44),
    )
  })
})

describe('entry bundles and hash tiles', () => {
  test('vector: uint16 big-endian lengths', () => {
    const bundle = encodeEntryBundle([new Uint8Array([7]), new Uint8Array(0), new Uint8Array(258)])
    assert.deepEqual([...bundle.slice(0, 6)], [0, 1, 7, 0, 0, 1])
    assert.equal(bundle[6], 2)
    assert.equal(bundle.length, 3 + 2 + 2 + 258)
  })

  test('property: encode then decode gives the entries back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 256 }),
        (list) => assert.deepEqual(decodeEntryBundle(encodeEntryBundle(list), list.length), list),
      ),
      { numRuns: 50 },
    )
  })

  test('errors: bundles and tiles that do not add up', () => {
    assert.throws(() => encodeEntryBundle([new Uint8Array(65_536)]), /at most 65535/)
    assert.throws(() => encodeEntryBundle([]), /1 to 256/)
    assert.throws(() => decodeEntryBundle(new Uint8Array([0])), /truncated length/)
    assert.throws(() => decodeEntryBundle(new Uint8Array([0, 5, 1])), /runs past/)
    assert.throws(() => decodeEntryBundle(new Uint8Array([0, 0]), 2), /its path says 2/)
    assert.throws(() => encodeHashTile([new Uint8Array(31)]), /not 32 bytes/)
    assert.throws(() => decodeHashTile(new Uint8Array(64), 3), /96 bytes, got 64/)
  })
})
