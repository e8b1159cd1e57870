import { BaseError, type CheckpointJson, type Hex, type SignedReceipt } from '@tml/core'

/** The format version a `tml export` file names in its header line. */
export const EXPORT_VERSION = 'tml-export/2' as const

/** A receipt key of the log and the first sequence number whose receipt it signs. */
export type ClaimedReceiptKey = { fromSeq: number; publicKey: Hex }

/**
 * The keys the operator claims for its log (public halves); an auditor checks them on chain.
 * `receiptPublicKey` signs the next receipts; `receiptKeys`, when given, is every receipt key the
 * log used, in order (a log that rotated its receipt key; see `tml keys rotate`).
 */
export type ClaimedKeys = {
  checkpointSigner: Hex
  receiptPublicKey: Hex
  receiptKeys?: ClaimedReceiptKey[] | undefined
}

/** First line of an export: what the file is and which log it holds. */
export type ExportHeader = {
  type: 'header'
  v: typeof EXPORT_VERSION
  log_id: Hex
  /** The keys the log claimed when exported; null when the source did not say. */
  log: ClaimedKeys | null
  /** Where the lines came from: the gateway's API (its URL) or a data directory. */
  source: string
  /** When the export started (RFC 3339). */
  created: string
}

/** One MTL with its receipt, as the log serves it. */
export type ExportEntry = {
  type: 'entry'
  seq: number
  trace_id: string
  leaf_hash: Hex
  mtl: Record<string, unknown>
  receipt: SignedReceipt
}

/** One anchor of a checkpoint as the operator reports it (informative: auditors read chains). */
export type ServedAnchor = {
  chainId: number
  registry: Hex
  status: string
  txHash: Hex | null
  blockNumber: number | null
}

/** One signed checkpoint with the anchors the operator reports. */
export type ExportCheckpoint = {
  type: 'checkpoint'
  checkpoint: CheckpointJson
  signature: Hex
  anchors: ServedAnchor[]
}

export type ExportLine = ExportHeader | ExportEntry | ExportCheckpoint

/**
 * A line of an export file that is not one of its three kinds, or is out of place. `line` is
 * 1-based, as editors number lines.
 *
 * @example
 * new ExportFormatError('not JSON', { line: 12 })
 */
export class ExportFormatError extends BaseError {
  override name = 'ExportFormatError' as const
  readonly line: number
  constructor(shortMessage: string, { line }: { line: number }) {
    super(`line ${line}: ${shortMessage}`)
    this.line = line
  }
}

/**
 * The text of one export line (no newline). Entries keep their MTL as the object given, so the
 * leaf hash an auditor recomputes (RFC 8785 of the MTL) is unchanged by the round trip.
 *
 * @example
 * out.write(`${exportLineText({ type: 'entry', seq, trace_id, leaf_hash, mtl, receipt })}\n`)
 */
export function exportLineText(line: ExportLine): string {
  if (line.type === 'entry') {
    // Fixed member order: one entry per line whatever order the source used.
    const { seq, trace_id, leaf_hash, mtl, receipt } = line
    return JSON.stringify({ type: 'entry', seq, trace_id, leaf_hash, mtl, receipt })
  }
  return JSON.stringify(line)
}

/**
 * Parses one line of a `tml export` file: a JSON object whose `type` is `header`, `entry` or
 * `checkpoint`. Only the shape that later checks rely on is checked here (numbers, hex, nested
 * objects); the content is the auditor's business.
 *
 * @throws {ExportFormatError} naming the line and what is wrong with it.
 * @example
 * parseExportLine('{"type":"checkpoint","checkpoint":{…},"signature":"0x…","anchors":[]}', 3)
 */
export function parseExportLine(text: string, line: number): ExportLine {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new ExportFormatError(`not JSON (${(e as Error).message})`, { line })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ExportFormatError('not a JSON object', { line })
  const o = value as Record<string, unknown>
  const bad = (what: string) => new ExportFormatError(what, { line })
  switch (o.type) {
    case 'header':
      if (o.v !== EXPORT_VERSION) throw bad(`header names ${String(o.v)}, not ${EXPORT_VERSION}`)
      if (!isHex32(o.log_id)) throw bad('header: log_id is not 32 bytes of hex')
      if (o.log !== null && o.log !== undefined) {
        const problem = claimedKeysProblem(o.log)
        if (problem) throw bad(`header: log.${problem}`)
      }
      return o as ExportHeader
    case 'entry':
      if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 0)
        throw bad('entry: seq is not a non-negative integer')
      if (typeof o.mtl !== 'object' || o.mtl === null || Array.isArray(o.mtl))
        throw bad(`entry ${o.seq}: mtl is not an object`)
      if (typeof o.receipt !== 'object' || o.receipt === null)
        throw bad(`entry ${o.seq}: receipt is not an object`)
      return o as ExportEntry
    case 'checkpoint': {
      const c = o.checkpoint as Record<string, unknown> | null
      if (typeof c !== 'object' || c === null) throw bad('checkpoint: no checkpoint object')
      for (const k of ['epoch', 'treeSize', 'timestamp'])
        if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 0)
          throw bad(`checkpoint: ${k} is not a non-negative integer`)
      if (!isHex32(c.rootHash)) throw bad('checkpoint: rootHash is not 32 bytes of hex')
      if (typeof o.signature !== 'string') throw bad('checkpoint: no signature')
      if (!Array.isArray(o.anchors)) throw bad('checkpoint: anchors is not a list')
      return o as ExportCheckpoint
    }
    default:
      throw bad(`unknown line type ${JSON.stringify(o.type)} (header, entry or checkpoint)`)
  }
}

function isHex32(v: unknown): v is Hex {
  return typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v)
}

/** At most this many receipt keys in a claim (a rotation a day for almost three years). */
const MAX_RECEIPT_KEYS = 1024

// What is wrong with a claimed key set from an export header (untrusted), or undefined.
function claimedKeysProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object'
  const v = value as Record<string, unknown>
  if (typeof v.checkpointSigner !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v.checkpointSigner))
    return 'checkpointSigner is not an address'
  if (!isP256Key(v.receiptPublicKey)) return 'receiptPublicKey is not a 65-byte 0x04 key'
  if (v.receiptKeys === undefined) return undefined
  if (!Array.isArray(v.receiptKeys) || v.receiptKeys.length > MAX_RECEIPT_KEYS)
    return `receiptKeys is not a list of at most ${MAX_RECEIPT_KEYS}`
  let last = -1
  for (const [i, k] of (v.receiptKeys as unknown[]).entries()) {
    const key = k as Record<string, unknown> | null
    const fromSeq = key?.fromSeq
    if (!Number.isSafeInteger(fromSeq) || (fromSeq as number) < 0)
      return `receiptKeys[${i}].fromSeq is not a non-negative integer`
    if (i === 0 ? fromSeq !== 0 : (fromSeq as number) < last)
      return `receiptKeys[${i}].fromSeq ${fromSeq} is out of order (the first key starts at 0)`
    if (!isP256Key(key?.publicKey)) return `receiptKeys[${i}].publicKey is not a 65-byte 0x04 key`
    last = fromSeq as number
  }
  return undefined
}

function isP256Key(value: unknown): boolean {
  return typeof value === 'string' && /^0x04[0-9a-fA-F]{128}$/.test(value)
}
