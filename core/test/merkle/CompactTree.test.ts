import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { sha256 } from '../../src/hash/sha256.ts'
import {
  CompactTree,
  emptyRoot,
  InvalidNodeHashError,
  MemoryNodeStore,
  NodeCountMismatchError,
  rootFromLeafHashes,
  TreeRangeError,
} from '../../src/merkle/index.ts'
import { makeLeafHashes, reference } from './reference.ts'

const leaves = makeLeafHashes(600, 3)
const ref = reference(leaves)
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('CompactTree', () => {
  test('default: the empty tree has root SHA-256("") and size 0', () => {
    const tree = new CompactTree()
    assert.equal(tree.size, 0)
    assert.equal(
      hex(tree.root()),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    assert.deepEqual(tree.root(), emptyRoot())
    assert.deepEqual(tree.state(), { size: 0, hashes: [] })
  })

  test('behavior: the root at every size equals the reference MTH', () => {
    const tree = new CompactTree()
    for (let n = 1; n <= leaves.length; n++) {
      assert.equal(tree.append(leaves[n - 1] as Uint8Array), n - 1)
      assert.equal(tree.size, n)
      assert.deepEqual(tree.root(), ref.mth(n), `size ${n}`)
    }
  })

  test('behavior: the state holds one hash per set bit of the size, largest subtree first', () => {
    const tree = new CompactTree()
    for (const leaf of leaves.slice(0, 13)) tree.append(leaf)
    // 13 = 8 + 4 + 1: MTH(D[0:8]), MTH(D[8:12]), D[12].
    const sub = reference(leaves.slice(8, 12))
    assert.deepEqual(tree.state(), { size: 13, hashes: [ref.mth(8), sub.mth(4), leaves[12]] })
  })

  test('behavior: a tree resumed from a saved state goes on like the original', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        (saveAt, more) => {
          const original = new CompactTree()
          for (const leaf of leaves.slice(0, saveAt)) original.append(leaf)
          const saved = original.state()
          const resumed = CompactTree.fromState(saved)
          assert.equal(resumed.size, saveAt)
          assert.deepEqual(resumed.root(), ref.mth(saveAt))
          for (const leaf of leaves.slice(saveAt, saveAt + more)) resumed.append(leaf)
          assert.deepEqual(resumed.root(), ref.mth(saveAt + more))
          // The resumed tree owns its hashes: changing the saved state does not reach it.
          for (const h of saved.hashes) h.fill(0)
          assert.deepEqual(resumed.root(), ref.mth(saveAt + more))
        },
      ),
      { numRuns: 60 },
    )
  })

  test('behavior: nodeIds names the nodes of the state, so a node store resumes the tree', () => {
    const store = new MemoryNodeStore()
    const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
    assert.deepEqual(CompactTree.nodeIds(0), [])
    for (let n = 1; n <= 300; n++) {
      tree.append(leaves[n - 1] as Uint8Array)
      const ids = CompactTree.nodeIds(n)
      assert.deepEqual(store.getNodes(ids), tree.state().hashes, `size ${n}`)
    }
    // 13 = 8 + 4 + 1, largest first.
    assert.deepEqual(CompactTree.nodeIds(13n), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ])
    assert.throws(() => CompactTree.nodeIds(-1), TreeRangeError)
    assert.throws(() => CompactTree.nodeIds(2 ** 53), TreeRangeError)
  })

  test('behavior: a state with a bigint size resumes', () => {
    const tree = new CompactTree()
    for (const leaf of leaves.slice(0, 6)) tree.append(leaf)
    const { hashes } = tree.state()
    const resumed = CompactTree.fromState({ size: 6n, hashes })
    assert.deepEqual(resumed.root(), ref.mth(6))
  })

  test('behavior: the sink receives exactly the perfect nodes, each level in index order', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 9, 100, 255, 256, 600]) {
      const seen: [number, number, string][] = []
      const tree = new CompactTree({
        onNode: (level, index, hash) => seen.push([level, index, hex(hash)]),
      })
      for (const leaf of leaves.slice(0, n)) tree.append(leaf)
      const expected = new Set<string>()
      for (let level = 0; 2 ** level <= n; level++) {
        for (let index = 0; (index + 1) * 2 ** level <= n; index++) {
          const start = index * 2 ** level
          const sub = reference(leaves.slice(start, start + 2 ** level))
          expected.add(`${level}:${index}:${hex(sub.mth(2 ** level))}`)
        }
      }
      assert.equal(seen.length, expected.size, `size ${n}`)
      assert.deepEqual(new Set(seen.map((s) => s.join(':'))), expected)
      const next = new Map<number, number>()
      for (const [level, index] of seen) {
        assert.equal(index, next.get(level) ?? 0)
        next.set(level, index + 1)
      }
    }
  })

  test('behavior: the tree keeps its own copy of a leaf hash', () => {
    const tree = new CompactTree()
    const buffer = (leaves[0] as Uint8Array).slice()
    tree.append(buffer)
    buffer.fill(0)
    assert.deepEqual(tree.root(), leaves[0])
    tree.root().fill(0)
    assert.deepEqual(tree.root(), leaves[0])
  })

  test('behavior: a throwing sink leaves the tree as it was, and a retry completes it', () => {
    const store = new MemoryNodeStore()
    // Fails on the third interior node: (level 2, index 0), while appending leaf 3.
    let failAt = 2
    const tree = new CompactTree({
      onNode: (level, index, hash) => {
        store.put(level, index, hash)
        if (level > 0 && failAt-- === 0) throw new Error('disk full')
      },
    })
    for (const leaf of leaves.slice(0, 3)) tree.append(leaf)
    const before = tree.state()
    assert.throws(() => tree.append(leaves[3] as Uint8Array), { message: 'disk full' })
    assert.equal(tree.size, 3)
    assert.deepEqual(tree.state(), before)
    // The retry reports the same nodes again; the store takes them as the same writes.
    tree.append(leaves[3] as Uint8Array)
    assert.deepEqual(tree.root(), ref.mth(4))
    assert.deepEqual(store.get(2, 0), ref.mth(4))
  })

  test('args: hash', () => {
    let calls = 0
    const counting = (...parts: Uint8Array[]) => {
      calls++
      return sha256(...parts)
    }
    const tree = new CompactTree({ hash: counting })
    for (const leaf of leaves.slice(0, 8)) tree.append(leaf)
    // 7 interior nodes of a perfect tree of 8, and nothing more for its root.
    assert.equal(calls, 7)
    assert.deepEqual(tree.root(), ref.mth(8))
    assert.equal(calls, 7)
  })

  test('rootFromLeafHashes', () => {
    assert.deepEqual(rootFromLeafHashes({ leafHashes: [] }), emptyRoot())
    assert.deepEqual(rootFromLeafHashes({ leafHashes: leaves.slice(0, 77) }), ref.mth(77))
  })

  describe('errors', () => {
    test('a leaf hash that is not 32 bytes', () => {
      const tree = new CompactTree()
      assert.throws(() => tree.append(new Uint8Array(31)), {
        name: 'InvalidNodeHashError',
        message: 'Leaf hash must be a 32-byte Uint8Array.\n\nDetails: Got 31 bytes.',
      })
      assert.throws(() => tree.append('00' as unknown as Uint8Array), InvalidNodeHashError)
      assert.equal(tree.size, 0)
    })

    test('a state with the wrong number of hashes', () => {
      assert.throws(() => CompactTree.fromState({ size: 13, hashes: [ref.mth(8)] }), {
        name: 'NodeCountMismatchError',
        message: 'Compact tree state of size 13: expected 3 hashes, got 1.',
      })
      assert.throws(
        () => CompactTree.fromState({ size: 0, hashes: [ref.mth(8)] }),
        NodeCountMismatchError,
      )
    })

    test('a state with a bad size or hash', () => {
      assert.throws(() => CompactTree.fromState({ size: -1, hashes: [] }), TreeRangeError)
      assert.throws(
        () => CompactTree.fromState({ size: 2 ** 53, hashes: [new Uint8Array(32)] }),
        TreeRangeError,
      )
      assert.throws(() => CompactTree.fromState({ size: 1, hashes: [new Uint8Array(33)] }), {
        name: 'InvalidNodeHashError',
        message:
          'Compact tree state hash 0 must be a 32-byte Uint8Array.\n\nDetails: Got 33 bytes.',
      })
    })

    test('a full tree', () => {
      // 2^53-1 has 53 set bits: one hash each.
      const hashes = Array.from({ length: 53 }, () => new Uint8Array(32))
      const tree = CompactTree.fromState({ size: Number.MAX_SAFE_INTEGER, hashes })
      assert.throws(() => tree.append(new Uint8Array(32)), {
        name: 'TreeRangeError',
        message: 'Compact tree is full.\n\nDetails: It holds 2^53-1 leaves.',
      })
    })
  })
})
