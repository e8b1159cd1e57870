import type Database from 'better-sqlite3'
import DatabaseConstructor from 'better-sqlite3'
import { StoreError } from '../memory/StoreError.ts'
import { EVIDENCE_SEAL_KEY } from './evidenceSealKey.ts'
import type { SealedBatch, SealedEntry, StoredEpochKey, VaultStore } from './VaultStore.ts'
import { VAULT_TABLES } from './vaultTables.ts'
import type { WrappedShare } from './wrapEpochKey.ts'

type EntryRow = { seq: number; trace_id: string; epoch: number; envelope: Buffer }
type EpochRow = { epoch: number; opened_ms: number; threshold: number; shares: string }

function prepare(db: Database.Database) {
  db.exec(VAULT_TABLES)
  return {
    insertBatch: db.prepare(
      'INSERT INTO vault_batches (first_seq, last_seq, epoch, envelope) VALUES (?, ?, ?, ?)',
    ),
    // The batch whose range holds `seq`: the last one starting at or before it (batches do not
    // overlap: each starts after the previous commit's records). A `seq` in its range whose MTL
    // carries no `evidence_seal` has no record there.
    batchBySeq: db.prepare(
      `SELECT e.seq, e.trace_id, b.epoch, b.envelope FROM entries e, vault_batches b
       WHERE e.seq = ? AND instr(e.mtl, '${EVIDENCE_SEAL_KEY}') > 0
         AND b.first_seq = (SELECT max(first_seq) FROM vault_batches WHERE first_seq <= e.seq)
         AND b.last_seq >= e.seq`,
    ),
    recordBySeq: db.prepare(
      'SELECT seq, trace_id, epoch, envelope FROM vault_records WHERE seq = ?',
    ),
    seqOfTrace: db.prepare('SELECT seq FROM entries WHERE trace_id = ?'),
    putEpoch: db.prepare(
      'INSERT INTO vault_epochs (epoch, opened_ms, threshold, shares) VALUES (?, ?, ?, ?)',
    ),
    epoch: db.prepare(
      'SELECT epoch, opened_ms, threshold, shares FROM vault_epochs WHERE epoch = ?',
    ),
    lastEpoch: db.prepare('SELECT max(epoch) AS max FROM vault_epochs'),
  }
}

/**
 * The vault in the log's SQLite file (tables `vault_batches`, `vault_epochs`, and `vault_records`
 * of gateways before `tml-vault/2`). The commit worker builds it over its own write connection
 * and writes each batch's sealed envelope inside the log's transaction
 * ({@link SqliteVaultStore.writeSealed}); readers open the file with {@link SqliteVaultStore.open}.
 * See {@link VaultStore} for the guarantees.
 *
 * @example
 * const vault = SqliteVaultStore.open({ path: './data/log.db' })
 * const sealed = await vault.sealedByTraceId(traceId)
 */
export class SqliteVaultStore implements VaultStore {
  readonly #connection: () => Database.Database
  readonly #owned: Database.Database | undefined
  // Statements per connection: the log store reconnects after a fault, and the vault follows.
  readonly #statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>()

  /** A vault over a connection someone else owns (the commit worker's store's). */
  constructor(connection: () => Database.Database, owned?: Database.Database) {
    this.#connection = connection
    this.#owned = owned
  }

  /** Opens the vault of the log file at `path` on a connection of its own. */
  static open({ path }: { path: string }): SqliteVaultStore {
    const db = new DatabaseConstructor(path)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 2000')
    return new SqliteVaultStore(() => db, db)
  }

  #s(): ReturnType<typeof prepare> {
    const db = this.#connection()
    let s = this.#statements.get(db)
    if (!s) {
      s = wrap('open', () => prepare(db))
      this.#statements.set(db, s)
    }
    return s
  }

  /**
   * Writes a commit batch's sealed envelopes on the current connection, in whatever transaction
   * is open: the log store calls it inside the transaction of the batch's MTLs.
   */
  writeSealed(batches: readonly SealedBatch[]): void {
    const { insertBatch } = this.#s()
    for (const b of batches) insertBatch.run(b.firstSeq, b.lastSeq, b.epoch, b.envelope)
  }

  /** {@link VaultStore.putEpoch} without the promise (the commit worker's thread). */
  putEpochSync(key: StoredEpochKey): void {
    const s = this.#s()
    try {
      wrap('write', () =>
        s.putEpoch.run(key.epoch, key.openedMs, key.threshold, JSON.stringify(key.shares)),
      )
    } catch (e) {
      // The same code as PostgreSQL's store: another writer stored this epoch number first.
      if ((e as StoreError).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        throw new StoreError(`vault epoch ${key.epoch} is already stored`, {
          code: 'TML_VAULT_EPOCH_TAKEN',
          cause: e,
        })
      throw e
    }
  }

  async putEpoch(key: StoredEpochKey): Promise<void> {
    this.putEpochSync(key)
  }

  /** {@link VaultStore.lastEpoch} without the promise. */
  lastEpochSync(): number {
    const row = wrap('read', () => this.#s().lastEpoch.get()) as { max: number | null }
    return row.max ?? 0
  }

  async lastEpoch(): Promise<number> {
    return this.lastEpochSync()
  }

  async epochKey(epoch: number): Promise<StoredEpochKey | undefined> {
    const row = wrap('read', () => this.#s().epoch.get(epoch)) as EpochRow | undefined
    if (!row) return undefined
    return {
      epoch: row.epoch,
      openedMs: row.opened_ms,
      threshold: row.threshold,
      shares: JSON.parse(row.shares) as WrappedShare[],
    }
  }

  async sealedBySeq(seq: number): Promise<SealedEntry | undefined> {
    return wrap('read', () => {
      const s = this.#s()
      // A batch's since tml-vault/2; a record of its own before.
      const row = (s.batchBySeq.get(seq) ?? s.recordBySeq.get(seq)) as EntryRow | undefined
      return entry(row)
    })
  }

  async sealedByTraceId(traceId: string): Promise<SealedEntry | undefined> {
    const row = wrap('read', () => this.#s().seqOfTrace.get(traceId)) as { seq: number } | undefined
    if (!row) return undefined
    const sealed = await this.sealedBySeq(row.seq)
    // A tml-vault/1 row names its trace: it must be this one (entries' trace ids are unique).
    return sealed?.traceId === traceId ? sealed : undefined
  }

  async close(): Promise<void> {
    this.#owned?.close()
  }
}

function entry(row: EntryRow | undefined): SealedEntry | undefined {
  if (!row) return undefined
  return {
    seq: row.seq,
    traceId: row.trace_id,
    epoch: row.epoch,
    envelope: new Uint8Array(row.envelope),
  }
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    const code =
      typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'UNKNOWN'
    throw new StoreError(`vault ${what} failed: ${(e as Error).message}`, { code, cause: e })
  }
}
