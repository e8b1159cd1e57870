// The entries of bench/audit.ts's synthetic `tml export` file, a range of sequence numbers at a
// time: run on worker threads (see `syntheticEntryWorker`), since signing a P-256 receipt per
// entry is most of the cost of writing ten million of them.
//
// Every entry is valid: a schema-valid mtl/1 record written as its RFC 8785 text (as the
// gateway stores and exports it), its RFC 9162 leaf hash, and a receipt signed with the log's
// receipt key. One decision in every thousand (seq % 1000 = 500) is a pause, and the next entry
// its timeout resolution.
import { hash } from 'node:crypto'
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { canonicalize, type Hex, RECEIPT_VERSION, validateMtl } from '../core/src/index.ts'
import { createReceiptSigner } from '../gateway/src/keys/createReceiptSigner.ts'
import { receiptText } from '../gateway/src/memory/receiptText.ts'

/** What every entry of one synthetic log shares. */
export type SyntheticLog = {
  logId: Hex
  /** The log's P-256 receipt key (32 bytes, hex). */
  receiptSeed: Hex
  /** Time of entry 0 (ms); entry n is `stepMs` × n later. */
  base: number
  stepMs: number
}

/** The lines of a range of entries and their leaf hashes (32 bytes each, in order). */
export type EntryRange = { text: string; leaves: Uint8Array }

const hex32 = (n: number, salt: number) =>
  `0x${n.toString(16).padStart(16, '0')}${salt.toString(16).padStart(8, '0')}${'5e'.repeat(20)}` as Hex
const uuid = (seq: number) => `00000000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`
const CAUSAL_GRAPH = [
  { id: 'input', inputs: [], kind: 'input' },
  { id: 'score', inputs: ['input'], kind: 'metric' },
  { id: 'rule', inputs: ['score'], kind: 'rule' },
]

/**
 * An MTL with its members already in RFC 8785 order, so that `JSON.stringify` writes its
 * canonical text (checked against `canonicalize` on the first entries of each kind).
 */
function mtlOf(log: SyntheticLog, seq: number, pauseLeaf: Hex | undefined) {
  const pause = seq % 1000 === 500
  const resolution = seq % 1000 === 501 && pauseLeaf !== undefined
  const proceed = !pause && !resolution
  return {
    causal_graph: CAUSAL_GRAPH,
    input_hash: hex32(seq, 1),
    kind: resolution ? 'resolution' : 'decision',
    log_id: log.logId,
    metrics: { confidence: 0.97, entropy: 0.113, harm_score: 0.02 },
    model: { id: 'model-a', version_hash: hex32(2, 7) },
    output_hash: proceed ? hex32(seq, 3) : null,
    policy_hash: hex32(1, 7),
    ...(resolution ? { refers_to: uuid(seq - 1) } : {}),
    ...(resolution
      ? {
          resolution: {
            arbiter: { id: 'gateway', kind: 'timeout' },
            decision: -1,
            pause_leaf_hash: pauseLeaf,
            rationale_hash: hex32(3, 7),
            signature: null,
          },
        }
      : {}),
    seq,
    state: proceed ? 1 : pause ? 0 : -1,
    subject: `psn:${hex32(seq, 2).slice(2)}`,
    timestamp: new Date(log.base + seq * log.stepMs).toISOString(),
    trace_id: uuid(seq),
    trigger_detail: proceed ? 'no trigger fired' : 'confidence 0.55 below 0.9',
    trigger_type: proceed ? 'NONE' : 'AMBIGUITY',
    v: 'mtl/1',
  }
}

/**
 * The export lines of entries `from` (a multiple of 1000, so that a pause and its resolution
 * fall in the same range) up to `to` (excluded), newline-terminated.
 *
 * @example
 * const { text, leaves } = entryRange(log, signer, 0, 5000)
 */
export function entryRange(
  log: SyntheticLog,
  signer: ReturnType<typeof createReceiptSigner>,
  from: number,
  to: number,
): EntryRange {
  if (from % 1000 !== 0) throw new RangeError(`a range starts at a multiple of 1000, not ${from}`)
  const leaves = new Uint8Array(32 * (to - from))
  let text = ''
  let pauseLeaf: Hex | undefined
  for (let seq = from; seq < to; seq++) {
    const mtl = mtlOf(log, seq, pauseLeaf)
    const mtlText = JSON.stringify(mtl)
    if (seq < 3 || (seq < 1000 && seq % 1000 >= 500 && seq % 1000 <= 501)) {
      const v = validateMtl(mtl)
      if (!v.valid) throw new Error(`synthetic MTL ${seq} invalid: ${JSON.stringify(v.issues)}`)
      if (canonicalize(mtl) !== mtlText) throw new Error(`synthetic MTL ${seq} is not canonical`)
    }
    // RFC 9162 leaf: SHA-256(0x00 ‖ UTF-8 of the canonical text).
    const leaf = hash('sha256', `\0${mtlText}`, 'buffer')
    leaves.set(leaf, 32 * (seq - from))
    const leafHash = `0x${leaf.toString('hex')}` as Hex
    if (seq % 1000 === 500) pauseLeaf = leafHash
    const receipt = {
      v: RECEIPT_VERSION,
      logId: log.logId,
      traceId: mtl.trace_id,
      seq,
      leafHash,
      timestamp: mtl.timestamp,
    }
    const signed = receiptText(receipt)
    if (signed === undefined) throw new Error(`receipt ${seq} is not plain text`)
    const signature = signer.signBytes(Buffer.from(signed, 'latin1'))
    text += `{"type":"entry","seq":${seq},"trace_id":"${mtl.trace_id}","leaf_hash":"${leafHash}","mtl":${mtlText},"receipt":${JSON.stringify({ ...receipt, signature })}}\n`
  }
  return { text, leaves }
}

/** On a worker thread: answers `{ id, from, to }` with the range's bytes and leaves. */
function syntheticEntryWorker() {
  const log = workerData as SyntheticLog
  const signer = createReceiptSigner(Buffer.from(log.receiptSeed.slice(2), 'hex'))
  const encoder = new TextEncoder()
  parentPort?.on('message', ({ id, from, to }: { id: number; from: number; to: number }) => {
    const { text, leaves } = entryRange(log, signer, from, to)
    const bytes = encoder.encode(text)
    parentPort?.postMessage({ id, bytes, leaves }, [
      bytes.buffer as ArrayBuffer,
      leaves.buffer as ArrayBuffer,
    ])
  })
}

if (!isMainThread && (workerData as { syntheticExport?: boolean })?.syntheticExport)
  syntheticEntryWorker()
