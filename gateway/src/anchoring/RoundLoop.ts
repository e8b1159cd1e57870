/** What a round says about the next one: how long to wait before it (ms). */
export type RoundOutcome = { delayMs: number }

/** Parameters of {@link RoundLoop}. */
export type RoundLoopParameters = {
  /** One round of work; its outcome sets the pause before the next round. */
  round: () => Promise<RoundOutcome>
  /**
   * Called when `round` throws; returns the pause before the next round (where backoff lives).
   * The loop goes on either way: one failed round never ends it.
   */
  onError: (error: unknown) => RoundOutcome
}

/**
 * Runs a round function over and over, one round at a time, each after the pause the previous
 * one asked for, until {@link stop}. The sequencer's lane and every chain anchorer run on one;
 * what a round does and how it backs off stays with them.
 *
 * @example
 * const loop = new RoundLoop({
 *   round: async () => ({ delayMs: (await work()) ? 0 : 250 }),
 *   onError: () => ({ delayMs: 1_000 }),
 * })
 * loop.start()
 * loop.poke() // something new: a round soon, unless one is running
 * await loop.stop(2_000)
 */
export class RoundLoop {
  readonly #p: RoundLoopParameters
  #timer: NodeJS.Timeout | undefined
  #running = false
  #stopped = true
  #inFlight: Promise<void> = Promise.resolve()

  constructor(p: RoundLoopParameters) {
    this.#p = p
  }

  /** True until {@link start} and again after {@link stop}: long waits inside a round end early. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Runs the first round at once; a loop already running is left as it is. */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#schedule(0)
  }

  /**
   * No round starts after this; resolves once the round in flight is over, or after `graceMs`
   * (a round stuck on a network call must not hold a shutdown).
   */
  async stop(graceMs = 2_000): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    await settleWithin(this.#inFlight, graceMs)
  }

  /**
   * Runs a round soon. While one is running this does nothing: that round sees the news, or the
   * next one, scheduled when it ends, does.
   */
  poke(): void {
    if (!this.#stopped && !this.#running) this.#schedule(0)
  }

  #schedule(ms: number): void {
    if (this.#stopped) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      // One round at a time; `#inFlight` always names the round that {@link stop} waits for.
      if (this.#running || this.#stopped) return
      this.#inFlight = this.#run()
    }, ms)
  }

  async #run(): Promise<void> {
    this.#running = true
    let outcome: RoundOutcome
    try {
      outcome = await this.#p.round()
    } catch (error) {
      outcome = this.#p.onError(error)
    } finally {
      this.#running = false
    }
    this.#schedule(outcome.delayMs)
  }
}

/** Waits for `promise` (ignoring its outcome), at most `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise.catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms)
    }),
  ])
  clearTimeout(timer)
}
