import type Database from 'better-sqlite3'
import DatabaseConstructor from 'better-sqlite3'
import { StoreError } from '../memory/StoreError.ts'
import type { SealedEntry, StoredEpochKey, VaultStore } from './VaultStore.ts'
import { VAULT_TABLES } from './vaultTables.ts'
import type { WrappedShare } from './wrapEpochKey.ts'

type EntryRow = { seq: number; trace_id: string; epoch: number; envelope: Buffer }
type EpochRow = { epoch: number; opened_ms: number; threshold: number; shares: string }

/** Sealed records per multi-row INSERT: one statement call for a group commit's 16 records. */
const INSERT_CHUNK = 16

function prepare(db: Database.Database) {
  db.exec(VAULT_TABLES)
  const insert = 'INSERT INTO vault_records (seq, trace_id, epoch, envelope) VALUES '
  return {
    insert: db.prepare(`${insert}(?, ?, ?, ?)`),
    insertChunk: db.prepare(`${insert}${Array(INSERT_CHUNK).fill('(?, ?, ?, ?)').join(', ')}`),
    bySeq: db.prepare('SELECT seq, trace_id, epoch, envelope FROM vault_records WHERE seq = ?'),
    // Through the log's unique trace ids (vault_records has no index on them since 0005); the
    // sealed row must name the same trace as its MTL.
    byTrace: db.prepare(
      `SELECT v.seq, v.trace_id, v.epoch, v.envelope FROM entries e
       JOIN vault_records v ON v.seq = e.seq AND v.trace_id = e.trace_id WHERE e.trace_id = ?`,
    ),
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
 * The vault in the log's SQLite file (tables `vault_records`, `vault_epochs`). The commit worker
 * builds it over its own write connection and writes sealed entries inside the log's transaction
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
   * Writes sealed entries on the current connection, in whatever transaction is open: the log
   * store calls it inside the transaction of their MTLs.
   */
  writeSealed(entries: readonly SealedEntry[]): void {
    const s = this.#s()
    // By INSERT_CHUNK rows per statement, as the log's entries: the same rows, fewer calls.
    let i = 0
    for (; i + INSERT_CHUNK <= entries.length; i += INSERT_CHUNK) {
      const values: unknown[] = []
      for (let j = i; j < i + INSERT_CHUNK; j++) {
        const e = entries[j] as SealedEntry
        values.push(e.seq, e.traceId, e.epoch, e.envelope)
      }
      s.insertChunk.run(values)
    }
    for (; i < entries.length; i++) {
      const e = entries[i] as SealedEntry
      s.insert.run(e.seq, e.traceId, e.epoch, e.envelope)
    }
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
    return entry(wrap('read', () => this.#s().bySeq.get(seq)) as EntryRow | undefined)
  }

  async sealedByTraceId(traceId: string): Promise<SealedEntry | undefined> {
    return entry(wrap('read', () => this.#s().byTrace.get(traceId)) as EntryRow | undefined)
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
