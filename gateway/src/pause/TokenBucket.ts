import type { BucketConfig } from '../policy/types.ts'

/**
 * A token bucket: holds up to `capacity` tokens, refills continuously at `refillPerSecond`, and
 * each pause takes one. Time is passed in (Unix ms), so that the bucket is deterministic under
 * test and follows the same clock as the decisions.
 *
 * Spec: Sacred Pause Protocol §12.1 (pause budget as a token bucket against filibuster attacks).
 *
 * @example
 * const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, 0)
 * bucket.take(0); bucket.take(0); bucket.take(0) // true, true, false
 * bucket.take(1000) // true: one token came back
 */
export class TokenBucket {
  readonly config: BucketConfig
  #tokens: number
  #at: number

  constructor(config: BucketConfig, now: number) {
    this.config = config
    this.#tokens = config.capacity
    this.#at = now
  }

  /** Tokens available at `now` (fractional while refilling). */
  level(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(
        this.config.capacity,
        this.#tokens + ((now - this.#at) / 1000) * this.config.refillPerSecond,
      )
      this.#at = now
    }
    return this.#tokens
  }

  /** True and one token fewer when a whole token is available at `now`; false otherwise. */
  take(now: number): boolean {
    if (this.level(now) < 1) return false
    this.#tokens -= 1
    return true
  }

  /** Gives a token back (its pause could not be logged, so it never happened). */
  refund(): void {
    this.#tokens = Math.min(this.config.capacity, this.#tokens + 1)
  }
}
