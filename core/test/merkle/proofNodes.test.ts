import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  consistencyProofNodes,
  inclusionProofNodes,
  type NodeId,
  proofFromNodeHashes,
} from '../../src/merkle/index.ts'

// Every node a plan asks for must be a stored node: a perfect subtree inside [0, size).
const isStored = (id: NodeId, size: number) => (id.index + 1) * 2 ** id.level <= size

describe('inclusionProofNodes', () => {
  test('default', () => {
    assert.deepEqual(inclusionProofNodes({ leafIndex: 2, treeSize: 7 }), {
      ids: [
        { level: 0, index: 3 },
        { level: 1, index: 0 },
        { level: 0, index: 6 },
        { level: 1, index: 2 },
      ],
      begin: 2,
      end: 4,
    })
    // A perfect tree has no ephemeral node.
    assert.deepEqual(inclusionProofNodes({ leafIndex: 5, treeSize: 8 }), {
      ids: [
        { level: 0, index: 4 },
        { level: 1, index: 3 },
        { level: 2, index: 0 },
      ],
      begin: 0,
      end: 0,
    })
    assert.deepEqual(inclusionProofNodes({ leafIndex: 0, treeSize: 1 }), {
      ids: [],
      begin: 0,
      end: 0,
    })
  })

  test('behavior: asks only for stored nodes, never past the tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(), (size, i) => {
        const p = inclusionProofNodes({ leafIndex: i % size, treeSize: BigInt(size) })
        for (const id of p.ids) assert.ok(isStored(id, size), JSON.stringify({ id, size }))
        assert.ok(p.begin <= p.end && p.end <= p.ids.length)
      }),
    )
  })

  test('errors', () => {
    assert.throws(() => inclusionProofNodes({ leafIndex: 8, treeSize: 8 }), {
      name: 'TreeRangeError',
      message:
        'leafIndex 8 is out of range for treeSize 8.\n\nDetails: Requires 0 <= leafIndex < treeSize <= 2^53-1.',
    })
    for (const [leafIndex, treeSize] of [
      [-1, 3],
      [0, 0],
      [0, 2 ** 53],
      [0.5, 3],
    ] as const) {
      assert.throws(() => inclusionProofNodes({ leafIndex, treeSize }), { name: 'TreeRangeError' })
    }
  })
})

describe('consistencyProofNodes', () => {
  test('default', () => {
    assert.deepEqual(consistencyProofNodes({ size1: 6, size2: 8 }), {
      ids: [
        { level: 1, index: 2 },
        { level: 1, index: 3 },
        { level: 2, index: 0 },
      ],
      begin: 0,
      end: 0,
    })
    // size1 a power of two: its root is root1, not in the proof.
    assert.deepEqual(consistencyProofNodes({ size1: 4, size2: 7 }), {
      ids: [
        { level: 0, index: 6 },
        { level: 1, index: 2 },
      ],
      begin: 0,
      end: 2,
    })
    assert.deepEqual(consistencyProofNodes({ size1: 5, size2: 5 }), { ids: [], begin: 0, end: 0 })
  })

  test('behavior: asks only for stored nodes of the larger tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(), (size2, s) => {
        const size1 = 1 + (s % size2)
        const p = consistencyProofNodes({ size1, size2 })
        for (const id of p.ids) assert.ok(isStored(id, size2), JSON.stringify({ id, size1, size2 }))
        assert.ok(p.begin <= p.end && p.end <= p.ids.length)
      }),
    )
  })

  test('errors', () => {
    assert.throws(() => consistencyProofNodes({ size1: 0, size2: 3 }), {
      name: 'TreeRangeError',
      message:
        'No consistency proof from size1 0 to size2 3.\n\nDetails: Requires 0 < size1 <= size2 <= 2^53-1.',
    })
    for (const [size1, size2] of [
      [4, 3],
      [1, 2 ** 53],
      [-1, 2],
      [1.5, 2],
    ] as const) {
      assert.throws(() => consistencyProofNodes({ size1, size2 }), { name: 'TreeRangeError' })
    }
  })
})

describe('proofFromNodeHashes', () => {
  test('behavior: folds the ephemeral range right to left', () => {
    const parts: string[] = []
    const hash = (...p: Uint8Array[]) => {
      parts.push(p.map((x) => x[0]).join(','))
      return new Uint8Array(32).fill(99)
    }
    const hashes = [1, 2, 3, 4].map((b) => new Uint8Array(32).fill(b))
    const proof = proofFromNodeHashes({
      nodes: { ids: hashes.map((_, index) => ({ level: 0, index })), begin: 1, end: 4 },
      hashes,
      hash,
    })
    // H(0x01 || h3 || h2), then H(0x01 || h4 || that).
    assert.deepEqual(parts, ['1,3,2', '1,4,99'])
    assert.deepEqual(
      proof.map((x) => x[0]),
      [1, 99],
    )
  })

  test('errors', () => {
    const nodes = inclusionProofNodes({ leafIndex: 2, treeSize: 7 })
    assert.throws(() => proofFromNodeHashes({ nodes, hashes: [new Uint8Array(32)] }), {
      name: 'NodeCountMismatchError',
      message: 'Proof node hashes: expected 4 hashes, got 1.',
    })
    const short = [new Uint8Array(32), new Uint8Array(31), new Uint8Array(32), new Uint8Array(32)]
    assert.throws(() => proofFromNodeHashes({ nodes, hashes: short }), {
      name: 'InvalidNodeHashError',
      message: 'Proof node hash 1 must be a 32-byte Uint8Array.\n\nDetails: Got 31 bytes.',
    })
  })
})
