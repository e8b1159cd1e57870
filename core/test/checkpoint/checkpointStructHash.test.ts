import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { InvalidCheckpointError } from '../../src/checkpoint/InvalidCheckpointError.ts'
import { CHECKPOINT, referenceCheckpointStructHash } from '../fixtures/typedData.ts'

const checkpoint = CHECKPOINT

describe('checkpointStructHash', () => {
  test('behavior: equals keccak256(abi.encode(CHECKPOINT_TYPEHASH, fields…)), what the registry stores', () => {
    assert.equal(checkpointStructHash(checkpoint), referenceCheckpointStructHash(checkpoint))
  })

  test('behavior: tree size and time change it, as the root does (every epoch is checkable)', () => {
    const hashes = new Set(
      [
        checkpoint,
        { ...checkpoint, treeSize: 4n },
        { ...checkpoint, timestamp: 1767225601n },
        { ...checkpoint, rootHash: `0x${'ac'.repeat(32)}` as const },
      ].map(checkpointStructHash),
    )
    assert.equal(hashes.size, 4)
  })

  test('errors: a checkpoint that does not fit the struct is refused', () => {
    assert.throws(
      () => checkpointStructHash({ ...checkpoint, epoch: 2n ** 64n }),
      InvalidCheckpointError,
    )
  })
})
