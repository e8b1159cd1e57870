import type pg from 'pg'
import { MigrationError } from '../db/MigrationError.ts'
import { preparePostgresSchema } from '../db/postgres/postgresSchema.ts'
import { storeName } from '../db/postgres/storeName.ts'
import { VAULT_SEAL_SQLSTATE } from '../db/postgres/vaultSchema.ts'
import { StoreError } from '../memory/StoreError.ts'
import { EVIDENCE_SEAL_KEY } from './evidenceSealKey.ts'
import type { SealedBatch, SealedEntry, StoredEpochKey, VaultStore } from './VaultStore.ts'
import type { WrappedShare } from './wrapEpochKey.ts'

type EntryRow = { seq: string; trace_id: string; epoch: string; envelope: Buffer }
type EpochRow = { epoch: string; opened_ms: string; threshold: number; shares: string }

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505'

/**
 * The vault in the gateway's PostgreSQL database (tables `vault_batches`, `vault_epochs`, and
 * `vault_records` of gateways before `tml-vault/2`; migrations `0003_vault`, `0005_vault_batches`),
 * on the pool the log store uses. See {@link VaultStore} for the
 * guarantees; here is how each holds:
 * - **Atomic with the log**: the committer ({@link PgVaultCommitter}) writes sealed entries with
 *   {@link PgVaultStore.writeSealed} on the client of the log's own transaction
 *   (`PgLogStore.append`'s `alsoWrite`). The database checks it too: at commit, every MTL that
 *   carries `evidence_seal` must lie in a batch whose envelope hashes to it, and every batch must
 *   be its MTLs' (its first and last MTL carry its SHA-256; no overlap), else the whole commit is
 *   refused.
 * - **Append-only**: triggers refuse UPDATE, DELETE and TRUNCATE of both tables (erasure shreds
 *   the subject's key in `subject_keys`, never a vault row).
 * - **Epochs**: a record's epoch is a foreign key to `vault_epochs`, so no record is durable
 *   before its wrapped epoch key. Two gateways that pick the same new epoch number cannot both
 *   store it: the second gets `TML_VAULT_EPOCH_TAKEN` and its key ring takes the next number.
 *
 * Spec: PostgreSQL constraint triggers (DEFERRABLE INITIALLY DEFERRED); node-postgres.
 *
 * @example
 * const vault = await PgVaultStore.open({ pool })
 * const sealed = await vault.sealedByTraceId(traceId)
 */
export class PgVaultStore implements VaultStore {
  readonly where: string
  readonly #pool: pg.Pool

  private constructor(pool: pg.Pool, where: string | undefined) {
    this.#pool = pool
    this.where = storeName(pool, where)
  }

  /**
   * The vault of the pool's database. A new, empty database is migrated first; one with pending
   * migrations is refused (`tml db migrate`).
   * @throws {MigrationError} pending or unknown migrations.
   */
  static async open({ pool, where }: { pool: pg.Pool; where?: string }): Promise<PgVaultStore> {
    const store = new PgVaultStore(pool, where)
    await store.#wrap('open', () => preparePostgresSchema(pool, { where: store.where }))
    return store
  }

  /**
   * Writes a commit batch's sealed envelopes on `client`, in the transaction open on it: the
   * committer passes the client of the log append that writes the batch's MTLs.
   */
  async writeSealed(client: pg.ClientBase, batches: readonly SealedBatch[]): Promise<void> {
    if (batches.length === 0) return
    await client.query(
      `INSERT INTO vault_batches (first_seq, last_seq, epoch, envelope)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[])`,
      [
        batches.map((b) => b.firstSeq),
        batches.map((b) => b.lastSeq),
        batches.map((b) => b.epoch),
        batches.map((b) =>
          Buffer.from(b.envelope.buffer, b.envelope.byteOffset, b.envelope.length),
        ),
      ],
    )
  }

  async putEpoch(key: StoredEpochKey): Promise<void> {
    await this.#wrap('write', () =>
      this.#pool.query(
        'INSERT INTO vault_epochs (epoch, opened_ms, threshold, shares) VALUES ($1, $2, $3, $4)',
        [key.epoch, key.openedMs, key.threshold, JSON.stringify(key.shares)],
      ),
    )
  }

  async lastEpoch(): Promise<number> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<{ max: string | null }>('SELECT max(epoch) AS max FROM vault_epochs'),
    )
    return Number(rows[0]?.max ?? 0)
  }

  async epochKey(epoch: number): Promise<StoredEpochKey | undefined> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<EpochRow>(
        'SELECT epoch, opened_ms, threshold, shares FROM vault_epochs WHERE epoch = $1',
        [epoch],
      ),
    )
    const row = rows[0]
    if (!row) return undefined
    return {
      epoch: Number(row.epoch),
      openedMs: Number(row.opened_ms),
      threshold: row.threshold,
      shares: JSON.parse(row.shares) as WrappedShare[],
    }
  }

  async sealedBySeq(seq: number): Promise<SealedEntry | undefined> {
    return this.#sealed('e.seq = $1', 'seq = $1', [seq])
  }

  async sealedByTraceId(traceId: string): Promise<SealedEntry | undefined> {
    return this.#sealed('e.trace_id = $1', 'trace_id = $1', [traceId])
  }

  /** Does not end the pool: its owner (the gateway) does, after the other stores on it. */
  async close(): Promise<void> {}

  // A sealed MTL's envelope: its batch's (the last batch starting at or before its seq, if it
  // reaches it), else a tml-vault/1 record of its own.
  async #sealed(
    entry: string,
    record: string,
    params: unknown[],
  ): Promise<SealedEntry | undefined> {
    const query = (sql: string) =>
      this.#wrap('read', () => this.#pool.query<EntryRow>(sql, params)).then((r) => r.rows[0])
    const row =
      (await query(
        `SELECT e.seq, e.trace_id, b.epoch, b.envelope FROM entries e
         JOIN LATERAL (SELECT * FROM vault_batches WHERE first_seq <= e.seq
           ORDER BY first_seq DESC LIMIT 1) b ON b.last_seq >= e.seq
         WHERE ${entry} AND position('${EVIDENCE_SEAL_KEY}' in e.mtl) > 0`,
      )) ??
      (await query(`SELECT seq, trace_id, epoch, envelope FROM vault_records WHERE ${record}`))
    if (!row) return undefined
    return {
      seq: Number(row.seq),
      traceId: row.trace_id,
      epoch: Number(row.epoch),
      envelope: new Uint8Array(row.envelope),
    }
  }

  async #wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof StoreError || e instanceof MigrationError) throw e
      throw vaultStoreError(`vault ${what} failed on ${this.where}`, e, what)
    }
  }
}

/**
 * A {@link StoreError} for a failed vault statement: `TML_VAULT_EPOCH_TAKEN` when another writer
 * stored that epoch first, `TML_VAULT_SEAL` when the database refused a record that does not
 * match its MTL, else `POSTGRES_<SQLSTATE>` or the connection's code.
 */
function vaultStoreError(message: string, e: unknown, what: string): StoreError {
  const raw = (e as { code?: unknown }).code
  const sqlState = typeof raw === 'string' && /^[0-9A-Z]{5}$/.test(raw) ? raw : undefined
  const code =
    sqlState === UNIQUE_VIOLATION && what === 'write'
      ? 'TML_VAULT_EPOCH_TAKEN'
      : sqlState === VAULT_SEAL_SQLSTATE
        ? 'TML_VAULT_SEAL'
        : sqlState
          ? `POSTGRES_${sqlState}`
          : typeof raw === 'string'
            ? raw
            : 'UNKNOWN'
  return new StoreError(`${message}: ${(e as Error).message}`, { code, cause: e })
}
