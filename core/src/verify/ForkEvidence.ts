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
 *   does not verify.
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
  /** ISO 8601 time it was found. */
  foundAt: string
}
