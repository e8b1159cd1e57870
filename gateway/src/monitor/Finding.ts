import type { ForkEvidence, Hex } from '@tml/core'

/**
 * What the monitor found wrong with a log. The first three are contradictions between two
 * checkpoints signed by the log's keys that the registry accepts as proof
 * (`reportEquivocation`); `signed-outside-period`, `inconsistent` (when the monitor mirrors the
 * log) and `broken-promise` are proven too; the others are reported but cannot be proven on
 * chain by the monitor alone (see each).
 */
export type FindingKind =
  /** Two checkpoints of one epoch with different roots or tree sizes (EquivocationKind.SameEpoch). */
  | 'same-epoch'
  /** A later epoch with a smaller tree (EquivocationKind.TreeShrank). */
  | 'tree-shrank'
  /** Two epochs with the same tree size and different roots (EquivocationKind.SameSizeDifferentRoots). */
  | 'same-size-different-roots'
  /**
   * A key of the log's history signed a checkpoint for an epoch outside its period
   * (EquivocationKind.SignedOutsidePeriod, `reportOutOfPeriod`).
   */
  | 'signed-outside-period'
  /**
   * Two checkpoints of one epoch that differ only in their time: two statements for one epoch,
   * but the registry takes no proof of it (its kinds need a different tree).
   */
  | 'same-epoch-timestamp'
  /**
   * No valid consistency proof between two checkpoints of different sizes. The proof on chain
   * (`reportInconsistency`: a leaf index where the two trees hold different leaves, proven in
   * each) is submitted when the monitor mirrors the log's leaf hashes (`tml monitor
   * --mirror-dir` with an API key): each tree's leaves from the mirror when it holds that tree,
   * else from the gateways' entries, each checked against its signed root; the evidence then
   * carries the differing leaf. Without a mirror, or when the entries do not give a signed root,
   * it is reported with its evidence only; with a mirror the monitor tries again in later rounds
   * and reports the pair a second time once proven.
   */
  | 'inconsistent'
  /**
   * A gateway's entries (`/v1/logs/{logId}/entries`), after the leaves the monitor mirrored,
   * do not reproduce the root the log signed for that tree: what it serves is not its log. Not
   * provable on chain (the entries are not signed); the mirror does not take them.
   */
  | 'entries-mismatch'
  /** A gateway serves a checkpoint that the key of its epoch did not sign: not the log's word. */
  | 'bad-signature'
  /** A chain holds an epoch that the gateway does not serve. */
  | 'withheld-epoch'
  /** The gateway's C2SP note has the size of a known checkpoint and another root. */
  | 'note-conflict'
  /** The chains hold different key histories or epoch intervals for the log. */
  | 'chains-disagree'
  /** A receipt's promise is broken (`reportBrokenPromise`), see `tml receipt check`. */
  | 'broken-promise'

/** What happened to the proof of a finding on one chain. */
export type ChainReport = {
  chainId: number
  status: 'submitted' | 'already-compromised' | 'failed' | 'not-submitted'
  txHash?: Hex
  blockNumber?: string
  /** Why it failed or was not submitted. */
  reason?: string
}

/** A finding, as printed (NDJSON under --json), posted to the webhook and counted in metrics. */
export type Finding = {
  kind: FindingKind
  logId: Hex
  /** One line in plain words. */
  message: string
  /** Where the contradicting statements came from: `chain:<id>`, `gateway:<url>`, `receipt:<file>`. */
  sources: string[]
  /** The epochs involved (decimal strings). */
  epochs: string[]
  /** The on-chain proof, per configured chain; empty when the finding cannot be proven there. */
  reports: ChainReport[]
  /** ISO 8601 time the monitor found it. */
  time: string
  /**
   * For a fork (`same-epoch`, `tree-shrank`, `same-size-different-roots`, `inconsistent`): the
   * two checkpoints, their signatures and (for `inconsistent`) the failing consistency proof
   * and, when the monitor proved it with leaves, the differing leaf with its inclusion proof in
   * each tree (what it submitted), self-contained, for anyone to check offline (core's
   * `verifyForkEvidence`).
   */
  evidence?: ForkEvidence | undefined
  /** Where `tml monitor --evidence-dir` wrote `evidence`. */
  evidenceFile?: string | undefined
}
