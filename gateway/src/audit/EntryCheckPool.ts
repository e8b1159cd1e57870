import { Worker } from 'node:worker_threads'
import type { Hex } from '@tml/core'
import { type CheckedLines, checkEntryBytes } from './checkEntryLines.ts'
import { createScheduledReceiptVerifier } from './createReceiptVerifier.ts'
import type { ClaimedReceiptKey } from './exportFormat.ts'

/**
 * Runs `checkEntryBytes` on `threads` threads, batch by batch, round robin: parsing, canonical
 * hashing and receipt signatures are most of an audit's work and each entry's are independent,
 * so they spread over the machine's cores. The caller's thread is one of them (it checks its
 * share inline, between keeping the order-dependent rules: tree, epochs, pauses), so `threads:
 * 2` starts one worker: each worker costs its own copy of the code in memory, which the audit's
 * memory bound counts. `threads: 1` (or 0) checks everything on the caller's thread.
 *
 * @example
 * const pool = new EntryCheckPool({ threads: 2, logId, receiptKeys: [{ fromSeq: 0, publicKey }] }) // one worker and this thread
 * const checked = await pool.check(bytes, 2)
 * await pool.close()
 */
export class EntryCheckPool {
  readonly #workers: Worker[] = []
  readonly #pending = new Map<
    number,
    { resolve: (c: CheckedLines) => void; reject: (e: Error) => void }
  >()
  readonly #inline: (bytes: Uint8Array, firstLine: number) => CheckedLines
  #next = 0

  constructor({
    threads,
    logId,
    receiptKeys,
  }: { threads: number; logId: Hex; receiptKeys: readonly ClaimedReceiptKey[] | undefined }) {
    // A bad key is reported here, once, rather than by every worker.
    const verifyReceipt = receiptKeys ? createScheduledReceiptVerifier(receiptKeys) : undefined
    this.#inline = (bytes, firstLine) => checkEntryBytes({ bytes, firstLine, logId, verifyReceipt })
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(new URL('./entryCheckWorker.ts', import.meta.url), {
        workerData: { logId, receiptKeys: receiptKeys ?? null },
        // A checker holds one batch (about 1 MB of lines) at a time: small heap limits keep each
        // thread's memory to its code and that batch (the audit's memory bound counts them all).
        resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 },
      })
      worker.on('message', ({ id, checked }: { id: number; checked: CheckedLines }) => {
        this.#pending.get(id)?.resolve(checked)
        this.#pending.delete(id)
      })
      worker.on('error', (error) => {
        for (const p of this.#pending.values()) p.reject(error)
        this.#pending.clear()
      })
      this.#workers.push(worker)
    }
  }

  /**
   * Checks one batch of whole NDJSON lines; batches may be in flight together, each promise
   * gives its own result. The batch's buffer is handed to the thread (detached here).
   */
  check(bytes: Uint8Array, firstLine: number): Promise<CheckedLines> {
    const id = this.#next++
    const worker = this.#workers[id % (this.#workers.length + 1)]
    if (!worker) {
      try {
        return Promise.resolve(this.#inline(bytes, firstLine))
      } catch (e) {
        return Promise.reject(e)
      }
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ id, bytes, firstLine }, [bytes.buffer as ArrayBuffer])
    })
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }
}
