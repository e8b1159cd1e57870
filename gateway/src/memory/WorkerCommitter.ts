import { Worker } from 'node:worker_threads'
import { bytesToHex, type Hex } from '@tml/core'
import type { ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { CustodianSet } from '../vault/Custodian.ts'
import type { CommitBatch, Committer, SealedRecord } from './Committer.ts'
import type { WorkerRequest, WorkerResponse } from './commitWorker.ts'
import type { SqliteFault } from './SqliteLogStore.ts'
import { StoreError } from './StoreError.ts'

/** Parameters of {@link WorkerCommitter.start}. */
export type WorkerCommitterParameters = {
  /** SQLite file of the log (the same one the main thread reads). */
  path: string
  logId: Hex
  /**
   * The P-256 receipt private keys and the first sequence number each signs (one key from 0, and
   * the keys handed over to since); they are copied into the worker.
   */
  receiptKeys: readonly ReceiptKeyStart[]
  /**
   * The caller has just checked the file (`PRAGMA quick_check`, as its own store's open does): the
   * first worker skips that scan. A replacement worker, after a crash, checks again. Default false.
   */
  integrityChecked?: boolean
  /**
   * Turns the sealed evidence vault on: records placed with a vault payload are sealed under
   * the epoch key (rotated every `periodMs`, wrapped k-of-n to `set`) and carry `evidence_seal`.
   * The first epoch key is ready before {@link WorkerCommitter.start} resolves.
   */
  vault?: { set: CustodianSet; periodMs: number }
}

/**
 * A {@link Committer} on a worker thread with its own SQLite write connection: the event loop
 * hands a batch over and keeps parsing requests while the worker seals the records (evidence
 * hashes, RFC 8785 form, leaf hashes, P-256 receipts) and fsyncs. While one batch commits, the
 * next accumulates, so batches grow with load (group commit).
 * If the worker dies, every pending and later commit fails with `TML_WORKER_EXIT`, so Always
 * Memory answers -1 (fail closed); its recovery probe then starts a new worker.
 *
 * @example
 * const committer = await WorkerCommitter.start({ path: './data/log.db', logId, receiptKeys: [{ fromSeq: 0, key }] })
 */
export class WorkerCommitter implements Committer {
  #parameters: WorkerCommitterParameters
  // Every key so far, handovers included: a replacement worker starts with all of them.
  readonly #receiptKeys: ReceiptKeyStart[]
  #worker: Worker
  readonly #pending = new Map<number, { resolve: (r: WorkerResponse) => void }>()
  #nextId = 0
  #exited: string | undefined
  #closed = false

  private constructor(parameters: WorkerCommitterParameters) {
    this.#parameters = parameters
    this.#receiptKeys = [...parameters.receiptKeys]
    this.#worker = this.#spawn(parameters.integrityChecked === true)
  }

  /** Starts the worker and waits until its store is open. */
  static async start(p: WorkerCommitterParameters): Promise<WorkerCommitter> {
    const committer = new WorkerCommitter(p)
    await committer.probe()
    return committer
  }

  /** Ends the worker abruptly, as a crash would (for fault-injection tests). */
  async crashForTest(): Promise<void> {
    await this.#worker.terminate()
  }

  /**
   * Makes the worker's own SQLite connection fail for real (SQLite raises SQLITE_FULL or
   * SQLITE_READONLY), until called again with `undefined`; see {@link SqliteLogStore.injectFault}.
   * For fault-injection tests.
   */
  async injectFaultForTest(fault: SqliteFault | undefined): Promise<void> {
    await this.#call({ id: 0, op: 'fault', fault: fault ?? null })
  }

  #spawn(integrityChecked = false): Worker {
    const { path, logId, vault } = this.#parameters
    const worker = new Worker(new URL('./commitWorker.ts', import.meta.url), {
      workerData: {
        path,
        logId,
        receiptKeys: this.#receiptKeys,
        integrityChecked,
        ...(vault ? { vault } : {}),
      },
    })
    worker.on('message', (r: WorkerResponse) => {
      const p = this.#pending.get(r.id)
      this.#pending.delete(r.id)
      p?.resolve(r)
    })
    const fail = (why: string) => {
      // Events of a worker already replaced say nothing about the current one.
      if (worker !== this.#worker) return
      this.#exited = why
      for (const [id, p] of this.#pending)
        p.resolve({ id, ok: false, code: 'TML_WORKER_EXIT', message: why })
      this.#pending.clear()
    }
    worker.on('error', (e) => fail(`commit worker failed: ${e.message}`))
    worker.on('exit', (code) => fail(`commit worker exited with code ${code}`))
    return worker
  }

  async commit(batch: CommitBatch): Promise<SealedRecord[]> {
    // One string crosses the thread boundary far faster than a structured clone of many objects.
    const r = await this.#call({ id: 0, op: 'commit', batch: encodeBatch(batch) })
    return decodeSealed(r.sealed ?? '')
  }

  async probe(): Promise<void> {
    if (this.#exited !== undefined && !this.#closed) {
      // The worker is gone: a new one reopens the store (SQLite recovers the WAL by itself).
      this.#exited = undefined
      this.#worker = this.#spawn()
    }
    await this.#call({ id: 0, op: 'probe' })
  }

  /**
   * Wraps the vault's epoch keys to `set` from the next epoch on (the open epoch keeps its
   * custodians); a replacement worker starts with `set`. No-op without the vault.
   */
  async setCustodians(set: CustodianSet): Promise<void> {
    const { vault } = this.#parameters
    if (!vault) return
    this.#parameters = { ...this.#parameters, vault: { ...vault, set } }
    await this.#call({ id: 0, op: 'custodians', set })
  }

  handOverReceiptKey(start: ReceiptKeyStart): void {
    this.#receiptKeys.push(start)
    // Messages reach the worker in order: every commit posted after this one is sealed with the
    // new key from start.fromSeq on. A worker that is gone gets it from workerData when replaced.
    if (this.#exited === undefined)
      this.#worker.postMessage({ id: -1, op: 'receiptKey', start } satisfies WorkerRequest)
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#exited === undefined) {
      try {
        await this.#call({ id: 0, op: 'close' })
      } catch {
        // Closing anyway.
      }
    }
    await this.#worker.terminate()
  }

  #call(request: WorkerRequest): Promise<Extract<WorkerResponse, { ok: true }>> {
    if (this.#exited !== undefined)
      return Promise.reject(new StoreError(this.#exited, { code: 'TML_WORKER_EXIT' }))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (r) => (r.ok ? resolve(r) : reject(new StoreError(r.message, { code: r.code }))),
      })
      this.#worker.postMessage({ ...request, id })
    })
  }
}

/** The batch as JSON text, byte arrays as hex (see `decodeBatch` in the worker). */
function encodeBatch(batch: CommitBatch): string {
  return JSON.stringify({
    records: batch.records,
    subjectKeys: batch.subjectKeys.map((k) => ({
      lookup: bytesToHex(k.lookup),
      secret: bytesToHex(k.secret),
    })),
    erasedLookups: batch.erasedLookups.map((l) => bytesToHex(l)),
  })
}

/**
 * The worker's answer: one line per record,
 * `leafHash signature[ input_hash output_hash subject][ evidence_seal]`.
 */
function decodeSealed(text: string): SealedRecord[] {
  if (text === '') return []
  return text.split('\n').map((line) => {
    const fields = line.split(' ')
    // An odd count of 3 or 6 fields ends with the evidence seal.
    const evidenceSeal = fields.length === 3 || fields.length === 6 ? fields.pop() : undefined
    const [leafHash, signature, inputHash, outputHash, subject] = fields
    const sealed: SealedRecord = { leafHash: leafHash as Hex, signature: signature as Hex }
    if (evidenceSeal !== undefined) sealed.evidenceSeal = evidenceSeal as Hex
    if (subject !== undefined) {
      sealed.derived = {
        input_hash: inputHash as Hex,
        output_hash: outputHash === 'null' ? null : (outputHash as Hex),
        subject: subject as `psn:${string}`,
      }
    }
    return sealed
  })
}
