/**
 * What a reviewer is shown of a pause beyond its MTL: the texts whose hashes the MTL carries, as
 * the decision lane built them (pseudonymized, never the raw personal values).
 */
export type PauseEvidence = {
  /** RFC 8785 text of the pseudonymized `{ context, input, signals }`: its SHA-256 is `input_hash`. */
  evidence: string
  /**
   * RFC 8785 text of the pseudonymized output held with the pause (the upstream's answer of a
   * proxied chat call), or null when the request carried none. Its SHA-256 is `output_hash`.
   */
  output: string | null
}
