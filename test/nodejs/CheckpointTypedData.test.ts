// The contract's EIP-712 digests of a checkpoint and a key rotation are the ones viem and core
// compute, and a checkpoint signed by core's signCheckpoint anchors.
import { describe, it } from 'node:test'
import { signCheckpoint as coreSignCheckpoint, hashCheckpoint, KEY_ROTATION_TYPES } from '@tml/core'
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import { hashDomain, hashStruct, hashTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { checkpointArbitrary, keyRotationArbitrary } from '../../core/test/fixtures/arbitraries.ts'
import { CHECKPOINT_DOMAIN, CHECKPOINT_TYPES } from '../helpers/checkpoints.ts'
import { deployRegistries, MAX_EPOCH_INTERVAL, RECEIPT_KEY, TREE } from '../helpers/registries.ts'
import { rootAt } from '../helpers/tree.ts'

describe('CheckpointTypedData', async () => {
  const connection = await network.create()
  const harness = await connection.viem.deployContract('CheckpointTypedDataHarness')

  it('default: the domain separator is EIP712Domain(name "TML Anchor", version "1") with no chainId', async () => {
    expect(await harness.read.domainSeparator()).to.equal(
      hashDomain({
        domain: CHECKPOINT_DOMAIN,
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
          ],
        },
      }),
    )
  })

  it('behavior: the digest equals viem hashTypedData and core hashCheckpoint for any checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArbitrary, async (checkpoint) => {
        const digest = await harness.read.digest([checkpoint])
        expect(digest).to.equal(
          hashTypedData({
            domain: CHECKPOINT_DOMAIN,
            types: CHECKPOINT_TYPES,
            primaryType: 'Checkpoint',
            message: checkpoint,
          }),
        )
        expect(digest).to.equal(hashCheckpoint(checkpoint))
      }),
      { numRuns: 60 },
    )
  })

  it('behavior: the key rotation digest equals viem hashTypedData under the same domain', async () => {
    await fc.assert(
      fc.asyncProperty(keyRotationArbitrary, async (rotation) => {
        expect(await harness.read.keyRotationDigest([rotation])).to.equal(
          hashTypedData({
            domain: CHECKPOINT_DOMAIN,
            types: KEY_ROTATION_TYPES,
            primaryType: 'KeyRotation',
            message: rotation,
          }),
        )
      }),
      { numRuns: 40 },
    )
  })

  it('behavior: the struct hash the registry stores per epoch is viem hashStruct of the checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArbitrary, async (checkpoint) => {
        expect(await harness.read.structHash([checkpoint])).to.equal(
          hashStruct({ data: checkpoint, types: CHECKPOINT_TYPES, primaryType: 'Checkpoint' }),
        )
      }),
      { numRuns: 30 },
    )
  })

  it('behavior: a checkpoint signed by core anchors', async () => {
    const { viem, lantern, accounts, start } = await deployRegistries(connection)
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' // Hardhat account #1
    const account = privateKeyToAccount(key)
    const args = ['core-signed', account.address, RECEIPT_KEY, MAX_EPOCH_INTERVAL] as const
    await lantern.write.declareLog([...args], { account: accounts.operator.account })
    const logId = await lantern.read.computeLogId([accounts.operator.account.address, ...args])
    const registry = await viem.getContractAt(
      'CheckpointRegistry',
      await lantern.read.checkpointRegistry(),
    )
    const cp = { logId, epoch: 1n, treeSize: 9n, rootHash: rootAt(TREE, 9), timestamp: start }
    const signature = await coreSignCheckpoint({ checkpoint: cp, account })
    await registry.write.anchor([cp, [], signature])
    expect((await registry.read.head([logId]))[1]).to.equal(cp.rootHash)
  })
})
