import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { bytesToHex, type Hex } from '@tml/core'
import Database from 'better-sqlite3'
import { prepareSqliteSchema } from '../db/sqlite/sqliteSchema.ts'
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

export { AnchorStoreError }

type CheckpointRow = {
  epoch: number
  tree_size: number
  root_hash: Buffer
  timestamp: number
  signature: Buffer
  created_ms: number
}
type AnchorRow = {
  epoch: number
  chain_id: number
  registry: string
  tx_hash: Buffer | null
  block_number: number | null
  status: AnchorRecord['status']
  updated_ms: number
  nonce: number | null
  confirmations: number
  attempts: number
  last_error: string | null
}
type OtsRow = { epoch: number; calendar: string; ots: Buffer; complete: number; updated_ms: number }

/**
 * The SQLite {@link AnchorStore}: the log's database file, its own connection (WAL lets the
 * Always Memory writer and this one work side by side), `synchronous = FULL`. better-sqlite3 is
 * synchronous: each method does its work before returning its (already settled) promise, so
 * the order of calls is the order of writes.
 *
 * Spec: see {@link AnchorStore} for the guarantees; SQLite WAL.
 *
 * @example
 * const store = SqliteAnchorStore.open({ path: './data/log.db' })
 * await store.putNodes([{ level: 0, index: 0, hash: leafHash }])
 */
export class SqliteAnchorStore implements AnchorStore {
  readonly #db: Database.Database
  readonly #s: ReturnType<typeof prepare>

  private constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = FULL')
    this.#db.pragma('busy_timeout = 5000')
    // The schema is the migrations' (src/db/sqlite), whichever store opens the file first.
    try {
      prepareSqliteSchema(this.#db, { path })
    } catch (e) {
      this.#db.close()
      throw e
    }
    this.#s = prepare(this.#db)
  }

  /**
   * Opens the anchoring tables of the log database at `path` (created when missing).
   * @throws {MigrationError} when the file has pending migrations (`tml db migrate`).
   */
  static open({ path }: { path: string }): SqliteAnchorStore {
    return new SqliteAnchorStore(path)
  }

  async treeSize(): Promise<number> {
    const row = this.#s.leafCount.get() as { n: number | null }
    return row.n ?? 0
  }

  async putNodes(
    nodes: readonly { level: number; index: number; hash: Uint8Array }[],
  ): Promise<void> {
    this.#db.transaction(() => {
      for (const n of nodes) this.#s.putNode.run(n.level, n.index, n.hash)
    })()
  }

  async getNodes(ids: readonly { level: number; index: number }[]): Promise<Uint8Array[]> {
    return ids.map(({ level, index }) => {
      const row = this.#s.getNode.get(level, index) as { hash: Buffer } | undefined
      if (!row) throw new AnchorStoreError(`Node (${level}, ${index}) is not stored`)
      return new Uint8Array(row.hash)
    })
  }

  async intent(): Promise<CheckpointIntent | undefined> {
    return this.#intent()
  }

  // The intent not signed yet, or the intent of `epoch`.
  #intent(epoch?: number): CheckpointIntent | undefined {
    const row = (epoch === undefined ? this.#s.getIntent.get() : this.#s.intentOf.get(epoch)) as
      | Omit<CheckpointRow, 'signature' | 'created_ms'>
      | undefined
    if (!row) return undefined
    return {
      epoch: row.epoch,
      treeSize: row.tree_size,
      rootHash: bytesToHex(row.root_hash),
      timestamp: row.timestamp,
    }
  }

  // IMMEDIATE, as every transaction here that reads before it writes: the commit worker writes
  // the same file from its own connection, and a deferred transaction whose read snapshot predates
  // the worker's last commit cannot become the writer; it fails at once with SQLITE_BUSY_SNAPSHOT,
  // without waiting busy_timeout. Taking the write lock first waits for the worker instead.
  async putIntent(intent: CheckpointIntent): Promise<void> {
    this.#db
      .transaction(() => {
        const existing = this.#intent(intent.epoch)
        if (existing) {
          if (!sameCheckpoint(existing, intent)) {
            throw new AnchorStoreError(`Epoch ${intent.epoch} already has another intent`)
          }
          return
        }
        if (this.#checkpoint(intent.epoch)) {
          throw new AnchorStoreError(`Epoch ${intent.epoch} is already signed`)
        }
        this.#s.putIntent.run(
          intent.epoch,
          intent.treeSize,
          hexBuffer(intent.rootHash),
          intent.timestamp,
        )
      })
      .immediate()
  }

  async putCheckpoint(c: StoredCheckpoint): Promise<void> {
    this.#db
      .transaction(() => {
        const existing = this.#checkpoint(c.epoch)
        if (existing) {
          if (!sameSignedCheckpoint(existing, c)) {
            throw new AnchorStoreError(`Epoch ${c.epoch} already holds another checkpoint`)
          }
          return
        }
        // The checkpoint the sequencer committed to before signing, and no other.
        const intent = this.#intent(c.epoch)
        if (intent && !sameCheckpoint(intent, c))
          throw new AnchorStoreError(`Epoch ${c.epoch} already holds another checkpoint`)
        this.#s.putCheckpoint.run(
          c.epoch,
          c.treeSize,
          hexBuffer(c.rootHash),
          c.timestamp,
          hexBuffer(c.signature),
          c.createdMs,
        )
        this.#s.deleteIntent.run(c.epoch)
      })
      .immediate()
  }

  async checkpoint(epoch: number): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint(epoch)
  }

  #checkpoint(epoch: number): StoredCheckpoint | undefined {
    return checkpointOf(this.#s.getCheckpoint.get(epoch) as CheckpointRow | undefined)
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return checkpointOf(this.#s.latestCheckpoint.get() as CheckpointRow | undefined)
  }

  async checkpoints(fromEpoch: number, limit: number): Promise<StoredCheckpoint[]> {
    return (this.#s.checkpoints.all(fromEpoch, limit) as CheckpointRow[]).map(
      (r) => checkpointOf(r) as StoredCheckpoint,
    )
  }

  async firstCheckpointHolding(seq: number): Promise<StoredCheckpoint | undefined> {
    return checkpointOf(this.#s.holding.get(seq) as CheckpointRow | undefined)
  }

  async anchor(epoch: number, chainId: number, registry: Hex): Promise<AnchorRecord | undefined> {
    return anchorOf(this.#s.getAnchor.get(epoch, chainId, registry.toLowerCase()) as AnchorRow)
  }

  async anchors(chainId: number, registry: Hex): Promise<AnchorRecord[]> {
    return (this.#s.anchors.all(chainId, registry.toLowerCase()) as AnchorRow[]).map(
      (r) => anchorOf(r) as AnchorRecord,
    )
  }

  async anchorsOf(epoch: number): Promise<AnchorRecord[]> {
    return (this.#s.anchorsOf.all(epoch) as AnchorRow[]).map((r) => anchorOf(r) as AnchorRecord)
  }

  async putAnchor(a: AnchorRecord): Promise<void> {
    this.#s.putAnchor.run(
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
    )
  }

  async putOts(r: OtsRecord): Promise<void> {
    this.#s.putOts.run(r.epoch, r.calendar, r.ots, r.complete ? 1 : 0, r.updatedMs)
  }

  async otsOf(epoch: number): Promise<OtsRecord[]> {
    return (this.#s.otsOf.all(epoch) as OtsRow[]).map(otsOf)
  }

  async pendingOts(): Promise<OtsRecord[]> {
    return (this.#s.pendingOts.all() as OtsRow[]).map(otsOf)
  }

  async receiptHandovers(): Promise<ReceiptHandover[]> {
    return this.#handovers()
  }

  #handovers(): ReceiptHandover[] {
    return (this.#s.handovers.all() as { period: number; from_seq: number; epoch: number }[]).map(
      (r) => ({ period: r.period, fromSeq: r.from_seq, epoch: r.epoch }),
    )
  }

  async putReceiptHandover(h: ReceiptHandover): Promise<void> {
    this.#db
      .transaction(() => {
        const last = this.#handovers().at(-1)
        if (last && (h.period <= last.period || h.fromSeq < last.fromSeq || h.epoch <= last.epoch))
          throw new AnchorStoreError(
            `receipt handover to period ${h.period} (seq ${h.fromSeq}, epoch ${h.epoch}) does not follow period ${last.period}'s (seq ${last.fromSeq}, epoch ${last.epoch})`,
          )
        this.#s.putHandover.run(h.period, h.fromSeq, h.epoch)
      })
      .immediate()
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}

function prepare(db: Database.Database) {
  const cp = 'epoch, tree_size, root_hash, timestamp, signature, created_ms'
  const an =
    'epoch, chain_id, registry, tx_hash, block_number, status, updated_ms, nonce, confirmations, attempts, last_error'
  return {
    leafCount: db.prepare('SELECT max(idx) + 1 AS n FROM nodes WHERE level = 0'),
    // Not INSERT OR IGNORE: that would also drop a node its CHECK refuses, without a word.
    putNode: db.prepare(
      'INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?) ON CONFLICT (level, idx) DO NOTHING',
    ),
    getNode: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?'),
    getIntent: db.prepare(
      'SELECT epoch, tree_size, root_hash, timestamp FROM checkpoint_intents ORDER BY epoch LIMIT 1',
    ),
    putIntent: db.prepare(
      'INSERT INTO checkpoint_intents (epoch, tree_size, root_hash, timestamp) VALUES (?, ?, ?, ?)',
    ),
    intentOf: db.prepare(
      'SELECT epoch, tree_size, root_hash, timestamp FROM checkpoint_intents WHERE epoch = ?',
    ),
    deleteIntent: db.prepare('DELETE FROM checkpoint_intents WHERE epoch = ?'),
    putCheckpoint: db.prepare(`INSERT INTO checkpoints (${cp}) VALUES (?, ?, ?, ?, ?, ?)`),
    getCheckpoint: db.prepare(`SELECT ${cp} FROM checkpoints WHERE epoch = ?`),
    latestCheckpoint: db.prepare(`SELECT ${cp} FROM checkpoints ORDER BY epoch DESC LIMIT 1`),
    checkpoints: db.prepare(
      `SELECT ${cp} FROM checkpoints WHERE epoch >= ? ORDER BY epoch LIMIT ?`,
    ),
    holding: db.prepare(`SELECT ${cp} FROM checkpoints WHERE tree_size > ? ORDER BY epoch LIMIT 1`),
    getAnchor: db.prepare(
      `SELECT ${an} FROM anchors WHERE epoch = ? AND chain_id = ? AND registry = ?`,
    ),
    anchors: db.prepare(
      `SELECT ${an} FROM anchors WHERE chain_id = ? AND registry = ? ORDER BY epoch`,
    ),
    anchorsOf: db.prepare(`SELECT ${an} FROM anchors WHERE epoch = ? ORDER BY chain_id`),
    putAnchor: db.prepare(
      `INSERT INTO anchors (${an}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (epoch, chain_id, registry) DO UPDATE SET tx_hash = excluded.tx_hash,
       block_number = excluded.block_number, status = excluded.status,
       updated_ms = excluded.updated_ms, nonce = excluded.nonce,
       confirmations = excluded.confirmations, attempts = excluded.attempts,
       last_error = excluded.last_error`,
    ),
    putOts: db.prepare(
      `INSERT INTO ots (epoch, calendar, ots, complete, updated_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (epoch, calendar) DO UPDATE SET ots = excluded.ots,
       complete = excluded.complete, updated_ms = excluded.updated_ms`,
    ),
    otsOf: db.prepare('SELECT * FROM ots WHERE epoch = ? ORDER BY calendar'),
    pendingOts: db.prepare('SELECT * FROM ots WHERE complete = 0 ORDER BY epoch, calendar'),
    handovers: db.prepare('SELECT period, from_seq, epoch FROM receipt_handovers ORDER BY period'),
    putHandover: db.prepare(
      'INSERT INTO receipt_handovers (period, from_seq, epoch) VALUES (?, ?, ?)',
    ),
  }
}

function checkpointOf(r: CheckpointRow | undefined): StoredCheckpoint | undefined {
  if (!r) return undefined
  return {
    epoch: r.epoch,
    treeSize: r.tree_size,
    rootHash: bytesToHex(r.root_hash),
    timestamp: r.timestamp,
    signature: bytesToHex(r.signature),
    createdMs: r.created_ms,
  }
}

function anchorOf(r: AnchorRow | undefined): AnchorRecord | undefined {
  if (!r) return undefined
  return {
    epoch: r.epoch,
    chainId: r.chain_id,
    registry: r.registry as Hex,
    status: r.status,
    txHash: r.tx_hash === null ? null : bytesToHex(r.tx_hash),
    nonce: r.nonce,
    blockNumber: r.block_number,
    confirmations: r.confirmations,
    attempts: r.attempts,
    lastError: r.last_error,
    updatedMs: r.updated_ms,
  }
}

function otsOf(r: OtsRow): OtsRecord {
  return {
    epoch: r.epoch,
    calendar: r.calendar,
    ots: new Uint8Array(r.ots),
    complete: r.complete === 1,
    updatedMs: r.updated_ms,
  }
}

function hexBuffer(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex')
}
