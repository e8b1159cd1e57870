import type { Hex } from '@tml/core'
import type { DecisionFinding } from '../service/withFindings.ts'

/**
 * What the vault seals of one record besides its evidence texts (which the committer already has:
 * `RecordEvidence.input`, `.output`). Built on the event loop from values it holds anyway; the
 * encryption happens in the commit worker.
 */
export type VaultPayload = {
  /** RFC 8785 text of the pseudonymized output, released or not; null when none was given. */
  output: string | null
  /** The engine's scores (metrics) at the time of the decision; null for other records. */
  scores: Readonly<Record<string, number>> | null
  /**
   * The checks an inline proxy made at the edge (an upstream that failed, a client gone), merged
   * into the engine's decision; absent when there were none.
   */
  findings?: readonly DecisionFinding[]
  /** The arbiter's written rationale of a resolution (its SHA-256 is the MTL's `rationale_hash`). */
  rationale: string | null
  /**
   * JSON text of the personal values the log only holds as pseudonyms (the subject id, the raw
   * values of the policy's `pii_fields`), sealed under the subject's own key; null when there are
   * none or the request has no subject (a one-off pseudonym has no key to erase by later).
   */
  personal: string | null
  /** The subject's pseudonymization secret (its vault key derives from it), with `personal`. */
  subjectSecret: Hex | null
}
