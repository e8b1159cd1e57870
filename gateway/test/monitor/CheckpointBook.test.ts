// The monitor's book of checkpoints: which pairs of signed checkpoints contradict each other, and
// which pairs need a consistency proof. Pure: no chain, no gateway.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Checkpoint, Hex } from '@tml/core'
import { CheckpointBook, type Contradiction } from '../../src/monitor/CheckpointBook.ts'

const logId = `0x${'ab'.repeat(32)}` as Hex
const root = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const cp = (epoch: number, treeSize: number, r: number, timestamp = 1000 + epoch): Checkpoint => ({
  logId,
  epoch: BigInt(epoch),
  treeSize: BigInt(treeSize),
  rootHash: root(r),
  timestamp: BigInt(timestamp),
})
const kinds = (found: Contradiction[]) =>
  found.map((c) =>
    c.kind === 'check-consistency'
      ? `consistency ${c.older.checkpoint.treeSize}->${c.newer.checkpoint.treeSize}`
      : `${c.kind} ${c.first.checkpoint.epoch}/${c.second.checkpoint.epoch}`,
  )

describe('CheckpointBook', () => {
  test('an honest history asks only for consistency between neighbouring sizes', () => {
    const book = new CheckpointBook()
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(1, 2, 1), signature: undefined, source: 'chain:1' })),
      [],
    )
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(2, 5, 2), signature: undefined, source: 'chain:1' })),
      ['consistency 2->5'],
    )
    // The same checkpoint from another source adds nothing, and it gains the signature.
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(2, 5, 2), signature: '0x01', source: 'gateway:g' })),
      [],
    )
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(3, 5, 2), signature: undefined, source: 'chain:1' })),
      [],
    )
    // Inserted between: checked against both neighbours.
    assert.deepEqual(
      kinds(
        book.add({ checkpoint: cp(4, 3, 3, 1003), signature: undefined, source: 'gateway:g' }),
      ).sort(),
      ['consistency 2->3', 'consistency 3->5', 'tree-shrank 3/4'],
    )
    assert.equal(book.latestEpoch('chain:1'), 3n)
    assert.equal(book.latestEpoch('gateway:g'), 4n)
    assert.ok(book.has(2n, 'gateway:g'))
    assert.ok(!book.has(1n, 'gateway:g'))
  })

  test('same epoch: another tree is provable, another time only is not', () => {
    const book = new CheckpointBook()
    book.add({ checkpoint: cp(1, 4, 1), signature: undefined, source: 'chain:1' })
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(1, 4, 9), signature: undefined, source: 'gateway:g' })),
      ['same-epoch 1/1'],
    )
    assert.deepEqual(
      kinds(book.add({ checkpoint: cp(1, 4, 1, 5), signature: undefined, source: 'gateway:g' })),
      ['same-epoch-timestamp 1/1', 'same-epoch 1/1'],
    )
  })

  test('same size with another root in another epoch; a later epoch with a smaller tree', () => {
    let book = new CheckpointBook()
    book.add({ checkpoint: cp(1, 4, 1), signature: undefined, source: 'chain:1' })
    book.add({ checkpoint: cp(2, 8, 2), signature: undefined, source: 'chain:1' })
    assert.deepEqual(
      kinds(
        book.add({ checkpoint: cp(3, 4, 7), signature: undefined, source: 'gateway:g' }),
      ).sort(),
      ['consistency 4->8', 'same-size-different-roots 1/3', 'tree-shrank 2/3'],
    )
    // Root hex in another case is the same root.
    book = new CheckpointBook()
    book.add({ checkpoint: cp(1, 4, 1), signature: undefined, source: 'chain:1' })
    const upper = { ...cp(5, 4, 1), rootHash: root(1).toUpperCase().replace('0X', '0x') as Hex }
    assert.ok(
      !kinds(book.add({ checkpoint: upper, signature: undefined, source: 'g' })).some((k) =>
        k.startsWith('same-size'),
      ),
    )
  })
})
