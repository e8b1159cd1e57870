import type { WrappedEpochKey } from './wrapEpochKey.ts'

/**
 * One sealed record as a reader gets it: the envelope that holds it, whose SHA-256 is its MTL's
 * `evidence_seal`. Since `tml-vault/2` that envelope is its commit batch's, shared with the
 * batch's other sealed records.
 */
export type SealedEntry = {
  /** The MTL's `seq`. */
  seq: number
  traceId: string
  /** The epoch whose key sealed it (also inside the envelope). */
  epoch: number
  /** The envelope bytes (`tml-vault/2`, or `tml-vault/1` from gateways before it). */
  envelope: Uint8Array
}

/**
 * One commit batch's sealed records as the vault writes them: one `tml-vault/2` envelope, from
 * the first to the last sealed `seq` of the batch, each of whose MTLs names it in `evidence_seal`.
 */
export type SealedBatch = {
  firstSeq: number
  lastSeq: number
  /** The epoch whose key sealed it (also inside the envelope). */
  epoch: number
  envelope: Uint8Array
}

/** An epoch's wrapped key with the time the epoch opened (Unix ms). */
export type StoredEpochKey = WrappedEpochKey & { openedMs: number }

/**
 * The sealed evidence vault: the envelopes of sealed MTLs (one per commit batch) and, per epoch,
 * the epoch key as k-of-n shares wrapped to the custodians. It never holds an epoch key in the
 * clear.
 *
 * Guarantees every implementation gives:
 * - **Atomic with the log**: sealed entries are written in the same transaction as their MTLs
 *   (`SqliteLogStore.appendSync`'s and `PgLogStore.append`'s `alsoWrite`; on PostgreSQL the
 *   database also refuses to commit one without the other), so a durable MTL that carries
 *   `evidence_seal` always has its envelope, and an envelope never outlives a rolled-back MTL.
 * - **Readable by any of its records**: `sealedBySeq` and `sealedByTraceId` find a sealed MTL's
 *   envelope, its batch's or (written before `tml-vault/2`) its own.
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
