import { type Hex, type MtlResolution, verifyHookResolution, verifyResolutionMtl } from '@tml/core'
import type { PauseFact } from './checkEntryLines.ts'

/** What a policy says about its pauses, by policy hash (from policy files the auditor trusts). */
export type PausePolicy = {
  timeoutMs: number
  reviewers: readonly string[]
  /**
   * The arbiter ids of the verification hooks the policy names (`verification.hook`'s URL
   * without its query, `pause.verification_hook`'s name): the only ones that may resolve its
   * pauses. None: no hook may.
   */
  verifiers?: readonly string[]
}

type OpenPause = { seq: number; at: number; timestamp: string; policyHash: Hex; leafHash: Hex }

/**
 * The pause rules of a log, checked in one pass in log order: every pause (a decision with state
 * 0) is resolved exactly once, by a later record that names it (`refers_to`) and its leaf hash;
 * a reviewer's resolution carries a valid signature made before the deadline it signed (core's
 * `verifyResolutionMtl`), by a reviewer the pause's policy lists, and is logged before the
 * pause's timeout; a verification hook's resolution is by a hook the pause's policy names, logged
 * before the pause's timeout, and carries the log's receipt key signature (for the key of its
 * seq) over the `tml-verification/1` statement rebuilt from the record (core's
 * `verifyHookResolution`): a forged or altered one is a problem; a timeout's resolution is logged
 * no earlier than the pause's timeout. Only the
 * open pauses are kept (by trace id), so memory is bounded by how many pauses are open at once,
 * not by the log. A second resolution of a pause is reported as resolving a pause that is not
 * open (whether it was resolved before or never paused would take a record of every pause).
 * Without the pause's policy (`policies`), timeouts are checked against the pause's time only
 * and a reviewer's signature against the reviewer the record names.
 *
 * @example
 * const rules = new PauseRules({ policies, problem, note })
 * await rules.fact(fact) // for each PauseFact, in log order
 * rules.finish(lastCheckpointTime)
 */
export class PauseRules {
  readonly #open = new Map<string, OpenPause>()
  readonly #policies: ReadonlyMap<string, PausePolicy>
  readonly #problem: (kind: string, message: string) => void
  readonly #notes = new Set<string>()
  readonly #note: (text: string) => void
  readonly #receiptKeyAt: ((seq: number) => Hex | undefined) | undefined
  pauses = 0
  resolutions = 0

  constructor(p: {
    policies: ReadonlyMap<string, PausePolicy>
    problem: (kind: string, message: string) => void
    note: (text: string) => void
    /** The log's receipt key for a seq (claimed keys, checked on chain by the audit). */
    receiptKeyAt?: ((seq: number) => Hex | undefined) | undefined
  }) {
    this.#receiptKeyAt = p.receiptKeyAt
    this.#policies = p.policies
    this.#problem = p.problem
    this.#note = p.note
  }

  /** Number of pauses open now. */
  get open(): number {
    return this.#open.size
  }

  /** Takes the next pause or resolution of the log. */
  async fact(f: PauseFact): Promise<void> {
    if (f.type === 'pause') {
      this.pauses++
      if (this.#open.has(f.traceId))
        this.#problem('pause', `entry ${f.seq}: pause ${f.traceId} is already open`)
      this.#open.set(f.traceId, {
        seq: f.seq,
        at: Date.parse(f.timestamp),
        timestamp: f.timestamp,
        policyHash: f.policyHash.toLowerCase() as Hex,
        leafHash: f.leafHash,
      })
      return
    }
    this.resolutions++
    const mtl = f.mtl as unknown as MtlResolution
    const id = String(mtl.refers_to)
    const pause = this.#open.get(id)
    const where = `entry ${f.seq}: resolution of pause ${id}`
    if (!pause) {
      this.#problem(
        'pause',
        `${where}: that pause is not open (resolved before, or no pause has that trace id): a pause is resolved exactly once`,
      )
      return
    }
    this.#open.delete(id)
    const at = Date.parse(String(mtl.timestamp))
    const detail = mtl.resolution ?? ({} as MtlResolution['resolution'])
    const kind = detail.arbiter?.kind
    if (!(at >= pause.at))
      this.#problem(
        'pause',
        `${where}: logged at ${mtl.timestamp}, before the pause (${pause.timestamp})`,
      )
    if (
      detail.pause_leaf_hash !== undefined &&
      detail.pause_leaf_hash.toLowerCase() !== pause.leafHash
    )
      this.#problem(
        'pause',
        `${where}: names pause leaf hash ${detail.pause_leaf_hash}, the pause (entry ${pause.seq}) hashes to ${pause.leafHash}`,
      )
    const policy = this.#policies.get(pause.policyHash)
    if (!policy)
      this.#noteOnce(
        `pauses: no policy file with hash ${pause.policyHash} (--policies): its timeout and reviewers are not checked`,
      )
    const deadline = policy ? pause.at + policy.timeoutMs : undefined
    if (kind === 'timeout') {
      if (deadline !== undefined && at < deadline)
        this.#problem(
          'pause',
          `${where}: timed out at ${mtl.timestamp}, before the pause's deadline ${new Date(deadline).toISOString()}`,
        )
      return
    }
    if (kind === 'reviewer') {
      if (deadline !== undefined && at > deadline)
        this.#problem(
          'pause',
          `${where}: a reviewer's resolution logged at ${mtl.timestamp}, after the pause's deadline ${new Date(deadline).toISOString()} (the timeout resolves it then)`,
        )
      // Without the policy, the reviewer the record names: the signature is still checked.
      const reviewers = policy?.reviewers ?? [String(detail.arbiter?.id ?? '')]
      const result = await verifyResolutionMtl({ mtl, reviewers }).catch(
        (e: Error) => ({ reason: 'error', message: e.message.split('\n')[0] }) as const,
      )
      if ('reason' in result) {
        if (result.reason === 'not_checkable')
          this.#noteOnce(`pauses: reviewer resolutions without signed deadline: ${result.message}`)
        else
          this.#problem(
            'pause',
            `${where}: reviewer's resolution refused (${result.reason}: ${result.message})`,
          )
      }
      return
    }
    if (kind === 'verification') {
      const verifier = String(detail.arbiter?.id ?? '')
      if (deadline !== undefined && at > deadline)
        this.#problem(
          'pause',
          `${where}: a verification hook's resolution logged at ${mtl.timestamp}, after the pause's deadline ${new Date(deadline).toISOString()} (the timeout resolves it then)`,
        )
      if (policy && !(policy.verifiers ?? []).includes(verifier))
        this.#problem(
          'pause',
          `${where}: resolved by verification hook ${verifier}, which the pause's policy ${pause.policyHash} does not name (${policy.verifiers?.length ? `it names ${policy.verifiers.join(', ')}` : 'it names no hook'})`,
        )
      const key = this.#receiptKeyAt?.(f.seq)
      if (key === undefined) {
        this.#noteOnce(
          'pauses: verification-hook resolutions: no receipt key known, their signatures are not checked',
        )
        return
      }
      const result = verifyHookResolution({
        mtl,
        receiptPublicKey: key,
        pauseLeafHash: pause.leafHash,
      })
      // A leaf hash that is not the pause's is reported above.
      if (!result.ok && result.reason !== 'wrong_pause')
        this.#problem(
          'pause',
          `${where}: verification hook's resolution refused (${result.reason}: ${result.message})`,
        )
      return
    }
    // `budget`: the gateway refused on its own; once-only and timing are checked above.
  }

  /**
   * Ends the pass: each pause still open whose deadline (known from its policy) is before `now`
   * (the log's newest checkpoint time, ms) was never resolved, which is a problem; the others
   * are still open, which is a note.
   */
  finish(now: number): void {
    let waiting = 0
    for (const [id, p] of this.#open) {
      const policy = this.#policies.get(p.policyHash)
      if (policy && p.at + policy.timeoutMs < now)
        this.#problem(
          'pause',
          `entry ${p.seq}: pause ${id} was never resolved; its deadline passed at ${new Date(p.at + policy.timeoutMs).toISOString()}`,
        )
      else waiting++
    }
    if (waiting > 0) this.#note(`pauses: ${waiting} still open at the end of the log`)
  }

  #noteOnce(text: string): void {
    if (this.#notes.has(text)) return
    this.#notes.add(text)
    this.#note(text)
  }
}
