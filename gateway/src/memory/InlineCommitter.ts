import type { Hex } from '@tml/core'
import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { CommitBatch, Committer } from './Committer.ts'
import type { LogStore } from './LogStore.ts'

/**
 * A {@link Committer} on the calling thread: signs with `signer`, appends to `store`. The
 * reference implementation, used by tests, by stores without a worker, and inside the worker of
 * {@link WorkerCommitter}.
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

  async commit(batch: CommitBatch): Promise<Hex[]> {
    const entries = batch.entries.map((e) => ({ ...e, receipt: this.#signer.sign(e.receipt) }))
    await this.#store.append({
      entries,
      subjectKeys: batch.subjectKeys,
      erasedLookups: batch.erasedLookups,
    })
    return entries.map((e) => e.receipt.signature)
  }

  probe(): Promise<void> {
    return this.#store.probe()
  }

  async close(): Promise<void> {}
}
