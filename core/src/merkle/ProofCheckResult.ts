/**
 * What `checkInclusion` and `checkConsistency` return: valid, or why not. When a root was
 * computed and did not match, both roots come along so that a caller can show them.
 *
 * @example
 * const result = checkInclusion({ leafIndex, treeSize, leafHash, proof, root })
 * if (!result.valid) console.warn(result.reason)
 */
export type ProofCheckResult =
  | { valid: true }
  | {
      valid: false
      /** One sentence, e.g. "leafIndex 8 is out of range for treeSize 8". */
      reason: string
      /** The root the caller expected (the one given). */
      expectedRoot?: Uint8Array
      /** The root the proof leads to. */
      computedRoot?: Uint8Array
    }
