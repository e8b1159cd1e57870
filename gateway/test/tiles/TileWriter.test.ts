import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  CompactTree,
  decodeEntryBundle,
  decodeHashTile,
  hashLeaf,
  MemoryNodeStore,
  noteVerifierKey,
  openNote,
  parseTlogCheckpoint,
  utf8ToBytes,
} from '@tml/core'
import type { StoredCheckpoint } from '../../src/anchoring/AnchorStore.ts'
import type { StoredEntry } from '../../src/memory/LogStore.ts'
import { TilePublishError, TileWriter } from '../../src/tiles/TileWriter.ts'
import { TilesOriginError, tilesOrigin } from '../../src/tiles/tilesOrigin.ts'
import { tempDir } from '../helpers/memory.ts'

const NOTE_KEY = new Uint8Array(32).fill(7)
const ORIGIN = 'tml-anchor/test'
const VKEY = noteVerifierKey({ name: ORIGIN, privateKey: NOTE_KEY })

/** A log of `entries` (any text: the writer publishes the bytes as hashed) and its checkpoints. */
function fakeLog() {
  const texts: string[] = []
  const store = new MemoryNodeStore()
  const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  let latest: StoredCheckpoint | undefined
  let epoch = 0
  return {
    append(n: number) {
      for (let i = 0; i < n; i++) {
        const text = JSON.stringify({ v: 'test', seq: texts.length })
        texts.push(text)
        tree.append(hashLeaf(utf8ToBytes(text)))
      }
    },
    checkpoint() {
      epoch++
      latest = {
        epoch,
        treeSize: tree.size,
        rootHash: bytesToHex(tree.root()),
        timestamp: epoch,
        signature: '0x',
        createdMs: epoch,
      }
    },
    texts,
    checkpoints: {
      latestCheckpoint: async () => latest,
      getNodes: async (ids: readonly { level: number; index: number }[]) => store.getNodes(ids),
    },
    entries: {
      entries: async (from: number, limit: number) =>
        texts
          .slice(from, from + limit)
          .map((mtl, i) => ({ seq: from + i, mtl }) as unknown as StoredEntry),
    },
  }
}

function writerFor(log: ReturnType<typeof fakeLog>, dir: string) {
  return new TileWriter({
    dir,
    origin: ORIGIN,
    noteKey: NOTE_KEY,
    checkpoints: log.checkpoints,
    entries: log.entries,
  })
}

const read = (dir: string, path: string) => new Uint8Array(readFileSync(join(dir, path)))

describe('TileWriter', () => {
  test('default: no checkpoint yet, nothing published', async () => {
    const dir = tempDir()
    assert.equal(await writerFor(fakeLog(), dir).sync(), undefined)
    assert.equal(existsSync(join(dir, 'checkpoint')), false)
  })

  test('behavior: the note verifies, tiles and bundles match the tree, checkpoint after checkpoint', async () => {
    const log = fakeLog()
    const dir = tempDir()
    const writer = writerFor(log, dir)
    log.append(100)
    log.checkpoint()
    assert.deepEqual(await writer.sync(), { treeSize: 100, tilesWritten: 1, noteWritten: true })
    assert.ok(existsSync(join(dir, 'tile/0/000.p/100')))
    assert.ok(existsSync(join(dir, 'tile/entries/000.p/100')))

    log.append(200) // 300: a full level-0 tile, a partial one, a partial level-1 tile
    log.checkpoint()
    assert.deepEqual(await writer.sync(), { treeSize: 300, tilesWritten: 3, noteWritten: true })
    const opened = openNote({
      note: readFileSync(join(dir, 'checkpoint'), 'utf8'),
      verifiers: [VKEY],
    })
    const checkpoint = parseTlogCheckpoint(opened.text)
    assert.equal(checkpoint.origin, ORIGIN)
    assert.equal(checkpoint.treeSize, 300n)
    assert.equal(
      bytesToHex(checkpoint.rootHash),
      (await log.checkpoints.latestCheckpoint())?.rootHash,
    )

    const bundle = decodeEntryBundle(read(dir, 'tile/entries/000'), 256)
    const tile0 = decodeHashTile(read(dir, 'tile/0/000'), 256)
    assert.deepEqual(
      bundle.map((e) => hashLeaf(e)),
      tile0,
    )
    assert.equal(new TextDecoder().decode(bundle[255]), log.texts[255])
    assert.deepEqual(decodeEntryBundle(read(dir, 'tile/entries/001.p/44'), 44).length, 44)
    assert.equal(read(dir, 'tile/1/000.p/1').length, 32)
    // The partial tiles the full one replaces are gone; the current partials stay.
    assert.equal(existsSync(join(dir, 'tile/0/000.p')), false)
    assert.equal(existsSync(join(dir, 'tile/entries/000.p')), false)
  })

  test('behavior: full tiles are never rewritten; an idle epoch writes nothing; a restart catches up', async () => {
    const log = fakeLog()
    const dir = tempDir()
    log.append(256)
    log.checkpoint()
    await writerFor(log, dir).sync()
    const before = statSync(join(dir, 'tile/0/000'))
    const note = readFileSync(join(dir, 'checkpoint'), 'utf8')
    log.checkpoint() // idle: same size and root
    assert.deepEqual(await writerFor(log, dir).sync(), {
      treeSize: 256,
      tilesWritten: 0,
      noteWritten: false,
    })
    // A new process finds the published note and goes on from it.
    log.append(300)
    log.checkpoint()
    const restarted = writerFor(log, dir)
    assert.deepEqual(await restarted.sync(), { treeSize: 556, tilesWritten: 3, noteWritten: true })
    assert.equal(statSync(join(dir, 'tile/0/000')).ino, before.ino)
    assert.notEqual(readFileSync(join(dir, 'checkpoint'), 'utf8'), note)
    // Without the note, everything is checked again; the full tiles found are kept as they are.
    writeFileSync(join(dir, 'checkpoint'), 'garbage')
    const events: string[] = []
    const again = new TileWriter({
      dir,
      origin: ORIGIN,
      noteKey: NOTE_KEY,
      checkpoints: log.checkpoints,
      entries: log.entries,
      onEvent: (e) => events.push(e.message),
    })
    // Only the partial tiles (levels 0 and 1) are written again.
    assert.deepEqual(await again.sync(), { treeSize: 556, tilesWritten: 2, noteWritten: true })
    assert.equal(statSync(join(dir, 'tile/0/000')).ino, before.ino)
    assert.match(events[0] ?? '', /is not a checkpoint note/)
  })

  test('behavior: requestSync coalesces bursts of checkpoints and reports failures as events', async () => {
    const log = fakeLog()
    const dir = tempDir()
    const events: { level: string; message: string }[] = []
    const writer = new TileWriter({
      dir,
      origin: ORIGIN,
      noteKey: NOTE_KEY,
      checkpoints: log.checkpoints,
      entries: log.entries,
      onEvent: (e) => events.push(e),
    })
    for (let i = 0; i < 5; i++) {
      log.append(60)
      log.checkpoint()
      writer.requestSync()
    }
    await writer.idle()
    const text = openNote({
      note: readFileSync(join(dir, 'checkpoint'), 'utf8'),
      verifiers: [VKEY],
    }).text
    assert.equal(parseTlogCheckpoint(text).treeSize, 300n)
    assert.ok(events.filter((e) => e.level === 'info').length <= 2)
    log.append(2)
    log.texts[301] = 'changed after hashing'
    log.checkpoint()
    writer.requestSync()
    await writer.close()
    assert.match(events.at(-1)?.message ?? '', /publishing C2SP tiles failed/)
  })

  test('errors: a store behind the published note, another root, an entry that does not hash', async () => {
    const log = fakeLog()
    const dir = tempDir()
    log.append(10)
    log.checkpoint()
    await writerFor(log, dir).sync()
    const smaller = fakeLog()
    smaller.append(5)
    smaller.checkpoint()
    await assert.rejects(writerFor(smaller, dir).sync(), /holds tree size 10, the store only 5/)
    const forked = fakeLog()
    forked.append(10)
    await assert.rejects(
      writerFor(
        {
          ...forked,
          checkpoints: {
            ...forked.checkpoints,
            latestCheckpoint: async () => ({
              ...((await log.checkpoints.latestCheckpoint()) as StoredCheckpoint),
              rootHash: `0x${'00'.repeat(32)}`,
            }),
          },
        },
        dir,
      ).sync(),
      /holds another root for tree size 10/,
    )
    const tampered = fakeLog()
    tampered.append(20)
    tampered.checkpoint()
    tampered.texts[7] = 'changed after hashing'
    await assert.rejects(
      writerFor(tampered, tempDir()).sync(),
      (e: unknown) => e instanceof TilePublishError && /entry 7 does not hash/.test(e.message),
    )
  })

  test('behavior: the origin defaults to tml-anchor/<log id> and must be a note key name', () => {
    assert.equal(tilesOrigin({ logId: `0x${'ab'.repeat(32)}` }), `tml-anchor/${'ab'.repeat(32)}`)
    assert.equal(
      tilesOrigin({ logId: '0x00', origin: 'logs.example.com/tml' }),
      'logs.example.com/tml',
    )
    assert.throws(() => tilesOrigin({ logId: '0x00', origin: 'a b' }), TilesOriginError)
    assert.throws(() => tilesOrigin({ logId: '0x00', origin: 'a+b' }), /without spaces or "\+"/)
  })
})
