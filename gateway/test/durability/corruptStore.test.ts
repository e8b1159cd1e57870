// Corruption of the log's SQLite file, made for real: garbage bytes written over a fresh file or
// over a page of a real store (the root page of the trace-id index, which every append reads).
// No stand-in store: SQLite itself finds the damage.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { verifyReceipt } from '@tml/core'
import Database from 'better-sqlite3'
import { CORRUPT_CODE, SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { WorkerCommitter } from '../../src/memory/WorkerCommitter.ts'
import {
  type DecisionAnswer as Answer,
  assertOutageLasts,
  assertReadyAgain,
  decideSmallest,
  startTestGateway,
} from '../helpers/gateway.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))
const INDEX = 'sqlite_autoindex_entries_1' // the UNIQUE index on trace_id

const decide = decideSmallest

/** Offset and length of the root page of `name` in the database file. */
function pageOf(path: string, name: string): { offset: number; size: number } {
  const db = new Database(path, { readonly: true })
  try {
    const size = db.pragma('page_size', { simple: true }) as number
    const row = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as
      | { rootpage: number }
      | undefined
    assert.ok(row, `${name} exists`)
    return { offset: (row.rootpage - 1) * size, size }
  } finally {
    db.close()
  }
}

/** Overwrites `size` bytes at `offset` of the file; returns what was there. */
function overwrite(path: string, offset: number, bytes: Buffer): Buffer {
  const fd = openSync(path, 'r+')
  try {
    const before = Buffer.alloc(bytes.length)
    readSync(fd, before, 0, bytes.length, offset)
    writeSync(fd, bytes, 0, bytes.length, offset)
    return before
  } finally {
    closeSync(fd)
  }
}

/** A closed store of `count` decisions made through a real gateway. */
async function storeWithDecisions(count: number): Promise<{ dir: string; path: string }> {
  const t = await startTestGateway()
  try {
    for (let i = 0; i < count; i++) assert.equal((await decide(t)).state, 1)
  } finally {
    await t.close()
  }
  return { dir: t.dir, path: join(t.dir, 'log.db') }
}

describe('a corrupt log store at start-up is refused and left untouched', () => {
  test('behavior: a file that is not a database: SQLITE_CORRUPT naming the file, same bytes after', () => {
    const path = join(tempDir(), 'log.db')
    const garbage = Buffer.alloc(16_384, 0xa5)
    writeFileSync(path, garbage)
    assert.throws(
      () => SqliteLogStore.open({ path, logId: LOG_ID }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === CORRUPT_CODE &&
        e.shortMessage.includes(path) &&
        e.shortMessage.includes('is not a SQLite database'),
    )
    assert.deepEqual(readFileSync(path), garbage, 'not overwritten, not truncated')
  })

  test('behavior: a store whose index page is damaged fails quick_check: refused, same bytes after', async () => {
    const { path } = await storeWithDecisions(200)
    const { offset, size } = pageOf(path, INDEX)
    overwrite(path, offset, Buffer.alloc(size, 0xa5))
    const damaged = readFileSync(path)
    assert.throws(
      () => SqliteLogStore.open({ path, logId: LOG_ID }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === CORRUPT_CODE &&
        e.shortMessage.includes(path) &&
        /is corrupt \(PRAGMA quick_check: .+\)/.test(e.shortMessage),
    )
    assert.deepEqual(readFileSync(path), damaged, 'not overwritten, not truncated')
    // The commit worker's open, told its gateway just checked the file, does not scan it again:
    // it gets past the check (the damaged index is met only when used) to the log id, which is
    // the test gateway's, not LOG_ID.
    assert.throws(
      () => SqliteLogStore.open({ path, logId: LOG_ID, integrityChecked: true }),
      (e: unknown) => e instanceof StoreError && e.code === 'TML_OTHER_LOG',
    )
  })

  test('behavior: tml gateway start exits 1 with the file and the reason, the file unchanged', () => {
    const dir = tempDir()
    const garbage = Buffer.alloc(8192, 0x5a)
    writeFileSync(join(dir, 'log.db'), garbage)
    const run = spawnSync(
      process.execPath,
      [TML, 'gateway', 'start', '--data', dir, '--port', '0'],
      {
        env: { ...process.env, TML_API_KEYS: 'tester:test-token-0123456789abcdef' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    assert.equal(run.status, 1, run.stderr)
    assert.match(
      run.stderr,
      /cannot open the log store: Store .*log\.db is not a SQLite database \(SQLITE_NOTADB/,
    )
    assert.deepEqual(readFileSync(join(dir, 'log.db')), garbage)
  })
})

describe('corruption at run time (No Log = No Action)', () => {
  test('behavior: a damaged page answers -1 LEDGER SQLITE_CORRUPT, nothing half-written; restored, the gateway recovers by itself with no gap', async () => {
    const t = await startTestGateway({ retryMs: 20 })
    const path = join(t.dir, 'log.db')
    // A connection of the test's own, as an outside process would have: it checkpoints the WAL
    // into the file (so the page read next comes from the file) and later writes a row, which
    // makes the gateway's connections drop their page caches and read the file as it now is.
    const outside = new Database(path)
    try {
      assert.ok(t.gateway.committer instanceof WorkerCommitter, 'the commit worker writes')
      const granted: Answer[] = []
      for (let i = 0; i < 100; i++) granted.push(await decide(t))
      assert.ok(granted.every((a) => a.state === 1 && a.logged))

      const checkpoint = outside.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
      assert.equal(checkpoint[0]?.busy, 0)
      const { offset, size } = pageOf(path, INDEX)
      const original = overwrite(path, offset, Buffer.alloc(size, 0xa5))
      outside.prepare('UPDATE probe SET at_ms = at_ms + 1').run()

      const refused = await decide(t)
      assert.equal(refused.state, -1)
      assert.equal(refused.trigger_type, 'LEDGER')
      assert.equal(refused.logged, false)
      assert.equal(refused.receipt, null)
      assert.match(refused.trigger_detail, /SQLITE_CORRUPT/)

      // The cause lasts: probes see the damage (quick_check), the gateway stays not ready.
      await assertOutageLasts(t, CORRUPT_CODE)

      // The page is restored (as from a copy): ready again without being told, numbering goes on.
      overwrite(path, offset, original)
      await assertReadyAgain(t)
      const back = await decide(t)
      assert.equal(back.state, 1)
      assert.equal(back.seq, (granted.at(-1)?.seq ?? -1) + 1, 'refused decisions took no seq')

      assert.deepEqual(outside.pragma('quick_check'), [{ quick_check: 'ok' }])
      const store = SqliteLogStore.open({ path, logId: t.gateway.keys.logId })
      try {
        const entries = await store.entries(0, 100_000)
        assert.deepEqual(
          entries.map((e) => e.seq),
          entries.map((_, i) => i),
        )
        assert.equal(entries.length, (back.seq ?? 0) + 1, 'nothing half-written')
        for (const a of [...granted, back]) {
          const stored = entries[a.seq ?? -1]
          assert.ok(stored, `answered seq ${a.seq} is stored`)
          assert.equal(stored.receipt.signature, a.receipt?.signature)
          assert.ok(
            verifyReceipt({ receipt: stored.receipt, publicKey: t.gateway.signer.publicKey }),
          )
        }
      } finally {
        await store.close()
      }
    } finally {
      outside.close()
      await t.close()
    }
  })
})
