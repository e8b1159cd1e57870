/**
 * The nonces of case requests already served, each kept until its request expires: a signed
 * request is single use, and after its expiry the window check refuses it anyway, so the set
 * never holds more than the requests of the last few minutes. Only requests signed by a listed
 * reviewer are recorded, so no one else can fill it.
 *
 * @example
 * const used = new UsedNonces()
 * used.take(nonce, expiresAt, now) // true the first time
 * used.take(nonce, expiresAt, now) // false: a replay
 */
export class UsedNonces {
  readonly #until = new Map<string, number>()

  /**
   * Records `nonce` (until `expiresAt`, unix seconds); false when it was already recorded and
   * has not expired. Expired nonces are forgotten on the way.
   */
  take(nonce: string, expiresAt: number, now: number): boolean {
    for (const [n, until] of this.#until) if (until < now) this.#until.delete(n)
    const key = nonce.toLowerCase()
    if (this.#until.has(key)) return false
    this.#until.set(key, expiresAt)
    return true
  }

  /** Nonces held. */
  get size(): number {
    return this.#until.size
  }
}
