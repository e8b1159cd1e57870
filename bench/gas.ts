// Gas of the registry contracts, measured on an in-process Hardhat chain (EDR) with the
// production build profile (optimizer + viaIR), side by side with a minimal reference that
// stores a root in a mapping and emits an event. Writes bench/results/gas.json.
//
//   npm run bench:gas
//
// `anchor` is measured at tree size 2^20 with a real RFC 9162 consistency proof, built by core
// from a tree of 2^20 leaves, from the previous size that needs the longest proof. A report about
// an old epoch is measured after 1,000 key rotations (`reportGasAfter1000Rotations`), next to the
// same report on a log that never rotated: rotations must not make evidence expensive. A broken
// promise (`brokenPromiseGas`) is measured for both kinds against a checkpoint of the same 2^20
// tree: DifferentLeaf with a 20-hash inclusion proof, MissedDeadline with none; the receipt is a
// `tml-receipt/2` receipt (P-256 over SHA-256 of its RFC 8785 bytes, the precompile at 0x100).
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { network } from 'hardhat'
import type { Hex } from 'viem'
import { keccak256, stringToHex, toHex, zeroHash } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { loadPolicies } from '../gateway/src/policy/loadPolicies.ts'
import {
  signCheckpoint,
  signKeyRotation,
  type TestCheckpoint,
  type TestSigner,
} from '../test/helpers/checkpoints.ts'
import { isoAt, receiptKeyPair, signReceiptV2, type TestReceipt } from '../test/helpers/receipts.ts'
import { buildTestTree, leafHashOf, rootAt } from '../test/helpers/tree.ts'
import { toolchain } from './toolchain.ts'

const TREE_SIZE = 2 ** 20
// From 2^20 - 1, the proof to 2^20 is the longest one (21 hashes, 39 SHA-256 calls on chain).
const PREVIOUS_SIZE = TREE_SIZE - 1
const TARGET = { maxRatio: 2.0, maxGas: 95_000 }
const ROTATIONS = 1000

const here = dirname(fileURLToPath(import.meta.url))

console.log(`bench:gas: building a tree of ${TREE_SIZE} leaves with core …`)
const started = performance.now()
const tree = buildTestTree({ size: TREE_SIZE, rootsAt: [PREVIOUS_SIZE] })
const proof = await tree.consistencyProof(PREVIOUS_SIZE, TREE_SIZE)
console.log(
  `bench:gas: tree built in ${((performance.now() - started) / 1000).toFixed(1)} s, proof of ${proof.length} hashes`,
)

const { viem, networkHelpers } = await network.create({ network: 'ethereumNode' })
const publicClient = await viem.getPublicClient()
const wallets = await viem.getWalletClients()
function wallet(index: number) {
  const client = wallets[index]
  if (client === undefined) throw new Error('bench:gas: not enough accounts')
  return client
}
const [admin, operator, signer, certifier, relayer] = [
  wallet(0),
  wallet(1),
  wallet(2),
  wallet(3),
  wallet(4),
]

async function gasOf(hash: Promise<Hex>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash })
  if (receipt.status !== 'success') throw new Error('bench:gas: transaction reverted')
  return Number(receipt.gasUsed)
}

const lantern = await viem.deployContract('LanternRegistry', [3 * 24 * 3600, admin.account.address])
const registry = await viem.deployContract('CheckpointRegistry', [lantern.address])
await lantern.write.setCheckpointRegistry([registry.address])
const reference = await viem.deployContract('ReferenceAnchor')

const registerOperatorGas = await gasOf(
  lantern.write.registerOperator(
    ['https://operator.example/tml.json', keccak256(stringToHex('License'))],
    {
      account: operator.account,
    },
  ),
)
const receiptKey = keccak256(stringToHex('ed25519 public key'))
async function declare(name: string): Promise<{ gas: number; logId: Hex }> {
  const args = [name, signer.account.address, receiptKey, 3600n] as const
  const gas = await gasOf(lantern.write.declareLog([...args], { account: operator.account }))
  const [, ...keys] = args
  return { gas, logId: await lantern.read.computeLogId([operator.account.address, name, ...keys]) }
}
const { gas: declareLogGas, logId } = await declare('gateway-1')
await lantern.write.grantRole([await lantern.read.CERTIFIER_ROLE(), certifier.account.address])
const now = BigInt(await networkHelpers.time.latest())
// The certification names the shipped policies, hashed as the gateway hashes them into MTLs.
const policyHashes = [
  ...loadPolicies({ paths: [join(here, '..', 'gateway', 'policies')] }).values(),
]
  .map((loaded) => loaded.hash)
  .sort()
const grantCertificationGas = await gasOf(
  lantern.write.grantCertification(
    [
      operator.account.address,
      keccak256(stringToHex('profile')),
      now + 365n * 24n * 3600n,
      keccak256(stringToHex('evidence')),
      policyHashes,
      keccak256(stringToHex('model')),
    ],
    { account: certifier.account },
  ),
)

async function anchorGas(checkpoint: TestCheckpoint, consistencyProof: Hex[]): Promise<number> {
  const signature = await signCheckpoint(signer, checkpoint)
  return gasOf(
    registry.write.anchor([checkpoint, consistencyProof, signature], { account: relayer.account }),
  )
}

const first: TestCheckpoint = {
  logId,
  epoch: 1n,
  treeSize: BigInt(PREVIOUS_SIZE),
  rootHash: rootAt(tree, PREVIOUS_SIZE),
  timestamp: now,
}
const firstAnchorGas = await anchorGas(first, [])
const second: TestCheckpoint = {
  logId,
  epoch: 2n,
  treeSize: BigInt(TREE_SIZE),
  rootHash: rootAt(tree, TREE_SIZE),
  timestamp: now + 60n,
}
const anchorGasUsed = await anchorGas(second, proof)
const repeatAnchorGas = await anchorGas(second, proof)

const referenceGas = await gasOf(
  reference.write.anchor([logId, 2n, rootAt(tree, TREE_SIZE)], { account: relayer.account }),
)

/** Gas of a SameEpoch report on `id`: epoch 2 with its anchored root and with another one. */
async function reportGas(id: Hex): Promise<number> {
  const signed = async (cp: TestCheckpoint, by: TestSigner = signer) => ({
    checkpoint: cp,
    signature: await signCheckpoint(by, cp),
  })
  const honest = { ...second, logId: id }
  const forked = { ...honest, rootHash: keccak256(stringToHex('another root')) }
  return gasOf(
    registry.write.reportEquivocation([await signed(honest), await signed(forked)], {
      account: relayer.account,
    }),
  )
}

// Broken promises, one log each, whose receipt key is a P-256 key's commitment. The anchored
// checkpoint is the 2^20 tree; the DifferentLeaf receipt promised another leaf at an index whose
// inclusion proof has 20 hashes, the MissedDeadline receipt an index past the tree, and the
// checkpoint is dated one second after its deadline.
const receiptKeys = receiptKeyPair(keccak256(stringToHex('bench p-256 receipt key')))
const MAX_EPOCH_INTERVAL = 3600n
async function declareP256(name: string): Promise<Hex> {
  const keys = [signer.account.address, receiptKeys.commitment, MAX_EPOCH_INTERVAL] as const
  await lantern.write.declareLog([name, ...keys], { account: operator.account })
  return lantern.read.computeLogId([operator.account.address, name, ...keys])
}
async function brokenPromiseGas(kind: 'DifferentLeaf' | 'MissedDeadline') {
  const id = await declareP256(`gateway-broken-${kind}`)
  const at = BigInt(await networkHelpers.time.latest())
  const anchored: TestCheckpoint = {
    logId: id,
    epoch: 1n,
    treeSize: BigInt(TREE_SIZE),
    rootHash: rootAt(tree, TREE_SIZE),
    timestamp: at,
  }
  await anchorGas(anchored, [])
  const seq = kind === 'DifferentLeaf' ? TREE_SIZE / 2 + 12_345 : TREE_SIZE
  const receipt: TestReceipt = {
    logId: id,
    traceId: randomUUID(),
    seq: BigInt(seq),
    leafHash: keccak256(stringToHex('the MTL the receipt promised')),
    timestamp: isoAt(kind === 'DifferentLeaf' ? at : at - MAX_EPOCH_INTERVAL - 1n),
  }
  const other =
    kind === 'DifferentLeaf'
      ? {
          leafHash: toHex(leafHashOf(new TextEncoder().encode(`leaf ${seq}`))),
          proof: await tree.inclusionProof(seq, TREE_SIZE),
        }
      : { leafHash: zeroHash, proof: [] as Hex[] }
  const gas = await gasOf(
    registry.write.reportBrokenPromise(
      [receipt, signReceiptV2(receipt, receiptKeys), receiptKeys.x, receiptKeys.y, anchored, other],
      { account: relayer.account },
    ),
  )
  return { gas, proofHashes: other.proof.length }
}
const differentLeaf = await brokenPromiseGas('DifferentLeaf')
const missedDeadline = await brokenPromiseGas('MissedDeadline')

// The same report on a log that never rotated, and after 1,000 rotations of the measured log,
// each signed by the key before it and starting one epoch later.
const { logId: quietLogId } = await declare('gateway-2')
const reportGasNoRotations = await reportGas(quietLogId)
console.log(`bench:gas: ${ROTATIONS} key rotations …`)
const rotationGas: number[] = []
let previous: TestSigner = signer
for (let index = 1; index <= ROTATIONS; index++) {
  const next = privateKeyToAccount(keccak256(stringToHex(`bench rotation key ${index}`)))
  const rotation = {
    logId,
    index: BigInt(index),
    fromEpoch: 2n + BigInt(index),
    signer: next.address,
    receiptKey: keccak256(stringToHex(`bench receipt key ${index}`)),
  }
  const signature = await signKeyRotation(previous, rotation)
  rotationGas.push(
    await gasOf(registry.write.rotateKeys([rotation, signature], { account: relayer.account })),
  )
  previous = next
}
const reportGasAfter1000Rotations = await reportGas(logId)

const ratio = anchorGasUsed / referenceGas
const result = {
  anchorGas: anchorGasUsed,
  referenceGas,
  ratio: Number(ratio.toFixed(3)),
  target: TARGET,
  meetsTarget: ratio <= TARGET.maxRatio && anchorGasUsed < TARGET.maxGas,
  anchor: {
    treeSize: TREE_SIZE,
    previousTreeSize: PREVIOUS_SIZE,
    proofHashes: proof.length,
    signer: 'EOA (ECDSA)',
  },
  firstAnchorGas,
  repeatAnchorGas,
  registerOperatorGas,
  declareLogGas,
  grantCertificationGas,
  grantCertificationPolicies: policyHashes.length,
  rotateKeysGas: rotationGas[0],
  rotateKeysGasAfter1000Rotations: rotationGas[rotationGas.length - 1],
  reportGasNoRotations,
  reportGasAfter1000Rotations,
  brokenPromiseGas: {
    differentLeaf: differentLeaf.gas,
    missedDeadline: missedDeadline.gas,
    treeSize: TREE_SIZE,
    inclusionProofHashes: differentLeaf.proofHashes,
    receipt: 'tml-receipt/2 (P-256, precompile 0x100)',
  },
  ...toolchain(),
  measuredAt: new Date().toISOString(),
}
const out = join(here, 'results', 'gas.json')
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
console.log(
  `bench:gas: anchor ${anchorGasUsed} gas vs reference ${referenceGas} (${ratio.toFixed(2)}x); ` +
    `target ≤ ${TARGET.maxRatio}x and < ${TARGET.maxGas}: ${result.meetsTarget ? 'met' : 'NOT met'}`,
)
console.log(`bench:gas: wrote ${out}`)
