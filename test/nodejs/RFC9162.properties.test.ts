// Property tests: random trees built with core (CompactTree + MemoryNodeStore), every proof of
// them checked by the Solidity verifiers, which must agree with core on valid and tampered proofs.
import { describe, it } from 'node:test'
import {
  bytesToHex,
  hashChildren,
  hashLeaf,
  hexToBytes,
  verifyConsistency,
  verifyInclusion,
} from '@tml/core'
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import type { Hex } from 'viem'
import { buildTestTree, rootAt } from '../helpers/tree.ts'

const bytes = (hex: Hex) => hexToBytes(hex)

/** A tampering of a proof and its statement, as the vectors do it (transparency-dev/merkle). */
type Tamper =
  | { kind: 'flip'; node: number; bit: number }
  | { kind: 'drop' }
  | { kind: 'extend' }
  | { kind: 'prepend' }
  | { kind: 'index'; delta: number }
  | { kind: 'size'; delta: number }

const tamperArbitrary: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), node: fc.nat(), bit: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const) }),
  fc.record({ kind: fc.constant('extend' as const) }),
  fc.record({ kind: fc.constant('prepend' as const) }),
  fc.record({ kind: fc.constant('index' as const), delta: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('size' as const), delta: fc.integer({ min: -3, max: 3 }) }),
)

function flipBit(hex: Hex, bit: number): Hex {
  const b = hexToBytes(hex)
  b[bit >> 3] = (b[bit >> 3] ?? 0) ^ (1 << (bit & 7))
  return bytesToHex(b)
}

function tamperProof(proof: Hex[], tamper: Tamper, extra: Hex): Hex[] {
  switch (tamper.kind) {
    case 'flip': {
      if (proof.length === 0) return [extra]
      const i = tamper.node % proof.length
      return proof.map((node, j) => (j === i ? flipBit(node, tamper.bit) : node))
    }
    case 'drop':
      return proof.slice(0, -1)
    case 'extend':
      return [...proof, extra]
    case 'prepend':
      return [extra, ...proof]
    default:
      return proof
  }
}

const clampU64 = (value: bigint) => (value < 0n ? 0n : value)

describe('RFC9162 properties (random trees built by core)', async () => {
  const { viem } = await network.create()
  const harness = await viem.deployContract('RFC9162Harness')

  it('behavior: hashLeaf and hashChildren agree with core', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        async (data, left, right) => {
          expect(await harness.read.hashLeaf([bytesToHex(data)])).to.equal(
            bytesToHex(hashLeaf(data)),
          )
          expect(await harness.read.hashChildren([bytesToHex(left), bytesToHex(right)])).to.equal(
            bytesToHex(hashChildren(left, right)),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('behavior: every inclusion proof of every size of a random tree verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.nat(), async (size, seed) => {
        const sizes = Array.from({ length: size }, (_, i) => i + 1)
        const tree = buildTestTree({
          size,
          rootsAt: sizes,
          keepLeafHashes: true,
          leafData: (i) => new TextEncoder().encode(`${seed}/${i}`),
        })
        const cases = []
        for (const treeSize of sizes) {
          for (let leafIndex = 0; leafIndex < treeSize; leafIndex++) {
            cases.push({
              leafIndex: BigInt(leafIndex),
              treeSize: BigInt(treeSize),
              leafHash: tree.leafHashes[leafIndex] as Hex,
              proof: await tree.inclusionProof(leafIndex, treeSize),
              root: rootAt(tree, treeSize),
            })
          }
        }
        const results = await harness.read.verifyInclusionBatch([cases])
        expect(results).to.have.length(cases.length)
        expect(results.every(Boolean)).to.equal(true)
      }),
      { numRuns: 12 },
    )
  })

  it('behavior: every consistency proof between two sizes of a random tree verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.nat(), async (size, seed) => {
        const sizes = Array.from({ length: size }, (_, i) => i + 1)
        const tree = buildTestTree({
          size,
          rootsAt: sizes,
          leafData: (i) => new TextEncoder().encode(`${seed}/${i}`),
        })
        const cases = []
        for (const size2 of sizes) {
          for (let size1 = 1; size1 <= size2; size1++) {
            cases.push({
              size1: BigInt(size1),
              size2: BigInt(size2),
              root1: rootAt(tree, size1),
              root2: rootAt(tree, size2),
              proof: await tree.consistencyProof(size1, size2),
            })
          }
        }
        const results = await harness.read.verifyConsistencyBatch([cases])
        expect(results).to.have.length(cases.length)
        expect(results.every(Boolean)).to.equal(true)
      }),
      { numRuns: 12 },
    )
  })

  it('behavior: on tampered inclusion proofs the contract and core give the same answer', async () => {
    const tree = buildTestTree({
      size: 300,
      rootsAt: Array.from({ length: 300 }, (_, i) => i + 1),
      keepLeafHashes: true,
    })
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((treeSize) =>
            fc.tuple(fc.constant(treeSize), fc.nat({ max: treeSize - 1 }), tamperArbitrary),
          ),
        async ([treeSize, leafIndex, tamper]) => {
          const proof = await tree.inclusionProof(leafIndex, treeSize)
          const root = rootAt(tree, treeSize)
          const leafHash = tree.leafHashes[leafIndex] as Hex
          const index = clampU64(
            BigInt(leafIndex) + BigInt(tamper.kind === 'index' ? tamper.delta : 0),
          )
          const size = clampU64(
            BigInt(treeSize) + BigInt(tamper.kind === 'size' ? tamper.delta : 0),
          )
          const tampered = tamperProof(proof, tamper, root)
          const onChain = await harness.read.verifyInclusion([
            index,
            size,
            leafHash,
            tampered,
            root,
          ])
          const inCore = verifyInclusion({
            leafIndex: index,
            treeSize: size,
            leafHash: bytes(leafHash),
            proof: tampered.map(bytes),
            root: bytes(root),
          })
          expect(onChain).to.equal(inCore)
          const unchanged =
            index === BigInt(leafIndex) && size === BigInt(treeSize) && tampered === proof
          if (unchanged) expect(onChain).to.equal(true)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('behavior: on tampered consistency proofs the contract and core give the same answer', async () => {
    const tree = buildTestTree({ size: 300, rootsAt: Array.from({ length: 300 }, (_, i) => i + 1) })
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((size2) =>
            fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2), tamperArbitrary),
          ),
        async ([size1, size2, tamper]) => {
          const proof = await tree.consistencyProof(size1, size2)
          const root1 = rootAt(tree, size1)
          const root2 = rootAt(tree, size2)
          const s1 = clampU64(BigInt(size1) + BigInt(tamper.kind === 'index' ? tamper.delta : 0))
          const s2 = clampU64(BigInt(size2) + BigInt(tamper.kind === 'size' ? tamper.delta : 0))
          const tampered = tamperProof(proof, tamper, root2)
          const onChain = await harness.read.verifyConsistency([s1, s2, root1, root2, tampered])
          const inCore = verifyConsistency({
            size1: s1,
            size2: s2,
            root1: bytes(root1),
            root2: bytes(root2),
            proof: tampered.map(bytes),
          })
          expect(onChain).to.equal(inCore)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('behavior: a leaf that is not in the tree never verifies', async () => {
    const tree = buildTestTree({ size: 64, keepLeafHashes: true })
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 63 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (leafIndex, data) => {
          const stranger = bytesToHex(hashLeaf(data))
          fc.pre(!tree.leafHashes.includes(stranger))
          const proof = await tree.inclusionProof(leafIndex, 64)
          expect(
            await harness.read.verifyInclusion([
              BigInt(leafIndex),
              64n,
              stranger,
              proof,
              rootAt(tree, 64),
            ]),
          ).to.equal(false)
        },
      ),
      { numRuns: 40 },
    )
  })
})
