import type { Hex } from '@tml/core'
import type { ReceiptKeyStart } from '../keys/ReceiptKeySchedule.ts'
import type { VaultPayload } from '../vault/VaultPayload.ts'
import type { SubjectKey } from './LogStore.ts'

/**
 * The evidence of a decision in the form the committer hashes into its MTL: `input_hash`,
 * `output_hash` and `subject` are computed where the record is sealed (on the commit worker's
 * thread by default), not on the event loop that parses requests.
 */
export type RecordEvidence = {
  /** RFC 8785 text of the pseudonymized `{ context, input, signals }`: `input_hash` is its SHA-256. */
  input: string
  /** RFC 8785 text of the pseudonymized output of a released (+1) decision, else null. */
  output: string | null
  /** The subject's pseudonym; null for a request without subject (derived from `secret`). */
  pseudonym: `psn:${string}` | null
  /** For a request without subject: its one-off secret (64 hex digits, never stored). */
  secret: string | null
}

/**
 * One record placed in the log (`seq` assigned), before it is hashed and signed. With
 * `evidence`, `mtl` lacks `input_hash`, `output_hash` and `subject`, which the committer derives
 * from the evidence.
 */
export type PlacedRecord = {
  mtl: {
    log_id: Hex
    seq: number
    trace_id: string
    kind: string
    state: -1 | 0 | 1
    refers_to?: string
    [field: string]: unknown
  }
  evidence?: RecordEvidence
  /**
   * What the sealed evidence vault keeps of this record besides `evidence` (when the vault is on):
   * the committer seals it and adds `evidence_seal` to the MTL.
   */
  vault?: VaultPayload
  /** RFC 3339 time the receipt states. */
  receiptTimestamp: string
  /** Policy profile of a decision, null otherwise. */
  profile: string | null
  /** For a pause: its deadline (Unix ms). */
  pauseDeadlineMs: number | null
}

/** What sealing made of a record: its leaf hash, receipt signature and derived evidence fields. */
export type SealedRecord = {
  leafHash: Hex
  signature: Hex
  /** Only for records placed with evidence. */
  derived?: { input_hash: Hex; output_hash: Hex | null; subject: `psn:${string}` }
  /** SHA-256 of the sealed envelope, the MTL's `evidence_seal`: only for records the vault sealed. */
  evidenceSeal?: Hex
}

/** One group commit: records in `seq` order, with the key changes that go with them. */
export type CommitBatch = {
  records: readonly PlacedRecord[]
  subjectKeys: readonly SubjectKey[]
  erasedLookups: readonly Uint8Array[]
}

/**
 * The write half of Always Memory: seals each record (evidence hashes, RFC 8785 form, leaf hash,
 * P-256 receipt signature), then appends the batch to the store with the {@link LogStore}
 * guarantees (durable and atomic on return). Kept apart from the reads so that it can run on
 * another thread: hashing, signing and fsync are then off the event loop that parses requests.
 */
export interface Committer {
  /** Seals and durably appends; resolves with one {@link SealedRecord} per record, in order. */
  commit(batch: CommitBatch): Promise<SealedRecord[]>
  /** Resolves when a durable write succeeds again (after a failure). */
  probe(): Promise<void>
  /**
   * Signs the receipts of `start.fromSeq` and above with `start.key`. Takes effect before any
   * batch committed after the call returns (records are signed by sequence number, so a batch
   * already handed over keeps the previous key for its lower numbers).
   */
  handOverReceiptKey(start: ReceiptKeyStart): void
  close(): Promise<void>
}
