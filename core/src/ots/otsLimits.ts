/**
 * Bounds on an untrusted `.ots`, so that a hostile file cannot make a verifier (a browser tab)
 * do unbounded work: a real proof is a few hundred bytes, a few dozen operations and a handful
 * of attestations. The message bound is python-opentimestamps' (`MAX_MSG_LENGTH`).
 *
 * @example
 * if (bytes.length > OTS_LIMITS.bytes) throw new Error('too large')
 */
export const OTS_LIMITS = {
  /** Largest file, in bytes. */
  bytes: 64 * 1024,
  /** Deepest nesting of operations. */
  depth: 256,
  /** Most operations in the whole proof. */
  operations: 1024,
  /** Most attestations in the whole proof. */
  attestations: 64,
  /** Longest message an operation may take or produce, in bytes. */
  message: 4096,
  /** Longest attestation payload, in bytes. */
  payload: 8192,
  /** Longest calendar URI of a pending attestation, in characters. */
  uri: 1000,
} as const
