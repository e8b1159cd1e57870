import { Worker } from 'node:worker_threads'
import type { Hex } from '@tml/core'
import { type CheckedLines, checkEntryBytes } from './checkEntryLines.ts'
import { createScheduledReceiptVerifier } from './createReceiptVerifier.ts'
import type { ClaimedReceiptKey } from './exportFormat.ts'

/** Batches a worker holds (one being checked, the next waiting) before the caller's thread helps. */
const WORKER_DEPTH = 2

/**
 * Runs `checkEntryBytes` on `threads` threads, batch by batch: parsing, canonical hashing and
 * receipt signatures are most of an audit's work and each entry's are independent, so they
 * spread over the machine's cores. The caller's thread is one of them, so `threads: 2` starts one
 * worker (each worker costs its own copy of the code in memory, which the audit's memory bound
 * counts). A batch goes to the least busy worker while it holds fewer than two; otherwise the
 * caller's thread checks it inline: that thread also keeps the order-dependent rules (tree,
 * epochs, pauses), so a fixed share would make it the slowest and leave the workers waiting.
 * `threads: 1` (or 0) checks everything on the caller's thread.
 *
 * @example
 * const pool = new EntryCheckPool({ threads: 2, logId, receiptKeys: [{ fromSeq: 0, publicKey }] }) // one worker and this thread
 * const checked = await pool.check(bytes, 2)
 * await pool.close()
 */
export class EntryCheckPool {
  readonly #workers: { worker: Worker; pending: number }[] = []
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
    sampleRate,
  }: {
    threads: number
    logId: Hex
    receiptKeys: readonly ClaimedReceiptKey[] | undefined
    /**
     * Check the receipt signatures a finding can rest on and this share of the others, at random
     * (`checkEntryLines`' `sample`); undefined: every one.
     */
    sampleRate?: number | undefined
  }) {
    // A bad key is reported here, once, rather than by every worker.
    const verifyReceipt = receiptKeys ? createScheduledReceiptVerifier(receiptKeys) : undefined
    const sample = sampleRate === undefined ? undefined : { rate: sampleRate }
    this.#inline = (bytes, firstLine) =>
      checkEntryBytes({ bytes, firstLine, logId, verifyReceipt, sample })
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(new URL('./entryCheckWorker.ts', import.meta.url), {
        workerData: { logId, receiptKeys: receiptKeys ?? null, sampleRate: sampleRate ?? null },
        // A checker holds one batch (about 1 MB of lines) at a time: small heap limits keep each
        // thread's memory to its code and that batch (the audit's memory bound counts them all).
        // The young generation is what parsing a batch churns through: at 8 MB it was collected
        // two to three times as often as at 24 MB, for 16 MB less memory.
        resourceLimits: { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 96 },
      })
      const slot = { worker, pending: 0 }
      worker.on('message', ({ id, checked }: { id: number; checked: CheckedLines }) => {
        slot.pending--
        this.#pending.get(id)?.resolve(checked)
        this.#pending.delete(id)
      })
      worker.on('error', (error) => {
        for (const p of this.#pending.values()) p.reject(error)
        this.#pending.clear()
      })
      this.#workers.push(slot)
    }
  }

  /**
   * Checks one batch of whole NDJSON lines; batches may be in flight together, each promise
   * gives its own result. The batch's buffer is handed to the thread (detached here).
   */
  check(bytes: Uint8Array, firstLine: number): Promise<CheckedLines> {
    const id = this.#next++
    let slot = this.#workers[0]
    for (const w of this.#workers) if (w.pending < (slot as typeof w).pending) slot = w
    if (!slot || slot.pending >= WORKER_DEPTH) {
      try {
        return Promise.resolve(this.#inline(bytes, firstLine))
      } catch (e) {
        return Promise.reject(e)
      }
    }
    slot.pending++
    const { worker } = slot
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ id, bytes, firstLine }, [bytes.buffer as ArrayBuffer])
    })
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()))
  }
}
