import type { Hex } from '@tml/core'

/**
 * One policy version as the archive keeps it. `document` is the RFC 8785 text whose SHA-256 is
 * `hash`, the `policy_hash` MTLs carry: anyone holding it can check that it is the policy a
 * decision was taken under. A `profile` is one policy file; a `set` is the map of every profile
 * to its policy hash, which records that belong to no single profile (erasures) name.
 */
export type ArchivedPolicy = {
  hash: Hex
  kind: 'profile' | 'set'
  /** The profile of a `profile` record; null for a `set`. */
  profile: string | null
  /** RFC 8785 canonical JSON: SHA-256 of its UTF-8 bytes is `hash`. */
  document: string
  /** The YAML file as written (comments and layout kept), for people; null for a `set`. */
  source: string | null
  /** Unix milliseconds: when this gateway first ran the version (kept on later starts). */
  firstSeenMs: number
}

/** What `list` gives: every field but the texts. */
export type ArchivedPolicySummary = Omit<ArchivedPolicy, 'document' | 'source'>

/**
 * The policy archive: every policy version a gateway ever ran, by its `policy_hash`, served
 * publicly (`GET /v1/policies/{hash}`) so that anyone can read the thresholds and rules behind a
 * decision. The gateway keeps its policies here before it writes any MTL that names them.
 *
 * Guarantees every implementation gives (SQLite in the log's database, the in-memory reference):
 * - **Durable on return**: once `keep` resolves, the versions survive a crash (one transaction,
 *   fsync before resolving). If it rejects, none of them was kept.
 * - **Self-verifying**: `keep` refuses a record whose document does not hash to its `hash`
 *   ({@link PolicyArchiveError}), so the archive never serves a text under another text's hash.
 * - **Append-only**: a version is never changed or removed; keeping one that is already there
 *   changes nothing (its first-seen time stays).
 */
export interface PolicyArchive {
  /** Keeps these versions durably (those already kept are left as they are). */
  keep(records: readonly ArchivedPolicy[]): Promise<void>
  get(hash: Hex): Promise<ArchivedPolicy | undefined>
  /** Every kept version, oldest first (ties by hash). */
  list(): Promise<ArchivedPolicySummary[]>
  close(): Promise<void>
}
