import {
  bytesToHex,
  type CheckpointJson,
  CompactTree,
  checkpointStructHash,
  type Hex,
  receiptKeyMatches,
  recoverCheckpointSigner,
} from '@tml/core'
import type { Address } from 'viem'
import { toCheckpoint } from '../anchoring/AnchorStore.ts'
import { type KeyPeriod, readKeyHistory } from '../cli/readKeyHistory.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import { batchLines } from './batchLines.ts'
import { type CheckedLines, ENTRY, NO_LINE, type PauseFact } from './checkEntryLines.ts'
import { EntryCheckPool } from './EntryCheckPool.ts'
import {
  type ClaimedKeys,
  type ClaimedReceiptKey,
  type ExportCheckpoint,
  ExportFormatError,
  parseExportLine,
} from './exportFormat.ts'
import { type PausePolicy, PauseRules } from './PauseRules.ts'
import type { ChainHead, PinnedChains } from './PinnedChains.ts'

/** One thing the audit found wrong. */
export type AuditProblem = { kind: string; message: string }

/** What `auditLog` found, for people (`tml audit`) and machines (`--json`). */
export type AuditReport = {
  logId: Hex
  source: string
  entries: number
  checkpoints: number
  /** Last epoch the log serves (0 for none). */
  lastEpoch: number
  chains: { chainId: number; registry: Address; head: ChainHead | null }[]
  pauses: { pauses: number; resolutions: number; open: number }
  /**
   * Receipt signatures verified: `all`, or `sample` (every one a finding can rest on, and
   * {@link RECEIPT_SAMPLE_RATE} of the others at random); every receipt's binding to its entry is
   * checked in both.
   */
  receiptSignatures: { mode: ReceiptSignatureMode; checked: number }
  /** How many problems were found; `problems` keeps the first {@link MAX_PROBLEMS_KEPT}. */
  problemCount: number
  problems: AuditProblem[]
  notes: string[]
}

/** Which receipt signatures an audit verifies (see {@link AuditReport.receiptSignatures}). */
export type ReceiptSignatureMode = 'all' | 'sample'

/**
 * The share of receipts, besides those a finding can rest on, whose signature a `sample` audit
 * verifies. The receipts of an operator's own export are its own statements, signed with its own
 * key: verifying them shows that its store is sound, not that it kept its promises (it could have
 * signed any of them again). A finding of the audit rests on a receipt only through its issue
 * time (a promise broken), and those receipts are always verified. One in a hundred at random
 * finds a store whose receipts are wrong in bulk; `all` verifies each (about 80 µs of CPU each).
 */
export const RECEIPT_SAMPLE_RATE = 0.01

/** Problems kept in a report: a log tampered everywhere has one per entry. */
export const MAX_PROBLEMS_KEPT = 1000
/** How long an epoch above every chain's head counts as on its way (s). */
const PENDING_S = 3600
/** Chain reads (checkpoint hashes) in flight at once. */
const CHAIN_READS = 64

export type AuditLogParameters = {
  /** The bytes of a `tml export` stream (NDJSON, header first), in chunks of any size. */
  bytes: AsyncIterable<Uint8Array>
  /** The registries the auditor pinned. */
  chains: PinnedChains
  /** The log the auditor means; the stream's header must name it (when given). */
  logId?: Hex | undefined
  /** One signer for the whole log instead of the key history. */
  signer?: Address | undefined
  /** The full P-256 receipt key instead of the one the log claims (checked on chain). */
  receiptKey?: Hex | undefined
  /** The maximum epoch interval instead of the one the chains hold. */
  maxEpochIntervalS?: number | undefined
  /** Policies the auditor trusts, by policy hash (lower case). */
  policies?: ReadonlyMap<string, PausePolicy>
  /** Checker threads, this one included (1: this thread alone). */
  threads: number
  /** Which receipt signatures to verify (default `sample`). */
  receipts?: ReceiptSignatureMode | undefined
  /** Called about once a second with the counts so far. */
  onProgress?: (p: { entries: number; checkpoints: number }) => void
  /** The current time in ms (tests). */
  now?: () => number
}

/**
 * Audits a log from its export lines against the chains: every MTL hashes to its served leaf
 * hash and receipt, receipts are signed by the log's receipt key, entries run 0, 1, 2… and epochs
 * 1, 2, 3… with a tree that never shrinks, every checkpoint root is recomputed (one compact tree,
 * streaming), every checkpoint is signed by the key of the period covering its epoch and its
 * EIP-712 struct hash equals what each pinned registry holds for the epoch (`checkpointHashAt`),
 * an epoch a chain anchored beyond the last one the log serves is a withheld epoch, every receipt
 * is honoured within the maximum epoch interval, and the pause rules ({@link PauseRules}) hold.
 * Memory stays bounded whatever the log's size: a few batches of lines (checked on worker
 * threads), the compact tree, open pauses.
 *
 * @example
 * const report = await auditLog({ bytes: createReadStream('log.ndjson'), chains, threads: 2 })
 * if (report.problemCount > 0) process.exitCode = 1
 */
export async function auditLog(p: AuditLogParameters): Promise<AuditReport> {
  const now = p.now ?? Date.now
  const problems: AuditProblem[] = []
  let problemCount = 0
  const problem = (kind: string, message: string) => {
    problemCount++
    if (problems.length < MAX_PROBLEMS_KEPT) problems.push({ kind, message })
  }
  const notes: string[] = []
  const note = (text: string) => notes.push(text)

  const batches = batchLines(p.bytes)[Symbol.asyncIterator]()
  const first = await batches.next()
  if (first.done) throw new ExportFormatError('empty: no header line', { line: 1 })
  const header = parseExportLine(new TextDecoder().decode(first.value.bytes).trimEnd(), 1)
  if (header.type !== 'header')
    throw new ExportFormatError(`the first line is a ${header.type}, not the header`, { line: 1 })
  const logId = header.log_id.toLowerCase() as Hex
  if (p.logId && p.logId.toLowerCase() !== logId)
    throw new ExportFormatError(`the export holds log ${logId}, not ${p.logId}`, { line: 1 })

  // The chains first: their heads are read before the log, so that a log growing while it is
  // audited cannot look like one that withholds epochs.
  const chainInfo = await Promise.all(
    p.chains.chains.map(async (c) => {
      try {
        return { ...c, head: await p.chains.head(c.chainId, logId) }
      } catch (e) {
        problem('chain', `chain ${c.chainId}: cannot read the registry (${short(e)})`)
        return { ...c, head: null }
      }
    }),
  )
  let maxInterval = p.maxEpochIntervalS
  if (maxInterval === undefined) {
    const intervals = new Set<number>()
    for (const c of chainInfo.filter((c) => c.head))
      intervals.add(await p.chains.maxEpochInterval(c.chainId, logId).catch(() => Number.NaN))
    const known = [...intervals].filter((n) => Number.isFinite(n) && n > 0)
    if (known.length > 1)
      problem('chain', `the chains hold different maximum epoch intervals: ${known.join(', ')} s`)
    maxInterval = known.length > 0 ? Math.min(...known) : 3600
    if (known.length === 0) note('maximum epoch interval: 3600 s (no chain holds the log)')
  }

  const keys = keyChecks({ logId, p, header: header.log, problem })
  const receiptMode = p.receipts ?? 'sample'
  const pool = new EntryCheckPool({
    threads: p.threads,
    logId,
    receiptKeys: keys.receiptKeys,
    sampleRate: receiptMode === 'sample' ? RECEIPT_SAMPLE_RATE : undefined,
  })
  let signaturesChecked = 0
  const pauses = new PauseRules({
    policies: p.policies ?? new Map(),
    problem,
    note,
    receiptKeyAt: keys.receiptKeys && receiptKeyAt(keys.receiptKeys),
  })
  const tree = new CompactTree({ hash: nodeSha256 })
  let entries = 0
  let checkpoints = 0
  let previous: CheckpointJson | undefined
  // The earliest receipt among the entries since the last checkpoint: the one its promise
  // binds most tightly.
  let earliest: { seq: number; issued: number } | undefined
  const anchoring = anchorChecks({ logId, chains: p.chains, chainInfo, problem, note, now })

  const onCheckpoint = async (served: ExportCheckpoint) => {
    const cp = served.checkpoint
    checkpoints++
    const expected = (previous?.epoch ?? 0) + 1
    if (cp.epoch !== expected)
      problem(
        'gap',
        cp.epoch > expected
          ? `epochs ${expected}…${cp.epoch - 1} missing (next served: ${cp.epoch})`
          : `epoch ${cp.epoch} served after epoch ${previous?.epoch}`,
      )
    if (previous && cp.treeSize < previous.treeSize)
      problem(
        'checkpoint',
        `epoch ${cp.epoch}: tree shrank from ${previous.treeSize} to ${cp.treeSize}`,
      )
    if (cp.treeSize > entries)
      problem(
        'checkpoint',
        `epoch ${cp.epoch}: size ${cp.treeSize} but only ${entries} entries served`,
      )
    else if (cp.treeSize < entries)
      problem(
        'format',
        `epoch ${cp.epoch} (size ${cp.treeSize}) comes after entry ${entries - 1}: a checkpoint follows the entry that completes its tree; its root is not checked`,
      )
    else {
      const root = bytesToHex(tree.root())
      if (root !== cp.rootHash.toLowerCase())
        problem('checkpoint', `epoch ${cp.epoch}: root ${cp.rootHash}, recomputed ${root}`)
    }
    if (earliest && cp.treeSize > earliest.seq) {
      const late = cp.timestamp - earliest.issued
      if (late > (maxInterval as number))
        problem(
          'promise',
          `entry ${earliest.seq}: first checkpointed (epoch ${cp.epoch}) ${Math.round(late)} s after its receipt, beyond the maximum epoch interval of ${maxInterval} s`,
        )
      earliest = undefined
    }
    await keys.checkCheckpoint(served)
    await anchoring.check(served)
    previous = cp
  }

  const replay = async (checked: CheckedLines) => {
    signaturesChecked += checked.signaturesChecked
    let e = 0
    let nextPause = 0
    let nextProblem = 0
    // The batch's problems in line order: an invalid line's where it stands, an entry's with it.
    const problemsUpTo = (entry: number) => {
      for (let x = checked.problems[nextProblem]; x && x.entry <= entry; ) {
        problem(x.kind, x.message)
        x = checked.problems[++nextProblem]
      }
    }
    for (const o of checked.order) {
      if (o === NO_LINE) continue
      if (o !== ENTRY) {
        problemsUpTo(e - 1)
        const line = checked.others[o]
        if (line?.type === 'checkpoint') await onCheckpoint(line)
        else problem('format', 'a second header line')
        continue
      }
      const seq = checked.seqs[e] as number
      if (seq !== entries) problem('gap', `entry ${entries} has seq ${seq}`)
      tree.append(checked.leaves.subarray(32 * e, 32 * e + 32))
      const issued = checked.issued[e] as number
      // A receipt without a readable time is a problem of its own (checkEntryLines); it must
      // not stand as the earliest, where it would hide every later receipt's promise.
      if (Number.isFinite(issued) && (!earliest || issued < earliest.issued))
        earliest = { seq, issued }
      problemsUpTo(e)
      while (checked.pauses[nextPause]?.index === e)
        await pauses.fact(checked.pauses[nextPause++] as PauseFact)
      entries++
      e++
    }
    problemsUpTo(Number.POSITIVE_INFINITY)
  }

  let lastProgress = now()
  const inFlight: Promise<CheckedLines>[] = []
  const maxInFlight = Math.max(2, p.threads * 2)
  try {
    for (;;) {
      const next = await batches.next()
      if (!next.done) inFlight.push(pool.check(next.value.bytes, next.value.firstLine))
      while (inFlight.length >= maxInFlight || (next.done && inFlight.length > 0)) {
        await replay(await (inFlight.shift() as Promise<CheckedLines>))
        if (p.onProgress && now() - lastProgress >= 1000) {
          lastProgress = now()
          p.onProgress({ entries, checkpoints })
        }
      }
      if (next.done) break
    }
  } finally {
    await pool.close()
  }
  await anchoring.finish(previous?.epoch ?? 0)
  const nowS = now() / 1000
  if (earliest && nowS - earliest.issued > maxInterval)
    problem(
      'promise',
      `entry ${earliest.seq}: in no checkpoint ${Math.round(nowS - earliest.issued)} s after its receipt (maximum epoch interval ${maxInterval} s)`,
    )
  pauses.finish((previous?.timestamp ?? 0) * 1000)
  p.onProgress?.({ entries, checkpoints })
  if (problemCount > problems.length)
    note(
      `${problemCount - problems.length} more problems not listed (the first ${MAX_PROBLEMS_KEPT} are)`,
    )
  return {
    logId,
    source: header.source,
    entries,
    checkpoints,
    lastEpoch: previous?.epoch ?? 0,
    chains: chainInfo.map((c) => ({ chainId: c.chainId, registry: c.registry, head: c.head })),
    pauses: { pauses: pauses.pauses, resolutions: pauses.resolutions, open: pauses.open },
    receiptSignatures: { mode: receiptMode, checked: signaturesChecked },
    problemCount,
    problems,
    notes,
  }
}

/**
 * Signatures against the key history: each checkpoint's signer is the key of the period covering
 * its epoch, read from every pinned chain (they must agree; `readKeyHistory`). Receipts are
 * checked with the key that signed their sequence number (the log's claimed receipt keys, each
 * from its first seq), and each such key must be the receipt key of a period that began at or
 * before the epoch holding those receipts (the chain's rule for broken promises: a receipt key
 * answers from its period's first epoch on). `--signer` and `--receipt-key` replace the history.
 * A failure is one problem, not one per epoch.
 */
function keyChecks({
  logId,
  p,
  header,
  problem,
}: {
  logId: Hex
  p: AuditLogParameters
  header: ClaimedKeys | null
  problem: (kind: string, message: string) => void
}) {
  const receiptKeys: ClaimedReceiptKey[] | undefined = p.receiptKey
    ? [{ fromSeq: 0, publicKey: p.receiptKey }]
    : header?.receiptKeys && header.receiptKeys.length > 0
      ? header.receiptKeys
      : header?.receiptPublicKey
        ? [{ fromSeq: 0, publicKey: header.receiptPublicKey }]
        : undefined
  if (!receiptKeys)
    problem('keys', 'no receipt public key to check receipts against (the log claims none)')
  const keysAt =
    p.chains.chains.length > 0 ? readKeyHistory({ logId, chains: p.chains.chains }) : undefined
  const reported = new Set<string>()
  const once = (kind: string, message: string) => {
    if (reported.has(message)) return
    reported.add(message)
    problem(kind, message)
  }
  // Receipt key commitments of the periods met so far: those that began at or before the epoch
  // being checked (checkpoints come in epoch order).
  const begun = new Set<string>()
  let historyFailed = false
  let previousSize = 0
  return {
    receiptKeys,
    checkCheckpoint: async (served: ExportCheckpoint) => {
      const cp = served.checkpoint
      const from = previousSize
      previousSize = Math.max(previousSize, cp.treeSize)
      let period: KeyPeriod | undefined
      if (keysAt && !historyFailed && (p.signer === undefined || p.receiptKey === undefined)) {
        try {
          period = await keysAt(BigInt(cp.epoch))
          for (const u of period.unread) once('chain', `key history: ${u}`)
        } catch (e) {
          // One problem, not one per epoch: the signatures are then checked against nothing.
          historyFailed = true
          problem('keys', `${short(e)} (checkpoint signatures not checked)`)
        }
      }
      if (period) begun.add(period.receiptKeyCommitment.toLowerCase())
      if (period && p.receiptKey === undefined && receiptKeys) {
        // The keys that signed this epoch's receipts (seqs from..treeSize-1).
        for (const [i, key] of receiptKeys.entries()) {
          const until = receiptKeys[i + 1]?.fromSeq ?? Number.POSITIVE_INFINITY
          if (key.fromSeq >= cp.treeSize || until <= from) continue
          const matches = [...begun].some((commitment) =>
            receiptKeyMatches({ publicKey: key.publicKey, commitment: commitment as Hex }),
          )
          if (!matches)
            once(
              'keys',
              `receipt key ${key.publicKey} (from seq ${key.fromSeq}) signs receipts of epoch ${cp.epoch}, but no key period that began by then has it (epoch ${cp.epoch} is key period ${period.index}'s, receipt key ${period.receiptKeyCommitment}, chains ${period.chainIds.join(', ')})`,
            )
        }
      }
      const signer = p.signer ?? period?.checkpointSigner
      if (!signer) return
      try {
        const by = await recoverCheckpointSigner({
          checkpoint: toCheckpoint(logId, cp),
          signature: served.signature,
        })
        if (by.toLowerCase() !== signer.toLowerCase())
          problem(
            'signature',
            `epoch ${cp.epoch}: signed by ${by}, not ${signer}${period ? ` (key period ${period.index})` : ''}`,
          )
      } catch (error) {
        problem('signature', `epoch ${cp.epoch}: bad signature (${short(error)})`)
      }
    },
  }
}

/**
 * Anchors on the pinned chains: each served checkpoint's struct hash against what each registry
 * holds for its epoch (reads run in the background, a bounded number at once), and, at the end,
 * each chain's head against the last epoch the log serves.
 */
function anchorChecks({
  logId,
  chains,
  chainInfo,
  problem,
  note,
  now,
}: {
  logId: Hex
  chains: PinnedChains
  chainInfo: { chainId: number; head: ChainHead | null }[]
  problem: (kind: string, message: string) => void
  note: (text: string) => void
  now: () => number
}) {
  const readable = chainInfo.filter((c) => c.head !== null)
  const running = new Set<Promise<void>>()
  const skipped = new Map<number, { count: number; first: number }>()
  let unanchored = 0
  const checkOne = async (served: ExportCheckpoint) => {
    const cp = served.checkpoint
    const hash = checkpointStructHash(toCheckpoint(logId, cp))
    let anchored = 0
    let unreadable = 0
    await Promise.all(
      readable.map(async (c) => {
        try {
          const onChain = await chains.checkpointHashAt(c.chainId, logId, cp.epoch)
          if (onChain === null) {
            if (cp.epoch <= (c.head?.epoch ?? 0)) {
              const s = skipped.get(c.chainId) ?? { count: 0, first: cp.epoch }
              s.count++
              skipped.set(c.chainId, s)
            }
          } else if (onChain.toLowerCase() !== hash) {
            problem(
              'anchor',
              `epoch ${cp.epoch}: chain ${c.chainId} holds checkpoint hash ${onChain}, the log serves one hashing to ${hash} (root ${cp.rootHash}, tree size ${cp.treeSize})`,
            )
          } else anchored++
        } catch (e) {
          unreadable++
          problem('chain', `epoch ${cp.epoch}: chain ${c.chainId} unreadable (${short(e)})`)
        }
      }),
    )
    if (anchored === 0 && unreadable === 0 && readable.length > 0) {
      const age = now() / 1000 - cp.timestamp
      // Above every chain's head an epoch may still be on its way, unless it is old; below a
      // head, every chain skipped it (allowed: a later anchored root covers its entries).
      if (readable.some((c) => cp.epoch <= (c.head?.epoch ?? 0))) unanchored++
      else if (age < PENDING_S)
        note(`epoch ${cp.epoch}: not anchored yet (signed ${Math.round(age)} s ago)`)
      else
        problem(
          'anchor',
          `epoch ${cp.epoch}: anchored on none of the chains given, ${Math.round(age)} s after it was signed`,
        )
    }
  }
  return {
    check: async (served: ExportCheckpoint) => {
      while (running.size >= CHAIN_READS) await Promise.race(running)
      const task = checkOne(served).finally(() => running.delete(task))
      running.add(task)
    },
    finish: async (lastEpoch: number) => {
      await Promise.all(running)
      for (const [chainId, s] of skipped)
        note(
          `chain ${chainId}: ${s.count} epoch${s.count === 1 ? '' : 's'} not anchored there (skipped; first: ${s.first})`,
        )
      if (unanchored > 0)
        note(
          `${unanchored} epoch${unanchored === 1 ? '' : 's'} anchored on none of the chains (skipped; later anchored epochs cover their entries)`,
        )
      for (const c of readable) {
        const head = c.head as ChainHead
        if (head.epoch > lastEpoch)
          problem(
            'withheld',
            `chain ${c.chainId} holds epoch ${head.epoch} (tree size ${head.treeSize}, root ${head.rootHash}), but the log serves epochs only up to ${lastEpoch}: epoch${head.epoch === lastEpoch + 1 ? ` ${head.epoch}` : `s ${lastEpoch + 1}…${head.epoch}`} withheld`,
          )
      }
    },
  }
}

function short(e: unknown): string {
  return (e as Error).message.split('\n')[0] ?? String(e)
}

/** The receipt key of a seq: the last claimed key whose `fromSeq` is at or below it. */
function receiptKeyAt(keys: readonly ClaimedReceiptKey[]): (seq: number) => Hex | undefined {
  return (seq) => {
    let key: Hex | undefined
    for (const k of keys) if (k.fromSeq <= seq) key = k.publicKey
    return key
  }
}
