// Builds RFC 9162 trees with core's CompactTree and MemoryNodeStore, hashed with OpenSSL's
// SHA-256 so that a 2^20-leaf tree takes seconds. Proofs come out as 0x-hex for viem.
import { createHash } from 'node:crypto'
import {
  buildConsistencyProof,
  buildInclusionProof,
  bytesToHex,
  CompactTree,
  MemoryNodeStore,
  type Sha256,
} from '@tml/core'
import type { Hex } from 'viem'

export const nodeSha256: Sha256 = (...parts) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}

const LEAF_PREFIX = new Uint8Array([0x00])

/** SHA-256(0x00 || data), with OpenSSL. */
export function leafHashOf(data: Uint8Array): Uint8Array {
  return nodeSha256(LEAF_PREFIX, data)
}

export type TestTree = {
  size: number
  store: MemoryNodeStore
  /** Root at every size in `rootsAt` (and at the final size). */
  roots: Map<number, Hex>
  leafHashes: Hex[]
  inclusionProof(leafIndex: number, treeSize: number): Promise<Hex[]>
  consistencyProof(size1: number, size2: number): Promise<Hex[]>
}

export type BuildTestTreeParameters = {
  size: number
  /** Sizes whose root to keep while appending. */
  rootsAt?: readonly number[]
  /** The data of leaf `index`; defaults to its decimal string with a seed. */
  leafData?: (index: number) => Uint8Array
  /** Keep every leaf hash (small trees only). */
  keepLeafHashes?: boolean
}

/** A tree of `size` leaves whose proofs come from core. */
export function buildTestTree(parameters: BuildTestTreeParameters): TestTree {
  const { size, rootsAt = [], keepLeafHashes = false } = parameters
  const leafData =
    parameters.leafData ?? ((index: number) => new TextEncoder().encode(`leaf ${index}`))
  const store = new MemoryNodeStore()
  const tree = new CompactTree({
    hash: nodeSha256,
    onNode: (level, index, hash) => store.put(level, index, hash),
  })
  const wanted = new Set(rootsAt)
  const roots = new Map<number, Hex>()
  const leafHashes: Hex[] = []
  if (wanted.has(0)) roots.set(0, bytesToHex(tree.root()))
  for (let i = 0; i < size; i++) {
    const leaf = leafHashOf(leafData(i))
    tree.append(leaf)
    if (keepLeafHashes) leafHashes.push(bytesToHex(leaf))
    if (wanted.has(tree.size)) roots.set(tree.size, bytesToHex(tree.root()))
  }
  roots.set(size, bytesToHex(tree.root()))
  return {
    size,
    store,
    roots,
    leafHashes,
    async inclusionProof(leafIndex, treeSize) {
      const proof = await buildInclusionProof({ leafIndex, treeSize, store, hash: nodeSha256 })
      return proof.map((node) => bytesToHex(node))
    },
    async consistencyProof(size1, size2) {
      const proof = await buildConsistencyProof({ size1, size2, store, hash: nodeSha256 })
      return proof.map((node) => bytesToHex(node))
    },
  }
}

/** The root of `tree` at `size`, which must have been kept. */
export function rootAt(tree: TestTree, size: number): Hex {
  const root = tree.roots.get(size)
  if (root === undefined) throw new Error(`test tree: no root kept at size ${size}`)
  return root
}
