import { type Sha256, sha256 } from '../hash/sha256.ts'

const NODE_PREFIX = new Uint8Array([0x01])

/**
 * The hash of an interior node: SHA-256(0x01 || left || right), RFC 9162 §2.1.1.
 *
 * @example hashChildren(hashLeaf(a), hashLeaf(b)) // MTH({a, b})
 */
export function hashChildren(
  left: Uint8Array,
  right: Uint8Array,
  hash: Sha256 = sha256,
): Uint8Array {
  return hash(NODE_PREFIX, left, right)
}
