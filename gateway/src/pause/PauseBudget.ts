import type { Policy } from '../policy/types.ts'
import { TokenBucket } from './TokenBucket.ts'

/** Parameters of {@link PauseBudget.take}. */
export type TakePauseParameters = { policy: Policy; caller: string; now: number }

/** Why a pause was refused: the caller's own budget or the profile's overall one. */
export type BudgetVerdict = { granted: true } | { granted: false; exhausted: 'caller' | 'overall' }

/**
 * The pause budget of the gateway: one token bucket per (profile, caller) and one per profile for
 * all callers together, sized by the profile's policy. A pause needs a token from both: one
 * caller cannot drain the others' budget, and many callers cannot paralyze the profile. When
 * either is empty, what would pause is refused instead (-1, trigger BUDGET).
 *
 * Spec: Sacred Pause Protocol §12.1.
 *
 * @example
 * const verdict = budget.take({ policy, caller: 'app', now: Date.now() })
 * if (!verdict.granted) decision = refuseForBudget(decision, verdict.exhausted)
 */
export class PauseBudget {
  readonly #perCaller = new Map<string, TokenBucket>()
  readonly #overall = new Map<string, TokenBucket>()

  take({ policy, caller, now }: TakePauseParameters): BudgetVerdict {
    const own = this.#bucket(
      this.#perCaller,
      `${policy.profile}\0${caller}`,
      policy.pause.perCaller,
      now,
    )
    const all = this.#bucket(this.#overall, policy.profile, policy.pause.overall, now)
    // Check both before taking from either, so a refusal never costs a token.
    if (own.level(now) < 1) return { granted: false, exhausted: 'caller' }
    if (all.level(now) < 1) return { granted: false, exhausted: 'overall' }
    own.take(now)
    all.take(now)
    return { granted: true }
  }

  /** Returns the tokens of a pause that was never logged. */
  refund({ policy, caller }: { policy: Policy; caller: string }): void {
    this.#perCaller.get(`${policy.profile}\0${caller}`)?.refund()
    this.#overall.get(policy.profile)?.refund()
  }

  #bucket(
    map: Map<string, TokenBucket>,
    key: string,
    config: Policy['pause']['overall'],
    now: number,
  ): TokenBucket {
    let bucket = map.get(key)
    if (!bucket) {
      bucket = new TokenBucket(config, now)
      map.set(key, bucket)
    }
    return bucket
  }
}
