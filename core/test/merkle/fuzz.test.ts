// Malformed input never throws: the verifiers read bundles and requests, whose every field is
// untrusted. They must answer false (with a reason), whatever they are given.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  checkConsistency,
  checkInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.ts'
import { makeLeafHashes, reference } from './reference.ts'

const leaves = makeLeafHashes(9)
const ref = reference(leaves)

// Plausible values (right types, sometimes right sizes) mixed with anything at all.
const sizeArb = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.bigInt({ min: -3n, max: 2n ** 64n + 3n }),
  fc.constantFrom(
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
  ),
  fc.anything(),
)
const hashArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(...leaves, ref.mth(9), ref.mth(8)),
  fc.anything(),
)
const proofArb = fc.oneof(
  fc.array(hashArb, { maxLength: 12 }),
  fc.constant(ref.path(3, 9)),
  fc.constant(ref.proof(5, 9)),
  fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 60, maxLength: 200 }),
  fc.anything(),
)
const hashFnArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(() => {
    throw new Error('hash failed')
  }),
  fc.constant(() => new Uint8Array(5)),
  fc.anything(),
)

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile getter')
    },
  },
)
const hostileProof = Object.defineProperty([new Uint8Array(32)], 0, {
  get() {
    throw new Error('hostile element')
  },
})

describe('errors', () => {
  test('verifyInclusion never throws and returns a boolean', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            leafIndex: sizeArb,
            treeSize: sizeArb,
            leafHash: hashArb,
            proof: proofArb,
            root: hashArb,
            hash: hashFnArb,
          },
          { requiredKeys: [] },
        ),
        (parameters) => {
          const p = parameters as unknown as Parameters<typeof verifyInclusion>[0]
          assert.equal(typeof verifyInclusion(p), 'boolean')
          const result = checkInclusion(p)
          if (!result.valid) assert.equal(typeof result.reason, 'string')
        },
      ),
      { numRuns: 3000 },
    )
  })

  test('verifyConsistency never throws and returns a boolean', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            size1: sizeArb,
            size2: sizeArb,
            root1: hashArb,
            root2: hashArb,
            proof: proofArb,
            hash: hashFnArb,
          },
          { requiredKeys: [] },
        ),
        (parameters) => {
          const p = parameters as unknown as Parameters<typeof verifyConsistency>[0]
          assert.equal(typeof verifyConsistency(p), 'boolean')
          const result = checkConsistency(p)
          if (!result.valid) assert.equal(typeof result.reason, 'string')
        },
      ),
      { numRuns: 3000 },
    )
  })

  test('hostile objects, throwing hash functions and non-objects give false', () => {
    const good = {
      leafIndex: 3,
      treeSize: 9,
      leafHash: leaves[3] as Uint8Array,
      proof: ref.path(3, 9),
      root: ref.mth(9),
    }
    assert.equal(verifyInclusion(good), true)
    for (const p of [hostile, null, undefined, 42, 'x', [], { ...good, proof: hostileProof }]) {
      assert.equal(verifyInclusion(p as typeof good), false)
    }
    const failing = () => {
      throw new Error('hash failed')
    }
    assert.deepEqual(checkInclusion({ ...good, hash: failing }), {
      valid: false,
      reason: 'verification failed: hash failed',
    })
    const goodC = {
      size1: 5,
      size2: 9,
      root1: ref.mth(5),
      root2: ref.mth(9),
      proof: ref.proof(5, 9),
    }
    assert.equal(verifyConsistency(goodC), true)
    for (const p of [hostile, null, undefined, 42, 'x', [], { ...goodC, proof: hostileProof }]) {
      assert.equal(verifyConsistency(p as typeof goodC), false)
    }
    assert.equal(verifyConsistency({ ...goodC, hash: failing }), false)
  })
})
