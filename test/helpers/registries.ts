// The two registries deployed and bound as scripts/deploy.ts does, with one registered operator
// and one declared log, and helpers to anchor checkpoints of a test tree and rotate its keys.
import type { network } from 'hardhat'
import { type Hex, keccak256, stringToHex } from 'viem'
import {
  addressOf,
  signCheckpoint,
  signKeyRotation,
  type TestCheckpoint,
  type TestKeyRotation,
  type TestSigner,
} from './checkpoints.ts'
import { type ReceiptKeyPair, receiptKeyPair } from './receipts.ts'
import { buildTestTree, rootAt, type TestTree } from './tree.ts'

export type Connection = Awaited<ReturnType<typeof network.create>>

export const ADMIN_DELAY = 3n * 24n * 3600n
export const LICENSE_HASH = keccak256(stringToHex('TML License v1'))
/** The log's P-256 receipt key (tml-receipt/2); on chain its commitment keccak256(x ‖ y). */
export const RECEIPT_KEY_PAIR: ReceiptKeyPair = receiptKeyPair(
  keccak256(stringToHex('p-256 receipt private key')),
)
export const RECEIPT_KEY = RECEIPT_KEY_PAIR.commitment
export const MAX_EPOCH_INTERVAL = 3600n
export const LOG_NAME = 'gateway-1'
export const PROFILE = keccak256(stringToHex('lantern/high-impact'))
export const EVIDENCE = keccak256(stringToHex('audit report'))
/** Policy hashes of a certification, sorted ascending as grantCertification wants them. */
export const POLICY_HASHES: Hex[] = ['general', 'finance', 'medical']
  .map((name) => keccak256(stringToHex(`policy ${name}`)))
  .sort()
export const MODEL_HASH = keccak256(stringToHex('model gpt-test'))
export const METADATA_URI = 'https://operator.example/tml.json'

/** A tree of 64 leaves with the root of every size, shared by the tests. */
export const TREE: TestTree = buildTestTree({
  size: 64,
  rootsAt: Array.from({ length: 65 }, (_, i) => i),
  keepLeafHashes: true,
})

export async function deployRegistries(connection: Connection) {
  const { viem, networkHelpers } = connection
  const publicClient = await viem.getPublicClient()
  const wallets = await viem.getWalletClients()
  const [admin, operator, signer, certifier, relayer, other, newSigner, stranger] = wallets
  if (
    !admin ||
    !operator ||
    !signer ||
    !certifier ||
    !relayer ||
    !other ||
    !newSigner ||
    !stranger
  ) {
    throw new Error('registries fixture: not enough accounts')
  }
  const lantern = await viem.deployContract('LanternRegistry', [
    Number(ADMIN_DELAY),
    admin.account.address,
  ])
  const registry = await viem.deployContract('CheckpointRegistry', [lantern.address])
  await lantern.write.setCheckpointRegistry([registry.address])
  await lantern.write.grantRole([await lantern.read.CERTIFIER_ROLE(), certifier.account.address])
  await lantern.write.registerOperator([METADATA_URI, LICENSE_HASH], { account: operator.account })
  await lantern.write.declareLog(
    [LOG_NAME, signer.account.address, RECEIPT_KEY, MAX_EPOCH_INTERVAL],
    {
      account: operator.account,
    },
  )
  const logId = await lantern.read.computeLogId([
    operator.account.address,
    LOG_NAME,
    signer.account.address,
    RECEIPT_KEY,
    MAX_EPOCH_INTERVAL,
  ])
  const relayerAccount = relayer.account
  const checkpointSigner: TestSigner = signer
  const start = BigInt(await networkHelpers.time.latest())

  /** Checkpoint of epoch `epoch` for the test tree at `treeSize`, `epoch` minutes after the start. */
  function checkpoint(
    epoch: bigint,
    treeSize: number,
    overrides: Partial<TestCheckpoint> = {},
  ): TestCheckpoint {
    return {
      logId,
      epoch,
      treeSize: BigInt(treeSize),
      rootHash: rootAt(TREE, treeSize),
      timestamp: start + epoch * 60n,
      ...overrides,
    }
  }

  /** Anchors `cp` with a proof from `fromSize` (none when null), signed by `by`, sent by the relayer. */
  async function anchor(
    cp: TestCheckpoint,
    fromSize: number | null,
    by: TestSigner = checkpointSigner,
  ) {
    const proof: Hex[] =
      fromSize === null || fromSize === 0 || fromSize === Number(cp.treeSize)
        ? []
        : await TREE.consistencyProof(fromSize, Number(cp.treeSize))
    const signature = await signCheckpoint(by, cp)
    return registry.write.anchor([cp, proof, signature], { account: relayerAccount })
  }

  /** Key rotation statement `index` of the log: `to` signs from `fromEpoch` on. */
  function rotation(
    index: bigint,
    fromEpoch: bigint,
    to: TestSigner,
    overrides: Partial<TestKeyRotation> = {},
  ): TestKeyRotation {
    return {
      logId,
      index,
      fromEpoch,
      signer: addressOf(to),
      receiptKey: keccak256(stringToHex(`receipt key ${index}`)),
      ...overrides,
    }
  }

  /** Relays `statement`, signed by `by` (the previous period's key), sent by the relayer. */
  async function rotate(statement: TestKeyRotation, by: TestSigner) {
    const signature = await signKeyRotation(by, statement)
    return registry.write.rotateKeys([statement, signature], { account: relayerAccount })
  }

  return {
    viem,
    networkHelpers,
    publicClient,
    lantern,
    registry,
    logId,
    start,
    accounts: { admin, operator, signer, certifier, relayer, other, newSigner, stranger },
    checkpoint,
    anchor,
    rotation,
    rotate,
  }
}
