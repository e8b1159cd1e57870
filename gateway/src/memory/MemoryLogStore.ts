import { bytesToHex } from '@tml/core'
import type { AppendBatch, LogStore, StoredEntry } from './LogStore.ts'
import { StoreError } from './StoreError.ts'

/**
 * The reference {@link LogStore}: plain arrays and maps, with the same checks as the SQLite store
 * (gap-free, atomic batches) and a fault switch. "Durable" means only "in this process": it is
 * for tests and for running the gateway without a disk, never for evidence.
 *
 * @example
 * const store = new MemoryLogStore()
 * store.failWith('SQLITE_FULL') // every write now fails, as on a full disk
 * store.failWith(undefined) // the cause has cleared
 */
export class MemoryLogStore implements LogStore {
  #entries: StoredEntry[] = []
  #keys = new Map<string, Uint8Array>()
  #fault: string | undefined

  /** Makes every write (append, probe) fail with `code`, or heals the store with `undefined`. */
  failWith(code: string | undefined): void {
    this.#fault = code
  }

  async size(): Promise<number> {
    return this.#entries.length
  }

  async append({ entries, subjectKeys, erasedLookups }: AppendBatch): Promise<void> {
    if (this.#fault) throw new StoreError('injected fault', { code: this.#fault })
    entries.forEach((e, i) => {
      if (e.seq !== this.#entries.length + i) {
        throw new StoreError(
          `Append of seq ${e.seq} where ${this.#entries.length + i} is next would leave a gap`,
          { code: 'TML_GAP' },
        )
      }
    })
    for (const k of subjectKeys) {
      const id = bytesToHex(k.lookup)
      if (!this.#keys.has(id)) this.#keys.set(id, k.secret)
    }
    this.#entries.push(...entries.map((e) => structuredClone(e)))
    for (const lookup of erasedLookups) this.#keys.delete(bytesToHex(lookup))
  }

  async entryBySeq(seq: number): Promise<StoredEntry | undefined> {
    return this.#entries[seq]
  }

  async entryByTraceId(traceId: string): Promise<StoredEntry | undefined> {
    return this.#entries.find((e) => e.traceId === traceId)
  }

  async resolutionOf(traceId: string): Promise<StoredEntry | undefined> {
    return this.#entries.find((e) => e.refersTo === traceId)
  }

  async pendingPauses(): Promise<StoredEntry[]> {
    const closed = new Set(this.#entries.map((e) => e.refersTo))
    return this.#entries.filter(
      (e) => e.kind === 'decision' && e.state === 0 && !closed.has(e.traceId),
    )
  }

  async entries(fromSeq: number, limit: number): Promise<StoredEntry[]> {
    return this.#entries.slice(fromSeq, fromSeq + limit)
  }

  async subjectSecret(lookup: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#keys.get(bytesToHex(lookup))
  }

  async probe(): Promise<void> {
    if (this.#fault) throw new StoreError('injected fault', { code: this.#fault })
  }

  async close(): Promise<void> {}
}
