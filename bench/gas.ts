// Gas of the registry contracts, measured on an in-process Hardhat chain (EDR) with the
// production build profile (optimizer + viaIR), side by side with a minimal reference that
// stores a root in a mapping and emits an event. Writes bench/results/gas.json.
//
//   npm run bench:gas
//
// `anchor` is measured at tree size 2^20 with a real RFC 9162 consistency proof, built by core
// from a tree of 2^20 leaves, from the previous size that needs the longest proof.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import hre, { network } from 'hardhat'
import type { Hex } from 'viem'
import { keccak256, stringToHex } from 'viem'
import { signCheckpoint, type TestCheckpoint } from '../test/helpers/checkpoints.ts'
import { buildTestTree, rootAt } from '../test/helpers/tree.ts'

const TREE_SIZE = 2 ** 20
// From 2^20 - 1, the proof to 2^20 is the longest one (21 hashes, 39 SHA-256 calls on chain).
const PREVIOUS_SIZE = TREE_SIZE - 1
const TARGET = { maxRatio: 2.0, maxGas: 95_000 }

const here = dirname(fileURLToPath(import.meta.url))
const versionOf = (pkg: string): string =>
  JSON.parse(readFileSync(join(here, '..', 'node_modules', pkg, 'package.json'), 'utf8')).version

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
const name = 'gateway-1'
const receiptKey = keccak256(stringToHex('ed25519 public key'))
const declareLogGas = await gasOf(
  lantern.write.declareLog([name, signer.account.address, receiptKey, 3600n], {
    account: operator.account,
  }),
)
const logId = await lantern.read.computeLogId([operator.account.address, name])
await lantern.write.grantRole([await lantern.read.CERTIFIER_ROLE(), certifier.account.address])
const now = BigInt(await networkHelpers.time.latest())
const grantCertificationGas = await gasOf(
  lantern.write.grantCertification(
    [
      operator.account.address,
      keccak256(stringToHex('profile')),
      now + 365n * 24n * 3600n,
      keccak256(stringToHex('evidence')),
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

const ratio = anchorGasUsed / referenceGas
const production = hre.config.solidity.profiles.production
const compiler = production?.compilers[0]
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
  compiler: {
    solc: compiler?.version,
    profile: 'production',
    optimizer: compiler?.settings?.optimizer,
    viaIR: compiler?.settings?.viaIR,
    evmVersion: compiler?.settings?.evmVersion,
  },
  chain: {
    hardhat: versionOf('hardhat'),
    edr: versionOf('@nomicfoundation/edr'),
    hardfork: 'osaka (Hardhat default)',
  },
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
