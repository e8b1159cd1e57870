import {
  type CausalNode,
  canonicalize,
  type Hex,
  MTL_VERSION,
  RECEIPT_VERSION,
  type SignedReceipt,
} from '@tml/core'
import type { AccessMtlDraft } from '../vault/buildAccessMtl.ts'
import type { VaultPayload } from '../vault/VaultPayload.ts'
import type { ErasureMtlDraft } from './buildErasureMtl.ts'
import type { DecisionDraft, MtlDraft } from './buildMtl.ts'
import type { Committer, PlacedRecord, RecordEvidence, SealedRecord } from './Committer.ts'
import type { LogStore, SubjectKey } from './LogStore.ts'
import { StoreError } from './StoreError.ts'
import { withCausalNotes } from './withCausalNotes.ts'

/** What to append: an MTL draft and the columns and key changes that go with it. */
export type AppendRequest = {
  /** A whole draft, or a decision draft whose evidence fields the committer derives from `evidence`. */
  draft: MtlDraft | ErasureMtlDraft | AccessMtlDraft | DecisionDraft
  /** With a {@link DecisionDraft}: the evidence its `input_hash`, `output_hash` and `subject` come from. */
  evidence?: RecordEvidence
  /**
   * What the sealed evidence vault keeps besides the evidence; ignored by a committer without a
   * vault. Given, the record is sealed and its MTL carries `evidence_seal`.
   */
  vault?: VaultPayload
  /** Policy profile of a decision, null otherwise. */
  profile: string | null
  /** For a pause: its deadline (Unix ms), so that a restarted gateway can re-arm its timer. */
  pauseDeadlineMs: number | null
  /** A subject secret created for this record: it becomes durable in the same commit. */
  subjectKey?: SubjectKey
  /** A subject secret to destroy in the same commit (erasure). */
  erasedLookup?: Uint8Array
}

/** A durable record: the full MTL, its canonical text, leaf hash and signed receipt. */
export type AppendResult = {
  /** The full MTL (built on first read: most answers need only the receipt). */
  readonly mtl: Record<string, unknown> & { seq: number; trace_id: string }
  /** RFC 8785 text of the MTL: exactly what the leaf hash covers. */
  readonly canonical: string
  readonly leafHash: Hex
  readonly receipt: SignedReceipt
}

/** Parameters of {@link AlwaysMemory.open}. */
export type AlwaysMemoryParameters = {
  /** The store records are read from (and, through the committer, written to). */
  store: LogStore
  logId: Hex
  /** Seals records and writes batches: {@link InlineCommitter} or a worker thread. */
  committer: Committer
  /** Unix milliseconds; injected so tests control time. */
  clock?: () => number
  /** How often to probe a failed store for recovery, in milliseconds. */
  retryMs?: number
  /** Called when the store becomes unavailable (with the reason) or available again. */
  onStatus?: (status: { available: boolean; reason?: string }) => void
  /**
   * Batches handed to the committer at once (default 1). 2 keeps a worker committer busy: it
   * starts the next batch as soon as it finishes one. Safe because the store refuses a batch
   * that does not start at its size: when one fails, the next one fails too (no gap).
   */
  maxInFlight?: number
  /**
   * Records per batch at most (default: all that are queued). With several batches in flight,
   * small batches keep the work overlapped: the committer seals one while the event loop answers
   * the previous one and parses requests for the next, instead of the two taking turns on one
   * large batch each (measured with a worker committer: ~+20 % decisions per second).
   */
  maxBatch?: number
  /**
   * Causal nodes every record carries, whoever builds it (decisions, resolutions, erasures): a
   * standing fact of this run that a reader of any one MTL must see, such as anchoring disabled
   * by the operator.
   */
  causalNotes?: readonly CausalNode[]
}

type Pending = {
  record: PlacedRecord
  subjectKey?: SubjectKey
  erasedLookup?: Uint8Array
  resolve: (r: AppendResult) => void
  reject: (e: unknown) => void
}

/**
 * Always Memory: places MTLs in the log (sequence number = leaf index) and has the committer
 * seal them (evidence hashes, canonical form, leaf hash, signed receipt) and append them durably,
 * many per commit (group commit). `append` resolves only once the record is durable: the caller
 * answers after that, never before ("the log is the license to proceed", spec §5 phase 4).
 *
 * Sequence numbers have no gaps, also across failures and crashes: a record gets its `seq` when
 * queued; if its commit fails, it and every record queued after it are rejected and numbering
 * resumes at the last durable size. After a crash, numbering resumes at the store's size: a
 * record that was queued but not committed was never answered, so nobody holds its receipt.
 *
 * When the store fails, the memory turns unavailable (`available` false, `reason` says why),
 * rejects appends at once, and probes the store every `retryMs` until a durable write succeeds.
 *
 * Spec: Sacred Pause Protocol §9.2 (serialize before resolution), §11.3 (no memory = no action);
 * RFC 9162 §2.1.1 (leaf hash); RFC 8785.
 *
 * @example
 * const memory = await AlwaysMemory.open({ store, logId, committer: new InlineCommitter({ store, signer }) })
 * const { receipt } = await memory.append({ draft, profile: 'general', pauseDeadlineMs: null })
 */
export class AlwaysMemory {
  readonly logId: Hex
  readonly #store: LogStore
  readonly #committer: Committer
  readonly #clock: () => number
  readonly #retryMs: number
  readonly #onStatus: AlwaysMemoryParameters['onStatus']
  #committed = 0
  #nextSeq = 0
  #queue: Pending[] = []
  #flushScheduled = false
  /** Batches handed to the committer and not settled yet. */
  #inFlight = 0
  readonly #maxInFlight: number
  readonly #maxBatch: number
  readonly #causalNotes: readonly CausalNode[]
  /** Bumped by every failure: batches of an older generation are never acknowledged. */
  #generation = 0
  #available = true
  #reason: string | undefined
  /** Why appends are held (see {@link hold}); undefined while they are not. */
  #held: string | undefined
  #probeTimer: NodeJS.Timeout | undefined
  #closed = false
  /** Counters for /metrics. */
  readonly stats = { commits: 0, appended: 0, failedCommits: 0, lastBatchSize: 0, commitSeconds: 0 }

  private constructor(p: AlwaysMemoryParameters, size: number) {
    this.#store = p.store
    this.logId = p.logId
    this.#committer = p.committer
    this.#clock = p.clock ?? Date.now
    this.#retryMs = p.retryMs ?? 250
    this.#onStatus = p.onStatus
    this.#maxInFlight = p.maxInFlight ?? 1
    this.#maxBatch = p.maxBatch ?? Number.POSITIVE_INFINITY
    this.#causalNotes = p.causalNotes ?? []
    this.#committed = size
    this.#nextSeq = size
  }

  /** Opens the memory over a store, continuing its sequence. */
  static async open(parameters: AlwaysMemoryParameters): Promise<AlwaysMemory> {
    return new AlwaysMemory(parameters, await parameters.store.size())
  }

  /** False while the store cannot take durable writes, or appends are held. */
  get available(): boolean {
    return this.#available && this.#held === undefined
  }

  /** Why the store is unavailable (a hold first). */
  get reason(): string | undefined {
    return this.#held ?? this.#reason
  }

  /**
   * Refuses every new append, with `reason`, until {@link release}: the store works, but a record
   * written now would get a receipt the log cannot stand behind (a chain holds another history
   * of this log, or the chains have not been compared with the store yet). Unlike a store
   * failure, no probe ends a hold. Records already queued are committed as usual.
   */
  hold(reason: string): void {
    this.#held = reason
  }

  /** Ends a {@link hold}. */
  release(): void {
    this.#held = undefined
  }

  /** Number of durable records. */
  get size(): number {
    return this.#committed
  }

  get store(): LogStore {
    return this.#store
  }

  /**
   * The sequence number the next appended record gets. Read and acted on in one synchronous step
   * (a receipt-key handover), no record can be placed in between.
   */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /**
   * Places, signs and durably appends one record.
   * @throws {StoreError} when the store is unavailable or the commit fails; nothing was written.
   */
  append(request: AppendRequest): Promise<AppendResult> {
    if (this.#closed)
      return Promise.reject(new StoreError('Always Memory is closed', { code: 'TML_CLOSED' }))
    if (this.#held !== undefined)
      return Promise.reject(new StoreError(`log held: ${this.#held}`, { code: 'TML_HELD' }))
    if (!this.#available) {
      return Promise.reject(
        new StoreError(`log store unavailable: ${this.#reason}`, { code: 'TML_UNAVAILABLE' }),
      )
    }
    const { draft } = request
    const record: PlacedRecord = {
      mtl: {
        v: MTL_VERSION,
        log_id: this.logId,
        seq: this.#nextSeq++,
        ...draft,
        ...(this.#causalNotes.length === 0
          ? {}
          : { causal_graph: withCausalNotes(draft.causal_graph, this.#causalNotes) }),
      },
      receiptTimestamp: new Date(this.#clock()).toISOString(),
      profile: request.profile,
      pauseDeadlineMs: request.pauseDeadlineMs,
    }
    if (request.evidence) record.evidence = request.evidence
    if (request.vault) record.vault = request.vault
    return new Promise<AppendResult>((resolve, reject) => {
      const pending: Pending = { record, resolve, reject }
      if (request.subjectKey) pending.subjectKey = request.subjectKey
      if (request.erasedLookup) pending.erasedLookup = request.erasedLookup
      this.#queue.push(pending)
      this.#schedule()
    })
  }

  /** Stops probing and rejects whatever is still queued; the store and committer are left open. */
  close(): void {
    this.#closed = true
    if (this.#probeTimer) clearTimeout(this.#probeTimer)
    this.#failQueued(new StoreError('Always Memory is closed', { code: 'TML_CLOSED' }))
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#inFlight >= this.#maxInFlight) return
    this.#flushScheduled = true
    // setImmediate runs after the current I/O phase: every request parsed in this turn of the
    // event loop joins the batch, which is what makes one fsync serve many decisions.
    setImmediate(() => {
      this.#flushScheduled = false
      // A queue longer than maxBatch goes out as several batches, as many as may be in flight.
      do void this.#flush()
      while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight && this.#available)
    })
  }

  async #flush(): Promise<void> {
    if (this.#queue.length === 0 || !this.#available) return
    this.#inFlight++
    const generation = this.#generation
    let batch = this.#queue
    if (batch.length > this.#maxBatch) {
      batch = this.#queue.slice(0, this.#maxBatch)
      this.#queue = this.#queue.slice(this.#maxBatch)
    } else {
      this.#queue = []
    }
    const started = performance.now()
    try {
      // Crash here (before the commit): none of the batch is durable and none of it was answered.
      const sealed = await this.#committer.commit({
        records: batch.map((p) => p.record),
        subjectKeys: batch.flatMap((p) => (p.subjectKey ? [p.subjectKey] : [])),
        erasedLookups: batch.flatMap((p) => (p.erasedLookup ? [p.erasedLookup] : [])),
      })
      // Crash here (after the commit, before answering): the batch is durable but unanswered;
      // callers retry and get new records, the durable ones stay in the log as written.
      if (generation !== this.#generation) {
        // An earlier batch failed after this one was handed over: do not acknowledge it; the
        // recovery probe re-reads the durable size, so numbering still has no gap.
        throw new StoreError('an earlier batch failed', {
          code: this.#reason ?? 'TML_EARLIER_FAILURE',
        })
      }
      this.#committed += batch.length
      this.stats.commits++
      this.stats.appended += batch.length
      this.stats.lastBatchSize = batch.length
      this.stats.commitSeconds += (performance.now() - started) / 1000
      if (sealed.length !== batch.length)
        throw new StoreError('the committer sealed another number of records', {
          code: 'TML_COMMITTER',
        })
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i] as Pending
        p.resolve(new AppendedRecord(p.record, sealed[i] as SealedRecord))
      }
    } catch (error) {
      this.stats.failedCommits++
      const reason = error instanceof StoreError ? error.code : (error as Error).message
      const failure =
        error instanceof StoreError
          ? error
          : new StoreError('append failed', { code: reason, cause: error })
      for (const p of batch) p.reject(failure)
      if (generation === this.#generation) {
        this.#generation++
        this.#failQueued(failure)
        this.#becomeUnavailable(reason)
      }
    } finally {
      this.#inFlight--
    }
    if (this.#queue.length > 0) this.#schedule()
  }

  #failQueued(error: StoreError): void {
    const queued = this.#queue
    this.#queue = []
    for (const p of queued) p.reject(error)
    this.#nextSeq = this.#committed
  }

  #becomeUnavailable(reason: string): void {
    if (!this.#available) return
    this.#available = false
    this.#reason = reason
    this.#onStatus?.({ available: false, reason })
    this.#scheduleProbe()
  }

  #scheduleProbe(): void {
    if (this.#closed) return
    this.#probeTimer = setTimeout(() => void this.#probe(), this.#retryMs)
    this.#probeTimer.unref?.()
  }

  async #probe(): Promise<void> {
    // Batches of the failed generation may still be settling; the durable size is final only after.
    if (this.#inFlight > 0) return this.#scheduleProbe()
    try {
      await this.#committer.probe()
      // Another writer cannot exist (one process owns a store), but the count is re-read anyway
      // so that numbering always continues from what is durable.
      this.#committed = await this.#store.size()
      this.#nextSeq = this.#committed
      this.#available = true
      this.#reason = undefined
      this.#onStatus?.({ available: true })
    } catch (error) {
      this.#reason = error instanceof StoreError ? error.code : (error as Error).message
      this.#scheduleProbe()
    }
  }
}

/** An {@link AppendResult} that builds the full MTL and its text only if someone reads them. */
class AppendedRecord implements AppendResult {
  readonly leafHash: Hex
  readonly receipt: SignedReceipt
  readonly #record: PlacedRecord
  readonly #derived: SealedRecord['derived']
  readonly #evidenceSeal: Hex | undefined
  #mtl: AppendResult['mtl'] | undefined

  constructor(record: PlacedRecord, sealed: SealedRecord) {
    const { log_id: logId, seq, trace_id: traceId } = record.mtl
    this.#record = record
    this.#derived = sealed.derived
    this.#evidenceSeal = sealed.evidenceSeal
    this.leafHash = sealed.leafHash
    this.receipt = {
      v: RECEIPT_VERSION,
      logId,
      traceId,
      seq,
      leafHash: sealed.leafHash,
      timestamp: record.receiptTimestamp,
      signature: sealed.signature,
    }
  }

  get mtl(): AppendResult['mtl'] {
    this.#mtl ??=
      this.#derived || this.#evidenceSeal
        ? {
            ...this.#record.mtl,
            ...this.#derived,
            ...(this.#evidenceSeal === undefined ? {} : { evidence_seal: this.#evidenceSeal }),
          }
        : this.#record.mtl
    return this.#mtl
  }

  get canonical(): string {
    return canonicalize(this.mtl)
  }
}
