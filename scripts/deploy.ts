// Deploys LanternRegistry and CheckpointRegistry to a named network, binds them, and writes
// deployments/<network>.json (chain id, addresses, deployment blocks and transactions).
//
//   npm run deploy -- ethereumLocal        (a chain of `npm run chains`)
//   npm run deploy -- sepolia              (SEPOLIA_RPC_URL, SEPOLIA_PRIVATE_KEY from env or keystore)
//
// Environment:
//   DEPLOYMENTS_DIR   where to write <network>.json (default: deployments/ at the repository root)
//   TML_ADMIN         default admin of the LanternRegistry (default: the deployer); when it is not
//                     the deployer, the binding step is left to the admin and printed
//   TML_ADMIN_DELAY   seconds an admin handover waits (default: 259200, three days)
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { network } from 'hardhat'
import { getAddress, type Hash, isAddress } from 'viem'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = resolve(process.env.DEPLOYMENTS_DIR ?? join(root, 'deployments'))
const DEFAULT_ADMIN_DELAY = 3 * 24 * 3600

/** What deployments/<network>.json holds. */
export type Deployment = {
  network: string
  chainId: number
  deployer: `0x${string}`
  admin: `0x${string}`
  adminDelay: number
  contracts: Record<'LanternRegistry' | 'CheckpointRegistry', DeployedContract>
  /** The `setCheckpointRegistry` transaction; null when the admin (not the deployer) must send it. */
  bindTransactionHash: Hash | null
  deployedAt: string
}

type DeployedContract = { address: `0x${string}`; blockNumber: number; transactionHash: Hash }

const { viem, networkName } = await network.create()
const publicClient = await viem.getPublicClient()
const [deployer] = await viem.getWalletClients()
if (!deployer) throw new Error(`deploy: network ${networkName} has no account to deploy from`)

const adminInput = process.env.TML_ADMIN ?? deployer.account.address
if (!isAddress(adminInput)) throw new Error(`deploy: TML_ADMIN is not an address: ${adminInput}`)
const admin = getAddress(adminInput)
const adminDelay = Number(process.env.TML_ADMIN_DELAY ?? DEFAULT_ADMIN_DELAY)
if (!Number.isInteger(adminDelay) || adminDelay < 0 || adminDelay >= 2 ** 48) {
  throw new Error(
    `deploy: TML_ADMIN_DELAY must be a whole number of seconds, got ${process.env.TML_ADMIN_DELAY}`,
  )
}
const chainId = await publicClient.getChainId()
console.log(`deploy: ${networkName} (chain ${chainId}) from ${deployer.account.address}`)

async function mined(
  hash: Hash,
): Promise<{ blockNumber: number; contractAddress: `0x${string}` | null | undefined }> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`deploy: transaction ${hash} reverted`)
  return { blockNumber: Number(receipt.blockNumber), contractAddress: receipt.contractAddress }
}

const lanternTx = await viem.sendDeploymentTransaction('LanternRegistry', [adminDelay, admin])
const lanternReceipt = await mined(lanternTx.deploymentTransaction.hash)
const lantern = lanternTx.contract
console.log(`deploy: LanternRegistry at ${lantern.address} (block ${lanternReceipt.blockNumber})`)

const registryTx = await viem.sendDeploymentTransaction('CheckpointRegistry', [lantern.address])
const registryReceipt = await mined(registryTx.deploymentTransaction.hash)
const registry = registryTx.contract
console.log(
  `deploy: CheckpointRegistry at ${registry.address} (block ${registryReceipt.blockNumber})`,
)

let bindTransactionHash: Hash | null = null
if (admin === getAddress(deployer.account.address)) {
  bindTransactionHash = await lantern.write.setCheckpointRegistry([registry.address])
  await mined(bindTransactionHash)
  console.log('deploy: registries bound')
} else {
  console.log(
    `deploy: the admin ${admin} must now call setCheckpointRegistry(${registry.address}) on ${lantern.address}`,
  )
}

const deployment: Deployment = {
  network: networkName,
  chainId,
  deployer: getAddress(deployer.account.address),
  admin,
  adminDelay,
  contracts: {
    LanternRegistry: {
      address: getAddress(lantern.address),
      blockNumber: lanternReceipt.blockNumber,
      transactionHash: lanternTx.deploymentTransaction.hash,
    },
    CheckpointRegistry: {
      address: getAddress(registry.address),
      blockNumber: registryReceipt.blockNumber,
      transactionHash: registryTx.deploymentTransaction.hash,
    },
  },
  bindTransactionHash,
  deployedAt: new Date().toISOString(),
}
mkdirSync(outDir, { recursive: true })
const file = join(outDir, `${networkName}.json`)
writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`)
console.log(`deploy: wrote ${file}`)
