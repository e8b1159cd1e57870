import { bytesToHex, type Hex, RECEIPT_VERSION } from '@tml/core'
import type pg from 'pg'
import { MigrationError } from '../db/MigrationError.ts'
import { inTransaction } from '../db/postgres/inTransaction.ts'
import { GAP_SQLSTATE } from '../db/postgres/logSchema.ts'
import { preparePostgresSchema } from '../db/postgres/postgresSchema.ts'
import { FENCED_SQLSTATE, termSql } from '../db/postgres/replicaSchema.ts'
import { storeName } from '../db/postgres/storeName.ts'
import type { LeaderFence } from '../replica/LeaderFence.ts'
import type { AppendBatch, LogStore, StoredEntry } from './LogStore.ts'
import { StoreError } from './StoreError.ts'

/** Parameters of {@link PgLogStore.open}. */
export type PgLogStoreParameters = {
  /** The pool of the gateway's database (`createPgPool`), shared with the anchoring store. */
  pool: pg.Pool
  /** The log this store holds; a database of another log is refused. */
  logId: Hex
  /** How the database is named in errors. Default: the pool's URL without its password. */
  where?: string
  /**
   * The leader term this store writes under (a gateway replica): every write carries it, and
   * the database refuses it once another replica leads (`TML_FENCED`, reported to the fence).
   * Without it, writes succeed only while no replica was ever elected on the database.
   */
  fence?: LeaderFence
}

/** Entries per multi-row INSERT (11 parameters each; PostgreSQL allows 65,535 per statement). */
const INSERT_CHUNK = 256

/** PostgreSQL's unique_violation: another writer committed this seq or trace id first. */
const UNIQUE_VIOLATION = '23505'

const COLUMNS =
  'seq, trace_id, kind, state, leaf_hash, mtl, receipt_timestamp, receipt_signature, refers_to, profile, pause_deadline_ms'

type Row = {
  seq: string
  trace_id: string
  kind: string
  state: number
  leaf_hash: Buffer
  mtl: string
  receipt_timestamp: string
  receipt_signature: Buffer
  refers_to: string | null
  profile: string | null
  pause_deadline_ms: string | null
}

/**
 * The Always Memory store on PostgreSQL, for deployments whose gateways keep no local disk. See
 * {@link LogStore} for the guarantees; here is how each holds:
 * - **Durable on return**: one transaction per batch, committed with `synchronous_commit = on`
 *   (set on every connection of the pool and again in the transaction), so the commit is on
 *   the server's disk (and its synchronous standbys') before `append` resolves.
 * - **Atomic batches**: subject secrets, entries and erasures of a batch are one transaction.
 * - **Append-only, gap-free, enforced by the database**: triggers refuse UPDATE, DELETE and
 *   TRUNCATE of `entries` and any inserted row whose seq is not the next one, and the primary
 *   key on `seq` makes the second of two concurrent writers of the same seq fail when the first
 *   commits (`TML_OTHER_WRITER`): a second gateway on the same database can fail, never fork or
 *   gap the log.
 * - **One leader, fenced by the database**: with a {@link LeaderFence}, each write transaction
 *   carries the replica's term, and a trigger refuses it once another replica has taken a newer
 *   term (`TML_FENCED`): a deposed leader cannot append, even if it has not noticed yet.
 * - **Shredding**: an erased secret's row is deleted in the batch's transaction. PostgreSQL
 *   keeps a deleted row's bytes in the table's pages until VACUUM reclaims them (autovacuum
 *   does, soon after), and in the WAL and base backups until those are recycled: operators
 *   who must show the bytes gone run `VACUUM subject_keys` and rotate their backups.
 * - **No retries inside**: every failure rejects with a {@link StoreError} whose code is
 *   `POSTGRES_<SQLSTATE>` (or the connection's error code, such as `ECONNREFUSED`); `probe`
 *   makes a real durable write to tell when the database is back.
 *
 * Spec: PostgreSQL transactions and synchronous_commit; node-postgres (`pg`).
 *
 * @example
 * const store = await PgLogStore.open({ pool: createPgPool({ url }), logId })
 * await store.append({ entries, subjectKeys: [], erasedLookups: [] })
 */
export class PgLogStore implements LogStore {
  readonly logId: Hex
  readonly where: string
  readonly #pool: pg.Pool
  readonly #fence: LeaderFence | undefined

  private constructor({ pool, logId, where, fence }: PgLogStoreParameters) {
    this.#pool = pool
    this.#fence = fence
    this.logId = logId
    this.where = storeName(pool, where)
  }

  /**
   * Opens the store of log `logId` in the pool's database. A new, empty database is migrated
   * first (the whole schema); one with pending migrations is refused (`tml db migrate`).
   * @throws {MigrationError} pending or unknown migrations.
   * @throws {StoreError} `TML_OTHER_LOG` when the database holds another log; the database's
   *   own code when it cannot be reached.
   */
  static async open(parameters: PgLogStoreParameters): Promise<PgLogStore> {
    const store = new PgLogStore(parameters)
    await store.#wrap('open', async () => {
      await preparePostgresSchema(parameters.pool, { where: store.where })
      // The first gateway on the database claims it for its log; later ones must match.
      await parameters.pool.query(
        "INSERT INTO meta (key, value) VALUES ('log_id', $1) ON CONFLICT (key) DO NOTHING",
        [parameters.logId],
      )
      const { rows } = await parameters.pool.query<{ value: string }>(
        "SELECT value FROM meta WHERE key = 'log_id'",
      )
      const stored = rows[0]?.value
      if (stored !== parameters.logId) {
        throw new StoreError(`Store ${store.where} holds log ${stored}, not ${parameters.logId}`, {
          code: 'TML_OTHER_LOG',
        })
      }
    })
    return store
  }

  async size(): Promise<number> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<{ max: string | null }>('SELECT max(seq) AS max FROM entries'),
    )
    const max = rows[0]?.max ?? null
    return max === null ? 0 : Number(max) + 1
  }

  /**
   * Writes a batch (see {@link LogStore.append}). `alsoWrite` runs inside the batch's
   * transaction, after its entries (the vault's sealed records, `PgVaultStore.writeSealed`): it
   * commits with them or not at all.
   */
  async append(
    { entries, subjectKeys, erasedLookups }: AppendBatch,
    alsoWrite?: (client: pg.ClientBase) => Promise<void>,
  ): Promise<void> {
    const first = entries[0]?.seq
    entries.forEach((e, i) => {
      if (first !== undefined && e.seq !== first + i) {
        throw new StoreError(`Batch entries are not consecutive: seq ${e.seq} at position ${i}`, {
          code: 'TML_GAP',
        })
      }
    })
    await this.#wrap('append', () =>
      this.#transaction(async (client) => {
        if (subjectKeys.length > 0) {
          await client.query(
            `INSERT INTO subject_keys (lookup, secret)
             SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (lookup) DO NOTHING`,
            [
              subjectKeys.map((k) => Buffer.from(k.lookup)),
              subjectKeys.map((k) => Buffer.from(k.secret)),
            ],
          )
        }
        // The gap-free trigger checks every row against the table as this transaction sees it.
        for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
          const chunk = entries.slice(i, i + INSERT_CHUNK)
          const values: unknown[] = []
          const rows = chunk.map((e, j) => {
            values.push(...columns(e))
            const base = j * 11
            return `(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(', ')})`
          })
          await client.query(`INSERT INTO entries (${COLUMNS}) VALUES ${rows.join(', ')}`, values)
        }
        if (erasedLookups.length > 0) {
          await client.query('DELETE FROM subject_keys WHERE lookup = ANY($1::bytea[])', [
            erasedLookups.map((l) => Buffer.from(l)),
          ])
        }
        await alsoWrite?.(client)
      }),
    )
  }

  async entryBySeq(seq: number): Promise<StoredEntry | undefined> {
    return this.#one(`SELECT ${COLUMNS} FROM entries WHERE seq = $1`, [seq])
  }

  async entryByTraceId(traceId: string): Promise<StoredEntry | undefined> {
    return this.#one(`SELECT ${COLUMNS} FROM entries WHERE trace_id = $1`, [traceId])
  }

  async resolutionOf(traceId: string): Promise<StoredEntry | undefined> {
    return this.#one(`SELECT ${COLUMNS} FROM entries WHERE refers_to = $1 ORDER BY seq LIMIT 1`, [
      traceId,
    ])
  }

  async pendingPauses(): Promise<StoredEntry[]> {
    return this.#all(
      `SELECT ${COLUMNS} FROM entries e WHERE e.state = 0 AND e.kind = 'decision'
       AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.refers_to = e.trace_id) ORDER BY e.seq`,
      [],
    )
  }

  async entries(fromSeq: number, limit: number): Promise<StoredEntry[]> {
    return this.#all(`SELECT ${COLUMNS} FROM entries WHERE seq >= $1 ORDER BY seq LIMIT $2`, [
      fromSeq,
      limit,
    ])
  }

  async subjectSecret(lookup: Uint8Array): Promise<Uint8Array | undefined> {
    const { rows } = await this.#wrap('read', () =>
      this.#pool.query<{ secret: Buffer }>('SELECT secret FROM subject_keys WHERE lookup = $1', [
        Buffer.from(lookup),
      ]),
    )
    const row = rows[0]
    return row ? new Uint8Array(row.secret) : undefined
  }

  /** A real write, committed durably: resolves once the database takes writes again. */
  async probe(): Promise<void> {
    await this.#wrap('probe', () =>
      this.#transaction(async (client) => {
        await client.query(
          'INSERT INTO probe (id, at_ms) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms',
          [Date.now()],
        )
      }),
    )
  }

  /** Does not end the pool: its owner (the gateway) does, after the other stores on it. */
  async close(): Promise<void> {}

  #transaction(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    return inTransaction(
      this.#pool,
      `BEGIN; SET LOCAL synchronous_commit = on${this.#fence ? `; ${termSql(this.#fence.term)}` : ''}`,
      fn,
    )
  }

  async #one(sql: string, params: unknown[]): Promise<StoredEntry | undefined> {
    const rows = await this.#all(sql, params)
    return rows[0]
  }

  async #all(sql: string, params: unknown[]): Promise<StoredEntry[]> {
    const { rows } = await this.#wrap('read', () => this.#pool.query<Row>(sql, params))
    return rows.map((r) => this.#row(r))
  }

  async #wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof StoreError || e instanceof MigrationError) throw e
      const raw = (e as { code?: unknown }).code
      const sqlState = typeof raw === 'string' && /^[0-9A-Z]{5}$/.test(raw) ? raw : undefined
      const code =
        sqlState === FENCED_SQLSTATE
          ? 'TML_FENCED'
          : sqlState === GAP_SQLSTATE
            ? 'TML_GAP'
            : sqlState === UNIQUE_VIOLATION && what === 'append'
              ? 'TML_OTHER_WRITER'
              : sqlState
                ? `POSTGRES_${sqlState}`
                : typeof raw === 'string'
                  ? raw
                  : 'UNKNOWN'
      const error = new StoreError(
        `PostgreSQL ${what} failed on ${this.where}: ${(e as Error).message}`,
        { code, cause: e },
      )
      if (code === 'TML_FENCED') this.#fence?.fenced(error)
      throw error
    }
  }

  #row(r: Row): StoredEntry {
    const seq = Number(r.seq)
    const leafHash = bytesToHex(r.leaf_hash)
    return {
      seq,
      traceId: r.trace_id,
      kind: r.kind,
      state: r.state as StoredEntry['state'],
      leafHash,
      mtl: r.mtl,
      receipt: {
        v: RECEIPT_VERSION,
        logId: this.logId,
        traceId: r.trace_id,
        seq,
        leafHash,
        timestamp: r.receipt_timestamp,
        signature: bytesToHex(r.receipt_signature),
      },
      refersTo: r.refers_to,
      profile: r.profile,
      pauseDeadlineMs: r.pause_deadline_ms === null ? null : Number(r.pause_deadline_ms),
    }
  }
}

/** The `entries` columns of one entry, in the order of {@link COLUMNS}. */
function columns(e: StoredEntry): unknown[] {
  return [
    e.seq,
    e.traceId,
    e.kind,
    e.state,
    hexToBuffer(e.leafHash),
    e.mtl,
    e.receipt.timestamp,
    hexToBuffer(e.receipt.signature),
    e.refersTo,
    e.profile,
    e.pauseDeadlineMs,
  ]
}

function hexToBuffer(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex')
}
