import type { WrappedEpochKey } from './wrapEpochKey.ts'

/** One sealed record as the vault keeps it: the envelope whose SHA-256 is the MTL's `evidence_seal`. */
export type SealedEntry = {
  /** The MTL's `seq`. */
  seq: number
  traceId: string
  /** The epoch whose key sealed it (also inside the envelope). */
  epoch: number
  /** The `tml-vault/1` envelope bytes. */
  envelope: Uint8Array
}

/** An epoch's wrapped key with the time the epoch opened (Unix ms). */
export type StoredEpochKey = WrappedEpochKey & { openedMs: number }

/**
 * The sealed evidence vault: the envelopes of sealed MTLs and, per epoch, the epoch key as k-of-n
 * shares wrapped to the custodians. It never holds an epoch key in the clear.
 *
 * Guarantees every implementation gives:
 * - **Atomic with the log**: sealed entries are written in the same transaction as their MTLs
 *   (`SqliteLogStore.appendSync`'s and `PgLogStore.append`'s `alsoWrite`; on PostgreSQL the
 *   database also refuses to commit one without the other), so a durable MTL that carries
 *   `evidence_seal` always has its envelope, and an envelope never outlives a rolled-back MTL.
 * - **Append-only**: an entry is never changed; erasure shreds the subject's key, not the row.
 * - **Epochs**: a wrapped epoch key is durable before any record sealed under it is.
 */
export interface VaultStore {
  /** Writes the wrapped key of a new epoch, durably. */
  putEpoch(key: StoredEpochKey): Promise<void>
  /** The highest epoch with a stored key, 0 when none. */
  lastEpoch(): Promise<number>
  epochKey(epoch: number): Promise<StoredEpochKey | undefined>
  sealedBySeq(seq: number): Promise<SealedEntry | undefined>
  sealedByTraceId(traceId: string): Promise<SealedEntry | undefined>
  close(): Promise<void>
}
