/// <reference path="./opentimestamps.d.ts" />
import { hexToBytes } from '@tml/core'
import OpenTimestamps from 'opentimestamps'
import type { AnchorStore } from '../anchoring/AnchorStore.ts'

const { Ops, Notary, DetachedTimestampFile, Calendar } = OpenTimestamps

/** Parameters of {@link OtsStamper}. */
export type OtsStamperParameters = {
  store: AnchorStore
  /** Calendar URLs (e.g. https://alice.btc.calendar.opentimestamps.org, or a local one). */
  calendars: readonly string[]
  clock?: () => number
}

/**
 * Stamps each checkpoint root at the configured OpenTimestamps calendars and stores one `.ots`
 * per calendar; `upgrade` later asks each calendar for the Bitcoin attestation of its pending
 * commitments and stores the upgraded `.ots`. The `.ots` file's digest is the checkpoint's
 * `rootHash` (SHA-256, as OpenTimestamps expects). Calendars are asked directly (not through the
 * library's `stamp`/`upgrade`, which print to the console), only at the configured URLs: a
 * pending attestation cannot redirect the gateway elsewhere.
 *
 * Spec: OpenTimestamps (.ots serialization, calendar HTTP API: POST /digest, GET /timestamp/…).
 *
 * @example
 * const stamper = new OtsStamper({ store, calendars: [calendar.url] })
 * await stamper.stamp(1)
 * await stamper.upgrade() // later: number of proofs completed
 */
export class OtsStamper {
  readonly #p: OtsStamperParameters
  readonly #clock: () => number

  constructor(p: OtsStamperParameters) {
    this.#p = p
    this.#clock = p.clock ?? Date.now
  }

  /** Stamps checkpoint `epoch` at every calendar; resolves with how many calendars answered. */
  async stamp(epoch: number): Promise<number> {
    const cp = await this.#p.store.checkpoint(epoch)
    if (!cp) throw new RangeError(`no checkpoint for epoch ${epoch}`)
    const digest = [...hexToBytes(cp.rootHash, 32)]
    let answered = 0
    for (const calendar of this.#p.calendars) {
      if ((await this.#p.store.otsOf(epoch)).some((r) => r.calendar === calendar)) {
        answered++
        continue
      }
      const detached = DetachedTimestampFile.fromHash(new Ops.OpSHA256(), digest)
      try {
        const answer = await new Calendar.RemoteCalendar(calendar).submit(detached.timestamp.msg)
        detached.timestamp.merge(answer)
      } catch {
        continue // an unreachable calendar is tried again at the next checkpoint's upgrade round
      }
      await this.#p.store.putOts({
        epoch,
        calendar,
        ots: Uint8Array.from(detached.serializeToBytes()),
        complete: false,
        updatedMs: this.#clock(),
      })
      answered++
    }
    return answered
  }

  /** Asks the calendars for the attestations of every pending proof; resolves with how many completed. */
  async upgrade(): Promise<number> {
    let completed = 0
    for (const record of await this.#p.store.pendingOts()) {
      const detached = DetachedTimestampFile.deserialize(record.ots)
      const calendar = new Calendar.RemoteCalendar(record.calendar)
      let changed = false
      for (const sub of detached.timestamp.directlyVerified()) {
        if (!sub.attestations.some((a) => a instanceof Notary.PendingAttestation)) continue
        try {
          sub.merge(await calendar.getTimestamp(sub.msg))
          changed = true
        } catch {
          // 404 while the commitment waits for a block: still pending.
        }
      }
      if (!changed) continue
      const complete = detached.timestamp.isTimestampComplete()
      await this.#p.store.putOts({
        ...record,
        ots: Uint8Array.from(detached.serializeToBytes()),
        complete,
        updatedMs: this.#clock(),
      })
      if (complete) completed++
    }
    return completed
  }
}
