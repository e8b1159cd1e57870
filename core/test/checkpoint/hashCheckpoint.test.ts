import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { keccak256, toBytes } from 'viem'
import type { Checkpoint } from '../../src/checkpoint/Checkpoint.ts'
import { checkpointTypedData } from '../../src/checkpoint/checkpointTypedData.ts'
import {
  CHECKPOINT_DOMAIN,
  CHECKPOINT_TYPE,
  CHECKPOINT_TYPES,
} from '../../src/checkpoint/checkpointTypes.ts'
import { hashCheckpoint } from '../../src/checkpoint/hashCheckpoint.ts'
import { InvalidCheckpointError } from '../../src/checkpoint/InvalidCheckpointError.ts'
import {
  CHECKPOINT,
  referenceCheckpointStructHash,
  referenceTypedDataDigest,
} from '../fixtures/typedData.ts'

const checkpoint = CHECKPOINT

// Plain EIP-712 from the spec's definitions, written out by hand: the reference that the viem
// path in hashCheckpoint must agree with, and what the Solidity contract computes.
const referenceDigest = (cp: Checkpoint) =>
  referenceTypedDataDigest(referenceCheckpointStructHash(cp))

describe('hashCheckpoint', () => {
  test('default: known-answer digest', () => {
    // Pinned: a change here breaks every signature already anchored on chain.
    assert.equal(
      hashCheckpoint(checkpoint),
      '0x8beac4b80b1cec2ae39efd6dc7540c741fd4599a2811aef3438626f686f72c85',
    )
  })

  test('behavior: equals the hand-written EIP-712 encoding', () => {
    assert.equal(hashCheckpoint(checkpoint), referenceDigest(checkpoint))
    const big: Checkpoint = {
      ...checkpoint,
      epoch: 2n ** 64n - 1n,
      treeSize: 2n ** 53n,
      timestamp: 0n,
    }
    assert.equal(hashCheckpoint(big), referenceDigest(big))
  })

  test('behavior: the typehash is keccak256 of the type string, which matches the types', () => {
    assert.equal(
      keccak256(toBytes(CHECKPOINT_TYPE)),
      keccak256(
        toBytes(
          'Checkpoint(bytes32 logId,uint64 epoch,uint64 treeSize,bytes32 rootHash,uint64 timestamp)',
        ),
      ),
    )
    const fromTypes = `Checkpoint(${CHECKPOINT_TYPES.Checkpoint.map((f) => `${f.type} ${f.name}`).join(',')})`
    assert.equal(fromTypes, CHECKPOINT_TYPE)
    // Pinned so that the contract's CHECKPOINT_TYPEHASH constant can be compared by eye.
    assert.equal(
      keccak256(toBytes(CHECKPOINT_TYPE)),
      '0x13e45902d997e82f425cfb8364d2f4460cc0779df7f36aeef39d709f66b91918',
    )
  })

  test('behavior: the domain has only a name and a version', () => {
    assert.deepEqual(CHECKPOINT_DOMAIN, { name: 'TML Anchor', version: '1' })
    assert.deepEqual(Object.keys(checkpointTypedData(checkpoint).domain), ['name', 'version'])
  })

  test('behavior: every field changes the digest', () => {
    const base = hashCheckpoint(checkpoint)
    const variants: Checkpoint[] = [
      { ...checkpoint, logId: `0x${'12'.repeat(32)}` },
      { ...checkpoint, epoch: 2n },
      { ...checkpoint, treeSize: 4n },
      { ...checkpoint, rootHash: `0x${'ac'.repeat(32)}` },
      { ...checkpoint, timestamp: 1767225601n },
    ]
    const digests = new Set(variants.map(hashCheckpoint))
    assert.equal(digests.size, variants.length)
    assert.ok(!digests.has(base))
  })

  describe('errors', () => {
    test('uint64 overflow, negative values and short hashes are refused', () => {
      const bad: Checkpoint[] = [
        { ...checkpoint, epoch: 2n ** 64n },
        { ...checkpoint, treeSize: -1n },
        { ...checkpoint, rootHash: '0xabcd' },
        { ...checkpoint, timestamp: 5 as unknown as bigint },
      ]
      for (const cp of bad) assert.throws(() => hashCheckpoint(cp), InvalidCheckpointError)
    })

    test('the message names every bad field', () => {
      assert.throws(
        () => hashCheckpoint({ ...checkpoint, epoch: 2n ** 64n, logId: '0x01' }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidCheckpointError)
          assert.equal(
            error.message,
            'Invalid checkpoint.\n\nDetails: $.logId: expected 32-byte 0x hex, got "0x01"; $.epoch: expected a uint64 bigint, got 18446744073709551616n',
          )
          return true
        },
      )
    })
  })
})
