import { type Sha256, sha256 } from '../hash/sha256.ts'

const LEAF_PREFIX = new Uint8Array([0x00])

/**
 * The hash of a log entry: SHA-256(0x00 || data), RFC 9162 §2.1.1. The 0x00 prefix keeps a
 * leaf from ever being read as an interior node (second-preimage protection).
 *
 * @example hashLeaf(canonicalBytes(mtl))
 */
export function hashLeaf(data: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  return hash(LEAF_PREFIX, data)
}
