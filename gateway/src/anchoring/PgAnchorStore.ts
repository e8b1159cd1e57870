import { bytesToHex, type Hex } from '@tml/core'
import type pg from 'pg'
import { WRITE_ONCE_SQLSTATE } from '../db/postgres/anchoringSchema.ts'
import { createPgPool } from '../db/postgres/createPgPool.ts'
import { inTransaction } from '../db/postgres/inTransaction.ts'
import { preparePostgresSchema } from '../db/postgres/postgresSchema.ts'
import { FENCED_SQLSTATE, termSql } from '../db/postgres/replicaSchema.ts'
import { storeName } from '../db/postgres/storeName.ts'
import { FencedError } from '../replica/FencedError.ts'
import type { LeaderFence } from '../replica/LeaderFence.ts'
import {
  type AnchorRecord,
  type AnchorStore,
  type CheckpointIntent,
  type OtsRecord,
  type ReceiptHandover,
  type StoredCheckpoint,
  sameCheckpoint,
  sameSignedCheckpoint,
} from './AnchorStore.ts'
import { AnchorStoreError } from './AnchorStoreError.ts'

/** Parameters of {@link PgAnchorStore.open}: a pool of the caller's, or a URL to open one. */
export type PgAnchorStoreParameters = (
  | { pool: pg.Pool; url?: undefined }
  | { url: string; pool?: undefined; onError?: (error: Error) => void }
) & {
  /**
   * The leader term this store writes under (a gateway replica): every write carries it, and
   * the database refuses it ({@link FencedError}, reported to the fence) once another replica
   * leads. Without it, writes succeed only while no replica was ever elected on the database.
   */
  fence?: LeaderFence
}

// Serializes the evidence writes of every process on one database (intents, checkpoints,
// handovers): the checks the code makes before writing then see every earlier write. The
// database's keys and constraints refuse a second checkpoint even without it.
const EVIDENCE_LOCK = 0x746d6c_01 // "tml" 1

const UNIQUE_VIOLATION = '23505'
const FOREIGN_KEY_VIOLATION = '23503'

type Queryable = Pick<pg.ClientBase, 'query'>
type CheckpointRow = {
  epoch: string
  tree_size: string
  root_hash: Buffer
  timestamp: string
  signature: Buffer
  created_ms: string
}
type IntentRow = Omit<CheckpointRow, 'signature' | 'created_ms'>
type AnchorRow = {
  epoch: string
  chain_id: string
  registry: string
  tx_hash: Buffer | null
  block_number: string | null
  status: AnchorRecord['status']
  updated_ms: string
  nonce: string | null
  confirmations: number
  attempts: number
  last_error: string | null
}
type OtsRow = {
  epoch: string
  calendar: string
  ots: Buffer
  complete: boolean
  updated_ms: string
}
type HandoverRow = { period: number; from_seq: string; epoch: string }

const CP = 'epoch, tree_size, root_hash, timestamp, signature, created_ms'
const AN =
  'epoch, chain_id, registry, tx_hash, block_number, status, updated_ms, nonce, confirmations, attempts, last_error'

/**
 * The PostgreSQL {@link AnchorStore}: the anchoring tables of the log's database (schema from the
 * PostgreSQL migrations, `src/db/postgres`), shared by every gateway replica. Every write is one
 * transaction, committed with `synchronous_commit = on` before its promise resolves.
 *
 * The evidence rules hold in the database itself (see the schema): one intent per epoch for good,
 * one checkpoint per epoch and only its intent's, nodes/intents/checkpoints/handovers write-once.
 * So when two replicas race to store different checkpoints for one epoch, PostgreSQL lets one
 * commit and refuses the other, which rejects with {@link AnchorStoreError}. Evidence writes also
 * take a transaction-scoped advisory lock, so that the checks made before writing (an intent for
 * an epoch already signed, a handover out of order) see every earlier write. With a
 * {@link LeaderFence} every write carries the replica's leader term and is refused by the
 * database ({@link FencedError}) once another replica leads: a deposed leader can neither sign
 * a checkpoint into the store nor record an anchor.
 *
 * Spec: see {@link AnchorStore}; PostgreSQL constraints, advisory locks (pg_advisory_xact_lock).
 *
 * @example
 * const store = await PgAnchorStore.open({ url: 'postgres://tml@db.internal/tml' })
 * await store.putNodes([{ level: 0, index: 0, hash: leafHash }])
 * await store.close()
 */
export class PgAnchorStore implements AnchorStore {
  readonly #pool: pg.Pool
  readonly #owned: boolean
  readonly #fence: LeaderFence | undefined

  private constructor(pool: pg.Pool, owned: boolean, fence: LeaderFence | undefined) {
    this.#pool = pool
    this.#owned = owned
    this.#fence = fence
  }

  /**
   * Opens the store on a pool (left open by {@link close}) or a URL (its own pool, closed by
   * {@link close}). A new, empty database is migrated at once.
   *
   * @throws {MigrationError} when the database has pending migrations (`tml db migrate`).
   * @throws {TypeError} when `url` is not a PostgreSQL URL.
   */
  static async open(p: PgAnchorStoreParameters): Promise<PgAnchorStore> {
    const owned = p.pool === undefined
    const pool =
      p.pool ?? createPgPool({ url: p.url, ...(p.onError ? { onError: p.onError } : {}) })
    try {
      await preparePostgresSchema(pool, { where: storeName(pool) })
    } catch (e) {
      if (owned) await pool.end()
      throw e
    }
    return new PgAnchorStore(pool, owned, p.fence)
  }

  async treeSize(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string | null }>(
      'SELECT max(idx) + 1 AS n FROM nodes WHERE level = 0',
    )
    return rows[0]?.n == null ? 0 : Number(rows[0].n)
  }

  async putNodes(
    nodes: readonly { level: number; index: number; hash: Uint8Array }[],
  ): Promise<void> {
    if (nodes.length === 0) return
    // One statement: all the nodes or none. A node already stored is the same node (the tree is
    // append-only), so a second write of it is ignored.
    await this.#write((db) =>
      db.query(
        `INSERT INTO nodes (level, idx, hash)
       SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])
       ON CONFLICT (level, idx) DO NOTHING`,
        [
          nodes.map((n) => n.level),
          nodes.map((n) => n.index),
          nodes.map((n) => Buffer.from(n.hash.buffer, n.hash.byteOffset, n.hash.byteLength)),
        ],
      ),
    )
  }

  async getNodes(ids: readonly { level: number; index: number }[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return []
    const { rows } = await this.#pool.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT n.level, n.idx, n.hash FROM nodes n
       JOIN unnest($1::int[], $2::bigint[]) AS wanted (level, idx)
         ON n.level = wanted.level AND n.idx = wanted.idx`,
      [ids.map((id) => id.level), ids.map((id) => id.index)],
    )
    const byId = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]))
    return ids.map(({ level, index }) => {
      const hash = byId.get(`${level}/${index}`)
      if (!hash) throw new AnchorStoreError(`Node (${level}, ${index}) is not stored`)
      return new Uint8Array(hash)
    })
  }

  async intent(): Promise<CheckpointIntent | undefined> {
    // Intents stay once signed (the database keeps one per epoch for good): the one not signed.
    const { rows } = await this.#pool.query<IntentRow>(
      `SELECT i.epoch, i.tree_size, i.root_hash, i.timestamp FROM checkpoint_intents i
       WHERE NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.epoch = i.epoch)
       ORDER BY i.epoch LIMIT 1`,
    )
    return rows[0] ? intentOf(rows[0]) : undefined
  }

  async putIntent(intent: CheckpointIntent): Promise<void> {
    await this.#evidence(async (db) => {
      const signed = await checkpointIn(db, intent.epoch)
      if (signed) throw new AnchorStoreError(`Epoch ${intent.epoch} is already signed`)
      await insertIntent(db, intent, `Epoch ${intent.epoch} already has another intent`)
    })
  }

  async putCheckpoint(c: StoredCheckpoint): Promise<void> {
    await this.#evidence(async (db) => {
      const existing = await checkpointIn(db, c.epoch)
      if (existing) {
        if (!sameSignedCheckpoint(existing, c))
          throw new AnchorStoreError(`Epoch ${c.epoch} already holds another checkpoint`)
        return
      }
      // The checkpoint is its intent's (a foreign key): an intent written now, or the one the
      // sequencer committed to before signing.
      const another = `Epoch ${c.epoch} already holds another checkpoint`
      await insertIntent(db, c, another)
      await refuseConflicts(another, () =>
        db.query(`INSERT INTO checkpoints (${CP}) VALUES ($1, $2, $3, $4, $5, $6)`, [
          c.epoch,
          c.treeSize,
          hexBuffer(c.rootHash),
          c.timestamp,
          hexBuffer(c.signature),
          c.createdMs,
        ]),
      )
    })
  }

  async checkpoint(epoch: number): Promise<StoredCheckpoint | undefined> {
    return checkpointIn(this.#pool, epoch)
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.#pool.query<CheckpointRow>(
      `SELECT ${CP} FROM checkpoints ORDER BY epoch DESC LIMIT 1`,
    )
    return rows[0] ? checkpointOf(rows[0]) : undefined
  }

  async checkpoints(fromEpoch: number, limit: number): Promise<StoredCheckpoint[]> {
    const { rows } = await this.#pool.query<CheckpointRow>(
      `SELECT ${CP} FROM checkpoints WHERE epoch >= $1 ORDER BY epoch LIMIT $2`,
      [fromEpoch, limit],
    )
    return rows.map(checkpointOf)
  }

  async firstCheckpointHolding(seq: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.#pool.query<CheckpointRow>(
      `SELECT ${CP} FROM checkpoints WHERE tree_size > $1 ORDER BY epoch LIMIT 1`,
      [seq],
    )
    return rows[0] ? checkpointOf(rows[0]) : undefined
  }

  async anchor(epoch: number, chainId: number, registry: Hex): Promise<AnchorRecord | undefined> {
    const { rows } = await this.#pool.query<AnchorRow>(
      `SELECT ${AN} FROM anchors WHERE epoch = $1 AND chain_id = $2 AND registry = $3`,
      [epoch, chainId, registry.toLowerCase()],
    )
    return rows[0] ? anchorOf(rows[0]) : undefined
  }

  async anchors(chainId: number, registry: Hex): Promise<AnchorRecord[]> {
    const { rows } = await this.#pool.query<AnchorRow>(
      `SELECT ${AN} FROM anchors WHERE chain_id = $1 AND registry = $2 ORDER BY epoch`,
      [chainId, registry.toLowerCase()],
    )
    return rows.map(anchorOf)
  }

  async anchorsOf(epoch: number): Promise<AnchorRecord[]> {
    const { rows } = await this.#pool.query<AnchorRow>(
      `SELECT ${AN} FROM anchors WHERE epoch = $1 ORDER BY chain_id, registry`,
      [epoch],
    )
    return rows.map(anchorOf)
  }

  async putAnchor(a: AnchorRecord): Promise<void> {
    await this.#write((db) =>
      db.query(
        `INSERT INTO anchors (${AN}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (epoch, chain_id, registry) DO UPDATE SET tx_hash = excluded.tx_hash,
       block_number = excluded.block_number, status = excluded.status,
       updated_ms = excluded.updated_ms, nonce = excluded.nonce,
       confirmations = excluded.confirmations, attempts = excluded.attempts,
       last_error = excluded.last_error`,
        [
          a.epoch,
          a.chainId,
          a.registry.toLowerCase(),
          a.txHash === null ? null : hexBuffer(a.txHash),
          a.blockNumber,
          a.status,
          a.updatedMs,
          a.nonce,
          a.confirmations,
          a.attempts,
          a.lastError,
        ],
      ),
    )
  }

  async putOts(r: OtsRecord): Promise<void> {
    await this.#write((db) =>
      db.query(
        `INSERT INTO ots (epoch, calendar, ots, complete, updated_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (epoch, calendar) DO UPDATE SET ots = excluded.ots,
       complete = excluded.complete, updated_ms = excluded.updated_ms`,
        [r.epoch, r.calendar, Buffer.from(r.ots), r.complete, r.updatedMs],
      ),
    )
  }

  async otsOf(epoch: number): Promise<OtsRecord[]> {
    const { rows } = await this.#pool.query<OtsRow>(
      'SELECT epoch, calendar, ots, complete, updated_ms FROM ots WHERE epoch = $1 ORDER BY calendar',
      [epoch],
    )
    return rows.map(otsOf)
  }

  async pendingOts(): Promise<OtsRecord[]> {
    const { rows } = await this.#pool.query<OtsRow>(
      'SELECT epoch, calendar, ots, complete, updated_ms FROM ots WHERE NOT complete ORDER BY epoch, calendar',
    )
    return rows.map(otsOf)
  }

  async receiptHandovers(): Promise<ReceiptHandover[]> {
    return handoversIn(this.#pool)
  }

  async putReceiptHandover(h: ReceiptHandover): Promise<void> {
    await this.#evidence(async (db) => {
      const last = (await handoversIn(db)).at(-1)
      if (last && (h.period <= last.period || h.fromSeq < last.fromSeq || h.epoch <= last.epoch))
        throw new AnchorStoreError(
          `receipt handover to period ${h.period} (seq ${h.fromSeq}, epoch ${h.epoch}) does not follow period ${last.period}'s (seq ${last.fromSeq}, epoch ${last.epoch})`,
        )
      await refuseConflicts(`receipt key period ${h.period} is already handed over`, () =>
        db.query('INSERT INTO receipt_handovers (period, from_seq, epoch) VALUES ($1, $2, $3)', [
          h.period,
          h.fromSeq,
          h.epoch,
        ]),
      )
    })
  }

  /** Ends the pool when the store opened it from a URL; a caller's pool is left open. */
  async close(): Promise<void> {
    if (this.#owned) await this.#pool.end()
  }

  // One statement: on its own without a fence; with one, in a transaction carrying the term.
  async #write(work: (db: Queryable) => Promise<unknown>): Promise<void> {
    if (this.#fence === undefined) {
      await work(this.#pool).catch((e: unknown) => {
        throw this.#fencedOr(e)
      })
      return
    }
    await this.#transaction(work, false)
  }

  // One transaction holding the evidence lock; rolled back when `work` throws.
  async #evidence(work: (db: Queryable) => Promise<void>): Promise<void> {
    await this.#transaction(work, true)
  }

  async #transaction(work: (db: Queryable) => Promise<unknown>, evidence: boolean): Promise<void> {
    try {
      await inTransaction(
        this.#pool,
        this.#fence ? `BEGIN; ${termSql(this.#fence.term)}` : 'BEGIN',
        async (client) => {
          if (evidence) await client.query('SELECT pg_advisory_xact_lock($1)', [EVIDENCE_LOCK])
          await work(client)
        },
      )
    } catch (e) {
      throw this.#fencedOr(e)
    }
  }

  // A refusal by the fencing trigger, as a FencedError told to the fence; other errors as they are.
  #fencedOr(e: unknown): unknown {
    const fenced =
      (e as { code?: unknown }).code === FENCED_SQLSTATE
        ? e
        : (e as { cause?: { code?: unknown } }).cause?.code === FENCED_SQLSTATE
          ? (e as { cause: unknown }).cause
          : undefined
    if (fenced === undefined) return e
    const error = new FencedError(`anchoring store write refused: ${(fenced as Error).message}`, {
      cause: fenced,
    })
    this.#fence?.fenced(error)
    return error
  }
}

async function checkpointIn(db: Queryable, epoch: number): Promise<StoredCheckpoint | undefined> {
  const { rows } = await db.query<CheckpointRow>(`SELECT ${CP} FROM checkpoints WHERE epoch = $1`, [
    epoch,
  ])
  return rows[0] ? checkpointOf(rows[0]) : undefined
}

async function handoversIn(db: Queryable): Promise<ReceiptHandover[]> {
  const { rows } = await db.query<HandoverRow>(
    'SELECT period, from_seq, epoch FROM receipt_handovers ORDER BY period',
  )
  return rows.map((r) => ({
    period: r.period,
    fromSeq: Number(r.from_seq),
    epoch: Number(r.epoch),
  }))
}

// Writes the intent of `c.epoch` unless that very intent is stored; another intent is refused
// with `refusal` (by the primary key, should a writer without the lock have raced us).
async function insertIntent(db: Queryable, c: CheckpointIntent, refusal: string): Promise<void> {
  const { rows } = await db.query<IntentRow>(
    `INSERT INTO checkpoint_intents (epoch, tree_size, root_hash, timestamp)
     VALUES ($1, $2, $3, $4) ON CONFLICT (epoch) DO NOTHING
     RETURNING epoch, tree_size, root_hash, timestamp`,
    [c.epoch, c.treeSize, hexBuffer(c.rootHash), c.timestamp],
  )
  if (rows.length > 0) return
  const stored = await db.query<IntentRow>(
    'SELECT epoch, tree_size, root_hash, timestamp FROM checkpoint_intents WHERE epoch = $1',
    [c.epoch],
  )
  const existing = stored.rows[0]
  if (existing === undefined || !sameCheckpoint(intentOf(existing), c))
    throw new AnchorStoreError(refusal)
}

// The database's own refusals (a key or write-once rule) as the store's typed error.
async function refuseConflicts(refusal: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write()
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === UNIQUE_VIOLATION || code === FOREIGN_KEY_VIOLATION || code === WRITE_ONCE_SQLSTATE)
      throw new AnchorStoreError(refusal, { cause: e as Error })
    throw e
  }
}

function intentOf(r: IntentRow): CheckpointIntent {
  return {
    epoch: Number(r.epoch),
    treeSize: Number(r.tree_size),
    rootHash: bytesToHex(r.root_hash),
    timestamp: Number(r.timestamp),
  }
}

function checkpointOf(r: CheckpointRow): StoredCheckpoint {
  return {
    ...intentOf(r),
    signature: bytesToHex(r.signature),
    createdMs: Number(r.created_ms),
  }
}

function anchorOf(r: AnchorRow): AnchorRecord {
  return {
    epoch: Number(r.epoch),
    chainId: Number(r.chain_id),
    registry: r.registry as Hex,
    status: r.status,
    txHash: r.tx_hash === null ? null : bytesToHex(r.tx_hash),
    nonce: r.nonce === null ? null : Number(r.nonce),
    blockNumber: r.block_number === null ? null : Number(r.block_number),
    confirmations: r.confirmations,
    attempts: r.attempts,
    lastError: r.last_error,
    updatedMs: Number(r.updated_ms),
  }
}

function otsOf(r: OtsRow): OtsRecord {
  return {
    epoch: Number(r.epoch),
    calendar: r.calendar,
    ots: new Uint8Array(r.ots),
    complete: r.complete,
    updatedMs: Number(r.updated_ms),
  }
}

function hexBuffer(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex')
}
