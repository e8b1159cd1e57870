import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { CommitBatch, Committer, SealedRecord } from './Committer.ts'
import type { LogStore, StoredEntry } from './LogStore.ts'
import { sealRecord } from './sealRecord.ts'

/**
 * A {@link Committer} on the calling thread: seals records (hashes, receipts signed with
 * `signer`) and appends them to `store`. The reference implementation, used by tests, by stores
 * without a worker, and inside the worker of {@link WorkerCommitter}.
 *
 * @example
 * const memory = await AlwaysMemory.open({ store, logId, committer: new InlineCommitter({ store, signer }) })
 */
export class InlineCommitter implements Committer {
  readonly #store: LogStore
  readonly #signer: ReceiptSigner

  constructor({ store, signer }: { store: LogStore; signer: ReceiptSigner }) {
    this.#store = store
    this.#signer = signer
  }

  async commit(batch: CommitBatch): Promise<SealedRecord[]> {
    const entries: StoredEntry[] = []
    const sealed: SealedRecord[] = []
    for (const record of batch.records) {
      const r = sealRecord({ record, signer: this.#signer })
      entries.push(r.entry)
      sealed.push(r.sealed)
    }
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

  async close(): Promise<void> {}
}
