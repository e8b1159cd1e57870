import type { AnchorStore, ReceiptHandover } from '../anchoring/AnchorStore.ts'
import type { CheckpointKeyHistory, CheckpointKeyPeriod } from '../keys/CheckpointKeyHistory.ts'
import { KeysError } from '../keys/KeysError.ts'
import type { ReceiptKeySchedule, ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { AlwaysMemory } from '../memory/AlwaysMemory.ts'
import type { Committer } from '../memory/Committer.ts'

/** Where a test may make the handover "crash" (throw) to check what survives. */
export type HandoverCrashPoint = 'afterHandover'

/** Parameters of {@link ReceiptKeyHandover}. */
export type ReceiptKeyHandoverParameters = {
  /** The key history: each period's receipt key commitment and private key. */
  history: Pick<CheckpointKeyHistory, 'periods' | 'receiptKey'>
  /** Where handovers are recorded (the anchoring lane's store). */
  store: Pick<AnchorStore, 'receiptHandovers' | 'putReceiptHandover'>
  /**
   * Always Memory: the next sequence number to be placed, and the hold that keeps any record from
   * being placed while the handover is written.
   */
  memory: Pick<AlwaysMemory, 'nextSeq' | 'hold' | 'release' | 'reason' | 'available'>
  /** Signs receipts: told the new key and its first sequence number. */
  committer: Pick<Committer, 'handOverReceiptKey'>
  /** The gateway's own view of which key signed which receipt (proof bundles, the log's keys). */
  schedule: ReceiptKeySchedule
  crashPoint?: (point: HandoverCrashPoint) => void
}

/**
 * Hands the log's receipts over to a new receipt key exactly where its key period begins. A
 * receipt promises that its MTL will be in a checkpoint; a verifier checks it with the receipt key
 * of the period whose epochs hold it. So when period p (first epoch E) brings a new receipt key,
 * the epoch before it, E − 1, must hold exactly the receipts of the old key: when E − 1 is due, the
 * handover holds Always Memory (no record is placed until the switch; appends are refused for
 * the time of one store write), takes the next sequence number B, records (p, B, E − 1) durably,
 * then tells the committer to sign from B on with the new key and releases the hold; the
 * sequencer then closes E − 1 at tree size B, not beyond.
 * After a crash the record survives: the committer restarts with both keys and the sequencer
 * still closes E − 1 at B. A rotation noticed only after E − 1 closed (written too late) hands
 * over at the end of the epoch being closed: the old key then signed some receipts of period p's
 * first epochs, which the chain still accepts as evidence (a receipt key answers for every epoch
 * from its period's first on), but the new key never signs a receipt of an earlier epoch.
 *
 * Spec: contracts/README.md (broken promises, receipt keys), gateway/README.md (rotating keys).
 *
 * @example
 * const handover = new ReceiptKeyHandover({ history, store, memory, committer, schedule })
 * const closeAt = await handover.prepare(epoch) // undefined: no receipt key changes after `epoch`
 */
export class ReceiptKeyHandover {
  readonly #p: ReceiptKeyHandoverParameters

  constructor(p: ReceiptKeyHandoverParameters) {
    this.#p = p
  }

  /** The tree size epoch `epoch` must close at, when a handover was recorded at its end. */
  async boundary(epoch: number): Promise<number | undefined> {
    return (await this.#p.store.receiptHandovers()).find((h) => h.epoch === epoch)?.fromSeq
  }

  /**
   * Called when epoch `epoch` is due and the chains agree with the store: when the period that
   * covers `epoch + 1` has another receipt key than the one signing now, hands over (see the
   * class) and returns the tree size `epoch` must close at; else the boundary already recorded
   * for `epoch`, if any.
   *
   * @throws {KeysError} when the new period's receipt key file is missing or wrong: nothing is
   *   handed over and the epoch is not closed.
   */
  async prepare(epoch: number): Promise<number | undefined> {
    const recorded = await this.boundary(epoch)
    if (recorded !== undefined) return recorded
    const { history, store, memory, committer, schedule } = this.#p
    const periods = history.periods()
    const handovers = await store.receiptHandovers()
    const signing = periods[handovers.at(-1)?.period ?? 0] as CheckpointKeyPeriod | undefined
    if (signing === undefined)
      throw new KeysError(
        `receipt key period ${handovers.at(-1)?.period} is not in the key history any more`,
      )
    const next = periods.filter((p) => p.fromEpoch <= epoch + 1).at(-1) as CheckpointKeyPeriod
    if (next.index <= signing.index || next.receiptKeyCommitment === signing.receiptKeyCommitment)
      return undefined
    const key = history.receiptKey(next)
    // No record is placed from reading the next number to the committer's switch (the store
    // write between them awaits: the hold refuses appends meanwhile), so every record below B
    // has the old key and every one from B the new. Records already placed (below B) commit as
    // usual with the old key.
    const reason = `handing receipts over to the receipt key of period ${next.index}`
    // A log already held (or whose store is down) refuses appends anyway: its hold is left alone.
    const holds = memory.available
    if (holds) memory.hold(reason)
    try {
      const handover: ReceiptHandover = { period: next.index, fromSeq: memory.nextSeq, epoch }
      await store.putReceiptHandover(handover)
      // Crash point: the handover is recorded, nothing is signed with the new key yet; the
      // restart gives the committer both keys and the sequencer closes `epoch` at B.
      this.#p.crashPoint?.('afterHandover')
      const start: ReceiptKeyStart = { fromSeq: handover.fromSeq, key }
      committer.handOverReceiptKey(start)
      schedule.add(start)
      return handover.fromSeq
    } finally {
      // Only our own hold ends here: a chain that contradicted the store meanwhile keeps its own.
      if (holds && memory.reason === reason) memory.release()
    }
  }
}

/**
 * The receipt keys of a log as its store recorded their handovers: period 0's key from seq 0,
 * then each handover's period key from its first sequence number (what the committer and the
 * proof bundles start with after a restart).
 *
 * @example
 * const starts = receiptKeyStarts({ history, handovers: await store.receiptHandovers(), periodZeroKey })
 */
export function receiptKeyStarts({
  history,
  handovers,
  periodZeroKey,
}: {
  history: Pick<CheckpointKeyHistory, 'periods' | 'receiptKey'>
  handovers: readonly ReceiptHandover[]
  periodZeroKey: Uint8Array
}): ReceiptKeyStart[] {
  const periods = history.periods()
  return [
    { fromSeq: 0, key: periodZeroKey },
    ...handovers.map((h) => {
      const period = periods[h.period]
      if (period === undefined)
        throw new KeysError(
          `the store handed receipts over to key period ${h.period} at seq ${h.fromSeq}, which the key history does not hold`,
        )
      return { fromSeq: h.fromSeq, key: history.receiptKey(period) }
    }),
  ]
}
