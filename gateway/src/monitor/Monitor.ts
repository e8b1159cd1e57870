import {
  bytesToHex,
  type Checkpoint,
  checkpointRegistryAbi,
  checkpointToJson,
  FORK_EVIDENCE_VERSION,
  type ForkEvidence,
  type ForkEvidenceKind,
  type ForkEvidenceLeaf,
  type Hex,
  hexToBytes,
  parseNote,
  parseTlogCheckpoint,
  recoverCheckpointSigner,
  type SignedReceipt,
  verifyConsistency,
} from '@tml/core'
import { apiGetter } from '../audit/readApiLog.ts'
import { CheckpointBook, type Contradiction, type SeenCheckpoint } from './CheckpointBook.ts'
import { checkReceipt } from './checkReceipt.ts'
import type { ChainReport, Finding, FindingKind } from './Finding.ts'
import {
  GATEWAY_TIMEOUT_MS,
  type GatewayClient,
  type PublishedCheckpoint,
} from './gatewayClient.ts'
import { type EntrySource, LeafMirror } from './LeafMirror.ts'
import type { MonitorMetrics } from './MonitorMetrics.ts'
import type { PinnedChain } from './PinnedChain.ts'
import { proveInconsistency } from './proveInconsistency.ts'
import { readChainAnchors } from './readChainAnchors.ts'
import { type KeyPeriod, periodIndexOf, readKeyPeriods } from './readKeyPeriods.ts'
import { signedArg, submitReport } from './submitReport.ts'

/** Checkpoints asked from a gateway per request (its page limit). */
export const GATEWAY_PAGE = 1000

/** A receipt the monitor holds the log to, and where it came from. */
export type WatchedReceipt = { receipt: SignedReceipt; source: string }

/**
 * A log to watch: its id, the gateways that publish it (none: the chains only) and receipts of
 * it whose promises the monitor checks (see `checkReceipt`).
 */
export type WatchedLog = { logId: Hex; gateways: GatewayClient[]; receipts?: WatchedReceipt[] }

export type MonitorParameters = {
  chains: readonly PinnedChain[]
  logs: readonly WatchedLog[]
  metrics: MonitorMetrics
  /** First block to read anchors from on every chain (default 0). */
  fromBlock?: bigint
  /**
   * Mirror each log's leaf hashes in `dir` (see {@link LeafMirror}), read from its gateways'
   * entries route with `apiKey` (an auditor's): what proves an `inconsistent` finding on chain.
   */
  mirror?: { dir: string; apiKey: string }
  /** Called once per finding, after its proof was submitted. */
  onFinding: (finding: Finding) => Promise<void> | void
  /** Progress and source errors, for stderr. */
  onNotice?: (line: string) => void
}

/** Rounds at most between two tries to prove an `inconsistent` pair whose leaves were missing. */
const MAX_RETRY_ROUNDS = 64

/**
 * An `inconsistent` pair reported without its proof because a tree's leaves could not be had:
 * tried again in round `nextRound`, then after twice as many rounds each time (at most
 * {@link MAX_RETRY_ROUNDS}), since every try reads whole trees from the gateways.
 */
type Unproven = {
  key: string
  older: SeenCheckpoint
  newer: SeenCheckpoint
  consistencyProof: Hex[]
  nextRound: number
  wait: number
}

type LogState = WatchedLog & {
  book: CheckpointBook
  nextBlock: Map<number, bigint>
  nextEpoch: Map<string, bigint>
  /** Keys of findings already reported and consistency pairs already checked. */
  done: Set<string>
  /** Consistency checks no gateway could answer yet. */
  pending: Contradiction[]
  /** Rounds of this log so far (counts the retries of `unproven`). */
  rounds: number
  /** Inconsistent pairs to prove again. */
  unproven: Unproven[]
  /** Receipts not yet settled (included in time, or proven broken). */
  open: WatchedReceipt[]
  /** The log's leaf hashes, when mirrored, and the gateways' entries to extend them from. */
  mirror: LeafMirror | undefined
  sources: EntrySource[]
  /** Checkpoints (struct hashes) that a finding contradicts: the mirror never follows them. */
  contested: Set<Hex>
}

/**
 * A monitor of transparency logs (what Certificate Transparency calls a monitor): each round it
 * reads every chain's anchors of each log (`CheckpointAnchored` events, with the signature from
 * the anchoring call, and `head`), every gateway's signed checkpoints, and the gateway's C2SP
 * note; it keeps every distinct checkpoint in a {@link CheckpointBook}, checks the signatures of
 * what gateways serve against the chains' key history, the consistency of each new tree with its
 * neighbours through the gateway's consistency proofs, and that no gateway withholds an epoch a
 * chain holds. When two signed checkpoints contradict each other it submits the proof
 * (`reportEquivocation`, `reportOutOfPeriod`) to every chain from the reporter's account, and
 * likewise `reportBrokenPromise` for a receipt it was given whose promise is broken. Given a
 * mirror (`mirror`), it keeps each log's leaf hashes as a CT monitor does, following the largest
 * tree no finding contradicts once its entries reproduce its signed root, and proves a failed
 * consistency check with two leaves (`reportInconsistency`), trying again in later rounds when
 * a tree's leaves could not be had (then the pair is reported again, proven). Each finding is
 * reported once.
 *
 * @example
 * const monitor = new Monitor({ chains, logs: [{ logId, gateways }], metrics, onFinding: print })
 * const findings = await monitor.round()
 */
export class Monitor {
  readonly #p: MonitorParameters
  readonly #logs: LogState[]

  constructor(parameters: MonitorParameters) {
    this.#p = parameters
    const { mirror } = parameters
    this.#logs = parameters.logs.map((log) => ({
      ...log,
      book: new CheckpointBook(),
      nextBlock: new Map(),
      nextEpoch: new Map(),
      done: new Set(),
      pending: [],
      rounds: 0,
      unproven: [],
      open: [...(log.receipts ?? [])],
      mirror: mirror && LeafMirror.open({ dir: mirror.dir, logId: log.logId }),
      sources: mirror
        ? log.gateways.map((g) => ({
            url: g.url,
            get: apiGetter(g.url, mirror.apiKey, GATEWAY_TIMEOUT_MS),
          }))
        : [],
      contested: new Set(),
    }))
  }

  /**
   * Reads every source once and reports what contradicts. Resolves with this round's findings;
   * a source that cannot be read is counted in the metrics and named through `onNotice`.
   */
  async round(): Promise<Finding[]> {
    const started = performance.now()
    const findings: Finding[] = []
    for (const log of this.#logs) await this.#roundLog(log, findings)
    const { metrics } = this.#p
    metrics.rounds++
    metrics.lastRoundSeconds = (performance.now() - started) / 1000
    return findings
  }

  async #roundLog(log: LogState, findings: Finding[]): Promise<void> {
    const { chains, metrics } = this.#p
    const contradictions = log.pending.splice(0)
    log.rounds++
    // Chains first: a gateway read afterwards must already serve every epoch they hold.
    const chainEpochs: { chainId: number; epoch: bigint }[] = []
    let periods: KeyPeriod[] | undefined
    for (const chain of chains) {
      const source = `chain:${chain.chainId}`
      try {
        const latest = await chain.client.getBlockNumber({ cacheTime: 0 })
        const fromBlock = log.nextBlock.get(chain.chainId) ?? this.#p.fromBlock ?? 0n
        if (fromBlock <= latest) {
          const anchors = await readChainAnchors({
            chain,
            logId: log.logId,
            fromBlock,
            toBlock: latest,
          })
          for (const a of anchors) {
            contradictions.push(...log.book.add({ ...a, source }))
            chainEpochs.push({ chainId: chain.chainId, epoch: a.checkpoint.epoch })
          }
          log.nextBlock.set(chain.chainId, latest + 1n)
        }
        const [headEpoch] = await chain.client.readContract({
          address: chain.registry,
          abi: checkpointRegistryAbi,
          functionName: 'head',
          args: [log.logId],
        })
        if (headEpoch > 0n) chainEpochs.push({ chainId: chain.chainId, epoch: headEpoch })
        const own = await readKeyPeriods(chain, log.logId)
        if (periods === undefined) periods = own
        else if (!samePeriods(periods, own))
          await this.#emit(log, findings, `keys:${chain.chainId}:${own.length}`, {
            kind: 'chains-disagree',
            message: `chain ${chain.chainId} holds another key history of the log than chain ${chains[0]?.chainId} (${own.length} and ${periods.length} periods)`,
            sources: [source, `chain:${chains[0]?.chainId}`],
            epochs: [],
            reports: [],
          })
        metrics.observe(log.logId, source, log.book.latestEpoch(source), log.book.size)
      } catch (error) {
        this.#sourceError(`${source}: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    for (const gateway of log.gateways) {
      const source = `gateway:${gateway.url}`
      if (periods === undefined) break
      try {
        let from = log.nextEpoch.get(gateway.url) ?? 1n
        for (;;) {
          const page = await gateway.checkpoints(log.logId, from, GATEWAY_PAGE)
          for (const published of page.checkpoints)
            contradictions.push(
              ...(await this.#takePublished(log, findings, published, source, periods)),
            )
          const last = page.checkpoints.at(-1)
          if (last === undefined || page.checkpoints.length < GATEWAY_PAGE) break
          from = last.checkpoint.epoch + 1n
        }
        // Re-read the latest epoch next round: a gateway that changes it is caught.
        const latest = log.book.latestEpoch(source)
        log.nextEpoch.set(gateway.url, latest > 0n ? latest : 1n)
        metrics.observe(log.logId, source, latest, log.book.size)
        for (const { chainId, epoch } of chainEpochs)
          if (!log.book.has(epoch, source))
            await this.#emit(log, findings, `withheld:${gateway.url}:${epoch}`, {
              kind: 'withheld-epoch',
              message: `chain ${chainId} holds epoch ${epoch}, which gateway ${gateway.url} does not serve (it serves up to epoch ${latest})`,
              sources: [`chain:${chainId}`, source],
              epochs: [String(epoch)],
              reports: [],
            })
        await this.#checkNote(log, findings, gateway, source)
      } catch (error) {
        this.#sourceError(`${source}: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    await this.#retryUnproven(log, findings)
    for (const c of contradictions) await this.#settle(log, findings, c)
    await this.#extendMirror(log, findings)
    await this.#checkReceipts(log, findings)
  }

  /**
   * Follows the largest tree no finding contradicts: reads its new entries and appends their
   * leaf hashes to the mirror when, after the mirrored ones, they reproduce its signed root. A
   * gateway whose entries give another root is a finding (`entries-mismatch`); the mirror then
   * stays as it was. Waits while a consistency check is outstanding.
   */
  async #extendMirror(log: LogState, findings: Finding[]): Promise<void> {
    const { mirror } = log
    if (mirror === undefined || log.pending.length > 0) return
    const target = log.book
      .treesLargerThan(BigInt(mirror.size))
      .find((seen) => !log.contested.has(seen.hash))
    if (target === undefined) return
    const { epoch, treeSize, rootHash } = target.checkpoint
    for (const source of log.sources) {
      const key = `entries:${source.url}:${target.hash}`
      if (log.done.has(key)) continue
      const from = mirror.size
      try {
        const root = await mirror.extend(source, treeSize, rootHash)
        if (root === undefined) return
        await this.#emit(log, findings, key, {
          kind: 'entries-mismatch',
          message: `the entries gateway ${source.url} serves for leaves ${from} to ${treeSize - 1n}, after the ${from} mirrored ones (a tree the log signed), give the root ${root}, not the root ${rootHash} signed for epoch ${epoch} (${describe(target)}): its entries are not its log; the mirror keeps ${from} leaves`,
          sources: [`gateway:${source.url}`, ...target.sources],
          epochs: [String(epoch)],
          reports: [],
        })
      } catch (error) {
        this.#sourceError(`mirror: ${(error as Error).message.split('\n')[0]}`)
      }
    }
  }

  /** Holds the log to its receipts: a broken promise is proven where a chain has the evidence. */
  async #checkReceipts(log: LogState, findings: Finding[]): Promise<void> {
    const still: WatchedReceipt[] = []
    for (const watched of log.open) {
      const { receipt, source } = watched
      try {
        const verdict = await checkReceipt({
          receipt,
          chains: this.#p.chains,
          gateway: log.gateways[0],
          ...(this.#p.fromBlock === undefined ? {} : { fromBlock: this.#p.fromBlock }),
        })
        if (verdict.status === 'included') continue
        if (verdict.status === 'pending') {
          still.push(watched)
          continue
        }
        if (verdict.status === 'invalid') {
          this.#p.onNotice?.(`${source}: ${verdict.reason}`)
          continue
        }
        const calls = verdict.calls
        const finding = {
          kind: 'broken-promise' as const,
          message: `receipt ${receipt.traceId} (leaf ${receipt.seq}): ${verdict.reason}`,
          sources: [source],
          epochs: verdict.checkpoint ? [String(verdict.checkpoint.epoch)] : [],
        }
        if (calls === undefined) {
          // Broken, but no chain holds the evidence yet: say so once and keep looking.
          await this.#emit(log, findings, `broken:${receipt.traceId}`, { ...finding, reports: [] })
          still.push(watched)
          continue
        }
        const reports = await submitReport({
          chains: this.#p.chains,
          logId: log.logId,
          call: (chain) => calls.get(chain.chainId) ?? 'no evidence for this chain',
        })
        await this.#emit(log, findings, `broken-proven:${receipt.traceId}`, { ...finding, reports })
      } catch (error) {
        this.#sourceError(`${source}: ${(error as Error).message.split('\n')[0]}`)
        still.push(watched)
      }
    }
    log.open = still
  }

  /** Checks a gateway's checkpoint against the key history; adds it to the book when it is the log's. */
  async #takePublished(
    log: LogState,
    findings: Finding[],
    published: PublishedCheckpoint,
    source: string,
    periods: readonly KeyPeriod[],
  ): Promise<Contradiction[]> {
    const { checkpoint, signature } = published
    let signer: Hex | undefined
    try {
      signer = await recoverCheckpointSigner({ checkpoint, signature })
    } catch {
      signer = undefined
    }
    const period = periods[periodIndexOf(periods, checkpoint.epoch)]
    if (signer !== undefined && period?.signer.toLowerCase() === signer.toLowerCase())
      return log.book.add({ checkpoint, signature, source })
    const other = periods.find((p) => p.signer.toLowerCase() === signer?.toLowerCase())
    const key = `${checkpoint.epoch}:${signature}`
    if (other === undefined) {
      await this.#emit(log, findings, `bad-signature:${key}`, {
        kind: 'bad-signature',
        message: `${source} serves a checkpoint of epoch ${checkpoint.epoch} that no key of the log's history signed (recovered ${signer ?? 'nothing'})`,
        sources: [source],
        epochs: [String(checkpoint.epoch)],
        reports: [],
      })
      return []
    }
    const signed = signedArg(checkpoint, signature)
    await this.#emit(log, findings, `outside-period:${key}`, {
      kind: 'signed-outside-period',
      message: `${source} serves a checkpoint of epoch ${checkpoint.epoch} signed by ${other.signer}, whose key period starts at epoch ${other.fromEpoch}: outside it`,
      sources: [source],
      epochs: [String(checkpoint.epoch)],
      reports: await submitReport({
        chains: this.#p.chains,
        logId: log.logId,
        call: { functionName: 'reportOutOfPeriod', args: [signed] },
      }),
    })
    return []
  }

  /** The C2SP note must agree with the signed checkpoints of its tree size. */
  async #checkNote(
    log: LogState,
    findings: Finding[],
    gateway: GatewayClient,
    source: string,
  ): Promise<void> {
    const note = await gateway.note()
    if (note === undefined) return
    const tlog = parseTlogCheckpoint(parseNote(note).text)
    const root = bytesToHex(tlog.rootHash)
    for (const seen of log.book.atSize(tlog.treeSize)) {
      if (seen.checkpoint.rootHash.toLowerCase() === root) continue
      await this.#emit(log, findings, `note:${tlog.treeSize}:${root}:${seen.hash}`, {
        kind: 'note-conflict',
        message: `${source}/checkpoint (C2SP note) gives tree size ${tlog.treeSize} the root ${root}; epoch ${seen.checkpoint.epoch} (${[...seen.sources].join(', ')}) gives it ${seen.checkpoint.rootHash}`,
        sources: [`${source}/checkpoint`, ...seen.sources],
        epochs: [String(seen.checkpoint.epoch)],
        reports: [],
      })
    }
  }

  async #settle(log: LogState, findings: Finding[], c: Contradiction): Promise<void> {
    if (c.kind === 'check-consistency') {
      const key = `consistency:${c.older.hash}:${c.newer.hash}`
      if (log.done.has(key)) return
      const checked = await this.#checkConsistency(log, c.older.checkpoint, c.newer.checkpoint)
      if (checked === undefined) {
        log.pending.push(c)
        return
      }
      log.done.add(key)
      if (checked.valid) return
      log.contested.add(c.older.hash).add(c.newer.hash)
      // Its own key: `key` is now done, and #emit skips what is done.
      const inconsistentKey = `inconsistent:${c.older.hash}:${c.newer.hash}`
      if (log.done.has(inconsistentKey)) return
      const { retry } = await this.#reportInconsistent(log, findings, inconsistentKey, {
        older: c.older,
        newer: c.newer,
        consistencyProof: checked.proof,
      })
      if (retry)
        log.unproven.push({
          key: inconsistentKey,
          older: c.older,
          newer: c.newer,
          consistencyProof: checked.proof,
          nextRound: log.rounds + 1,
          wait: 1,
        })
      return
    }
    // Two checkpoints of one tree (times apart) contradict nothing the mirror follows.
    if (c.kind !== 'same-epoch-timestamp') log.contested.add(c.first.hash).add(c.second.hash)
    const { first, second } = c
    const key = `${c.kind}:${first.hash}:${second.hash}`
    if (log.done.has(key)) return
    const epochs = [String(first.checkpoint.epoch), String(second.checkpoint.epoch)]
    const sources = [...new Set([...first.sources, ...second.sources])]
    const what = `epoch ${first.checkpoint.epoch} (${describe(first)}) and epoch ${second.checkpoint.epoch} (${describe(second)})`
    if (c.kind === 'same-epoch-timestamp') {
      await this.#emit(log, findings, key, {
        kind: c.kind,
        message: `two checkpoints of epoch ${first.checkpoint.epoch} with the same tree and different times (${first.checkpoint.timestamp}, ${second.checkpoint.timestamp}); the registry takes no proof of this kind`,
        sources,
        epochs,
        reports: [],
      })
      return
    }
    const message: Record<typeof c.kind, string> = {
      'same-epoch': `two checkpoints of one epoch with different trees: ${what}`,
      'tree-shrank': `a later epoch has a smaller tree: ${what}`,
      'same-size-different-roots': `two trees of one size with different roots: ${what}`,
    }
    let reports: ChainReport[]
    if (first.signature === undefined || second.signature === undefined) {
      const reason = `no signature known for ${first.signature === undefined ? describe(first) : describe(second)}`
      reports = this.#p.chains.map((chain) => ({
        chainId: chain.chainId,
        status: 'not-submitted',
        reason,
      }))
    } else {
      reports = await submitReport({
        chains: this.#p.chains,
        logId: log.logId,
        call: {
          functionName: 'reportEquivocation',
          args: [
            signedArg(first.checkpoint, first.signature),
            signedArg(second.checkpoint, second.signature),
          ],
        },
      })
    }
    await this.#emit(log, findings, key, {
      kind: c.kind,
      message: message[c.kind],
      sources,
      epochs,
      reports,
      evidence: forkEvidence(log.logId, c.kind, first, second),
    })
  }

  /**
   * Tries again to prove the `inconsistent` pairs whose leaves were missing when they were found
   * (say, the only gateway serving the older tree was down, or it was not yet mirrored and the
   * fork's gateway serves only the newer tree): once proven, the proof is submitted and reported
   * as a finding of its own (`<key>:proven`) with the leaf in its evidence.
   */
  async #retryUnproven(log: LogState, findings: Finding[]): Promise<void> {
    const due = log.unproven.filter((u) => u.nextRound <= log.rounds)
    for (const u of due) {
      const { proven, retry } = await this.#reportInconsistent(
        log,
        findings,
        `${u.key}:proven`,
        u,
        { onlyIfProven: true },
      )
      if (proven || !retry) log.unproven.splice(log.unproven.indexOf(u), 1)
      else {
        u.wait = Math.min(u.wait * 2, MAX_RETRY_ROUNDS)
        u.nextRound = log.rounds + u.wait
      }
    }
  }

  /**
   * Proves (when it can) and reports the `inconsistent` finding of `older` and `newer` under
   * `key`; with `onlyIfProven` (a retry) nothing is reported unless it was proven. `retry`: the
   * leaves were missing, a later try may prove it.
   */
  async #reportInconsistent(
    log: LogState,
    findings: Finding[],
    key: string,
    { older, newer, consistencyProof }: Pick<Unproven, 'older' | 'newer' | 'consistencyProof'>,
    { onlyIfProven = false }: { onlyIfProven?: boolean } = {},
  ): Promise<{ proven: boolean; retry: boolean }> {
    const {
      reports,
      why,
      differingLeaf,
      retry = false,
    } = await this.#proveInconsistency(log, older, newer)
    const proven = differingLeaf !== undefined
    if (onlyIfProven && !proven) return { proven, retry }
    await this.#emit(log, findings, key, {
      evidence: forkEvidence(log.logId, 'inconsistent', older, newer, {
        consistencyProof,
        differingLeaf,
      }),
      kind: 'inconsistent',
      message: `the tree of epoch ${older.checkpoint.epoch} (${older.checkpoint.treeSize} leaves, ${describe(older)}) is not a prefix of the tree of epoch ${newer.checkpoint.epoch} (${newer.checkpoint.treeSize} leaves, ${describe(newer)}): no valid consistency proof; ${why}${retry ? '; the monitor tries again in later rounds' : ''}${onlyIfProven ? ' (proven on a later try)' : ''}`,
      sources: [...older.sources, ...newer.sources],
      epochs: [String(older.checkpoint.epoch), String(newer.checkpoint.epoch)],
      reports,
    })
    return { proven, retry }
  }

  /**
   * Proves on every chain (`reportInconsistency`) that `older` is not a prefix of `newer`, from
   * the mirrored leaves and the gateways' entries; `why` says what was proven, or what was
   * missing (then nothing is submitted, `reports` is empty and `differingLeaf` undefined;
   * `retry` when a later try may find the leaves). The evidence carries `differingLeaf`, the very
   * leaf and proofs submitted, so that its file proves the fork offline too.
   */
  async #proveInconsistency(
    log: LogState,
    older: SeenCheckpoint,
    newer: SeenCheckpoint,
  ): Promise<{
    reports: ChainReport[]
    why: string
    differingLeaf?: ForkEvidenceLeaf
    retry?: boolean
  }> {
    if (log.mirror === undefined)
      return {
        reports: [],
        why: 'not proven on chain: that takes a leaf of each tree, which the monitor has when it mirrors the log (--mirror-dir with an API key)',
      }
    if (older.signature === undefined || newer.signature === undefined)
      return {
        reports: [],
        why: `not proven on chain: no signature known for ${describe(older.signature === undefined ? older : newer)}`,
      }
    let proof: Awaited<ReturnType<typeof proveInconsistency>>
    try {
      proof = await proveInconsistency({
        mirror: log.mirror,
        sources: log.sources,
        older: { checkpoint: older.checkpoint, signature: older.signature },
        newer: { checkpoint: newer.checkpoint, signature: newer.signature },
      })
    } catch (error) {
      // The leaf files (a full disk, say): the finding is still reported, with its evidence.
      proof = {
        reason: `the leaves could not be read: ${(error as Error).message.split('\n')[0]}`,
        unavailable: true,
      }
    }
    if ('reason' in proof)
      return {
        reports: [],
        why: `not proven on chain: ${proof.reason}`,
        retry: proof.unavailable === true,
      }
    const [, , , inOlder, inNewer] = proof.args
    return {
      differingLeaf: {
        leafIndex: proof.leafIndex,
        first: { leafHash: inOlder.leafHash, proof: [...inOlder.proof] },
        second: { leafHash: inNewer.leafHash, proof: [...inNewer.proof] },
      },
      why: `leaf ${proof.leafIndex} is ${inOlder.leafHash.slice(0, 10)}… in the older tree and ${inNewer.leafHash.slice(0, 10)}… in the newer (reportInconsistency)`,
      reports: await submitReport({
        chains: this.#p.chains,
        logId: log.logId,
        call: { functionName: 'reportInconsistency', args: proof.args },
      }),
    }
  }

  /**
   * Whether the first gateway that answers proves `newer` extends `older`, with the proof it
   * served (kept as evidence when it fails); undefined when none could answer.
   */
  async #checkConsistency(
    log: LogState,
    older: Checkpoint,
    newer: Checkpoint,
  ): Promise<{ valid: boolean; proof: Hex[] } | undefined> {
    for (const gateway of log.gateways) {
      try {
        const proof = await gateway.consistency(log.logId, older.treeSize, newer.treeSize)
        const valid = verifyConsistency({
          size1: older.treeSize,
          size2: newer.treeSize,
          root1: hexToBytes(older.rootHash),
          root2: hexToBytes(newer.rootHash),
          proof: proof.map((h) => hexToBytes(h)),
        })
        return { valid, proof: [...proof] }
      } catch (error) {
        this.#p.onNotice?.(
          `gateway ${gateway.url}: no consistency proof ${older.treeSize} → ${newer.treeSize}: ${(error as Error).message.split('\n')[0]}`,
        )
      }
    }
    return undefined
  }

  async #emit(
    log: LogState,
    findings: Finding[],
    key: string,
    finding: Omit<Finding, 'logId' | 'time'> & { kind: FindingKind },
  ): Promise<void> {
    if (log.done.has(key)) return
    log.done.add(key)
    const full: Finding = { ...finding, logId: log.logId, time: new Date().toISOString() }
    this.#p.metrics.finding(full.kind)
    for (const r of full.reports) this.#p.metrics.report(r.chainId, r.status)
    findings.push(full)
    await this.#p.onFinding(full)
  }

  #sourceError(line: string): void {
    this.#p.metrics.roundErrors++
    this.#p.onNotice?.(line)
  }
}

function samePeriods(a: readonly KeyPeriod[], b: readonly KeyPeriod[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i] as KeyPeriod
      return (
        p.signer.toLowerCase() === q.signer.toLowerCase() &&
        p.receiptKey.toLowerCase() === q.receiptKey.toLowerCase() &&
        p.fromEpoch === q.fromEpoch
      )
    })
  )
}

function describe(seen: SeenCheckpoint): string {
  const { treeSize, rootHash } = seen.checkpoint
  return `size ${treeSize}, root ${rootHash.slice(0, 10)}…, from ${[...seen.sources].join(', ')}`
}

/**
 * The self-contained record of a fork the monitor found (`tml-fork-evidence/1`): the two
 * checkpoints as JSON with their signatures (null when only a chain's event showed one) and,
 * for `inconsistent`, the proof the gateway served and, when the monitor proved it with
 * leaves, the differing leaf proven in each tree. Undefined when a checkpoint does not fit
 * JSON numbers (beyond 2^53), which no log reaches.
 */
function forkEvidence(
  logId: Hex,
  kind: ForkEvidenceKind,
  first: SeenCheckpoint,
  second: SeenCheckpoint,
  {
    consistencyProof,
    differingLeaf,
  }: { consistencyProof?: Hex[]; differingLeaf?: ForkEvidenceLeaf | undefined } = {},
): ForkEvidence | undefined {
  try {
    const side = (seen: SeenCheckpoint) => ({
      checkpoint: checkpointToJson(seen.checkpoint),
      signature: seen.signature ?? null,
      sources: [...seen.sources],
    })
    return {
      v: FORK_EVIDENCE_VERSION,
      kind,
      logId,
      first: side(first),
      second: side(second),
      ...(consistencyProof === undefined ? {} : { consistencyProof }),
      ...(differingLeaf === undefined ? {} : { differingLeaf }),
      foundAt: new Date().toISOString(),
    }
  } catch {
    return undefined
  }
}
