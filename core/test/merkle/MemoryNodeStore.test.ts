import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  buildConsistencyProof,
  buildInclusionProof,
  CompactTree,
  MemoryNodeStore,
  type NodeStore,
} from '../../src/merkle/index.ts'
import { makeLeafHashes, reference } from './reference.ts'

const h = (byte: number) => new Uint8Array(32).fill(byte)

describe('MemoryNodeStore', () => {
  test('default: stores nodes and returns them in the order asked, duplicates included', () => {
    const store = new MemoryNodeStore()
    store.put(0, 0, h(1))
    store.put(0, 1, h(2))
    store.put(1, 0, h(3))
    const ids = [
      { level: 1, index: 0 },
      { level: 0, index: 1 },
      { level: 0, index: 1 },
    ]
    assert.deepEqual(store.getNodes(ids), [h(3), h(2), h(2)])
    assert.deepEqual(store.getNodes([]), [])
    assert.equal(store.count(0), 2)
    assert.equal(store.count(1), 1)
    assert.equal(store.count(7), 0)
    assert.equal(store.get(0, 2), undefined)
  })

  test('behavior: returned hashes belong to the caller', () => {
    const store = new MemoryNodeStore()
    const written = h(9)
    store.put(0, 0, written)
    written.fill(0)
    const [read] = store.getNodes([{ level: 0, index: 0 }])
    assert.deepEqual(read, h(9))
    read?.fill(0)
    assert.deepEqual(store.get(0, 0), h(9))
  })

  test('behavior: rewriting a node with the same hash is accepted (replay after a restart)', () => {
    const store = new MemoryNodeStore()
    store.put(0, 0, h(1))
    store.put(0, 0, h(1))
    assert.equal(store.count(0), 1)
  })

  test('behavior: holds many nodes across chunks', () => {
    const store = new MemoryNodeStore()
    for (let i = 0; i < 10_000; i++) store.put(0, i, h(i % 251))
    assert.deepEqual(store.get(0, 4095), h(4095 % 251))
    assert.deepEqual(store.get(0, 4096), h(4096 % 251))
    assert.deepEqual(store.get(0, 9999), h(9999 % 251))
    // 10,000 nodes in three chunks of 4,096: 384 KiB.
    assert.equal(store.byteLength, 3 * 4096 * 32)
  })

  test('behavior: a store filled by a CompactTree serves proofs for every smaller size', async () => {
    const leaves = makeLeafHashes(40)
    const ref = reference(leaves)
    const store = new MemoryNodeStore()
    const tree = new CompactTree({ onNode: (level, index, hash) => store.put(level, index, hash) })
    for (const leaf of leaves) tree.append(leaf)
    for (let size = 1; size <= 40; size++) {
      for (let i = 0; i < size; i++) {
        assert.deepEqual(
          await buildInclusionProof({ leafIndex: i, treeSize: size, store }),
          ref.path(i, size),
        )
      }
      for (let m = 1; m <= size; m++) {
        assert.deepEqual(
          await buildConsistencyProof({ size1: m, size2: size, store }),
          ref.proof(m, size),
        )
      }
    }
  })

  test('behavior: the proof builders take an async store', async () => {
    const leaves = makeLeafHashes(11)
    const inner = new MemoryNodeStore()
    const tree = new CompactTree({ onNode: (level, index, hash) => inner.put(level, index, hash) })
    for (const leaf of leaves) tree.append(leaf)
    const store: NodeStore = { getNodes: async (ids) => inner.getNodes(ids) }
    assert.deepEqual(
      await buildInclusionProof({ leafIndex: 4, treeSize: 11, store }),
      reference(leaves).path(4, 11),
    )
  })

  describe('errors', () => {
    test('a missing node', async () => {
      const store = new MemoryNodeStore()
      store.put(0, 0, h(1))
      assert.throws(() => store.getNodes([{ level: 0, index: 1 }]), {
        name: 'MissingNodeError',
        message: 'Node (level 0, index 1) is not in the store.',
      })
      await assert.rejects(buildInclusionProof({ leafIndex: 0, treeSize: 2, store }), {
        name: 'MissingNodeError',
      })
      for (const id of [
        { level: 5, index: 0 },
        { level: 0, index: -1 },
        { level: 0, index: 0.5 },
      ]) {
        assert.throws(() => store.getNodes([id]), { name: 'MissingNodeError' })
      }
    })

    test('a gap in a level', () => {
      const store = new MemoryNodeStore()
      assert.throws(() => store.put(0, 1, h(1)), {
        name: 'TreeRangeError',
        message:
          'Cannot store node (level 0, index 1).\n\nDetails: Level 0 holds 0 nodes, so the next is index 0: levels have no gaps.',
      })
      assert.throws(() => store.put(0, -1, h(1)), { name: 'TreeRangeError' })
      assert.throws(() => store.put(53, 0, h(1)), { name: 'TreeRangeError' })
      assert.throws(() => store.put(1.5, 0, h(1)), { name: 'TreeRangeError' })
    })

    test('a changed hash', () => {
      const store = new MemoryNodeStore()
      store.put(2, 0, h(1))
      assert.throws(() => store.put(2, 0, h(2)), { name: 'NodeConflictError' })
      assert.deepEqual(store.get(2, 0), h(1))
    })

    test('a hash that is not 32 bytes', () => {
      const store = new MemoryNodeStore()
      assert.throws(() => store.put(0, 0, new Uint8Array(20)), { name: 'InvalidNodeHashError' })
      assert.equal(store.count(0), 0)
    })
  })
})
