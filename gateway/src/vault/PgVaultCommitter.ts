import type { Hex } from '@tml/core'
import { ReceiptKeySchedule, type ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { CommitBatch, Committer, SealedRecord } from '../memory/Committer.ts'
import type { PgLogStore } from '../memory/PgLogStore.ts'
import { sealBatch } from '../memory/sealBatch.ts'
import type { CustodianSet } from './Custodian.ts'
import { EpochKeyRing } from './EpochKeyRing.ts'
import type { PgVaultStore } from './PgVaultStore.ts'

/** Parameters of {@link PgVaultCommitter.start}. */
export type PgVaultCommitterParameters = {
  store: PgLogStore
  vault: PgVaultStore
  logId: Hex
  /** The receipt keys by first sequence number (the handovers so far). */
  receiptKeys: readonly ReceiptKeyStart[]
  /** The custodians the epoch keys are split to, and how long one epoch key seals. */
  set: CustodianSet
  periodMs: number
  clock?: () => number
}

/**
 * The {@link Committer} of a gateway on PostgreSQL with the sealed evidence vault on. The SQLite
 * store seals in the commit worker, whose thread owns the database connection; PostgreSQL's
 * writes go through the pool on the event loop, so here sealing runs on the event loop too (as
 * the inline committer signs receipts): the batch's records are sealed together under the open
 * epoch key (`sealBatch`, which adds `evidence_seal` to their MTLs), then the batch's entries and
 * its sealed envelopes are written in one transaction (`PgLogStore.append` with
 * `PgVaultStore.writeSealed`):
 * an acknowledged MTL always has its envelope, and a rolled-back batch leaves neither. The
 * database refuses, at commit, a sealed MTL in no envelope of its seal, or an envelope that is not
 * its MTLs'.
 *
 * The epoch keys live in this process's memory (the ring wipes each one when its epoch ends), as
 * they do in the worker, which shares the process's memory anyway. Sealing costs a few µs per
 * record on the event loop; PostgreSQL's round trips dominate the append.
 *
 * @example
 * const committer = await PgVaultCommitter.start({ store, vault, logId, receiptKeys, set, periodMs: 900_000 })
 */
export class PgVaultCommitter implements Committer {
  readonly #store: PgLogStore
  readonly #vault: PgVaultStore
  readonly #keys: ReceiptKeySchedule
  readonly #ring: EpochKeyRing
  #ringStart: Promise<void>

  private constructor(p: PgVaultCommitterParameters) {
    this.#store = p.store
    this.#vault = p.vault
    this.#keys = new ReceiptKeySchedule([...p.receiptKeys])
    this.#ring = new EpochKeyRing({
      logId: p.logId,
      set: p.set,
      periodMs: p.periodMs,
      store: p.vault,
      ...(p.clock ? { clock: p.clock } : {}),
    })
    this.#ringStart = this.#ring.start()
    // Reported by probe (and so by start), not as an unhandled rejection.
    this.#ringStart.catch(() => {})
  }

  /**
   * Prepares the first epoch key (wrapped to the custodians and stored before it seals) and
   * checks that the store takes writes.
   * @throws {VaultError} `TML_VAULT_NO_KEY` when no epoch key could be stored.
   */
  static async start(p: PgVaultCommitterParameters): Promise<PgVaultCommitter> {
    const committer = new PgVaultCommitter(p)
    try {
      await committer.probe()
    } catch (e) {
      await committer.close()
      throw e
    }
    return committer
  }

  async commit(batch: CommitBatch): Promise<SealedRecord[]> {
    const { entries, sealed, vaultBatches } = sealBatch({
      records: batch.records,
      signerFor: (seq) => this.#keys.signerFor(seq),
      vault: this.#ring,
    })
    await this.#store.append(
      { entries, subjectKeys: batch.subjectKeys, erasedLookups: batch.erasedLookups },
      vaultBatches.length === 0
        ? undefined
        : (client) => this.#vault.writeSealed(client, vaultBatches),
    )
    return sealed
  }

  async probe(): Promise<void> {
    // A first epoch key that could not be stored (database down at start) is retried here.
    const current = this.#ringStart
    await current.catch(() => {
      if (this.#ringStart === current) this.#ringStart = this.#ring.start()
      return this.#ringStart
    })
    await this.#store.probe()
  }

  /**
   * Wraps the vault's epoch keys to `set` from the next epoch on (a custodian declaration
   * changed on chain; see `EpochKeyRing.setCustodians`): the key ring lives on this thread here.
   */
  async setCustodians(set: CustodianSet): Promise<void> {
    this.#ring.setCustodians(set)
  }

  handOverReceiptKey(start: ReceiptKeyStart): void {
    this.#keys.add(start)
  }

  async close(): Promise<void> {
    this.#ring.close()
  }
}
