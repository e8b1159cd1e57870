// The contract's EIP-712 digest of a checkpoint is the one viem and core compute, and a checkpoint
// signed by core's signCheckpoint anchors.
import { describe, it } from 'node:test'
import { signCheckpoint as coreSignCheckpoint, hashCheckpoint } from '@tml/core'
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import { bytesToHex, hashDomain, hashTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { CHECKPOINT_DOMAIN, CHECKPOINT_TYPES, type TestCheckpoint } from '../helpers/checkpoints.ts'
import { deployRegistries } from '../helpers/registries.ts'

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b))
const checkpointArbitrary: fc.Arbitrary<TestCheckpoint> = fc.record({
  logId: bytes32,
  epoch: u64,
  treeSize: u64,
  rootHash: bytes32,
  timestamp: u64,
})

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

  it('behavior: a checkpoint signed by core anchors', async () => {
    const { registry, lantern, logId, accounts, checkpoint } = await deployRegistries(connection)
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' // Hardhat account #1
    const account = privateKeyToAccount(key)
    await lantern.write.rotateSigner([logId, account.address], {
      account: accounts.operator.account,
    })
    const cp = checkpoint(1n, 9)
    const signature = await coreSignCheckpoint({ checkpoint: cp, account })
    await registry.write.anchor([cp, [], signature])
    expect((await registry.read.head([logId]))[1]).to.equal(cp.rootHash)
  })
})
