import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { RECEIPT_VERSION } from '@tml/core'
import type { LogStore, StoredEntry } from '../../src/memory/LogStore.ts'
import { MemoryLogStore } from '../../src/memory/MemoryLogStore.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'

function entry(seq: number, over: Partial<StoredEntry> = {}): StoredEntry {
  const traceId = `00000000-0000-4000-8000-${seq.toString().padStart(12, '0')}`
  const leafHash = `0x${seq.toString(16).padStart(64, '0')}` as const
  return {
    seq,
    traceId,
    kind: 'decision',
    state: 1,
    leafHash,
    mtl: `{"seq":${seq}}`,
    receipt: {
      v: RECEIPT_VERSION,
      logId: LOG_ID,
      traceId,
      seq,
      leafHash,
      timestamp: '2025-01-01T00:00:00.000Z',
      signature: `0x${'ee'.repeat(64)}`,
    },
    refersTo: null,
    profile: 'general',
    pauseDeadlineMs: null,
    ...over,
  }
}

const key = (b: number) => ({
  lookup: new Uint8Array(32).fill(b),
  secret: new Uint8Array(32).fill(b + 100),
})

// The same contract runs against every implementation (transparency-dev's storage tests).
const implementations: [string, () => LogStore][] = [
  ['MemoryLogStore', () => new MemoryLogStore()],
  ['SqliteLogStore', () => SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })],
]

for (const [name, make] of implementations) {
  describe(`LogStore contract: ${name}`, () => {
    test('default: append then read back by seq and trace id', async () => {
      const store = make()
      assert.equal(await store.size(), 0)
      await store.append({ entries: [entry(0), entry(1)], subjectKeys: [], erasedLookups: [] })
      assert.equal(await store.size(), 2)
      assert.deepEqual(await store.entryBySeq(1), entry(1))
      assert.deepEqual(await store.entryByTraceId(entry(0).traceId), entry(0))
      assert.equal(await store.entryBySeq(2), undefined)
      assert.deepEqual(await store.entries(1, 10), [entry(1)])
      await store.close()
    })

    test('errors: a batch that would leave a gap is refused whole', async () => {
      const store = make()
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      await assert.rejects(
        store.append({ entries: [entry(2)], subjectKeys: [], erasedLookups: [] }),
        (e: unknown) => {
          assert.ok(e instanceof StoreError)
          assert.equal(e.code, 'TML_GAP')
          return true
        },
      )
      await assert.rejects(
        store.append({ entries: [entry(1), entry(3)], subjectKeys: [], erasedLookups: [] }),
        StoreError,
      )
      assert.equal(await store.size(), 1)
      await store.close()
    })

    test('behavior: pending pauses are the state-0 decisions no resolution refers to', async () => {
      const store = make()
      const p1 = entry(0, { state: 0, pauseDeadlineMs: 5 })
      const p2 = entry(1, { state: 0, pauseDeadlineMs: 6 })
      const r1 = entry(2, { kind: 'resolution', state: -1, refersTo: p1.traceId })
      await store.append({ entries: [p1, p2, r1], subjectKeys: [], erasedLookups: [] })
      assert.deepEqual(await store.pendingPauses(), [p2])
      assert.deepEqual(await store.resolutionOf(p1.traceId), r1)
      assert.equal(await store.resolutionOf(p2.traceId), undefined)
      await store.close()
    })

    test('behavior: subject secrets are stored with the batch and shredded by an erasure', async () => {
      const store = make()
      await store.append({ entries: [entry(0)], subjectKeys: [key(1), key(2)], erasedLookups: [] })
      assert.deepEqual(await store.subjectSecret(key(1).lookup), key(1).secret)
      // The first secret of a subject wins: a second insert never replaces it.
      await store.append({
        entries: [entry(1)],
        subjectKeys: [{ lookup: key(1).lookup, secret: key(9).secret }],
        erasedLookups: [key(2).lookup],
      })
      assert.deepEqual(await store.subjectSecret(key(1).lookup), key(1).secret)
      assert.equal(await store.subjectSecret(key(2).lookup), undefined)
      await store.close()
    })

    test('behavior: probe succeeds on a healthy store', async () => {
      const store = make()
      await store.probe()
      await store.close()
    })
  })
}

describe('SqliteLogStore', () => {
  test('behavior: entries survive reopening, and the size continues', async () => {
    const path = join(tempDir(), 'log.db')
    const a = SqliteLogStore.open({ path, logId: LOG_ID })
    await a.append({ entries: [entry(0), entry(1)], subjectKeys: [], erasedLookups: [] })
    await a.close()
    const b = SqliteLogStore.open({ path, logId: LOG_ID })
    assert.equal(await b.size(), 2)
    assert.deepEqual(await b.entryBySeq(1), entry(1))
    await b.close()
  })

  test('behavior: the schema has the tables of the next issue, empty', async () => {
    const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
    const tables = store.withDatabase((db) =>
      (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string
        }[]
      ).map((r) => r.name),
    )
    assert.deepEqual(tables, [
      'anchors',
      'checkpoints',
      'entries',
      'meta',
      'nodes',
      'probe',
      'subject_keys',
    ])
    const cols = store.withDatabase((db) =>
      (db.prepare('PRAGMA table_info(nodes)').all() as { name: string }[]).map((c) => c.name),
    )
    assert.deepEqual(cols, ['level', 'idx', 'hash'])
    assert.equal(
      store.withDatabase((db) => db.pragma('journal_mode', { simple: true })),
      'wal',
    )
    assert.equal(
      store.withDatabase((db) => db.pragma('synchronous', { simple: true })),
      2,
    ) // FULL
    await store.close()
  })

  test('errors: entries are append-only inside the database', async () => {
    const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    assert.throws(
      () => store.withDatabase((db) => db.prepare('UPDATE entries SET state = -1').run()),
      /append-only/,
    )
    assert.throws(
      () => store.withDatabase((db) => db.prepare('DELETE FROM entries').run()),
      /append-only/,
    )
    await store.close()
  })

  test('errors: a store of another log is refused', async () => {
    const path = join(tempDir(), 'log.db')
    await SqliteLogStore.open({ path, logId: LOG_ID }).close()
    assert.throws(
      () => SqliteLogStore.open({ path, logId: `0x${'cd'.repeat(32)}` }),
      (e: unknown) => e instanceof StoreError && e.code === 'TML_OTHER_LOG',
    )
  })

  test('errors: a full disk fails the batch atomically, and the store works again once space is back', async () => {
    const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    const pages = store.withDatabase((db) => db.pragma('page_count', { simple: true }) as number)
    // SQLITE_FULL is what a full disk gives; max_page_count produces it without filling a disk.
    store.withDatabase((db) => db.pragma(`max_page_count = ${pages}`))
    const big = Array.from({ length: 50 }, (_, i) => entry(1 + i, { mtl: 'x'.repeat(4000) }))
    await assert.rejects(
      store.append({ entries: big, subjectKeys: [], erasedLookups: [] }),
      (e: unknown) => {
        assert.ok(e instanceof StoreError)
        assert.equal(e.code, 'SQLITE_FULL')
        return true
      },
    )
    assert.equal(await store.size(), 1)
    assert.equal(await store.entryBySeq(1), undefined)
    store.withDatabase((db) => db.pragma('max_page_count = 1073741823'))
    await store.probe()
    await store.append({ entries: big, subjectKeys: [], erasedLookups: [] })
    assert.equal(await store.size(), 51)
    await store.close()
  })

  describe('injected faults', () => {
    const big = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => entry(from + i, { mtl: 'x'.repeat(4000) }))
    const code = (expected: string) => (e: unknown) => {
      assert.ok(e instanceof StoreError, String(e))
      assert.equal(e.code, expected)
      return true
    }

    test('errors: full refuses growth (SQLITE_FULL) and the probe says so, across its reconnections, until cleared', async () => {
      const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      store.injectFault('full')
      await assert.rejects(
        store.append({ entries: big(1, 20), subjectKeys: [], erasedLookups: [] }),
        code('SQLITE_FULL'),
      )
      // The probe's own row fits in an existing page: it must still see that nothing can grow.
      await assert.rejects(store.probe(), code('SQLITE_FULL'))
      await assert.rejects(store.probe(), code('SQLITE_FULL'))
      assert.equal(await store.size(), 1)
      store.injectFault(undefined)
      await store.probe()
      await store.append({ entries: big(1, 20), subjectKeys: [], erasedLookups: [] })
      assert.equal(await store.size(), 21)
      await store.close()
    })

    test('errors: readonly refuses every write (SQLITE_READONLY), reads still work, until cleared', async () => {
      const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      store.injectFault('readonly')
      await assert.rejects(
        store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [] }),
        code('SQLITE_READONLY'),
      )
      await assert.rejects(store.probe(), code('SQLITE_READONLY'))
      assert.deepEqual(await store.entryBySeq(0), entry(0))
      store.injectFault(undefined)
      await store.probe()
      await store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [] })
      assert.equal(await store.size(), 2)
      await store.close()
    })

    test('behavior: the probe leaves no trace of its growth check', async () => {
      const store = SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID })
      const pages = () => store.withDatabase((db) => db.pragma('page_count', { simple: true }))
      await store.probe()
      const before = pages()
      for (let i = 0; i < 5; i++) await store.probe()
      assert.equal(pages(), before)
      const row = store.withDatabase((db) =>
        db.prepare('SELECT typeof(at_ms) AS t FROM probe').get(),
      )
      assert.deepEqual(row, { t: 'integer' })
      await store.close()
    })
  })
})
