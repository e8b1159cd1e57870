// Property tests: random trees built through CompactTree + MemoryNodeStore; every proof the store
// path builds equals the RFC 9162 reference (test/merkle/reference.ts) and verifies, and any
// tampering is rejected: the verifiers accept exactly the true statements.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { equalBytes } from '../../src/bytes/equalBytes.ts'
import {
  buildConsistencyProof,
  buildInclusionProof,
  CompactTree,
  MemoryNodeStore,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.ts'
import { makeLeafHashes, type Reference, reference } from './reference.ts'

// The store holds the whole tree of n leaves and serves proofs for every size up to n, as the
// gateway's store does for older checkpoints.
type Tree = {
  n: number
  leaves: Uint8Array[]
  ref: Reference
  store: MemoryNodeStore
  root: Uint8Array
}

function buildTree(n: number, seed: number): Tree {
  const leaves = makeLeafHashes(n, seed)
  const store = new MemoryNodeStore()
  const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
  for (const leaf of leaves) tree.append(leaf)
  return { n, leaves, ref: reference(leaves), store, root: tree.root() }
}

const equalLists = (a: readonly Uint8Array[], b: readonly Uint8Array[]) =>
  a.length === b.length && a.every((x, i) => equalBytes(x, b[i] as Uint8Array))

const flipBit = (bytes: Uint8Array, bit: number) => {
  const out = bytes.slice()
  const at = (bit >> 3) % out.length
  out[at] = (out[at] as number) ^ (1 << (bit & 7))
  return out
}

// A tree, then positions inside it. Trees up to a few thousand leaves, biased towards small ones
// where the edge cases (sizes 1, 2, powers of two) live.
const treeArb = fc
  .tuple(fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 3000 })), fc.nat())
  .map(([n, seed]) => buildTree(n, seed))

// What a verifier may be asked: a (possibly tampered) statement about tree `t`.
type Mutation =
  | { kind: 'none' }
  | { kind: 'index'; delta: number }
  | { kind: 'size'; delta: number }
  | { kind: 'flipProof'; at: number; bit: number }
  | { kind: 'flipLeaf'; bit: number }
  | { kind: 'flipRoot'; bit: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; extra: Uint8Array; atFront: boolean }
  | { kind: 'swap'; i: number; j: number }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.integer({ min: -5, max: 5 }).map((delta) => ({ kind: 'index' as const, delta })),
  fc.integer({ min: -5, max: 5 }).map((delta) => ({ kind: 'size' as const, delta })),
  fc.record({ kind: fc.constant('flipProof' as const), at: fc.nat(), bit: fc.nat(255) }),
  fc.record({ kind: fc.constant('flipLeaf' as const), bit: fc.nat(255) }),
  fc.record({ kind: fc.constant('flipRoot' as const), bit: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('extend' as const),
    extra: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    atFront: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
)

function mutateProof(proof: Uint8Array[], m: Mutation): Uint8Array[] {
  const p = proof.slice()
  if (m.kind === 'flipProof' && p.length > 0) {
    const at = m.at % p.length
    p[at] = flipBit(p[at] as Uint8Array, m.bit)
  }
  if (m.kind === 'truncate' && p.length > 0) return p.slice(0, m.keep % p.length)
  if (m.kind === 'extend') return m.atFront ? [m.extra, ...p] : [...p, m.extra]
  if (m.kind === 'swap' && p.length > 1) {
    const i = m.i % p.length
    const j = m.j % p.length
    ;[p[i], p[j]] = [p[j] as Uint8Array, p[i] as Uint8Array]
  }
  return p
}

describe('inclusion', () => {
  test('behavior: proofs from the node store equal the reference PATH and verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        async (t, picks) => {
          for (const [a, b] of picks) {
            const size = 1 + (b % t.n)
            const index = a % size
            const proof = await buildInclusionProof({
              leafIndex: index,
              treeSize: size,
              store: t.store,
            })
            assert.ok(equalLists(proof, t.ref.path(index, size)))
            const root = t.ref.mth(size)
            assert.ok(equalBytes(t.root, t.ref.mth(t.n)))
            const leafHash = t.leaves[index] as Uint8Array
            assert.ok(verifyInclusion({ leafIndex: index, treeSize: size, leafHash, proof, root }))
            assert.ok(
              equalBytes(
                rootFromInclusionProof({ leafIndex: index, treeSize: size, leafHash, proof }),
                root,
              ),
            )
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  test('behavior: a tampered statement is accepted only when it is still true', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.nat(), fc.nat(), mutationArb, async (t, a, b, mutation) => {
        const size = 1 + (b % t.n)
        const index = a % size
        const honest = await buildInclusionProof({
          leafIndex: index,
          treeSize: size,
          store: t.store,
        })
        let leafIndex = index
        let treeSize = size
        if (mutation.kind === 'index') leafIndex = index + mutation.delta
        if (mutation.kind === 'size') treeSize = Math.min(t.n, size + mutation.delta)
        const proof = mutateProof(honest, mutation)
        // The trusted root always belongs to the claimed size, as a checkpoint's does.
        let root = treeSize >= 0 ? t.ref.mth(treeSize) : new Uint8Array(32)
        if (mutation.kind === 'flipRoot') root = flipBit(root, mutation.bit)
        let leafHash = t.leaves[index] as Uint8Array
        if (mutation.kind === 'flipLeaf') leafHash = flipBit(leafHash, mutation.bit)

        const truth =
          leafIndex >= 0 &&
          leafIndex < treeSize &&
          equalBytes(leafHash, t.leaves[leafIndex] as Uint8Array) &&
          equalBytes(root, t.ref.mth(treeSize)) &&
          equalLists(proof, t.ref.path(leafIndex, treeSize))
        assert.equal(verifyInclusion({ leafIndex, treeSize, leafHash, proof, root }), truth)
        // And the honest statement is the only true one: any real change makes it false.
        const changed =
          leafIndex !== index ||
          treeSize !== size ||
          !equalBytes(leafHash, t.leaves[index] as Uint8Array) ||
          !equalBytes(root, t.ref.mth(size)) ||
          !equalLists(proof, honest)
        assert.equal(truth, !changed)
      }),
      { numRuns: 400 },
    )
  })
})

describe('consistency', () => {
  test('behavior: proofs from the node store equal the reference PROOF and verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        async (t, picks) => {
          for (const [a, b] of picks) {
            const size2 = 1 + (b % t.n)
            const size1 = 1 + (a % size2)
            const proof = await buildConsistencyProof({ size1, size2, store: t.store })
            assert.ok(equalLists(proof, t.ref.proof(size1, size2)))
            const root1 = t.ref.mth(size1)
            const root2 = t.ref.mth(size2)
            assert.ok(verifyConsistency({ size1, size2, root1, root2, proof }))
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  test('behavior: a tampered statement is accepted only when it is still true', async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.nat(),
        fc.nat(),
        mutationArb,
        fc.boolean(),
        async (t, a, b, mutation, first) => {
          const s2 = 1 + (b % t.n)
          const s1 = 1 + (a % s2)
          const honest = await buildConsistencyProof({ size1: s1, size2: s2, store: t.store })
          let size1 = s1
          let size2 = s2
          // 'index' moves size1, 'size' moves size2.
          if (mutation.kind === 'index') size1 = Math.max(0, Math.min(t.n, s1 + mutation.delta))
          if (mutation.kind === 'size') size2 = Math.max(0, Math.min(t.n, s2 + mutation.delta))
          const proof = mutateProof(honest, mutation)
          let root1 = t.ref.mth(size1)
          let root2 = t.ref.mth(size2)
          if (mutation.kind === 'flipRoot' || mutation.kind === 'flipLeaf') {
            if (first) root1 = flipBit(root1, mutation.bit)
            else root2 = flipBit(root2, mutation.bit)
          }
          const truth =
            size1 > 0 &&
            size1 <= size2 &&
            equalBytes(root1, t.ref.mth(size1)) &&
            equalBytes(root2, t.ref.mth(size2)) &&
            equalLists(proof, t.ref.proof(size1, size2))
          assert.equal(verifyConsistency({ size1, size2, root1, root2, proof }), truth)
          const changed =
            size1 !== s1 ||
            size2 !== s2 ||
            !equalBytes(root1, t.ref.mth(s1)) ||
            !equalBytes(root2, t.ref.mth(s2)) ||
            !equalLists(proof, honest)
          assert.equal(truth, !changed)
        },
      ),
      { numRuns: 400 },
    )
  })
})
