// The reasons that checkInclusion and checkConsistency give, in full.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { bytesToHex } from '../../src/bytes/hex.ts'
import {
  checkConsistency,
  checkInclusion,
  InvalidInclusionProofError,
  rootFromInclusionProof,
} from '../../src/merkle/index.ts'
import { makeLeafHashes, reference } from './reference.ts'

const leaves = makeLeafHashes(8)
const ref = reference(leaves)
const leafHash = leaves[2] as Uint8Array
const proof = ref.path(2, 8)
const root = ref.mth(8)
const good = { leafIndex: 2, treeSize: 8, leafHash, proof, root }

describe('checkInclusion', () => {
  test('default', () => {
    assert.deepEqual(checkInclusion(good), { valid: true })
    assert.deepEqual(checkInclusion({ ...good, leafIndex: 2n, treeSize: 8n }), { valid: true })
  })

  test('behavior: a wrong root gives both roots', () => {
    const other = ref.mth(7)
    assert.deepEqual(checkInclusion({ ...good, root: other }), {
      valid: false,
      reason: `computed root ${bytesToHex(root)} does not match expected root ${bytesToHex(other)}`,
      expectedRoot: other,
      computedRoot: root,
    })
  })

  test('behavior: reasons', () => {
    const reasons: [Partial<typeof good> | Record<string, unknown>, string][] = [
      [{ leafIndex: 8 }, 'leafIndex 8 is out of range for treeSize 8'],
      [{ treeSize: 0 }, 'leafIndex 2 is out of range for treeSize 0'],
      [{ leafIndex: -1 }, 'leafIndex must be an integer from 0 to 2^64-1, got -1'],
      [
        { leafIndex: 2 ** 53 },
        'leafIndex must be an integer from 0 to 2^64-1, got 9007199254740992',
      ],
      [{ treeSize: '8' }, 'treeSize must be an integer from 0 to 2^64-1, got string'],
      [{ leafHash: new Uint8Array(31) }, 'leafHash must be a 32-byte Uint8Array, got 31 bytes'],
      [{ proof: proof.slice(1) }, 'proof has 2 hashes, expected 3 for leafIndex 2 in treeSize 8'],
      [{ proof: [...proof, root] }, 'proof has 4 hashes, expected 3 for leafIndex 2 in treeSize 8'],
      [
        { proof: [proof[0], new Uint8Array(0), proof[2]] },
        'proof[1] must be a 32-byte Uint8Array, got 0 bytes',
      ],
      [{ proof: null }, 'proof must be an array, got null'],
      [{ root: new Uint8Array(12) }, 'root must be a 32-byte Uint8Array, got 12 bytes'],
      [{ hash: 'sha256' }, 'hash must be a function, got string'],
    ]
    for (const [change, reason] of reasons) {
      assert.deepEqual(checkInclusion({ ...good, ...change } as typeof good), {
        valid: false,
        reason,
      })
    }
  })

  test('rootFromInclusionProof', () => {
    assert.deepEqual(rootFromInclusionProof(good), root)
    assert.throws(() => rootFromInclusionProof({ ...good, leafIndex: 9 }), {
      name: 'InvalidInclusionProofError',
      message: 'Invalid inclusion proof.\n\nDetails: leafIndex 9 is out of range for treeSize 8',
    })
    assert.throws(() => rootFromInclusionProof({ ...good, proof: [] }), InvalidInclusionProofError)
  })
})

describe('checkConsistency', () => {
  const goodC = { size1: 3, size2: 8, root1: ref.mth(3), root2: root, proof: ref.proof(3, 8) }

  test('default', () => {
    assert.deepEqual(checkConsistency(goodC), { valid: true })
    assert.deepEqual(checkConsistency({ ...goodC, size1: 8, proof: [], root1: root }), {
      valid: true,
    })
  })

  test('behavior: a wrong root gives both roots', () => {
    const wrong1 = ref.mth(4)
    assert.deepEqual(checkConsistency({ ...goodC, root1: wrong1 }), {
      valid: false,
      reason: `computed root1 ${bytesToHex(ref.mth(3))} does not match expected root1 ${bytesToHex(wrong1)}`,
      expectedRoot: wrong1,
      computedRoot: ref.mth(3),
    })
    const wrong2 = ref.mth(7)
    assert.deepEqual(checkConsistency({ ...goodC, root2: wrong2 }), {
      valid: false,
      reason: `computed root2 ${bytesToHex(root)} does not match expected root2 ${bytesToHex(wrong2)}`,
      expectedRoot: wrong2,
      computedRoot: root,
    })
    assert.deepEqual(
      checkConsistency({ size1: 2, size2: 2, root1: ref.mth(2), root2: root, proof: [] }),
      {
        valid: false,
        reason: `root2 ${bytesToHex(root)} differs from root1 ${bytesToHex(ref.mth(2))}, but equal sizes need equal roots`,
        expectedRoot: root,
        computedRoot: ref.mth(2),
      },
    )
  })

  test('behavior: reasons', () => {
    const reasons: [Record<string, unknown>, string][] = [
      [{ size1: 9 }, 'size1 9 is greater than size2 8'],
      [{ size1: 0 }, 'size1 is 0: RFC 9162 defines consistency proofs only for 0 < size1 <= size2'],
      [{ size2: 2n ** 64n }, 'size2 must be an integer from 0 to 2^64-1, got 18446744073709551616'],
      [{ size1: 3.5 }, 'size1 must be an integer from 0 to 2^64-1, got 3.5'],
      [{ proof: [] }, 'proof has 0 hashes, expected 4 for size1 3 and size2 8'],
      [{ size1: 8, root1: root }, 'proof has 4 hashes, expected 0 for equal sizes 8'],
      [{ root1: new Uint8Array(31) }, 'root1 must be a 32-byte Uint8Array, got 31 bytes'],
      [{ root2: undefined }, 'root2 must be a Uint8Array, got undefined'],
      [{ proof: 'x' }, 'proof must be an array, got string'],
    ]
    for (const [change, reason] of reasons) {
      assert.deepEqual(checkConsistency({ ...goodC, ...change } as typeof goodC), {
        valid: false,
        reason,
      })
    }
  })
})
