// Deploys LanternRegistry, CheckpointRegistry and AccessRegistry to a named network with Hardhat
// Ignition (ignition/modules/TmlRegistries.ts), binds the first two, and writes deployments/<network>.json (chain
// id, addresses, deployment blocks and transactions) from Ignition's journal.
//
//   npm run deploy -- ethereumLocal        (a chain of `npm run chains`)
//   npm run deploy -- sepolia              (SEPOLIA_RPC_URL, SEPOLIA_PRIVATE_KEY from env or keystore)
//
// Idempotent: Ignition records every transaction in a journal, and a re-run with the same module
// and parameters sends nothing and writes the same file. Journals of public networks live in
// ignition/deployments/chain-<id>/ (committed: `npx hardhat ignition verify chain-<id>` reads
// them). The local chains start empty each time, so their journals live beside the deployment
// file in <DEPLOYMENTS_DIR>/ignition/ (never committed) and are discarded when the node answering
// is not the one the journal was written against.
//
// Parameters: ignition/parameters/<network>.json ({ "Registries": { "admin", "adminDelay" } });
// the environment overrides them:
//   DEPLOYMENTS_DIR   where to write <network>.json (default: deployments/ at the repository root)
//   TML_ADMIN         default admin of the LanternRegistry (default: the deployer); when it is not
//                     the deployer, the binding step is left to the admin and printed
//   TML_ADMIN_DELAY   seconds an admin handover waits (default: 259200, three days)
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  errorDeploymentResultToExceptionMessage,
  HardhatArtifactResolver,
  readDeploymentParameters,
} from '@nomicfoundation/hardhat-ignition/helpers'
import {
  type DeploymentParameters,
  DeploymentResultType,
  deploy,
  listTransactions,
  type TransactionInfo,
  TransactionStatus,
} from '@nomicfoundation/ignition-core'
import hre from 'hardhat'
import { createPublicClient, custom, getAddress, type Hash, isAddress } from 'viem'
import { LOCAL_CHAIN_IDS } from '../hardhat.config.ts'
import Registries, { DEFAULT_ADMIN_DELAY } from '../ignition/modules/Registries.ts'
import TmlRegistries from '../ignition/modules/TmlRegistries.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = resolve(process.env.DEPLOYMENTS_DIR ?? join(root, 'deployments'))

/** What deployments/<network>.json holds. */
export type Deployment = {
  network: string
  chainId: number
  deployer: `0x${string}`
  admin: `0x${string}`
  adminDelay: number
  contracts: Record<RegistryName, DeployedContract>
  /** The `setCheckpointRegistry` transaction; null when the admin (not the deployer) must send it. */
  bindTransactionHash: Hash | null
  /** When the LanternRegistry's block was mined (the same on every re-run). */
  deployedAt: string
  /** The Ignition module deployed and its deployment id (`npx hardhat ignition verify <id>`). */
  ignition: { module: string; deploymentId: string }
}

/** The contracts a deployment file names. */
type RegistryName = 'LanternRegistry' | 'CheckpointRegistry' | 'AccessRegistry'

type DeployedContract = { address: `0x${string}`; blockNumber: number; transactionHash: Hash }

/** The network this run deploys to, as every step below needs it. */
type Target = {
  networkName: string
  chainId: number
  provider: Awaited<ReturnType<typeof hre.network.create>>['provider']
  publicClient: ReturnType<typeof createPublicClient>
  accounts: string[]
  deployer: `0x${string}`
}

/** A path as the operator reads it: relative inside the repository, absolute outside. */
const shown = (path: string): string =>
  relative(root, path).startsWith('..') ? path : relative(root, path)

/** `value` without its undefined fields (Ignition's options are exact optional properties). */
function defined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}

/** The network's parameters file, with TML_ADMIN and TML_ADMIN_DELAY laid over it. */
async function parameters(target: Target): Promise<{
  file: string | undefined
  deploymentParameters: DeploymentParameters
  admin: `0x${string}`
  adminDelay: number
}> {
  const candidate = join(hre.config.paths.ignition, 'parameters', `${target.networkName}.json`)
  const file = existsSync(candidate) ? candidate : undefined
  const fromFile = file === undefined ? {} : await readDeploymentParameters(file)
  const own = { ...(fromFile.Registries ?? {}) }
  if (process.env.TML_ADMIN !== undefined) own.admin = process.env.TML_ADMIN
  if (process.env.TML_ADMIN_DELAY !== undefined)
    own.adminDelay = Number(process.env.TML_ADMIN_DELAY)
  const where = file === undefined ? 'the environment' : `${shown(file)} or the environment`
  const adminInput = own.admin ?? target.deployer
  if (typeof adminInput !== 'string' || !isAddress(adminInput))
    throw new Error(
      `Registries.admin (TML_ADMIN) from ${where} is not an address: ${String(adminInput)}`,
    )
  const adminDelay = own.adminDelay ?? DEFAULT_ADMIN_DELAY
  if (
    typeof adminDelay !== 'number' ||
    !Number.isInteger(adminDelay) ||
    adminDelay < 0 ||
    adminDelay >= 2 ** 48
  )
    throw new Error(
      `Registries.adminDelay (TML_ADMIN_DELAY) from ${where} must be a whole number of seconds below 2^48, got ${String(adminDelay)}`,
    )
  return {
    file,
    // Left out, the admin is the module's default (the deploying account).
    deploymentParameters: { ...fromFile, Registries: { ...own, adminDelay } },
    admin: getAddress(adminInput),
    adminDelay,
  }
}

/**
 * Where Ignition keeps this deployment's journal. A journal of a local chain is only good for the
 * node instance it was written against (`hardhat_metadata.instanceId`): a restarted chain is
 * empty, and its old journal would name contracts that no longer exist, so it is removed.
 */
async function journalDir(target: Target, deploymentId: string): Promise<string> {
  if (!(Object.values(LOCAL_CHAIN_IDS) as number[]).includes(target.chainId))
    return join(hre.config.paths.ignition, 'deployments', deploymentId)
  const dir = join(outDir, 'ignition', deploymentId)
  const instanceFile = `${dir}.instance`
  // A node that is not Hardhat's (anvil, say) has no instance id: its journal is never reused.
  const instanceId = await target.provider
    .request({ method: 'hardhat_metadata' })
    .then((metadata) => (metadata as { instanceId?: string }).instanceId ?? `unknown ${Date.now()}`)
    .catch(() => `unknown ${Date.now()}`)
  const previous = existsSync(instanceFile) ? readFileSync(instanceFile, 'utf8').trim() : undefined
  if (previous !== instanceId) {
    if (existsSync(dir))
      console.log(
        `deploy: chain ${target.chainId} was restarted since ${shown(dir)} was written; starting a new journal`,
      )
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dirname(dir), { recursive: true })
    writeFileSync(instanceFile, `${instanceId}\n`)
  }
  return dir
}

/** A registry's address (Ignition's result) with its transaction and block (Ignition's journal). */
async function deployed(
  target: Target,
  name: RegistryName,
  address: string | undefined,
  transactions: TransactionInfo[],
  deploymentDir: string,
): Promise<DeployedContract> {
  if (address === undefined) throw new Error(`Ignition's result has no ${name}`)
  const checksummed = getAddress(address)
  const tx = transactions.find(
    (t) => t.name === name && t.address !== undefined && getAddress(t.address) === checksummed,
  )
  if (tx === undefined)
    throw new Error(`the journal in ${deploymentDir} has no transaction that deployed ${name}`)
  const receipt = await target.publicClient.getTransactionReceipt({ hash: tx.txHash as Hash })
  return {
    address: checksummed,
    blockNumber: Number(receipt.blockNumber),
    transactionHash: receipt.transactionHash,
  }
}

async function main(): Promise<void> {
  const connection = await hre.network.create()
  const { networkName, networkConfig, provider } = connection
  if (networkConfig.type === 'edr-simulated')
    throw new Error(
      `${networkName} is an in-process chain that ends with this command; deploy to a running chain (ethereumLocal, polygonLocal) instead`,
    )
  const publicClient = createPublicClient({ transport: custom(provider) })
  const accounts = (await provider.request({ method: 'eth_accounts' })) as string[]
  const first = accounts[0]
  if (first === undefined) throw new Error(`network ${networkName} has no account to deploy from`)
  const target: Target = {
    networkName,
    chainId: await publicClient.getChainId(),
    provider,
    publicClient,
    accounts,
    deployer: getAddress(first),
  }
  const { chainId, deployer } = target

  const { file, deploymentParameters, admin, adminDelay } = await parameters(target)
  // The binding is sent by the deployer, which only the admin may do.
  const bound = admin === deployer
  const ignitionModule = bound ? TmlRegistries : Registries
  const deploymentId = `chain-${chainId}`
  const deploymentDir = await journalDir(target, deploymentId)
  console.log(
    `deploy: ${networkName} (chain ${chainId}) from ${deployer}: module ${ignitionModule.id}, parameters ${file === undefined ? '(defaults)' : shown(file)}, journal ${shown(deploymentDir)}`,
  )

  const artifactResolver = new HardhatArtifactResolver(hre.artifacts)
  const ignitionNetwork = hre.config.networks[networkName]?.ignition
  const result = await deploy({
    config: hre.config.ignition,
    provider,
    artifactResolver,
    deploymentDir,
    ignitionModule,
    deploymentParameters,
    accounts,
    defaultSender: deployer,
    // The network's `ignition` fee settings from hardhat.config.ts, as `hardhat ignition deploy` uses them.
    ...defined({
      maxFeePerGasLimit: ignitionNetwork?.maxFeePerGasLimit,
      maxFeePerGas: ignitionNetwork?.maxFeePerGas,
      maxPriorityFeePerGas: ignitionNetwork?.maxPriorityFeePerGas,
      gasPrice: ignitionNetwork?.gasPrice,
      disableFeeBumping:
        hre.config.ignition.disableFeeBumping ?? ignitionNetwork?.disableFeeBumping,
    }),
  })
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT)
    throw new Error(errorDeploymentResultToExceptionMessage(result))

  const transactions = (await listTransactions(deploymentDir, artifactResolver)).filter(
    (tx) => tx.status === TransactionStatus.SUCCESS && getAddress(tx.from) === deployer,
  )
  const lantern = await deployed(
    target,
    'LanternRegistry',
    result.contracts['Registries#LanternRegistry']?.address,
    transactions,
    deploymentDir,
  )
  console.log(`deploy: LanternRegistry at ${lantern.address} (block ${lantern.blockNumber})`)
  const registry = await deployed(
    target,
    'CheckpointRegistry',
    result.contracts['Registries#CheckpointRegistry']?.address,
    transactions,
    deploymentDir,
  )
  console.log(`deploy: CheckpointRegistry at ${registry.address} (block ${registry.blockNumber})`)
  const access = await deployed(
    target,
    'AccessRegistry',
    result.contracts['Registries#AccessRegistry']?.address,
    transactions,
    deploymentDir,
  )
  console.log(`deploy: AccessRegistry at ${access.address} (block ${access.blockNumber})`)

  let bindTransactionHash: Hash | null = null
  if (bound) {
    const bind = transactions.find((t) => t.name === 'LanternRegistry#setCheckpointRegistry')
    if (bind === undefined)
      throw new Error(`the journal in ${deploymentDir} has no binding transaction`)
    bindTransactionHash = bind.txHash as Hash
    console.log('deploy: registries bound')
  } else {
    console.log(
      `deploy: the admin ${admin} must now call setCheckpointRegistry(${registry.address}) on ${lantern.address}`,
    )
  }

  // The block's time, not the clock's: a re-run that deploys nothing writes the same file.
  const { timestamp } = await publicClient.getBlock({ blockNumber: BigInt(lantern.blockNumber) })
  const deployment: Deployment = {
    network: networkName,
    chainId,
    deployer,
    admin,
    adminDelay,
    contracts: { LanternRegistry: lantern, CheckpointRegistry: registry, AccessRegistry: access },
    bindTransactionHash,
    deployedAt: new Date(Number(timestamp) * 1000).toISOString(),
    ignition: { module: ignitionModule.id, deploymentId },
  }
  mkdirSync(outDir, { recursive: true })
  const out = join(outDir, `${networkName}.json`)
  writeFileSync(out, `${JSON.stringify(deployment, null, 2)}\n`)
  console.log(`deploy: wrote ${out}`)
  await connection.close()
}

try {
  await main()
} catch (error) {
  console.error(`deploy: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
