import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { encodeAbiParameters, keccak256, toBytes } from 'viem'
import type { Checkpoint } from '../../src/checkpoint/Checkpoint.ts'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { CHECKPOINT_TYPE } from '../../src/checkpoint/checkpointTypes.ts'
import { InvalidCheckpointError } from '../../src/checkpoint/InvalidCheckpointError.ts'

const checkpoint: Checkpoint = {
  logId: `0x${'11'.repeat(32)}`,
  epoch: 1n,
  treeSize: 3n,
  rootHash: `0x${'ab'.repeat(32)}`,
  timestamp: 1767225600n,
}

describe('checkpointStructHash', () => {
  test('behavior: equals keccak256(abi.encode(CHECKPOINT_TYPEHASH, fields…)), what the registry stores', () => {
    const reference = keccak256(
      encodeAbiParameters(
        [
          { type: 'bytes32' },
          { type: 'bytes32' },
          { type: 'uint64' },
          { type: 'uint64' },
          { type: 'bytes32' },
          { type: 'uint64' },
        ],
        [
          keccak256(toBytes(CHECKPOINT_TYPE)),
          checkpoint.logId,
          checkpoint.epoch,
          checkpoint.treeSize,
          checkpoint.rootHash,
          checkpoint.timestamp,
        ],
      ),
    )
    assert.equal(checkpointStructHash(checkpoint), reference)
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
