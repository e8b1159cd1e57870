import type { Hex, Receipt } from '@tml/core'
import type { StoredEntry, SubjectKey } from './LogStore.ts'

/** A log entry whose receipt is not signed yet. */
export type UnsignedEntry = Omit<StoredEntry, 'receipt'> & { receipt: Receipt }

/** One group commit: entries in `seq` order, with the key changes that go with them. */
export type CommitBatch = {
  entries: readonly UnsignedEntry[]
  subjectKeys: readonly SubjectKey[]
  erasedLookups: readonly Uint8Array[]
}

/**
 * The write half of Always Memory: signs each entry's receipt with the log's Ed25519 key, then
 * appends the batch to the store with the {@link LogStore} guarantees (durable and atomic on
 * return). Kept apart from the reads so that it can run on another thread: signing and fsync are
 * then off the event loop that parses requests.
 */
export interface Committer {
  /** Signs and durably appends; resolves with the receipt signatures in entry order. */
  commit(batch: CommitBatch): Promise<Hex[]>
  /** Resolves when a durable write succeeds again (after a failure). */
  probe(): Promise<void>
  close(): Promise<void>
}
