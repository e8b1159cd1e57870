import { equalBytes } from '../bytes/equalBytes.ts'
import { bytesToHex } from '../bytes/hex.ts'
import type { Sha256 } from '../hash/sha256.ts'
import type { ProofCheckResult } from './ProofCheckResult.ts'
import { inclusionRoot } from './rootFromInclusionProof.ts'
import { describe, errorMessage, isHash } from './untrusted.ts'

export type CheckInclusionParameters = {
  /** Index of the leaf; requires 0 <= leafIndex < treeSize. */
  leafIndex: number | bigint
  /** Size of the tree that `root` is the root of, up to 2^64-1. */
  treeSize: number | bigint
  /** The leaf hash, SHA-256(0x00 || entry): 32 bytes. */
  leafHash: Uint8Array
  /** The inclusion path, from the leaf's sibling up: 32-byte hashes. */
  proof: readonly Uint8Array[]
  /** The trusted root of the tree of `treeSize` leaves: 32 bytes. */
  root: Uint8Array
  /** SHA-256 to use; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * Verifies an RFC 9162 §2.1.3.2 inclusion proof and says why it fails. Never throws: every
 * field is untrusted (a bundle, a request), and malformed input is just an invalid proof.
 *
 * @example
 * const result = checkInclusion({ leafIndex: 8, treeSize: 8, leafHash, proof, root })
 * // { valid: false, reason: 'leafIndex 8 is out of range for treeSize 8' }
 */
export function checkInclusion(parameters: CheckInclusionParameters): ProofCheckResult {
  try {
    const computed = inclusionRoot(parameters)
    if ('reason' in computed) return { valid: false, reason: computed.reason }
    const root: unknown = parameters.root
    if (!isHash(root)) {
      return { valid: false, reason: `root must be a 32-byte Uint8Array, got ${describe(root)}` }
    }
    if (!equalBytes(computed.root, root)) {
      return {
        valid: false,
        reason: `computed root ${bytesToHex(computed.root)} does not match expected root ${bytesToHex(root)}`,
        expectedRoot: root,
        computedRoot: computed.root,
      }
    }
    return { valid: true }
  } catch (error) {
    // Only a hostile object (throwing getter, proxy) or a failing injected hash gets here.
    return { valid: false, reason: `verification failed: ${errorMessage(error)}` }
  }
}
