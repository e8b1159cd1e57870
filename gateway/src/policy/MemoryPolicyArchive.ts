import type { Hex } from '@tml/core'
import { checkArchivedPolicy } from './checkArchivedPolicy.ts'
import type { ArchivedPolicy, ArchivedPolicySummary, PolicyArchive } from './PolicyArchive.ts'

/**
 * The in-memory {@link PolicyArchive}: the reference implementation, and the archive of a
 * gateway whose log store is not the SQLite file (tests, a custom store). Its "durable" is the
 * process's lifetime.
 *
 * @example
 * const archive = new MemoryPolicyArchive()
 * await archive.keep(policyArchiveRecords({ policies, now: Date.now() }))
 */
export class MemoryPolicyArchive implements PolicyArchive {
  readonly #byHash = new Map<Hex, ArchivedPolicy>()

  async keep(records: readonly ArchivedPolicy[]): Promise<void> {
    for (const r of records) checkArchivedPolicy(r)
    for (const r of records) if (!this.#byHash.has(r.hash)) this.#byHash.set(r.hash, { ...r })
  }

  async get(hash: Hex): Promise<ArchivedPolicy | undefined> {
    const r = this.#byHash.get(hash)
    return r && { ...r }
  }

  async list(): Promise<ArchivedPolicySummary[]> {
    return [...this.#byHash.values()]
      .map(({ hash, kind, profile, firstSeenMs }) => ({ hash, kind, profile, firstSeenMs }))
      .sort((a, b) => a.firstSeenMs - b.firstSeenMs || (a.hash < b.hash ? -1 : 1))
  }

  async close(): Promise<void> {}
}
