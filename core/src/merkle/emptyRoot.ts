import { type Sha256, sha256 } from '../hash/sha256.ts'

/**
 * The root of the empty tree: SHA-256 of the empty string, RFC 9162 §2.1.1
 * (`MTH({}) = HASH()`), 0xe3b0c442…b855.
 *
 * @example emptyRoot() // Uint8Array(32) e3b0c442…
 */
export function emptyRoot(hash: Sha256 = sha256): Uint8Array {
  return hash(new Uint8Array(0))
}
