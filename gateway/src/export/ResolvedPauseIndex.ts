import type { Mtl, MtlDecision, MtlResolution } from '@tml/core'

/** A pause (a decision of state 0) and the resolution that closed it. */
export type ResolvedPause = { pause: MtlDecision; resolution: MtlResolution }

/**
 * What a training export needs from a log, read once, entry by entry: the pauses, the
 * resolutions that close them (`refers_to` is the pause's `trace_id`) and the pseudonyms of
 * erased subjects. Only pauses are held until their resolution comes, so memory grows with the
 * number of pauses, not with the log. A resolution whose pause is not in the log (or comes
 * before it) pairs with nothing.
 *
 * @example
 * const index = new ResolvedPauseIndex()
 * for (const mtl of mtls) index.add(mtl)
 * for (const { pause, resolution } of index.resolved()) if (!index.isErased(pause.subject)) …
 */
export class ResolvedPauseIndex {
  readonly #open = new Map<string, MtlDecision>()
  readonly #resolved: ResolvedPause[] = []
  readonly #erased = new Set<string>()

  /** Takes the next MTL of the log, in `seq` order. */
  add(mtl: Mtl): void {
    if (mtl.kind === 'decision') {
      if (mtl.state === 0) this.#open.set(mtl.trace_id, mtl)
    } else if (mtl.kind === 'resolution') {
      const pause = this.#open.get(mtl.refers_to)
      if (pause === undefined) return
      // One resolution closes a pause; the log never holds a second one (the gateway refuses it).
      this.#open.delete(mtl.refers_to)
      this.#resolved.push({ pause, resolution: mtl })
    } else if (mtl.kind === 'erasure') {
      this.#erased.add(mtl.subject)
    }
  }

  /** Resolved pauses in the order of their resolutions. */
  resolved(): readonly ResolvedPause[] {
    return this.#resolved
  }

  /** Pauses with no resolution (yet). */
  get openCount(): number {
    return this.#open.size
  }

  /** Whether an erasure record names this subject pseudonym. */
  isErased(subject: string): boolean {
    return this.#erased.has(subject)
  }
}
