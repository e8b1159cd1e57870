import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { MemoryLogStore } from '../../src/memory/MemoryLogStore.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'
import { entry, logStoreConformance } from './logStoreConformance.ts'

// The same contract runs against every implementation (PgLogStore's in PgLogStore.test.ts).
logStoreConformance('MemoryLogStore', async () => new MemoryLogStore())
logStoreConformance('SqliteLogStore', async () =>
  SqliteLogStore.open({ path: join(tempDir(), 'log.db'), logId: LOG_ID }),
)

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

  test('behavior: a new file gets the whole schema (the log and the anchoring lane), empty', async () => {
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
      'checkpoint_intents',
      'checkpoints',
      'entries',
      'meta',
      'nodes',
      'ots',
      'policy_archive',
      'probe',
      'receipt_handovers',
      'schema_migrations',
      'subject_keys',
      'vault_batches',
      'vault_epochs',
      'vault_records',
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
