import type { Hex, SignedReceipt } from '@tml/core'

/** One log entry as stored: the MTL exactly as hashed, its receipt, and columns for lookups. */
export type StoredEntry = {
  /** Leaf index in the log, from 0 with no gaps; equal to the MTL's `seq`. */
  seq: number
  traceId: string
  kind: string
  state: -1 | 0 | 1
  /** RFC 9162 leaf hash of `mtl`. */
  leafHash: Hex
  /** The MTL's RFC 8785 canonical JSON: exactly the bytes the leaf hash covers. */
  mtl: string
  receipt: SignedReceipt
  /** For a resolution: the `trace_id` of the pause it closes. */
  refersTo: string | null
  /** Policy profile of a decision (null for records that belong to no profile). */
  profile: string | null
  /** For a pause (decision with state 0): when it times out, Unix milliseconds. */
  pauseDeadlineMs: number | null
}

/** A subject's pseudonymization secret, stored under the keyed hash of its id (never the id). */
export type SubjectKey = { lookup: Uint8Array; secret: Uint8Array }

/** What one group commit writes, atomically. */
export type AppendBatch = {
  /** Consecutive entries; the first one's `seq` must equal the store's size. */
  entries: readonly StoredEntry[]
  /** New subject secrets used by these entries (written before them, in the same transaction). */
  subjectKeys: readonly SubjectKey[]
  /** Subject secrets to destroy (crypto-shredding), after the entries are written. */
  erasedLookups: readonly Uint8Array[]
}

/**
 * The Always Memory store: an append-only log of MTLs with their receipts, plus the subjects'
 * pseudonymization secrets. The gateway answers a caller only after `append` resolves.
 *
 * Guarantees every implementation gives (the SQLite one and the in-memory reference):
 * - **Durable on return**: once `append` resolves, the batch survives a crash of the process and
 *   of the machine (fsync before resolving). If it rejects, none of the batch was written.
 * - **Atomic batches**: entries, new subject secrets and erasures of one batch are written all
 *   together or not at all (one transaction: group commit).
 * - **Append-only, gap-free**: `append` rejects a batch whose first `seq` is not `size()` or
 *   whose entries are not consecutive; entries are never updated or deleted.
 * - **Shredding**: an erased subject secret is gone from the store (not just unlinked), so that
 *   pseudonyms derived from it can no longer be tied to the person.
 * - **Not safe for concurrent writers**: one gateway process owns a store; callers serialize
 *   `append` (the group commit does). Reads may run at any time.
 * - **No retries inside**: a failed write rejects with a {@link StoreError}; `probe` tells when
 *   the cause has cleared (disk freed, file writable again, connection back).
 */
export interface LogStore {
  /** Number of entries, which is also the next `seq`. */
  size(): Promise<number>
  /** Writes a batch durably and atomically (see the guarantees above). */
  append(batch: AppendBatch): Promise<void>
  entryBySeq(seq: number): Promise<StoredEntry | undefined>
  entryByTraceId(traceId: string): Promise<StoredEntry | undefined>
  /** The resolution entry that closes the pause `traceId`, if any. */
  resolutionOf(traceId: string): Promise<StoredEntry | undefined>
  /** Pauses (decisions with state 0) that no resolution closes yet, in `seq` order. */
  pendingPauses(): Promise<StoredEntry[]>
  /** Up to `limit` entries from `fromSeq` on, in order. */
  entries(fromSeq: number, limit: number): Promise<StoredEntry[]>
  subjectSecret(lookup: Uint8Array): Promise<Uint8Array | undefined>
  /** Resolves when the store can take a durable write again (a real write, then fsync). */
  probe(): Promise<void>
  close(): Promise<void>
}
