import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import { ReceiptKeySchedule, type ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { CommitBatch, Committer, SealedRecord } from './Committer.ts'
import type { LogStore } from './LogStore.ts'
import { sealBatch } from './sealBatch.ts'

/**
 * A {@link Committer} on the calling thread: seals records (hashes, receipts signed with
 * `signer`, or with the key a schedule gives each sequence number) and appends them to `store`. The reference implementation, used by tests, by stores
 * without a worker, and inside the worker of {@link WorkerCommitter}.
 *
 * @example
 * const memory = await AlwaysMemory.open({ store, logId, committer: new InlineCommitter({ store, signer }) })
 */
export class InlineCommitter implements Committer {
  readonly #store: LogStore
  readonly #keys: ReceiptKeySchedule

  constructor({ store, signer }: { store: LogStore; signer: ReceiptSigner | ReceiptKeySchedule }) {
    this.#store = store
    this.#keys =
      signer instanceof ReceiptKeySchedule
        ? signer
        : new ReceiptKeySchedule([{ fromSeq: 0, signer }])
  }

  async commit(batch: CommitBatch): Promise<SealedRecord[]> {
    const { entries, sealed } = sealBatch({
      records: batch.records,
      signerFor: (seq) => this.#keys.signerFor(seq),
    })
    await this.#store.append({
      entries,
      subjectKeys: batch.subjectKeys,
      erasedLookups: batch.erasedLookups,
    })
    return sealed
  }

  probe(): Promise<void> {
    return this.#store.probe()
  }

  handOverReceiptKey(start: ReceiptKeyStart): void {
    this.#keys.add(start)
  }

  async close(): Promise<void> {}
}
