import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, type Hex, RECEIPT_VERSION } from '@tml/core'
import Database from 'better-sqlite3'
import type { ReceiptHandover } from '../anchoring/AnchorStore.ts'
import { type ClaimedKeys, EXPORT_VERSION, type ExportLine } from './exportFormat.ts'

/** Rows read at once. */
const PAGE = 5000

type EntryRow = {
  seq: number
  trace_id: string
  leaf_hash: Buffer
  mtl: string
  receipt_timestamp: string
  receipt_signature: Buffer
}
type CheckpointRow = {
  epoch: number
  tree_size: number
  root_hash: Buffer
  timestamp: number
  signature: Buffer
}
type AnchorRow = {
  chain_id: number
  registry: string
  tx_hash: Buffer | null
  block_number: number | null
  status: string
}

/**
 * Reads a log straight from a gateway's data directory (`DATA/log.db`), as the lines of a
 * `tml export` file (see `readApiLog` for their order), on a read-only connection: nothing is
 * created or written, so it may run beside the gateway that writes the file (SQLite WAL). The
 * receipts are rebuilt as the gateway serves them (their six fields and the stored signature).
 *
 * @throws {Error} naming the file when there is no log database, or it cannot be read.
 * @example
 * for await (const line of readDataDirLog({ dataDir: 'data', logId, keys })) write(line)
 */
export async function* readDataDirLog({
  dataDir,
  logId,
  keys,
}: {
  dataDir: string
  logId: Hex
  keys: ClaimedKeys | null
}): AsyncGenerator<ExportLine> {
  const path = join(dataDir, 'log.db')
  if (!existsSync(path)) throw new Error(`no log database at ${path}`)
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'log_id'").get() as
      | { value: string }
      | undefined
    if (stored && stored.value.toLowerCase() !== logId.toLowerCase())
      throw new Error(`${path} holds log ${stored.value}, not ${logId}`)
    const entries = db.prepare(
      'SELECT seq, trace_id, leaf_hash, mtl, receipt_timestamp, receipt_signature FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?',
    )
    const checkpoints = db.prepare(
      'SELECT epoch, tree_size, root_hash, timestamp, signature FROM checkpoints WHERE epoch >= ? ORDER BY epoch LIMIT ?',
    )
    const anchors = db.prepare(
      'SELECT chain_id, registry, tx_hash, block_number, status FROM anchors WHERE epoch = ? ORDER BY chain_id',
    )
    yield {
      type: 'header',
      v: EXPORT_VERSION,
      log_id: logId,
      log: keys,
      source: `data directory ${dataDir}`,
      created: new Date().toISOString(),
    }
    // One read transaction for the whole export: entries and checkpoints of one moment.
    db.prepare('BEGIN').run()
    let nextEpoch = 1
    let queue: CheckpointRow[] = []
    const refill = () => {
      if (queue.length > 0) return
      queue = checkpoints.all(nextEpoch, 1000) as CheckpointRow[]
      if (queue.length > 0) nextEpoch = (queue.at(-1) as CheckpointRow).epoch + 1
    }
    const checkpointLine = (c: CheckpointRow): ExportLine => ({
      type: 'checkpoint',
      checkpoint: {
        logId,
        epoch: c.epoch,
        treeSize: c.tree_size,
        rootHash: bytesToHex(c.root_hash),
        timestamp: c.timestamp,
      },
      signature: bytesToHex(c.signature),
      anchors: (anchors.all(c.epoch) as AnchorRow[]).map((a) => ({
        chainId: a.chain_id,
        registry: a.registry as Hex,
        status: a.status,
        txHash: a.tx_hash ? bytesToHex(a.tx_hash) : null,
        blockNumber: a.block_number,
      })),
    })
    let written = 0
    const due = function* () {
      for (;;) {
        refill()
        const c = queue[0]
        if (!c || c.tree_size > written) return
        queue.shift()
        yield checkpointLine(c)
      }
    }
    yield* due()
    for (;;) {
      const rows = entries.all(written, PAGE) as EntryRow[]
      for (const r of rows) {
        const leafHash = bytesToHex(r.leaf_hash)
        yield {
          type: 'entry',
          seq: r.seq,
          trace_id: r.trace_id,
          leaf_hash: leafHash,
          mtl: JSON.parse(r.mtl) as Record<string, unknown>,
          receipt: {
            v: RECEIPT_VERSION,
            logId,
            traceId: r.trace_id,
            seq: r.seq,
            leafHash,
            timestamp: r.receipt_timestamp,
            signature: bytesToHex(r.receipt_signature),
          },
        }
        written++
        yield* due()
      }
      if (rows.length < PAGE) break
    }
    for (;;) {
      refill()
      const c = queue.shift()
      if (!c) break
      yield checkpointLine(c)
    }
    db.prepare('COMMIT').run()
  } finally {
    db.close()
  }
}

/**
 * The receipt-key handovers a data directory's log recorded (none in a log that never rotated its
 * receipt key, or whose database predates them), read without writing to the database.
 *
 * @example readReceiptHandovers('data') // [{ period: 1, fromSeq: 1200, epoch: 41 }]
 */
export function readReceiptHandovers(dataDir: string): ReceiptHandover[] {
  const path = join(dataDir, 'log.db')
  if (!existsSync(path)) throw new Error(`no log database at ${path}`)
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'receipt_handovers'")
      .get()
    if (!table) return []
    return (
      db.prepare('SELECT period, from_seq, epoch FROM receipt_handovers ORDER BY period').all() as {
        period: number
        from_seq: number
        epoch: number
      }[]
    ).map((r) => ({ period: r.period, fromSeq: r.from_seq, epoch: r.epoch }))
  } finally {
    db.close()
  }
}
