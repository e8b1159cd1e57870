import { type Sha256, sha256 } from '../hash/sha256.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'
import { hashLeaf } from '../merkle/hashLeaf.ts'
import type { Mtl } from './types.ts'

/**
 * The leaf hash of an MTL in its log: SHA-256(0x00 || UTF-8 of its RFC 8785 canonical JSON).
 * It does not validate: check untrusted values with {@link assertMtl} first.
 *
 * Spec: RFC 8785 (canonical form), RFC 9162 §2.1.1 (leaf hash).
 *
 * @throws {JcsError} if the value cannot be canonicalized (only possible for an unchecked value).
 * @example
 * bytesToHex(hashMtl(assertMtl(JSON.parse(text)))) // '0x…' (32 bytes)
 */
export function hashMtl(mtl: Mtl, hash: Sha256 = sha256): Uint8Array {
  return hashLeaf(canonicalBytes(mtl), hash)
}
