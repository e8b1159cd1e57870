/**
 * Bounds of a `tml-proof/1` bundle, so that an untrusted bundle can never make a verifier do
 * unbounded work or print unbounded messages.
 *
 * @example
 * if (anchors.length > BUNDLE_LIMITS.anchors) throw new Error('too many anchors')
 */
export const BUNDLE_LIMITS = {
  /** Longest inclusion proof: a tree of up to 2^64 leaves needs at most 64 hashes. */
  inclusionProof: 64,
  /** Most anchors (one per chain). */
  anchors: 16,
  /** Longest checkpoint signature, in bytes (ERC-1271 contract signatures can exceed 65). */
  checkpointSignatureBytes: 1024,
  /** Longest `ots`, in base64 characters (an upgraded OpenTimestamps proof is a few kB). */
  otsLength: 262144,
  /** Most issues reported for one bundle. */
  issues: 100,
} as const
