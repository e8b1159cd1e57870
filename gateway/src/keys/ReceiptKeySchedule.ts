import type { Hex } from '@tml/core'
import { createReceiptSigner, type ReceiptSigner } from './createReceiptSigner.ts'

/** A receipt key and the first sequence number whose receipt it signs. */
export type ReceiptKeyStart = { fromSeq: number; key: Uint8Array }

type Start = { fromSeq: number; key: Uint8Array | undefined; signer: ReceiptSigner }

/**
 * Which P-256 key signs the receipt of each sequence number: the log's first receipt key from 0,
 * then each handed-over key from its first sequence number on (see `ReceiptKeyHandover`). The
 * choice is by sequence number, not by the order records reach the signer, so that records placed
 * before a handover and sealed after it still get the key of their epoch.
 *
 * @example
 * const keys = new ReceiptKeySchedule([{ fromSeq: 0, key }])
 * keys.add({ fromSeq: 1_000, key: nextKey })
 * keys.signerFor(999).publicKey // the first key's
 */
export class ReceiptKeySchedule {
  readonly #starts: Start[] = []

  /**
   * A start may give a signer instead of the key's bytes (a committer handed one signer); such a
   * start is not passed on by {@link starts}.
   *
   * @throws {RangeError} when the first start is not 0 or the starts are out of order.
   */
  constructor(starts: readonly (ReceiptKeyStart | { fromSeq: number; signer: ReceiptSigner })[]) {
    if (starts[0]?.fromSeq !== 0) throw new RangeError('the first receipt key starts at seq 0')
    for (const start of starts)
      this.#push(
        'key' in start
          ? { fromSeq: start.fromSeq, key: start.key, signer: createReceiptSigner(start.key) }
          : { fromSeq: start.fromSeq, key: undefined, signer: start.signer },
      )
  }

  /**
   * Hands receipts from `fromSeq` on over to `key`. A start at the sequence number of the last one
   * replaces it (two handovers with no record between them).
   *
   * @throws {RangeError} when `fromSeq` is below the last start.
   */
  add({ fromSeq, key }: ReceiptKeyStart): void {
    this.#push({ fromSeq, key, signer: createReceiptSigner(key) })
  }

  #push(start: Start): void {
    const last = this.#starts.at(-1)
    if (!Number.isSafeInteger(start.fromSeq) || start.fromSeq < (last?.fromSeq ?? 0))
      throw new RangeError(
        `receipt key start ${start.fromSeq} is below the last one (${last?.fromSeq})`,
      )
    if (last?.fromSeq === start.fromSeq) this.#starts.pop()
    this.#starts.push(start)
  }

  /** The signer of receipt `seq`: the last key that starts at or below it. */
  signerFor(seq: number): ReceiptSigner {
    return (startFor(this.#starts, seq) ?? (this.#starts[0] as Start)).signer
  }

  /** The public key (0x04 ‖ x ‖ y) that signed receipt `seq`: what its proof bundle carries. */
  publicKeyFor(seq: number): Hex {
    return this.signerFor(seq).publicKey
  }

  /** The key that signs the next receipts. */
  get current(): ReceiptSigner {
    return (this.#starts.at(-1) as Start).signer
  }

  /** Every key's public half with its first sequence number, in order (what the log claims). */
  publicKeys(): { fromSeq: number; publicKey: Hex }[] {
    return this.#starts.map(({ fromSeq, signer }) => ({ fromSeq, publicKey: signer.publicKey }))
  }

  /** The starts given as key bytes, in order (what a commit worker is given). */
  starts(): ReceiptKeyStart[] {
    return this.#starts.flatMap(({ fromSeq, key }) => (key ? [{ fromSeq, key }] : []))
  }
}

/**
 * The start that covers sequence number `seq` in `starts` (ordered by `fromSeq`): the last one at
 * or below it; undefined when `seq` is below the first. The one rule of which receipt key signs
 * which receipt, for the gateway's signers and the audit's checkers.
 *
 * @example startFor([{ fromSeq: 0 }, { fromSeq: 500 }], 499) // { fromSeq: 0 }
 */
export function startFor<T extends { fromSeq: number }>(
  starts: readonly T[],
  seq: number,
): T | undefined {
  for (let i = starts.length - 1; i >= 0; i--) {
    const start = starts[i] as T
    if (start.fromSeq <= seq) return start
  }
  return undefined
}
