import { equalBytes } from '../bytes/equalBytes.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { type Sha256, sha256 } from '../hash/sha256.ts'
import { hashChildren } from './hashChildren.ts'
import type { ProofCheckResult } from './ProofCheckResult.ts'
import { bitLength, onesCount, toU64, trailingZeros } from './u64.ts'
import { describe, errorMessage, isHash } from './untrusted.ts'

export type CheckConsistencyParameters = {
  /** Size of the older tree; requires 0 < size1 <= size2. */
  size1: number | bigint
  /** Size of the newer tree, up to 2^64-1. */
  size2: number | bigint
  /** Trusted root of the older tree: 32 bytes. */
  root1: Uint8Array
  /** Root of the newer tree to check: 32 bytes. */
  root2: Uint8Array
  /** The consistency path of RFC 9162 §2.1.4.1: 32-byte hashes. */
  proof: readonly Uint8Array[]
  /** SHA-256 to use; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * Verifies an RFC 9162 §2.1.4.2 consistency proof (the tree of `size2` leaves with root `root2`
 * extends the tree of `size1` leaves with root `root1`) and says why it fails. Never throws:
 * every field is untrusted, and malformed input is just an invalid proof.
 *
 * Requires 0 < size1 <= size2: RFC 9162 defines no proof from the empty tree, and like
 * transparency-dev/merkle this rejects size1 = 0 (every tree extends the empty one; there is
 * nothing to check). Equal sizes need an empty proof and equal roots.
 *
 * @example
 * const result = checkConsistency({ size1: 6, size2: 8, root1, root2, proof })
 * if (!result.valid) console.warn(result.reason) // "computed root2 0x… does not match …"
 */
export function checkConsistency(parameters: CheckConsistencyParameters): ProofCheckResult {
  try {
    return check(parameters)
  } catch (error) {
    // Only a hostile object (throwing getter, proxy) or a failing injected hash gets here.
    return { valid: false, reason: `verification failed: ${errorMessage(error)}` }
  }
}

function check(parameters: unknown): ProofCheckResult {
  const invalid = (reason: string): ProofCheckResult => ({ valid: false, reason })
  if (typeof parameters !== 'object' || parameters === null) {
    return invalid(`parameters must be an object, got ${describe(parameters)}`)
  }
  const p = parameters as Record<string, unknown>
  const size1 = toU64(p.size1)
  if (size1 === undefined) {
    return invalid(`size1 must be an integer from 0 to 2^64-1, got ${describe(p.size1)}`)
  }
  const size2 = toU64(p.size2)
  if (size2 === undefined) {
    return invalid(`size2 must be an integer from 0 to 2^64-1, got ${describe(p.size2)}`)
  }
  const hash = p.hash === undefined ? sha256 : p.hash
  if (typeof hash !== 'function') return invalid(`hash must be a function, got ${describe(hash)}`)
  const { root1, root2, proof } = p
  if (!(root1 instanceof Uint8Array))
    return invalid(`root1 must be a Uint8Array, got ${describe(root1)}`)
  if (!(root2 instanceof Uint8Array))
    return invalid(`root2 must be a Uint8Array, got ${describe(root2)}`)
  if (!Array.isArray(proof)) return invalid(`proof must be an array, got ${describe(proof)}`)
  if (size1 > size2) return invalid(`size1 ${size1} is greater than size2 ${size2}`)
  if (size1 === 0n) {
    return invalid('size1 is 0: RFC 9162 defines consistency proofs only for 0 < size1 <= size2')
  }
  if (size1 === size2) {
    if (proof.length !== 0) {
      return invalid(`proof has ${proof.length} hashes, expected 0 for equal sizes ${size1}`)
    }
    // Nothing to hash: the trees are the same, so the roots must be. No length check here, as in
    // transparency-dev/merkle (its vectors accept equal 12-byte roots for sizes 1 and 1).
    if (!equalBytes(root1, root2)) {
      return {
        valid: false,
        reason: `root2 ${bytesToHex(root2)} differs from root1 ${bytesToHex(root1)}, but equal sizes need equal roots`,
        expectedRoot: root2,
        computedRoot: root1,
      }
    }
    return { valid: true }
  }
  if (!isHash(root1)) return invalid(`root1 must be a 32-byte Uint8Array, got ${describe(root1)}`)
  if (!isHash(root2)) return invalid(`root2 must be a 32-byte Uint8Array, got ${describe(root2)}`)

  // The proof is the inclusion path of leaf size1-1 in the tree of size2, minus the levels below
  // the largest perfect subtree that ends at size1 (shift), plus that subtree's hash first unless
  // size1 is a power of two (then root1 is that hash). Checked before hashing so that a bad length
  // costs nothing and gets a clear reason. Model: transparency-dev/merkle RootFromConsistencyProof.
  const shift = trailingZeros(size1)
  const inner = bitLength((size1 - 1n) ^ (size2 - 1n)) - shift
  const border = onesCount((size1 - 1n) >> BigInt(inner + shift))
  const isPowerOfTwo = size1 === 1n << BigInt(shift)
  const expected = (isPowerOfTwo ? 0 : 1) + inner + border
  if (proof.length !== expected) {
    return invalid(
      `proof has ${proof.length} hashes, expected ${expected} for size1 ${size1} and size2 ${size2}`,
    )
  }
  for (let i = 0; i < proof.length; i++) {
    if (!isHash(proof[i])) {
      return invalid(`proof[${i}] must be a 32-byte Uint8Array, got ${describe(proof[i])}`)
    }
  }

  // RFC 9162 §2.1.4.2, word for word. fr rebuilds root1 and sr root2 from the same path.
  const path = (isPowerOfTwo ? [root1, ...proof] : proof) as Uint8Array[]
  let fn = size1 - 1n
  let sn = size2 - 1n
  while ((fn & 1n) === 1n) {
    fn >>= 1n
    sn >>= 1n
  }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array
    if (sn === 0n) return invalid('proof is longer than the path to the root of size2')
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr, hash as Sha256)
      sr = hashChildren(c, sr, hash as Sha256)
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      }
    } else {
      sr = hashChildren(sr, c, hash as Sha256)
    }
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) return invalid('proof is shorter than the path to the root of size2')
  if (!equalBytes(fr, root1)) {
    return {
      valid: false,
      reason: `computed root1 ${bytesToHex(fr)} does not match expected root1 ${bytesToHex(root1)}`,
      expectedRoot: root1,
      computedRoot: fr,
    }
  }
  if (!equalBytes(sr, root2)) {
    return {
      valid: false,
      reason: `computed root2 ${bytesToHex(sr)} does not match expected root2 ${bytesToHex(root2)}`,
      expectedRoot: root2,
      computedRoot: sr,
    }
  }
  return { valid: true }
}
