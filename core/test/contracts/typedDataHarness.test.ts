// Core's hashes are the contracts': the compiled CheckpointTypedDataHarness and LanternRegistry
// run in an in-process Hardhat chain and answer the struct hash of checkpoints (what the registry
// stores per epoch), the digest of key rotation statements (what `rotateKeys` recovers from) and
// the log id of a declaration (which commits to the first keys).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { network } from 'hardhat'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  custom,
  type Hex,
  type PublicClient,
} from 'viem'
import { artifactUrl } from '../../scripts/contractAbis.ts'
import type { Checkpoint } from '../../src/checkpoint/Checkpoint.ts'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { lanternRegistryAbi } from '../../src/contracts/abis.ts'
import { hashKeyRotation } from '../../src/keyRotation/hashKeyRotation.ts'
import type { KeyRotation } from '../../src/keyRotation/KeyRotation.ts'
import { computeLogId } from '../../src/logId/computeLogId.ts'
import {
  address,
  bytes32,
  checkpointArbitrary,
  keyRotationArbitrary,
  u64,
} from '../fixtures/arbitraries.ts'

describe('EIP-712 hashes against the contracts', { timeout: 120_000 }, () => {
  let connection: Awaited<ReturnType<typeof network.create>>
  let client: PublicClient
  let harness: Address
  let abi: Abi
  let lantern: Address

  before(async () => {
    const artifact = JSON.parse(
      readFileSync(artifactUrl('CheckpointTypedDataHarness', 'mocks/'), 'utf8'),
    ) as { abi: Abi; bytecode: Hex }
    abi = artifact.abi
    connection = await network.create()
    const transport = custom(connection.provider)
    client = createPublicClient({ transport }) as PublicClient
    const [account] = (await connection.provider.request({ method: 'eth_accounts' })) as Address[]
    const wallet = createWalletClient({ transport, account: account as Address })
    const hash = await wallet.deployContract({ abi, bytecode: artifact.bytecode, chain: null })
    const receipt = await client.waitForTransactionReceipt({ hash })
    harness = receipt.contractAddress as Address
    const lanternArtifact = JSON.parse(readFileSync(artifactUrl('LanternRegistry'), 'utf8')) as {
      bytecode: Hex
    }
    const deployed = await client.waitForTransactionReceipt({
      hash: await wallet.deployContract({
        abi: lanternRegistryAbi,
        bytecode: lanternArtifact.bytecode,
        args: [0, account as Address],
        chain: null,
      }),
    })
    lantern = deployed.contractAddress as Address
  })

  after(async () => {
    await connection?.close()
  })

  test('behavior: checkpointStructHash equals CheckpointTypedData.structHash for any checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArbitrary, async (checkpoint: Checkpoint) => {
        const onChain = await client.readContract({
          address: harness,
          abi,
          functionName: 'structHash',
          args: [checkpoint],
        })
        assert.equal(onChain, checkpointStructHash(checkpoint))
      }),
      { numRuns: 25 },
    )
  })

  test('behavior: computeLogId equals LanternRegistry.computeLogId for any declaration', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          operator: address,
          name: fc.string({ minLength: 1, maxLength: 40 }),
          signer: address,
          receiptKey: bytes32,
          maxEpochInterval: u64,
        }),
        async (declaration) => {
          const onChain = await client.readContract({
            address: lantern,
            abi: lanternRegistryAbi,
            functionName: 'computeLogId',
            args: [
              declaration.operator,
              declaration.name,
              declaration.signer,
              declaration.receiptKey,
              declaration.maxEpochInterval,
            ],
          })
          assert.equal(onChain, computeLogId(declaration))
        },
      ),
      { numRuns: 25 },
    )
  })

  test('behavior: hashKeyRotation equals KeyRotationTypedData.digest for any statement', async () => {
    await fc.assert(
      fc.asyncProperty(keyRotationArbitrary, async (rotation: KeyRotation) => {
        const onChain = await client.readContract({
          address: harness,
          abi,
          functionName: 'keyRotationDigest',
          args: [rotation],
        })
        assert.equal(onChain, hashKeyRotation(rotation))
      }),
      { numRuns: 25 },
    )
  })
})
