import { type Sha256, sha256 } from '../hash/sha256.ts'
import { InvalidInclusionProofError } from './errors.ts'
import { hashChildren } from './hashChildren.ts'
import { bitLength, onesCount, toU64 } from './u64.ts'
import { describe, isHash } from './untrusted.ts'

export type RootFromInclusionProofParameters = {
  /** Index of the leaf in the tree; requires 0 <= leafIndex < treeSize. */
  leafIndex: number | bigint
  /** Size of the tree the proof is for, up to 2^64-1. */
  treeSize: number | bigint
  /** The leaf hash, SHA-256(0x00 || entry): 32 bytes. */
  leafHash: Uint8Array
  /** The inclusion path, from the leaf's sibling up: 32-byte hashes. */
  proof: readonly Uint8Array[]
  /** SHA-256 to use; defaults to the pure one. */
  hash?: Sha256 | undefined
}

export type InclusionRootResult = { root: Uint8Array } | { reason: string }

/**
 * The root of the tree that an inclusion proof leads to, from the leaf hash up (the loop of
 * RFC 9162 §2.1.3.2, steps 1-4). Compare it with a trusted root to verify: `verifyInclusion` does.
 * Model: transparency-dev/merkle `proof.RootFromInclusionProof`.
 *
 * @throws {InvalidInclusionProofError} when the inputs cannot form a proof (index out of range,
 *   hashes not 32 bytes, proof of the wrong length for leafIndex and treeSize).
 * @example
 * const root = rootFromInclusionProof({ leafIndex: 2, treeSize: 5, leafHash, proof })
 */
export function rootFromInclusionProof(parameters: RootFromInclusionProofParameters): Uint8Array {
  const result = inclusionRoot(parameters)
  if ('reason' in result) throw new InvalidInclusionProofError(result.reason)
  return result.root
}

/**
 * `rootFromInclusionProof` that says why instead of throwing on malformed input; `parameters`
 * is untrusted, so it is read defensively. Internal to the merkle area.
 */
export function inclusionRoot(parameters: unknown): InclusionRootResult {
  if (typeof parameters !== 'object' || parameters === null) {
    return { reason: `parameters must be an object, got ${describe(parameters)}` }
  }
  const p = parameters as Record<string, unknown>
  const index = toU64(p.leafIndex)
  if (index === undefined) {
    return { reason: `leafIndex must be an integer from 0 to 2^64-1, got ${describe(p.leafIndex)}` }
  }
  const size = toU64(p.treeSize)
  if (size === undefined) {
    return { reason: `treeSize must be an integer from 0 to 2^64-1, got ${describe(p.treeSize)}` }
  }
  // Step 1: the empty tree has no leaves, so index >= size covers treeSize 0 too.
  if (index >= size) return { reason: `leafIndex ${index} is out of range for treeSize ${size}` }
  const hash = p.hash === undefined ? sha256 : p.hash
  if (typeof hash !== 'function')
    return { reason: `hash must be a function, got ${describe(hash)}` }
  if (!isHash(p.leafHash)) {
    return { reason: `leafHash must be a 32-byte Uint8Array, got ${describe(p.leafHash)}` }
  }
  const proof = p.proof
  if (!Array.isArray(proof)) return { reason: `proof must be an array, got ${describe(proof)}` }
  // Checked before hashing so that a huge or truncated proof costs nothing and gets a clear
  // reason. The path has one hash per level below the point where the paths to leafIndex and to
  // the last leaf part (inner), then one per left subtree above it (border).
  const inner = bitLength(index ^ (size - 1n))
  const expected = inner + onesCount(index >> BigInt(inner))
  if (proof.length !== expected) {
    return {
      reason: `proof has ${proof.length} hashes, expected ${expected} for leafIndex ${index} in treeSize ${size}`,
    }
  }
  for (let i = 0; i < proof.length; i++) {
    if (!isHash(proof[i])) {
      return { reason: `proof[${i}] must be a 32-byte Uint8Array, got ${describe(proof[i])}` }
    }
  }

  // RFC 9162 §2.1.3.2 steps 2-5, word for word: fn walks the leaf's path, sn the last leaf's.
  let fn = index
  let sn = size - 1n
  let r = p.leafHash
  for (const h of proof as Uint8Array[]) {
    if (sn === 0n) return { reason: 'proof is longer than the path from the leaf to the root' }
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(h, r, hash as Sha256)
      // On the right edge a node can have no right sibling: climb until it is a right child.
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      }
    } else {
      r = hashChildren(r, h, hash as Sha256)
    }
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) return { reason: 'proof is shorter than the path from the leaf to the root' }
  return { root: r }
}
