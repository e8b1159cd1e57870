import {
  bytesToHex,
  type Hex,
  type MtlArbiter,
  type MtlDecision,
  sha256,
  utf8ToBytes,
  verificationStatementBytes,
} from '@tml/core'
import type { AnchorHold } from '../anchoring/AnchorHold.ts'
import { DeskCases } from '../desk/DeskCases.ts'
import type { PauseEvidence } from '../desk/PauseEvidence.ts'
import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { AlwaysMemory } from '../memory/AlwaysMemory.ts'
import { buildResolutionMtl } from '../memory/buildMtl.ts'
import { StoreError } from '../memory/StoreError.ts'
import { uuidv7 } from '../memory/uuidv7.ts'
import type { LoadedPolicy } from '../policy/types.ts'
import { PauseAlreadyResolvedError, PauseNotFoundError, ResolutionExpiredError } from './errors.ts'
import { httpVerificationHook } from './httpVerificationHook.ts'
import type { Lantern } from './Lantern.ts'
import type { PauseResolution } from './PauseResolution.ts'
import type { VerificationHook } from './VerificationHook.ts'

/** A pause (decision with state 0) waiting for its resolution. */
export type OpenPause = {
  pauseId: string
  profile: string
  leafHash: Hex
  mtl: MtlDecision
  /** Unix ms when the pause times out into -1. */
  deadlineMs: number
}

/** A pause to open, with the case its listed reviewers may read on the desk. */
export type OpenPauseParameters = OpenPause & {
  /**
   * The pseudonymized evidence and held output of the pause: kept sealed in memory for the
   * reviewer desk until the pause ends (see {@link DeskCases}). Absent for pauses re-opened after
   * a restart: their case is in the vault only.
   */
  evidence?: PauseEvidence
}

/** Parameters of {@link PauseManager.resolve}. */
export type ResolvePauseParameters = {
  pauseId: string
  decision: 1 | -1
  arbiter: MtlArbiter
  rationaleHash: Hex
  signature: Hex | null
  /**
   * Unix seconds: the deadline a reviewer signed. Logged in the resolution MTL, whose timestamp
   * must not be after it.
   */
  deadline?: number
  /**
   * The written rationale whose SHA-256 is `rationaleHash`: sealed in the evidence vault when it
   * is on, never put in the log itself.
   */
  rationale?: string
}

/** Parameters of the {@link PauseManager} constructor. */
export type PauseManagerParameters = {
  memory: AlwaysMemory
  lantern: Lantern
  policies: ReadonlyMap<string, LoadedPolicy>
  signer: ReceiptSigner
  clock?: () => number
  hooks?: Readonly<Record<string, VerificationHook>>
  /** Retry delay of a timeout resolution that the store could not take. */
  retryMs?: number
  /** The sealed evidence vault is on: resolutions are sealed with their rationale text. */
  vault?: boolean
  /** Reports hook failures and similar non-fatal events. */
  onWarning?: (message: string, error?: unknown) => void
  /**
   * Anchoring, when the log anchors: a +1 resolution of a deliberative profile's pause is
   * released (to waiting callers, `wait`, `resolved()`, the Lantern) only once its MTL is
   * anchored. Without it, resolutions are released as soon as they are durable.
   */
  anchorHold?: AnchorHold
}

/** SHA-256 of the fixed rationale of a timeout: "silence implies risk" (spec §6.2). */
export const TIMEOUT_RATIONALE_HASH = bytesToHex(
  sha256(utf8ToBytes('tml: pause timed out; silence implies risk')),
)
const TIMEOUT_RATIONALE = 'tml: pause timed out; silence implies risk'

/** A profile's hook and the id its resolutions name as arbiter. */
type ProfileHook = { name: string; hook: VerificationHook }

type Entry = OpenPause & {
  timer?: NodeJS.Timeout
  resolving: boolean
  waiters: Set<(r: PauseResolution) => void>
}

const RECENT_LIMIT = 1000
/** How long one wait for a resolution's anchoring lasts before it is asked again. */
const RELEASE_WAIT_MS = 60_000

/**
 * The Sacred Pause lifecycle after ignition (spec §5, §6.1): a pause stays open with the Lantern
 * on until a listed reviewer approves or refuses it (EIP-712 signature checked by the HTTP
 * layer), a verification hook decides it, or its deadline passes (-1, spec §6.2). Each ending is
 * a new resolution MTL appended to the log before anyone is told: exactly one per pause, so a
 * second resolution gets {@link PauseAlreadyResolvedError}. Open pauses survive a restart: they
 * are re-read from the log and their timers re-armed. With `anchorHold`, a +1 that ends a pause
 * of a deliberative profile is released only once its MTL is anchored: until then the pause
 * looks open to callers (it cannot be resolved again), so no action rests on a record the chains
 * do not hold.
 *
 * @example
 * pauses.open({ pauseId, profile, leafHash, mtl, deadlineMs })
 * const resolution = await pauses.wait(pauseId, 30_000) // undefined if still open after 30 s
 */
export class PauseManager {
  readonly #memory: AlwaysMemory
  readonly #lantern: Lantern
  readonly #policies: ReadonlyMap<string, LoadedPolicy>
  readonly #signer: ReceiptSigner
  readonly #clock: () => number
  readonly #hooks = new Map<string, ProfileHook>()
  /** Aborts the hooks' requests still running when the manager closes. */
  readonly #closing = new AbortController()
  readonly #retryMs: number
  readonly #vault: boolean
  readonly #onWarning: (message: string, error?: unknown) => void
  readonly #open = new Map<string, Entry>()
  readonly #recent = new Map<string, PauseResolution>()
  readonly #anchorHold: AnchorHold | undefined
  /** The cases of open pauses for the reviewer desk, each destroyed when its pause ends. */
  readonly #cases = new DeskCases()
  #closed = false

  constructor(p: PauseManagerParameters) {
    this.#memory = p.memory
    this.#lantern = p.lantern
    this.#policies = p.policies
    this.#signer = p.signer
    this.#clock = p.clock ?? Date.now
    this.#retryMs = p.retryMs ?? 250
    this.#vault = p.vault ?? false
    this.#onWarning = p.onWarning ?? (() => {})
    this.#anchorHold = p.anchorHold
    const inCode = p.hooks ?? {}
    for (const [profile, { policy }] of this.#policies) {
      const name = policy.pause.verificationHook
      const http = policy.verification?.hook
      if (http) {
        this.#hooks.set(profile, { name: http.verifier, hook: httpVerificationHook(http) })
      } else if (name !== undefined) {
        const hook = Object.hasOwn(inCode, name) ? inCode[name] : undefined
        if (hook) this.#hooks.set(profile, { name, hook })
        else
          this.#onWarning(
            `profile ${profile} names verification hook ${name}, which is not configured: its pauses wait for reviewers`,
          )
      }
    }
  }

  /** Re-opens the pauses the log holds without a resolution (after a restart). */
  async restore(): Promise<number> {
    const pending = await this.#memory.store.pendingPauses()
    for (const e of pending) {
      const mtl = JSON.parse(e.mtl) as MtlDecision
      this.open({
        pauseId: e.traceId,
        profile: e.profile ?? '',
        leafHash: e.leafHash,
        mtl,
        deadlineMs: e.pauseDeadlineMs ?? 0,
      })
    }
    return pending.length
  }

  /**
   * Opens a pause whose MTL is durable: Lantern on, timer armed, verification hook started, and
   * its case (when given) held for the desk.
   */
  open({ evidence, ...pause }: OpenPauseParameters): void {
    const entry: Entry = { ...pause, resolving: false, waiters: new Set() }
    this.#open.set(pause.pauseId, entry)
    if (evidence) this.#cases.keep(pause.pauseId, evidence)
    this.#arm(entry, pause.deadlineMs - this.#clock())
    this.#lantern.paused(
      {
        pause_id: pause.pauseId,
        profile: pause.profile,
        trigger_type: pause.mtl.trigger_type,
        trigger_detail: pause.mtl.trigger_detail,
        deadline: new Date(pause.deadlineMs).toISOString(),
      },
      this.#open.size,
    )
    const hook = this.#hooks.get(pause.profile)
    if (hook) void this.#verify(entry, hook)
  }

  /** An open pause, or undefined. */
  get(pauseId: string): OpenPause | undefined {
    const e = this.#open.get(pauseId)
    return e && strip(e)
  }

  /**
   * The case of an open pause for its reviewers, or undefined: unknown, resolved (its key was
   * destroyed at resolution), or re-opened after a restart (never held by this process). The
   * caller checks who asks.
   */
  caseOf(pauseId: string): PauseEvidence | undefined {
    const e = this.#open.get(pauseId)
    if (!e || e.resolving) return undefined
    return this.#cases.read(pauseId)
  }

  /** Open pauses, oldest first. */
  pending(): OpenPause[] {
    return [...this.#open.values()].map(strip)
  }

  /** The most recent resolutions (up to 1000), newest last. */
  resolved(): PauseResolution[] {
    return [...this.#recent.values()]
  }

  /**
   * Appends the resolution MTL of a pause and closes it.
   * @throws {PauseNotFoundError} when no such pause exists.
   * @throws {PauseAlreadyResolvedError} when it is resolved or being resolved.
   * @throws {ResolutionExpiredError} when the signed `deadline` has passed by the time the
   *   resolution would be logged; the pause stays open.
   * @throws {StoreError} when the log cannot take the resolution; the pause stays open.
   */
  async resolve(p: ResolvePauseParameters): Promise<PauseResolution> {
    const entry = this.#open.get(p.pauseId)
    if (!entry) throw await this.#notOpen(p.pauseId)
    if (entry.resolving) throw new PauseAlreadyResolvedError(p.pauseId)
    const now = this.#clock()
    // The caller checked the deadline a moment ago; the record's own timestamp is what
    // verifiers compare it with, so it is checked again against that time.
    if (p.deadline !== undefined && Math.floor(now / 1000) > p.deadline)
      throw new ResolutionExpiredError(p.pauseId, p.deadline)
    entry.resolving = true
    let appended: Awaited<ReturnType<AlwaysMemory['append']>>
    try {
      appended = await this.#memory.append({
        draft: buildResolutionMtl({
          pause: entry.mtl,
          decision: p.decision,
          arbiter: p.arbiter,
          rationaleHash: p.rationaleHash,
          signature: p.signature,
          pauseLeafHash: entry.leafHash,
          ...(p.deadline === undefined ? {} : { deadline: p.deadline }),
          traceId: uuidv7(now),
          timestamp: new Date(now).toISOString(),
          pauseMs: Math.max(0, now - Date.parse(entry.mtl.timestamp)),
          outputHash: null,
        }),
        ...(this.#vault
          ? {
              vault: {
                output: null,
                scores: null,
                rationale: p.rationale ?? null,
                personal: null,
                subjectSecret: null,
              },
            }
          : {}),
        profile: entry.profile,
        pauseDeadlineMs: null,
      })
    } catch (e) {
      entry.resolving = false
      throw e
    }
    const resolution: PauseResolution = {
      pause_id: p.pauseId,
      state: p.decision,
      arbiter: p.arbiter,
      trace_id: appended.mtl.trace_id,
      seq: appended.mtl.seq,
      leaf_hash: appended.leafHash,
      receipt: appended.receipt,
      timestamp: appended.receipt.timestamp,
    }
    // Durable: the timer has nothing left to do, and the case is no reviewer's business any more
    // (its key is destroyed now, not at the release). The pause stays marked as resolving, so a
    // second resolution is refused while the release waits for the chains.
    clearTimeout(entry.timer)
    this.#cases.drop(p.pauseId)
    if (this.#mustAnchor(entry.profile, p.decision))
      void this.#releaseWhenAnchored(entry, resolution)
    else this.#release(entry, resolution)
    return resolution
  }

  // Only now is anyone told, and the pause closed.
  #release(entry: Entry, resolution: PauseResolution): void {
    this.#open.delete(entry.pauseId)
    this.#remember(resolution)
    for (const w of entry.waiters) w(resolution)
    this.#lantern.resolved(
      {
        pause_id: entry.pauseId,
        state: resolution.state,
        arbiter: resolution.arbiter,
        resolution_trace_id: resolution.trace_id,
      },
      this.#open.size,
    )
  }

  // A -1 ends in no action, which needs no proof; a +1 of a deliberative profile lets an action
  // go ahead, which waits until the chains hold its record.
  #mustAnchor(profile: string, decision: 1 | -1): boolean {
    return (
      this.#anchorHold !== undefined &&
      decision === 1 &&
      this.#policies.get(profile)?.policy.timing === 'deliberative'
    )
  }

  async #releaseWhenAnchored(entry: Entry, resolution: PauseResolution): Promise<void> {
    const hold = this.#anchorHold as AnchorHold
    while (!this.#closed) {
      if (await hold.waitAnchored(resolution.seq, RELEASE_WAIT_MS)) {
        if (!this.#closed) this.#release(entry, resolution)
        return
      }
      // Anchoring stopped or is slow: ask again shortly (the timer does not keep the process up).
      await new Promise((resolve) => setTimeout(resolve, this.#retryMs).unref?.())
    }
  }

  /**
   * Waits up to `ms` for the pause's resolution: resolves with it, or with undefined when the
   * pause is still open. Recent resolutions are answered at once.
   * @throws {PauseNotFoundError} for an unknown pause.
   */
  async wait(pauseId: string, ms: number): Promise<PauseResolution | undefined> {
    const recent = this.#recent.get(pauseId)
    if (recent) return recent
    const entry = this.#open.get(pauseId)
    if (!entry) {
      const e = await this.#notOpen(pauseId, ms)
      if (e instanceof PauseAlreadyResolvedError && e.resolution) return e.resolution
      throw e
    }
    if (ms <= 0) return undefined
    return new Promise((resolve) => {
      const done = (r: PauseResolution | undefined) => {
        clearTimeout(timer)
        entry.waiters.delete(done)
        resolve(r)
      }
      const timer = setTimeout(() => done(undefined), ms)
      entry.waiters.add(done)
    })
  }

  /** Disarms every timer; open pauses stay open in the log and are restored at the next start. */
  close(): void {
    this.#closed = true
    this.#closing.abort()
    for (const e of this.#open.values()) clearTimeout(e.timer)
    this.#cases.close()
  }

  #arm(entry: Entry, delayMs: number): void {
    if (this.#closed) return
    clearTimeout(entry.timer)
    // setTimeout holds at most 2^31-1 ms; longer waits re-arm when that fires.
    const capped = Math.min(Math.max(0, delayMs), 2 ** 31 - 1)
    entry.timer = setTimeout(() => void this.#timeout(entry), capped)
    entry.timer.unref?.()
  }

  async #timeout(entry: Entry): Promise<void> {
    const remaining = entry.deadlineMs - this.#clock()
    if (remaining > 0) return this.#arm(entry, remaining)
    try {
      await this.resolve({
        pauseId: entry.pauseId,
        decision: -1,
        arbiter: { kind: 'timeout', id: 'gateway' },
        rationaleHash: TIMEOUT_RATIONALE_HASH,
        rationale: TIMEOUT_RATIONALE,
        signature: null,
      })
    } catch (e) {
      if (e instanceof PauseAlreadyResolvedError || e instanceof PauseNotFoundError) return
      // The log cannot take it now (No Log = No Action): the pause stays open, retry shortly.
      if (e instanceof StoreError) return this.#arm(entry, this.#retryMs)
      this.#onWarning(`timeout of pause ${entry.pauseId} failed`, e)
      this.#arm(entry, this.#retryMs)
    }
  }

  async #verify(entry: Entry, { name, hook }: ProfileHook): Promise<void> {
    let verdict: Awaited<ReturnType<VerificationHook>>
    try {
      verdict = await hook(
        {
          pause_id: entry.pauseId,
          trace_id: entry.mtl.trace_id,
          leaf_hash: entry.leafHash,
          profile: entry.profile,
          trigger_type: entry.mtl.trigger_type,
          trigger_detail: entry.mtl.trigger_detail,
          metrics: entry.mtl.metrics,
          input_hash: entry.mtl.input_hash,
          deadline: new Date(entry.deadlineMs).toISOString(),
        },
        { signal: this.#closing.signal },
      )
    } catch (e) {
      if (this.#closed) return
      this.#onWarning(
        `verification hook ${name} failed for pause ${entry.pauseId}; it waits for a reviewer`,
        e,
      )
      return
    }
    if (!verdict || !this.#open.has(entry.pauseId)) return
    const rationaleHash = bytesToHex(sha256(utf8ToBytes(verdict.rationale)))
    // The hook has no key of its own: the gateway signs what the hook decided, with the log's
    // receipt key, over a statement bound to this log, pause and evidence.
    const signature = this.#signer.signBytes(
      verificationStatementBytes({
        logId: this.#memory.logId,
        pauseId: entry.pauseId,
        pauseLeafHash: entry.leafHash,
        verifier: name,
        decision: verdict.decision,
        rationaleHash,
      }),
    )
    try {
      await this.resolve({
        pauseId: entry.pauseId,
        decision: verdict.decision,
        arbiter: { kind: 'verification', id: name },
        rationaleHash,
        rationale: verdict.rationale,
        signature,
      })
    } catch (e) {
      if (!(e instanceof PauseAlreadyResolvedError))
        this.#onWarning(`verification of pause ${entry.pauseId} not logged`, e)
    }
  }

  /**
   * Why a pause is not open: unknown, or resolved (with the resolution from the log once it may
   * be released: a +1 that must be anchored is named only when it is, waiting up to `waitMs`).
   */
  async #notOpen(
    pauseId: string,
    waitMs = 0,
  ): Promise<PauseNotFoundError | PauseAlreadyResolvedError> {
    const recent = this.#recent.get(pauseId)
    if (recent) return new PauseAlreadyResolvedError(pauseId, recent)
    const store = this.#memory.store
    const pause = await store.entryByTraceId(pauseId)
    if (pause?.kind !== 'decision' || pause.state !== 0) return new PauseNotFoundError(pauseId)
    const r = await store.resolutionOf(pauseId)
    if (!r) return new PauseAlreadyResolvedError(pauseId)
    // After a restart, a +1 resolved before it was anchored is still held.
    if (
      this.#mustAnchor(pause.profile ?? '', r.state === 1 ? 1 : -1) &&
      !(await (this.#anchorHold as AnchorHold).waitAnchored(r.seq, waitMs))
    )
      return new PauseAlreadyResolvedError(pauseId)
    const mtl = JSON.parse(r.mtl) as { resolution: { arbiter: MtlArbiter } }
    return new PauseAlreadyResolvedError(pauseId, {
      pause_id: pauseId,
      state: r.state === 1 ? 1 : -1,
      arbiter: mtl.resolution.arbiter,
      trace_id: r.traceId,
      seq: r.seq,
      leaf_hash: r.leafHash,
      receipt: r.receipt,
      timestamp: r.receipt.timestamp,
    })
  }

  #remember(r: PauseResolution): void {
    this.#recent.set(r.pause_id, r)
    if (this.#recent.size > RECENT_LIMIT) {
      const oldest = this.#recent.keys().next().value
      if (oldest !== undefined) this.#recent.delete(oldest)
    }
  }
}

function strip(e: Entry): OpenPause {
  return {
    pauseId: e.pauseId,
    profile: e.profile,
    leafHash: e.leafHash,
    mtl: e.mtl,
    deadlineMs: e.deadlineMs,
  }
}
