import type { Hex, Sha256 } from '@tml/core'
import type { LocalAccount } from 'viem'
import type { CheckpointSigners } from '../keys/CheckpointKeyHistory.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { OtsStamper } from '../ots/OtsStamper.ts'
import type { ReceiptKeyHandover } from '../sequencer/ReceiptKeyHandover.ts'
import { Sequencer, type SequencerCrashPoint } from '../sequencer/Sequencer.ts'
import type { AnchorHold } from './AnchorHold.ts'
import type { AnchorStore } from './AnchorStore.ts'
import { type AnchorPolicy, anchoringHealth, type ChainLag } from './anchoringHealth.ts'
import { ChainAnchorer, type ChainAnchorStatus, type ChainConfig } from './ChainAnchorer.ts'
import { ChainHeadGuard } from './ChainHeadGuard.ts'
import { RoundLoop } from './RoundLoop.ts'
import { chainHeadReader } from './readChainHead.ts'

/** Hooks the lane calls after each new checkpoint (OpenTimestamps stamping, for one). */
export type CheckpointListener = (epoch: number) => void

/** Parameters of {@link AnchoringLane}. */
export type AnchoringLaneParameters = {
  logId: Hex
  logStore: LogStore
  store: AnchorStore
  /** The log's checkpoint signer, or its key history (the sequencer signs each epoch with its period's key). */
  signer: LocalAccount | CheckpointSigners
  /** The relayer that pays for `anchor` transactions (a separate account). */
  relayer: LocalAccount
  chains: readonly ChainConfig[]
  /** Which chains must keep up for decisions to go on (No Log = No Action). Default all. */
  policy?: AnchorPolicy
  /** The log's maximum epoch interval as declared on chain (ms). Default 60 s. */
  maxEpochIntervalMs?: number
  epochPeriodMs?: number
  epochSize?: number
  /** Sequencer round period (ms). Default 100. */
  tickMs?: number
  hash?: Sha256
  clock?: () => number
  crashPoint?: (point: SequencerCrashPoint) => void
  /** Receipt-key handovers at the epochs where a key period brings a new receipt key. */
  receiptKeys?: Pick<ReceiptKeyHandover, 'boundary' | 'prepare'>
  /** OpenTimestamps: calendars to stamp every checkpoint root at, and how often to upgrade (ms). */
  ots?: { calendars: readonly string[]; upgradeMs?: number }
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    [k: string]: unknown
  }) => void
}

/**
 * The anchoring lane of one log: the sequencer (epochs, signed checkpoints), one anchorer per
 * chain, the guard that compares the chains' heads with the store before anything is signed,
 * and the health that No Log = No Action reads. `status()` is synchronous (the decision path
 * calls it for every request): it answers from a snapshot refreshed every round.
 *
 * Spec: ARCHITECTURE.md (sequencer, anchorers, No Log = No Action); issue 5.
 *
 * @example
 * const lane = new AnchoringLane({ logId, logStore, store, signer, relayer, chains })
 * lane.start()
 * createGateway({ …, anchoring: () => lane.status() })
 */
export class AnchoringLane implements AnchorHold {
  readonly sequencer: Sequencer
  readonly anchorers: readonly ChainAnchorer[]
  /** Compares every chain's head with the store at start and before each signature. */
  readonly guard: ChainHeadGuard
  readonly store: AnchorStore
  readonly policy: AnchorPolicy
  readonly maxEpochIntervalMs: number
  readonly ots: OtsStamper | undefined
  readonly #p: AnchoringLaneParameters
  readonly #clock: () => number
  readonly #listeners = new Set<CheckpointListener>()
  // Held answers: each checks on progress, and is released (false) when the lane stops.
  readonly #progress = new Set<(stopping?: boolean) => void>()
  readonly #loop: RoundLoop
  /** Set by {@link stop}: held answers stop waiting (a lane never started is driven by hand). */
  #ended = false
  #status: { available: boolean; reason?: string } = { available: true }
  #lags: ChainLag[] = []
  #lastUpgradeMs = 0

  /**
   * @throws {RangeError} when the relayer is the checkpoint signer: the key that signs the log's
   *   checkpoints never pays for or sends transactions.
   */
  constructor(p: AnchoringLaneParameters) {
    const signers = 'signerFor' in p.signer ? p.signer.addresses() : [p.signer.address]
    if (signers.some((a) => a.toLowerCase() === p.relayer.address.toLowerCase())) {
      throw new RangeError('the relayer must be another account than the checkpoint signer')
    }
    this.#p = p
    this.#clock = p.clock ?? Date.now
    this.store = p.store
    this.policy = p.policy ?? { require: 'all' }
    this.maxEpochIntervalMs = p.maxEpochIntervalMs ?? 60_000
    this.guard = new ChainHeadGuard({
      chains: p.chains.map((chain) => ({
        name: chain.name,
        readHead: chainHeadReader({ chain, logId: p.logId }),
      })),
      store: p.store,
      ...(p.onEvent ? { onEvent: p.onEvent } : {}),
    })
    this.sequencer = new Sequencer({
      guard: this.guard,
      logId: p.logId,
      entries: p.logStore,
      store: p.store,
      signer: p.signer,
      // Half the interval leaves the anchorers the other half before the promise is broken.
      idleCheckpointMs: Math.max(1_000, Math.floor(this.maxEpochIntervalMs / 2)),
      ...(p.epochPeriodMs === undefined ? {} : { epochPeriodMs: p.epochPeriodMs }),
      ...(p.epochSize === undefined ? {} : { epochSize: p.epochSize }),
      ...(p.hash ? { hash: p.hash } : {}),
      ...(p.clock ? { clock: p.clock } : {}),
      ...(p.crashPoint ? { crashPoint: p.crashPoint } : {}),
      ...(p.receiptKeys ? { receiptKeys: p.receiptKeys } : {}),
    })
    this.anchorers = p.chains.map(
      (chain) =>
        new ChainAnchorer({
          chain,
          logId: p.logId,
          store: p.store,
          relayer: p.relayer,
          ...(p.hash ? { hash: p.hash } : {}),
          ...(p.clock ? { clock: p.clock } : {}),
          ...(p.onEvent ? { onEvent: p.onEvent } : {}),
        }),
    )
    for (const a of this.anchorers) a.onProgress(() => this.#notify())
    const tickMs = p.tickMs ?? 100
    this.#loop = new RoundLoop({
      round: async () => {
        await this.round()
        return { delayMs: tickMs }
      },
      onError: (error) => {
        this.#p.onEvent?.({ level: 'error', message: 'sequencer round failed', error })
        return { delayMs: tickMs }
      },
    })
    this.ots =
      p.ots && p.ots.calendars.length > 0
        ? new OtsStamper({
            store: p.store,
            calendars: p.ots.calendars,
            ...(p.clock ? { clock: p.clock } : {}),
          })
        : undefined
  }

  start(): void {
    if (!this.#loop.stopped) return
    this.#ended = false
    for (const a of this.anchorers) a.start()
    this.#loop.start()
  }

  /** Stops the sequencer and the anchorers; resolves once their rounds in flight are over. */
  async stop(): Promise<void> {
    this.#ended = true
    const stopped = this.#loop.stop(2_000)
    for (const check of [...this.#progress]) check(true)
    await Promise.all([stopped, ...this.anchorers.map((a) => a.stop())])
  }

  /**
   * Anchoring health for the decision path (No Log = No Action): unavailable while a chain
   * contradicts the store or has not been compared with it, or while chains are behind.
   */
  status(): { available: boolean; reason?: string } {
    const { verdict } = this.guard
    if (verdict.state !== 'clear') return { available: false, reason: verdict.reason }
    return this.#status
  }

  /** Each chain's lag, as of the last round. */
  lags(): readonly ChainLag[] {
    return this.#lags
  }

  chainStatus(): ChainAnchorStatus[] {
    return this.anchorers.map((a) => a.status())
  }

  onCheckpoint(listener: CheckpointListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Whether leaf `seq` is in a checkpoint confirmed on the chains the policy requires.
   */
  isAnchored(seq: number): boolean {
    const sizes = this.anchorers.map((a) => a.status().confirmedTreeSize)
    const holding = sizes.filter((s) => s > seq).length
    const needed =
      this.policy.require === 'all'
        ? sizes.length
        : this.policy.require === 'any'
          ? 1
          : Math.min(this.policy.k, sizes.length)
    return holding >= needed
  }

  /**
   * Resolves true once leaf `seq` is anchored ({@link isAnchored}), false after `timeoutMs` or
   * when the lane stops.
   */
  waitAnchored(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.isAnchored(seq)) return Promise.resolve(true)
    if (this.#ended) return Promise.resolve(false)
    return new Promise((resolve) => {
      const check = (stopping?: boolean) => {
        if (stopping) done(false)
        else if (this.isAnchored(seq)) done(true)
      }
      const timer = setTimeout(() => done(false), timeoutMs)
      const done = (value: boolean) => {
        clearTimeout(timer)
        this.#progress.delete(check)
        resolve(value)
      }
      this.#progress.add(check)
      this.#loop.poke()
    })
  }

  /** One sequencer round, then a health refresh. Exposed for tests and the benchmark. */
  async round(): Promise<void> {
    // A chain not read at start is asked again every round: until it answers, the log is held.
    if (this.guard.verdict.state === 'unknown') await this.guard.check()
    const checkpoint = await this.sequencer.tick()
    if (checkpoint) {
      for (const a of this.anchorers) a.poke()
      for (const l of this.#listeners) l(checkpoint.epoch)
      // Stamping waits on calendars over the network: off the sequencer's path.
      this.ots?.stamp(checkpoint.epoch).catch((error: unknown) => {
        this.#p.onEvent?.({ level: 'warn', message: 'OpenTimestamps stamp failed', error })
      })
    }
    const now = this.#clock()
    if (this.ots && now - this.#lastUpgradeMs >= (this.#p.ots?.upgradeMs ?? 60_000)) {
      this.#lastUpgradeMs = now
      this.ots.upgrade().catch((error: unknown) => {
        this.#p.onEvent?.({ level: 'warn', message: 'OpenTimestamps upgrade failed', error })
      })
    }
    await this.#refresh()
  }

  async #refresh(): Promise<void> {
    const { logStore } = this.#p
    const size = await logStore.size()
    const now = this.#clock()
    const ageCache = new Map<number, number | null>()
    const lags: ChainLag[] = []
    for (const a of this.anchorers) {
      const s = a.status()
      const anchoredSize = s.confirmedTreeSize
      let age: number | null = null
      if (anchoredSize < size) {
        if (!ageCache.has(anchoredSize)) {
          const entry = await logStore.entryBySeq(anchoredSize)
          const at = entry ? Date.parse(entry.receipt.timestamp) : Number.NaN
          ageCache.set(anchoredSize, Number.isFinite(at) ? now - at : null)
        }
        age = ageCache.get(anchoredSize) ?? null
      }
      lags.push({ name: s.name, anchoredSize, oldestUnanchoredAgeMs: age, feeWait: s.feeWait })
    }
    this.#lags = lags
    const next = anchoringHealth({
      policy: this.policy,
      maxEpochIntervalMs: this.maxEpochIntervalMs,
      chains: lags,
    })
    if (next.available !== this.#status.available) {
      this.#p.onEvent?.(
        next.available
          ? { level: 'info', message: 'anchoring caught up: decisions go on' }
          : {
              level: 'error',
              message: 'anchoring behind: answering -1 LEDGER',
              reason: next.reason,
            },
      )
    }
    this.#status = next
  }

  #notify(): void {
    for (const check of [...this.#progress]) check()
  }
}
