// The commit worker's steps for one decision record, timed one by one on a quiet thread (part of
// `npm run bench:gateway`): what the record of a decision costs wherever it is sealed, so that
// the HTTP figures can be read against a floor (gateway/README.md, "Benchmark").
import { hash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalize, type Hex, RECEIPT_VERSION } from '@tml/core'
import { createReceiptSigner } from '../gateway/src/keys/createReceiptSigner.ts'
import type { PlacedRecord } from '../gateway/src/memory/Committer.ts'
import type { StoredEntry } from '../gateway/src/memory/LogStore.ts'
import { receiptText } from '../gateway/src/memory/receiptText.ts'
import { SqliteLogStore } from '../gateway/src/memory/SqliteLogStore.ts'
import { sealRecord } from '../gateway/src/memory/sealRecord.ts'
import type { Gateway } from '../gateway/src/service/createGateway.ts'
import { median } from './stats.ts'

/** The gateway's receipt signer: node:crypto (OpenSSL) ECDSA P-256, normalized to low s. */
export const RECEIPT_SIGNER = 'openssl-p256'

/** Records per commit in the breakdown: about the group commit the HTTP run reaches. */
const BATCH = 25

/** Microseconds per record of each step (medians of 5 timed repetitions). */
export type CostBreakdown = {
  /** OpenSSL P-256 signature (SHA-256, low s) of one receipt. */
  receiptSign: number
  /** RFC 8785 text of a decision MTL and its RFC 9162 leaf hash. */
  canonicalMtlAndLeafHash: number
  /** The whole seal: evidence hash, anonymous pseudonym (HMAC), canonical text, leaf hash, receipt. */
  sealRecord: number
  /**
   * The store's append of sealed rows, 25 per transaction (WAL, synchronous FULL): the insert
   * and a 25th of one fsync (`durableWriteFloorMs` beside it is one commit of one row).
   */
  durableAppendPerRow: number
  /** Receipt signer in use (`openssl-p256`). */
  signer: string
}

/**
 * Times each step of a decision record as the commit worker runs it, on a record made by a real
 * decision (general profile, the benchmark's body) of a gateway that `start` opens in a directory.
 */
export async function costBreakdown({
  quick,
  start,
}: {
  quick: boolean
  start: (dir: string) => Promise<Gateway>
}): Promise<CostBreakdown> {
  const dir = mkdtempSync(join(tmpdir(), 'tml-bench-costs-'))
  try {
    const gateway = await start(dir)
    const input = { text: 'hello' }
    const signals = { confidence: 0.99, harm: 0.01 }
    const answer = await gateway.service.decide({
      input: { profile: 'general', input, signals },
      caller: 'bench',
    })
    const stored = await gateway.memory.store.entryBySeq(answer.seq ?? 0)
    await gateway.close()
    if (!stored) throw new Error('the decision was not stored')
    const full = JSON.parse(stored.mtl) as PlacedRecord['mtl']
    const { input_hash: _i, output_hash: _o, subject: _s, ...draft } = full
    const signer = createReceiptSigner(randomBytes(32))
    const record = (seq: number): PlacedRecord => ({
      mtl: {
        ...draft,
        seq,
        trace_id: `${String(seq).padStart(8, '0')}-0000-7000-8000-000000000000`,
      },
      evidence: {
        input: canonicalize({ context: {}, input, signals }),
        output: null,
        pseudonym: null,
        secret: randomBytes(32).toString('hex'),
      },
      receiptTimestamp: new Date().toISOString(),
      profile: 'general',
      pauseDeadlineMs: null,
    })
    const n = quick ? 2_000 : 10_000
    const text = receiptText({
      v: RECEIPT_VERSION,
      logId: full.log_id,
      traceId: full.trace_id,
      seq: 1,
      leafHash: stored.leafHash,
      timestamp: stored.receipt.timestamp,
    })
    if (text === undefined) throw new Error('the stored receipt has no plain RFC 8785 text')
    const receiptBytes = Buffer.from(text)
    const records = Array.from({ length: 64 }, (_, i) => record(i))
    const seal = (i: number) => sealRecord({ record: records[i % 64] as PlacedRecord, signer })
    return {
      receiptSign: perCall(n, () => signer.signBytes(receiptBytes)),
      canonicalMtlAndLeafHash: perCall(n, () =>
        hash('sha256', `\u0000${canonicalize({ ...full, seq: 1 })}`, 'hex'),
      ),
      sealRecord: perCall(n, seal),
      durableAppendPerRow: appendPerRow(dir, full.log_id, record, signer, quick),
      signer: RECEIPT_SIGNER,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Median over 5 repetitions of the µs per call of `f`, after a warm-up. */
function perCall(n: number, f: (i: number) => unknown): number {
  for (let i = 0; i < n / 4; i++) f(i)
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) f(i)
    runs.push(((performance.now() - t0) * 1000) / n)
  }
  return round2(median(runs))
}

function appendPerRow(
  dir: string,
  logId: Hex,
  record: (seq: number) => PlacedRecord,
  signer: ReturnType<typeof createReceiptSigner>,
  quick: boolean,
): number {
  const store = SqliteLogStore.open({ path: join(dir, 'append.db'), logId })
  const batches = quick ? 80 : 400
  // Sealed beforehand: only the append is timed.
  const sealed: StoredEntry[][] = []
  for (let b = 0; b < batches + 40; b++) {
    sealed.push(
      Array.from(
        { length: BATCH },
        (_, i) => sealRecord({ record: record(b * BATCH + i), signer }).entry,
      ),
    )
  }
  const append = (b: number) =>
    store.appendSync({ entries: sealed[b] as StoredEntry[], subjectKeys: [], erasedLookups: [] })
  for (let b = 0; b < 40; b++) append(b)
  const t0 = performance.now()
  for (let b = 40; b < batches + 40; b++) append(b)
  const us = ((performance.now() - t0) * 1000) / (batches * BATCH)
  void store.close()
  return round2(us)
}

const round2 = (x: number) => Math.round(x * 100) / 100
