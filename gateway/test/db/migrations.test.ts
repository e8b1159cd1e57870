import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { SqliteAnchorStore } from '../../src/anchoring/SqliteAnchorStore.ts'
import type { CliIo } from '../../src/cli/io.ts'
import { main } from '../../src/cli/main.ts'
import { MigrationError } from '../../src/db/MigrationError.ts'
import { migrate, migrationStatus } from '../../src/db/migrate.ts'
import { createPgPool } from '../../src/db/postgres/createPgPool.ts'
import { POSTGRES_MIGRATIONS } from '../../src/db/postgres/migrations.ts'
import { SQLITE_MIGRATIONS } from '../../src/db/sqlite/migrations.ts'
import { PgLogStore } from '../../src/memory/PgLogStore.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { DataDirLock } from '../../src/service/DataDirLock.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { entry } from '../memory/logStoreConformance.ts'
import { PREMIGRATION_LANE_SCHEMA, PREMIGRATION_LOG_SCHEMA } from './premigrationSchema.ts'

// Every migration of each list (other issues add theirs after 0001).
const SQLITE_ALL = SQLITE_MIGRATIONS.map((m) => m.name)
const POSTGRES_ALL = POSTGRES_MIGRATIONS.map((m) => m.name)

const env = {
  TML_RECEIPT_KEY: `0x${'01'.repeat(32)}`,
  TML_CHECKPOINT_KEY: `0x${'02'.repeat(32)}`,
  TML_SUBJECT_INDEX_KEY: `0x${'03'.repeat(32)}`,
  TML_LOG_ID: LOG_ID,
  TML_API_KEYS: 'tester:secret-token-of-the-tests',
}

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = ''
  let err = ''
  return {
    out: (t) => {
      out += t
    },
    err: (t) => {
      err += t
    },
    env,
    stdout: () => out,
    stderr: () => err,
  }
}

async function tml(argv: string[]) {
  const io = capture()
  const code = await main({ argv, io })
  return { code, stdout: io.stdout(), stderr: io.stderr() }
}

/** A data directory as the previous release left it: its schema, meta and one entry. */
function premigrationDataDir({ lane }: { lane: boolean }): string {
  const dir = tempDir()
  const db = new Database(join(dir, 'log.db'))
  db.pragma('journal_mode = WAL')
  db.exec(PREMIGRATION_LOG_SCHEMA)
  if (lane) db.exec(PREMIGRATION_LANE_SCHEMA)
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('log_id', ?)").run(
    LOG_ID,
  )
  const e = entry(0)
  db.prepare(
    `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature, refers_to, profile, pause_deadline_ms)
     VALUES (0, ?, 'decision', 1, ?, ?, ?, ?, NULL, 'general', NULL)`,
  ).run(
    e.traceId,
    Buffer.from(e.leafHash.slice(2), 'hex'),
    e.mtl,
    e.receipt.timestamp,
    Buffer.from(e.receipt.signature.slice(2), 'hex'),
  )
  db.close()
  return dir
}

/** Tables (with their columns), indexes and triggers of a SQLite file, without the migrations table. */
function schemaOf(path: string) {
  const db = new Database(path, { readonly: true })
  try {
    const objects = db
      .prepare(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name",
      )
      .all() as { type: string; name: string }[]
    return objects.map((o) =>
      o.type === 'table' ? { ...o, columns: db.prepare(`PRAGMA table_info(${o.name})`).all() } : o,
    )
  } finally {
    db.close()
  }
}

function removeMigrationRecord(path: string, name: string) {
  const db = new Database(path)
  db.prepare('DELETE FROM schema_migrations WHERE name = ?').run(name)
  db.close()
}

describe('SQLite migrations', () => {
  test('default: a new data directory gets the whole schema when the store opens, every migration recorded', async () => {
    const dir = tempDir()
    assert.deepEqual(await migrationStatus({ kind: 'sqlite', dataDir: dir }), {
      applied: [],
      pending: SQLITE_ALL,
    })
    const store = SqliteLogStore.open({ path: join(dir, 'log.db'), logId: LOG_ID })
    await store.close()
    assert.deepEqual(await migrationStatus({ kind: 'sqlite', dataDir: dir }), {
      applied: SQLITE_ALL,
      pending: [],
    })
  })

  test('behavior: a data directory of the previous release counts as migration 0001; after `tml db migrate` it keeps its log and has the schema of a new one', async () => {
    for (const lane of [false, true]) {
      const dir = premigrationDataDir({ lane })
      const path = join(dir, 'log.db')
      // Read-only status counts it at migration 1 and writes nothing.
      assert.deepEqual(await migrationStatus({ kind: 'sqlite', dataDir: dir }), {
        applied: ['0001_initial'],
        pending: SQLITE_ALL.slice(1),
      })
      assert.equal(
        schemaOf(path).some((o) => o.name === 'ots'),
        lane,
      )
      // Later migrations are the operator's call (after a backup): the gateway refuses until then.
      if (SQLITE_ALL.length > 1) {
        assert.throws(
          () => SqliteLogStore.open({ path, logId: LOG_ID }),
          (e: unknown) => e instanceof MigrationError && e.code === 'TML_PENDING_MIGRATIONS',
        )
      }
      const migrated = await tml(['db', 'migrate', '--data', dir])
      assert.equal(migrated.code, 0, migrated.stderr)
      const store = SqliteLogStore.open({ path, logId: LOG_ID })
      assert.equal(await store.size(), 1)
      assert.deepEqual(await store.entryBySeq(0), entry(0))
      await store.append({ entries: [entry(1)], subjectKeys: [], erasedLookups: [] })
      await store.close()
      SqliteAnchorStore.open({ path }).close()
      const fresh = tempDir()
      await SqliteLogStore.open({ path: join(fresh, 'log.db'), logId: LOG_ID }).close()
      assert.deepEqual(schemaOf(path), schemaOf(join(fresh, 'log.db')), `lane: ${lane}`)
      assert.deepEqual(await migrationStatus({ kind: 'sqlite', dataDir: dir }), {
        applied: SQLITE_ALL,
        pending: [],
      })
    }
  })

  test('errors: a store with a pending migration is refused by both stores, naming `tml db migrate`; the command applies it and the log is intact', async () => {
    const dir = tempDir()
    const path = join(dir, 'log.db')
    const store = SqliteLogStore.open({ path, logId: LOG_ID })
    await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
    await store.close()
    removeMigrationRecord(path, '0001_initial')
    for (const open of [
      () => SqliteLogStore.open({ path, logId: LOG_ID }),
      () => SqliteAnchorStore.open({ path }),
    ]) {
      assert.throws(open, (e: unknown) => {
        assert.ok(e instanceof MigrationError)
        assert.equal(e.code, 'TML_PENDING_MIGRATIONS')
        assert.deepEqual(e.names, ['0001_initial'])
        assert.match(e.shortMessage, new RegExp(`run \`tml db migrate --data ${dir}\``))
        return true
      })
    }
    const status = await tml(['db', 'status', '--data', dir])
    assert.equal(status.code, 0)
    assert.match(status.stdout, /pending {2}0001_initial/)
    assert.match(status.stdout, /1 pending: run "tml db migrate --data /)
    const migrated = await tml(['db', 'migrate', '--data', dir])
    assert.equal(migrated.code, 0, migrated.stderr)
    assert.match(migrated.stdout, /applied {2}0001_initial\n1 applied/)
    const again = await tml(['db', 'migrate', '--data', dir])
    assert.match(again.stdout, /up to date: nothing to apply/)
    const reopened = SqliteLogStore.open({ path, logId: LOG_ID })
    assert.deepEqual(await reopened.entryBySeq(0), entry(0))
    await reopened.close()
  })

  test('errors: `tml gateway start` refuses a store with pending migrations and says to run `tml db migrate`', async () => {
    const dir = tempDir()
    const path = join(dir, 'log.db')
    await SqliteLogStore.open({ path, logId: LOG_ID }).close()
    removeMigrationRecord(path, '0001_initial')
    const started = await tml(['gateway', 'start', '--data', dir, '--port', '0', '--no-anchoring'])
    assert.equal(started.code, 1)
    assert.match(
      started.stderr,
      /cannot open the log store: .*pending migration.*tml db migrate --data/,
    )
  })

  test('errors: a store migrated by a newer gateway is refused (upgrade, never guess)', async () => {
    const dir = tempDir()
    const path = join(dir, 'log.db')
    await SqliteLogStore.open({ path, logId: LOG_ID }).close()
    const db = new Database(path)
    db.prepare("INSERT INTO schema_migrations (name, applied_ms) VALUES ('9999_future', 0)").run()
    db.close()
    assert.throws(
      () => SqliteLogStore.open({ path, logId: LOG_ID }),
      (e: unknown) => e instanceof MigrationError && e.code === 'TML_UNKNOWN_MIGRATIONS',
    )
  })

  test('errors: `tml db migrate` refuses while a gateway holds the data directory', async () => {
    const dir = tempDir()
    const lock = DataDirLock.acquire({ dir })
    try {
      const r = await tml(['db', 'migrate', '--data', dir])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /tml db migrate: /)
    } finally {
      lock.release()
    }
  })

  test('errors: `tml db` without an action, or with --store that is not PostgreSQL, is a usage error', async () => {
    assert.equal((await tml(['db'])).code, 2)
    const r = await tml(['db', 'status', '--store', 'mysql://x'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--store must be a postgres:\/\/ URL/)
  })
})

describe('PostgreSQL migrations', () => {
  let cluster: PostgresCluster
  before(async () => {
    cluster = await startPostgresCluster()
  })
  after(async () => {
    await cluster?.stop()
  })

  test('default: `tml db migrate --store URL` migrates a new database; status lists it; the store opens', async () => {
    const url = await createDatabase(cluster.url, 'migrate_new')
    const before = await tml(['db', 'status', '--store', url])
    assert.equal(before.code, 0, before.stderr)
    assert.match(before.stdout, /pending {2}0001_initial/)
    const migrated = await tml(['db', 'migrate', '--store', url])
    assert.equal(migrated.code, 0, migrated.stderr)
    assert.match(migrated.stdout, /applied {2}0001_initial/)
    assert.deepEqual(await migrationStatus({ kind: 'postgres', url }), {
      applied: POSTGRES_ALL,
      pending: [],
    })
    assert.deepEqual(await migrate({ kind: 'postgres', url }), [])
    const pool = createPgPool({ url })
    try {
      const store = await PgLogStore.open({ pool, logId: LOG_ID })
      await store.append({ entries: [entry(0)], subjectKeys: [], erasedLookups: [] })
      assert.equal(await store.size(), 1)
    } finally {
      await pool.end()
    }
  })

  test('errors: a database that already holds tables but no migrations is not taken as new: the store and `tml gateway start --store` refuse it until `tml db migrate`', async () => {
    const url = await createDatabase(cluster.url, 'migrate_pending')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query('CREATE TABLE someone_elses (id INT)')
    await client.end()
    const pool = createPgPool({ url })
    try {
      await assert.rejects(PgLogStore.open({ pool, logId: LOG_ID }), (e: unknown) => {
        assert.ok(e instanceof MigrationError)
        assert.equal(e.code, 'TML_PENDING_MIGRATIONS')
        assert.match(e.shortMessage, /run `tml db migrate --store postgres:\/\//)
        return true
      })
      const started = await tml([
        'gateway',
        'start',
        '--data',
        tempDir(),
        '--store',
        url,
        '--port',
        '0',
        '--no-anchoring',
      ])
      assert.equal(started.code, 1)
      assert.match(started.stderr, /pending migration.*tml db migrate --store/)
      assert.equal((await tml(['db', 'migrate', '--store', url])).code, 0)
      const store = await PgLogStore.open({ pool, logId: LOG_ID })
      assert.equal(await store.size(), 0)
    } finally {
      await pool.end()
    }
  })

  test('behavior: gateways opening one new database at once migrate it once (advisory lock)', async () => {
    const url = await createDatabase(cluster.url, 'migrate_race')
    const pools = [createPgPool({ url }), createPgPool({ url }), createPgPool({ url })]
    try {
      const stores = await Promise.all(
        pools.map((pool) => PgLogStore.open({ pool, logId: LOG_ID })),
      )
      assert.equal(stores.length, 3)
      assert.deepEqual(await migrationStatus({ kind: 'postgres', url }), {
        applied: POSTGRES_ALL,
        pending: [],
      })
    } finally {
      await Promise.all(pools.map((p) => p.end()))
    }
  })
})
