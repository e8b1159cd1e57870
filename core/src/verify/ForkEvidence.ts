import type { Hex } from '../bytes/hex.ts'
import type { CheckpointJson } from '../checkpoint/Checkpoint.ts'

/** The version tag of {@link ForkEvidence}. */
export const FORK_EVIDENCE_VERSION = 'tml-fork-evidence/1'

/**
 * What two checkpoints of one log contradict, as `tml monitor` found it:
 * - `same-epoch`: one epoch, two different trees (size or root);
 * - `tree-shrank`: a later epoch with a smaller tree;
 * - `same-size-different-roots`: one tree size, two roots;
 * - `inconsistent`: trees of different sizes whose consistency proof, as the gateway served it,
 *   does not verify; a proof of the fork when it carries {@link ForkEvidenceLeaf}.
 */
export type ForkEvidenceKind =
  | 'same-epoch'
  | 'tree-shrank'
  | 'same-size-different-roots'
  | 'inconsistent'

/** One checkpoint of the evidence, with the log's signature when a source showed it. */
export type ForkEvidenceCheckpoint = {
  checkpoint: CheckpointJson
  /** The EIP-712 signature (65 bytes); null when only a chain's event showed the checkpoint. */
  signature: Hex | null
  /** Where it was seen: `chain:<id>`, `gateway:<url>`. Informative. */
  sources: string[]
}

/** A leaf hash with its RFC 9162 inclusion proof (§2.1.3) in one tree of the evidence. */
export type ForkEvidenceInclusion = {
  /** The leaf hash, SHA-256(0x00 ‖ entry): 32 bytes of hex. */
  leafHash: Hex
  /** The inclusion path, from the leaf's sibling up: 32-byte hashes. */
  proof: Hex[]
}

/**
 * The leaf that shows an `inconsistent` pair is a fork: one index below the smaller tree's size
 * whose leaf differs between the two trees, proven in each against its signed root (what
 * `CheckpointRegistry.reportInconsistency` takes). A tree whose leaf at that index changed
 * cannot be a prefix of the other, whatever consistency proof a gateway serves.
 */
export type ForkEvidenceLeaf = {
  /** The leaf's index, below `first`'s tree size. */
  leafIndex: number
  /** The leaf at `leafIndex` in `first`'s tree. */
  first: ForkEvidenceInclusion
  /** The leaf at `leafIndex` in `second`'s tree. */
  second: ForkEvidenceInclusion
}

/**
 * A self-contained record of a log contradicting itself, as `tml monitor` writes it
 * (`--evidence-dir`) and puts it in its findings: anyone can check it offline with core's
 * `verifyForkEvidence`, and submit the pair of signed checkpoints on chain
 * (`CheckpointRegistry.reportEquivocation`) if nobody has yet.
 *
 * @example
 * const evidence: ForkEvidence = JSON.parse(readFileSync('fork.json', 'utf8'))
 */
export type ForkEvidence = {
  v: typeof FORK_EVIDENCE_VERSION
  kind: ForkEvidenceKind
  logId: Hex
  /** For `inconsistent`, the smaller tree. */
  first: ForkEvidenceCheckpoint
  /** For `inconsistent`, the larger tree. */
  second: ForkEvidenceCheckpoint
  /** `inconsistent` only: the consistency proof first → second the gateway served (RFC 9162). */
  consistencyProof?: Hex[]
  /**
   * `inconsistent` only, optional: a leaf that differs between the two trees, proven in each.
   * With it the file proves the fork; without it (older files, or a monitor that could not read
   * both trees' leaves) it is an indication.
   */
  differingLeaf?: ForkEvidenceLeaf
  /** ISO 8601 time it was found. */
  foundAt: string
}
