import { getRandomValues, hash } from 'node:crypto'
import { accessRecordProblems, type Hex, type SignedReceipt } from '@tml/core'
import {
  type ExportEntry,
  ExportFormatError,
  type ExportLine,
  parseExportLine,
} from './exportFormat.ts'
import { parsedCanonicalText } from './parsedCanonicalText.ts'

/** `CheckedLines.order` of an entry line. */
export const ENTRY = -1
/**
 * `CheckedLines.order` of a line with nothing to replay: blank, or not a valid export line (then
 * reported in `problems`).
 */
export const NO_LINE = -2

/** One problem found in one line. */
export type LineProblem = { kind: string; message: string }

/** What the pause rules need of an entry: pauses and resolutions only (few of all entries). */
export type PauseFact =
  | {
      index: number
      type: 'pause'
      traceId: string
      seq: number
      timestamp: string
      policyHash: Hex
      leafHash: Hex
    }
  | { index: number; type: 'resolution'; seq: number; mtl: Record<string, unknown> }

/**
 * What a batch of lines holds once checked. Entry lines become compact facts (their leaf hashes
 * packed in one buffer, so a worker hands them over without copying); headers and checkpoints,
 * rare, are passed on parsed; `order` lets the caller replay them in file order.
 */
export type CheckedLines = {
  /**
   * Per line: {@link ENTRY} for an entry (the next one in `seqs`/`leaves`), {@link NO_LINE}
   * for a blank or invalid line, otherwise an index in `others`.
   */
  order: Int32Array
  seqs: Float64Array
  /** 32 bytes per entry, in order. */
  leaves: Uint8Array
  /** Receipt issue time of each entry, Unix seconds (NaN when unreadable). */
  issued: Float64Array
  others: ExportLine[]
  /** Problems, each with the index (in entries) of the entry it concerns, or -1. */
  problems: (LineProblem & { entry: number })[]
  pauses: PauseFact[]
  /** Receipt signatures verified in this batch. */
  signaturesChecked: number
}

/**
 * Which receipt signatures a check verifies besides those a finding can rest on (see
 * {@link checkEntryLines}): each other receipt with probability `rate`, drawn from `random`
 * (default: the operating system's CSPRNG, so that the operator cannot know which ones).
 */
export type ReceiptSample = { rate: number; random?: (() => number) | undefined }

/**
 * Checks the entry lines of a `tml export` stream on their own (no other line needed): the MTL
 * hashes (RFC 8785, RFC 9162 leaf) to the served leaf hash and to the receipt's, MTL and receipt
 * name the entry's seq and the log, and the receipt's signature holds (`verifyReceipt`, when a
 * receipt key is given). Pure apart from hashing and, when sampling, drawing random numbers: it
 * runs on worker threads as well as inline. `firstLine` is the 1-based number of `lines[0]` in
 * the file, for messages.
 *
 * Without `sample`, every receipt's signature is verified. With it, the signatures verified are
 * those a finding can rest on, the earliest-issued receipt of each run of entries between two
 * other lines (the audit's promise check compares the earliest receipt since the last checkpoint
 * with the next checkpoint, and that receipt is one of these; verified as each new earliest
 * appears, in one pass), and a random share of the others.
 * Every receipt's binding to its entry (leaf hash, seq, trace id, log) is checked either way.
 *
 * @example
 * const checked = checkEntryLines({ lines, firstLine: 2, logId, verifyReceipt })
 */
export function checkEntryLines({
  lines,
  firstLine,
  logId,
  verifyReceipt,
  sample,
}: {
  lines: readonly string[]
  firstLine: number
  logId: Hex
  verifyReceipt: ((receipt: SignedReceipt) => boolean) | undefined
  sample?: ReceiptSample | undefined
}): CheckedLines {
  const order = new Int32Array(lines.length)
  const seqs: number[] = []
  const leaves = new Uint8Array(32 * lines.length)
  const issued: number[] = []
  const others: ExportLine[] = []
  const problems: CheckedLines['problems'] = []
  const pauses: PauseFact[] = []
  const draws = sample && !sample.random ? randomFractions(lines.length) : undefined
  let signaturesChecked = 0
  // The earliest receipt time of the current run of entries (runs end at checkpoint and header
  // lines, where the audit's promise check starts over). A receipt earlier than every one before
  // it in its run has its signature verified at once: the run's earliest is then always among
  // the verified (in time order, only the run's first is).
  let runEarliest = Number.POSITIVE_INFINITY
  for (const [i, text] of lines.entries()) {
    if (text.length === 0 || text === '\r') {
      order[i] = NO_LINE
      continue
    }
    let line: ExportLine
    try {
      line = parseExportLine(text, firstLine + i)
    } catch (e) {
      if (!(e instanceof ExportFormatError)) throw e
      problems.push({ entry: -1, kind: 'format', message: e.shortMessage })
      order[i] = NO_LINE
      continue
    }
    if (line.type !== 'entry') {
      order[i] = others.length
      others.push(line)
      runEarliest = Number.POSITIVE_INFINITY
      continue
    }
    order[i] = ENTRY
    const index = seqs.length
    const time = Date.parse(line.receipt?.timestamp ?? '') / 1000
    const earliest = time < runEarliest
    if (earliest) runEarliest = time
    const verifySignature =
      !sample ||
      earliest ||
      (draws ? (draws[i] as number) : (sample.random as () => number)()) < sample.rate
    const leaf = checkEntry(
      line,
      logId,
      verifySignature && verifyReceipt
        ? (r) => {
            signaturesChecked++
            return verifyReceipt(r)
          }
        : undefined,
      (kind, message) => problems.push({ entry: index, kind, message }),
    )
    if (!Number.isFinite(time))
      problems.push({
        entry: index,
        kind: 'receipt',
        message: `entry ${line.seq}: receipt time ${JSON.stringify(line.receipt?.timestamp)} is not a time (its promise cannot be checked)`,
      })
    leaves.set(leaf, 32 * index)
    seqs.push(line.seq)
    issued.push(time)
    const mtl = line.mtl
    if (mtl.kind === 'decision' && mtl.state === 0)
      pauses.push({
        index,
        type: 'pause',
        traceId: String(mtl.trace_id),
        seq: line.seq,
        timestamp: String(mtl.timestamp),
        policyHash: mtl.policy_hash as Hex,
        leafHash: hex(leaf),
      })
    else if (mtl.kind === 'resolution')
      pauses.push({ index, type: 'resolution', seq: line.seq, mtl })
  }
  return {
    order,
    seqs: Float64Array.from(seqs),
    leaves: leaves.slice(0, 32 * seqs.length),
    issued: Float64Array.from(issued),
    others,
    problems,
    pauses,
    signaturesChecked,
  }
}

/** `n` uniform fractions in [0, 1) from the CSPRNG, 32 bits each (one call per batch). */
function randomFractions(n: number): Float64Array {
  const words = getRandomValues(new Uint32Array(Math.max(n, 1)))
  return Float64Array.from(words, (w) => w / 2 ** 32)
}

/**
 * {@link checkEntryLines} over a batch of NDJSON bytes (whole lines, UTF-8): what a worker
 * thread receives, so that the lines are decoded where they are checked.
 *
 * @example
 * const checked = checkEntryBytes({ bytes, firstLine: 2, logId, verifyReceipt })
 */
export function checkEntryBytes({
  bytes,
  ...rest
}: Omit<Parameters<typeof checkEntryLines>[0], 'lines'> & { bytes: Uint8Array }): CheckedLines {
  const text = decoder.decode(bytes)
  const lines = text.split('\n')
  // The newline that ends the last line leaves an empty string after it: not a line.
  if (lines.at(-1) === '') lines.pop()
  return checkEntryLines({ lines, ...rest })
}

const decoder = new TextDecoder()

function checkEntry(
  e: ExportEntry,
  logId: Hex,
  verifyReceipt: ((receipt: SignedReceipt) => boolean) | undefined,
  problem: (kind: string, message: string) => void,
): Uint8Array {
  let leaf: Uint8Array
  try {
    leaf = leafHashOfText(parsedCanonicalText(e.mtl))
  } catch (error) {
    problem('mtl', `entry ${e.seq}: no canonical form (${(error as Error).message})`)
    return new Uint8Array(32)
  }
  const leafHex = hex(leaf)
  if (leafHex !== e.leaf_hash?.toLowerCase())
    problem('mtl', `entry ${e.seq}: MTL hashes to ${leafHex}, served leaf hash ${e.leaf_hash}`)
  if (e.mtl.seq !== e.seq || e.mtl.log_id !== logId)
    problem(
      'mtl',
      `entry ${e.seq}: MTL says seq ${String(e.mtl.seq)} of log ${String(e.mtl.log_id)}`,
    )
  if (e.mtl.kind === 'access')
    for (const p of accessRecordProblems(e.mtl)) problem('mtl', `entry ${e.seq}: ${p}`)
  const r = e.receipt
  if (r.leafHash?.toLowerCase() !== leafHex)
    problem('receipt', `entry ${e.seq}: receipt covers ${r.leafHash}, MTL hashes to ${leafHex}`)
  else if (r.seq !== e.seq || r.logId?.toLowerCase() !== logId || r.traceId !== e.mtl.trace_id)
    problem(
      'receipt',
      `entry ${e.seq}: receipt names seq ${r.seq}, trace ${r.traceId} of log ${r.logId}`,
    )
  else if (verifyReceipt && !verifyReceipt(r))
    problem('receipt', `entry ${e.seq}: receipt signature invalid`)
  return leaf
}

/**
 * RFC 9162 leaf hash of a canonical text: SHA-256(0x00 ‖ UTF-8 of the text), core's
 * `hashLeaf(canonicalBytes(mtl))`, in one native call (the string is encoded as UTF-8 by the
 * hash itself, with the 0x00 prefix as its first character).
 */
function leafHashOfText(text: string): Uint8Array {
  return hash('sha256', `\0${text}`, 'buffer')
}

function hex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}
