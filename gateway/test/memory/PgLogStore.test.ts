import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type pg from 'pg'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import { PgLogStore } from '../../src/memory/PgLogStore.ts'
import { StoreError } from '../../src/memory/StoreError.ts'
import { LOG_ID } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { entry, key, logStoreConformance } from './logStoreConformance.ts'

// One real PostgreSQL server for the file; a database of its own for each store.
let cluster: PostgresCluster
const pools: pg.Pool[] = []
let databases = 0

before(async () => {
  cluster = await startPostgresCluster()
})
after(async () => {
  await Promise.all(pools.map((p) => p.end()))
  await cluster?.stop()
})

async function freshPool(): Promise<pg.Pool> {
  databases += 1
  const url = await createDatabase(cluster.url, `log_store_${databases}`)
  const pool = createPgPool({ url })
  pools.push(pool)
  return pool
}

logStoreConformance('PgLogStore', async () =>
  PgLogStore.open({ pool: await freshPool(), logId: LOG_ID }),
)

describe('PgLogStore', () => {
  test('behavior: entries survive a new pool (a restarted gateway), and the size continues', async () => {
    const pool = await freshPool()
    const a = await PgLogStore.open({ pool, logId: LOG_ID })
    await a.append({ entries: [entry(0), entry(1)], subjectKeys: [], erasedLookups: [] })
    const other = createPgPool({ url: poolUrl(pool) })
    pools.push(other)
    const b = await PgLogStore.open({ pool: other, logId: LOG_ID })
    assert.equal(await b.size(), 2)
    assert.deepEqual(await b.entryBySeq(1), entry(1))
  })

  test('errors: entries are append-only inside the database (UPDATE, DELETE, TRUNCATE)', async () => {
    const pool = await freshPool()
    const store = await PgLogStore.open({ pool, logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    await assert.rejects(pool.query('UPDATE entries SET state = -1'), /append-only/)
    await assert.rejects(pool.query('DELETE FROM entries'), /append-only/)
    await assert.rejects(pool.query('TRUNCATE entries'), /append-only/)
    assert.deepEqual(await store.entryBySeq(0), entry(0))
  })

  test('errors: the database itself refuses a row that would leave a gap (a client that skips our checks)', async () => {
    const pool = await freshPool()
    const store = await PgLogStore.open({ pool, logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    const e = entry(5)
    await assert.rejects(
      pool.query(
        `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature)
         VALUES ($1, $2, 'decision', 1, $3, '{}', 't', $4)`,
        [5, e.traceId, Buffer.alloc(32), Buffer.alloc(64)],
      ),
      /would leave a gap/,
    )
    assert.equal(await store.size(), 1)
  })

  test('errors: of two writers appending the same seq at once, the second fails cleanly and the log has no fork', async () => {
    const pool = await freshPool()
    const one = await PgLogStore.open({ pool, logId: LOG_ID })
    const otherPool = createPgPool({ url: poolUrl(pool) })
    pools.push(otherPool)
    const two = await PgLogStore.open({ pool: otherPool, logId: LOG_ID })
    await one.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    // Writer one holds seq 1 in an open transaction; writer two appends its own seq 1 meanwhile.
    const held = await pool.connect()
    await held.query('BEGIN')
    await held.query(
      `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature)
       VALUES (1, 'held', 'decision', 1, $1, '{}', 't', $2)`,
      [Buffer.alloc(32, 1), Buffer.alloc(64)],
    )
    // Writer two waits on the primary key until writer one commits, then fails as a whole. Its
    // refusal can arrive before COMMIT's answer: the expectation is attached now, so that it is
    // never an unhandled rejection.
    const second = assert.rejects(
      two.append({ entries: [entry(1), entry(2)], subjectKeys: [key(7)], erasedLookups: [] }),
      (e: unknown) => {
        assert.ok(e instanceof StoreError)
        assert.equal(e.code, 'TML_OTHER_WRITER')
        return true
      },
    )
    await new Promise((r) => setTimeout(r, 200))
    await held.query('COMMIT')
    held.release()
    await second
    assert.equal(await one.size(), 2)
    assert.equal((await one.entryBySeq(1))?.traceId, 'held')
    assert.equal(await one.subjectSecret(key(7).lookup), undefined)
  })

  test('errors: a database of another log is refused', async () => {
    const pool = await freshPool()
    await PgLogStore.open({ pool, logId: LOG_ID })
    await assert.rejects(
      PgLogStore.open({ pool, logId: `0x${'cd'.repeat(32)}` }),
      (e: unknown) => e instanceof StoreError && e.code === 'TML_OTHER_LOG',
    )
  })

  test('behavior: an erased secret is deleted from the table (VACUUM then reclaims its bytes)', async () => {
    const pool = await freshPool()
    const store = await PgLogStore.open({ pool, logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [key(3)], erasedLookups: [] })
    await store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [key(3).lookup] })
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM subject_keys')
    assert.equal(rows[0].n, 0)
    await pool.query('VACUUM subject_keys')
    assert.equal(await store.subjectSecret(key(3).lookup), undefined)
  })

  test('errors: while the database refuses connections, writes fail with a StoreError; the probe tells when it is back', async () => {
    const pool = await freshPool()
    const store = await PgLogStore.open({ pool, logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    // An outage as the gateway sees it: its connections are cut and new ones are refused.
    const admin = createPgPool({ url: cluster.url, max: 1 })
    pools.push(admin)
    const name = dbName(pool)
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      name,
    ])
    await assert.rejects(
      store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [] }),
      (e: unknown) => e instanceof StoreError && /^POSTGRES_|^E/.test(e.code),
    )
    await assert.rejects(store.probe(), StoreError)
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
    await store.probe()
    await store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [] })
    assert.equal(await store.size(), 2)
  })
})

function poolUrl(pool: pg.Pool): string {
  return (pool as unknown as { options: { connectionString: string } }).options.connectionString
}
function dbName(pool: pg.Pool): string {
  return new URL(poolUrl(pool)).pathname.slice(1)
}
