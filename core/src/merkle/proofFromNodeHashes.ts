import { type Sha256, sha256 } from '../hash/sha256.ts'
import { InvalidNodeHashError, NodeCountMismatchError } from './errors.ts'
import { hashChildren } from './hashChildren.ts'
import type { ProofNodes } from './ProofNodes.ts'
import { isHash } from './untrusted.ts'

export type ProofFromNodeHashesParameters = {
  /** The plan from `inclusionProofNodes` or `consistencyProofNodes`. */
  nodes: ProofNodes
  /** The hashes of `nodes.ids`, in the same order (what a `NodeStore` returns). */
  hashes: readonly Uint8Array[]
  /** SHA-256 to use; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * Turns the fetched hashes of a proof plan into the proof: copies them in order and folds the
 * ephemeral range `ids[begin:end]` into one hash, right to left (each next node is the left
 * child). Model: transparency-dev/merkle `proof.Nodes.Rehash`.
 *
 * @throws {NodeCountMismatchError} when there is not one hash per node id.
 * @throws {InvalidNodeHashError} when a hash is not 32 bytes (a broken store).
 * @example
 * const nodes = consistencyProofNodes({ size1: 3, size2: 7 })
 * const proof = proofFromNodeHashes({ nodes, hashes: store.getNodes(nodes.ids) })
 */
export function proofFromNodeHashes(parameters: ProofFromNodeHashesParameters): Uint8Array[] {
  const { nodes, hashes, hash = sha256 } = parameters
  if (hashes.length !== nodes.ids.length) {
    throw new NodeCountMismatchError('Proof node hashes', nodes.ids.length, hashes.length)
  }
  for (let i = 0; i < hashes.length; i++) {
    if (!isHash(hashes[i])) throw new InvalidNodeHashError(`Proof node hash ${i}`, hashes[i])
  }
  const proof: Uint8Array[] = []
  for (let i = 0; i < hashes.length; i++) {
    let h = hashes[i] as Uint8Array
    if (i === nodes.begin && nodes.begin < nodes.end) {
      for (i++; i < nodes.end; i++) h = hashChildren(hashes[i] as Uint8Array, h, hash)
      i--
    }
    proof.push(h)
  }
  return proof
}
