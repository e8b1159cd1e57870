// Cross-check with an independent implementation: merkletreejs 0.6.0 builds the same tree as
// RFC 9162 when configured so.
//
// - Leaves: our leaf hashes (SHA-256(0x00 || entry)) passed as they are (`hashLeaves: false`).
// - Interior nodes: merkletreejs hashes `concatenator([left, right])` with `hashFn`; a concatenator
//   that prefixes 0x01 gives SHA-256(0x01 || left || right).
// - Odd nodes: by default (no `duplicateOdd`, no `isBitcoinTree`, no `complete`, no sorting) a
//   layer's last odd node is carried up unhashed. Pairing each layer left to right and carrying the
//   odd one up gives the RFC 9162 tree for every size (the left subtree of every split is the
//   largest perfect one), which the test checks for every size from 1 to 300 and random larger ones.
// - One size differs: with no leaves merkletreejs's root is empty (0 bytes) while RFC 9162's is
//   SHA-256(""). The test pins that difference.
// - Proofs agree too: merkletreejs skips the levels where the node is carried up, which is exactly
//   RFC 9162's PATH.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { MerkleTree } from 'merkletreejs'
import { sha256 } from '../../src/hash/sha256.ts'
import { buildInclusionProof, CompactTree, MemoryNodeStore } from '../../src/merkle/index.ts'
import { makeLeafHashes } from './reference.ts'

const hashFn = (data: Buffer) => Buffer.from(sha256(data))
const concatenator = (inputs: Buffer[]) => Buffer.concat([Buffer.from([0x01]), ...inputs])

function merkletreejs(leafHashes: Uint8Array[]): MerkleTree {
  return new MerkleTree(
    leafHashes.map((h) => Buffer.from(h)),
    hashFn,
    { concatenator },
  )
}

function ours(leafHashes: Uint8Array[]): { roots: Uint8Array[]; store: MemoryNodeStore } {
  const store = new MemoryNodeStore()
  const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  const roots = [tree.root()]
  for (const h of leafHashes) {
    tree.append(h)
    roots.push(tree.root())
  }
  return { roots, store }
}

describe('merkletreejs', () => {
  const leaves = makeLeafHashes(300, 7)
  const { roots, store } = ours(leaves)

  test('behavior: roots agree at every size from 1 to 300', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const root = merkletreejs(leaves.slice(0, n)).getRoot()
      assert.deepEqual(new Uint8Array(root), roots[n], `size ${n}`)
    }
  })

  test('behavior: roots agree at random sizes up to 5000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 301, max: 5000 }), fc.nat(), (n, seed) => {
        const hashes = makeLeafHashes(n, seed)
        const root = ours(hashes).roots[n]
        assert.deepEqual(new Uint8Array(merkletreejs(hashes).getRoot()), root)
      }),
      { numRuns: 12 },
    )
  })

  test('behavior: inclusion proofs agree', async () => {
    for (const n of [1, 2, 3, 5, 7, 8, 13, 64, 100, 255, 300]) {
      const mt = merkletreejs(leaves.slice(0, n))
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 17))) {
        const theirs = mt
          .getProof(Buffer.from(leaves[i] as Uint8Array), i)
          .map((p) => new Uint8Array(p.data))
        const proof = await buildInclusionProof({ leafIndex: i, treeSize: n, store })
        assert.deepEqual(proof, theirs, `leaf ${i} of ${n}`)
      }
    }
  })

  test('behavior: the empty tree is where they differ', () => {
    assert.equal(merkletreejs([]).getRoot().length, 0)
    assert.deepEqual(roots[0], sha256(new Uint8Array(0)))
  })
})
