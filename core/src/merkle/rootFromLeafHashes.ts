import type { Sha256 } from '../hash/sha256.ts'
import { CompactTree } from './CompactTree.ts'

export type RootFromLeafHashesParameters = {
  /** The leaf hashes, SHA-256(0x00 || entry), in log order. */
  leafHashes: Iterable<Uint8Array>
  /** SHA-256 to use; defaults to the pure one. */
  hash?: Sha256 | undefined
}

/**
 * The RFC 9162 §2.1.1 Merkle Tree Hash of a list of leaf hashes, in one pass and O(log n) memory.
 *
 * @throws {InvalidNodeHashError} when a leaf hash is not 32 bytes.
 * @example
 * rootFromLeafHashes({ leafHashes: entries.map((e) => hashLeaf(e)) })
 */
export function rootFromLeafHashes(parameters: RootFromLeafHashesParameters): Uint8Array {
  const tree = new CompactTree({ hash: parameters.hash })
  for (const leafHash of parameters.leafHashes) tree.append(leafHash)
  return tree.root()
}
