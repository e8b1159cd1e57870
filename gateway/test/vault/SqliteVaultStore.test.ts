import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { migrate } from '../../src/db/migrate.ts'
import { SQLITE_MIGRATIONS } from '../../src/db/sqlite/migrations.ts'
import { applySqliteMigration, createMigrationsTable } from '../../src/db/sqlite/sqliteSchema.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'
import { LOG_ID, tempDir } from '../helpers/memory.ts'
import { entry } from '../memory/logStoreConformance.ts'
import { sealedBatch, vaultStoreConformance } from './vaultStoreConformance.ts'

// The SQLite vault as the commit worker uses it: on the log store's own write connection,
// sealed records written inside the log's transaction (appendSync's alsoWrite).
vaultStoreConformance('SqliteVaultStore', async () => {
  const path = join(tempDir('tml-vault-store-'), 'log.db')
  const log = SqliteLogStore.open({ path, logId: LOG_ID })
  const vault = new SqliteVaultStore(() => log.connection)
  return {
    vault,
    append: async (entries, batch) =>
      log.appendSync(
        { entries, subjectKeys: [], erasedLookups: [] },
        batch ? () => vault.writeSealed([batch]) : undefined,
      ),
    size: () => log.size(),
    raw: async (sql) => {
      const db = new Database(path)
      try {
        return db.exec(sql)
      } finally {
        db.close()
      }
    },
    close: async () => {
      await vault.close()
      await log.close()
    },
  }
})

describe('SqliteVaultStore: migrations 0005_vault_records_lean and 0006_vault_batches', () => {
  it('keeps the one-record envelopes of a vault of migration 0004, drops their trace-id and epoch indexes, stays write-once, and reads them beside the batches after', async () => {
    const dir = tempDir('tml-vault-lean-')
    const path = join(dir, 'log.db')
    // The file as a gateway at migration 0004 left it, with three sealed decisions.
    const db = new Database(path)
    db.pragma('journal_mode = WAL')
    createMigrationsTable(db)
    const upTo0004 = SQLITE_MIGRATIONS.slice(0, 4)
    assert.equal(upTo0004.at(-1)?.name, '0004_vault_write_once')
    for (const m of upTo0004) db.transaction(() => applySqliteMigration(db, m))()
    db.prepare("INSERT INTO meta (key, value) VALUES ('log_id', ?)").run(LOG_ID)
    const sealed = [0, 1, 2].map((seq) => ({
      seq,
      traceId: entry(seq).traceId,
      epoch: 1 + (seq % 2),
      envelope: new Uint8Array(randomBytes(60 + seq)),
    }))
    for (const s of sealed) {
      const e = entry(s.seq)
      db.prepare(
        `INSERT INTO entries (seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature, refers_to, profile, pause_deadline_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)`,
      ).run(
        e.seq,
        e.traceId,
        e.kind,
        e.state,
        Buffer.from(e.leafHash.slice(2), 'hex'),
        e.mtl,
        e.receipt.timestamp,
        Buffer.from(e.receipt.signature.slice(2), 'hex'),
        e.profile,
      )
      db.prepare(
        'INSERT INTO vault_records (seq, trace_id, epoch, envelope) VALUES (?, ?, ?, ?)',
      ).run(s.seq, s.traceId, s.epoch, s.envelope)
    }
    const indexes = () =>
      (db.prepare('PRAGMA index_list(vault_records)').all() as { name: string }[]).map(
        (i) => i.name,
      )
    assert.equal(indexes().length, 2)
    db.close()

    assert.deepEqual(await migrate({ kind: 'sqlite', dataDir: dir }), [
      '0005_vault_records_lean',
      '0006_vault_batches',
    ])

    const raw = new Database(path)
    try {
      assert.deepEqual(
        (raw.prepare('PRAGMA index_list(vault_records)').all() as { name: string }[]).map(
          (i) => i.name,
        ),
        [],
      )
      // Still append-only and write-once.
      assert.throws(
        () => raw.prepare('UPDATE vault_records SET epoch = 9 WHERE seq = 0').run(),
        /append-only/,
      )
      assert.throws(() => raw.prepare('DELETE FROM vault_records').run(), /append-only/)
    } finally {
      raw.close()
    }
    const log = SqliteLogStore.open({ path, logId: LOG_ID })
    const vault = new SqliteVaultStore(() => log.connection)
    try {
      for (const s of sealed) {
        assert.deepEqual(await vault.sealedBySeq(s.seq), s)
        assert.deepEqual(await vault.sealedByTraceId(s.traceId), s)
      }
      assert.equal(await vault.sealedByTraceId('no-such-trace'), undefined)
      // A batch sealed after the migration is found the same ways, beside the records before it.
      const next = sealedBatch([3, 4], { epoch: 2 })
      log.appendSync({ entries: next.entries, subjectKeys: [], erasedLookups: [] }, () =>
        vault.writeSealed([next.batch]),
      )
      assert.deepEqual(await vault.sealedByTraceId(entry(4).traceId), next.sealed(4))
      assert.deepEqual(await vault.sealedBySeq(3), next.sealed(3))
      assert.deepEqual(await vault.sealedBySeq(2), sealed[2])
    } finally {
      await vault.close()
      await log.close()
    }
  })
})
