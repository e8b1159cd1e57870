import { readFileSync } from 'node:fs'
import { accessRegistryAbi, BaseError, type Hex, isHex } from '@tml/core'
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  isAddress,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { readAccessDeployment } from './readAccessDeployment.ts'
import { registrySender } from './registryCommand.ts'

/** A usage or input problem of `tml custodian` / `tml audit-access`: printed, with its exit code. */
export class AccessCommandError extends BaseError {
  override name = 'AccessCommandError' as const
  readonly exitCode: number
  constructor(message: string, exitCode = 2) {
    super(message)
    this.exitCode = exitCode
  }
}

/** The options both commands take to reach the AccessRegistry (parseArgs configuration). */
export const ACCESS_CHAIN_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  rpc: { type: 'string' },
  'access-registry': { type: 'string' },
  deployments: { type: 'string' },
  keystore: { type: 'string' },
  'password-file': { type: 'string' },
} as const

export const ACCESS_CHAIN_HELP = `  --rpc URL               JSON-RPC of the chain the AccessRegistry is on (TML_RPC_URL).
  --access-registry ADDR  The AccessRegistry's address (TML_ACCESS_REGISTRY). Default: the one
                          the deployment file of the RPC's chain names, in --deployments.
  --deployments DIR       Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR).
  --keystore FILE         Web3 Secret Storage keystore of the sending account (TML_KEYSTORE).
  --password-file FILE    Keystore password (else TML_KEYSTORE_PASSWORD, else a prompt).
  -h, --help              Show this help.`

/**
 * The chain and registry of `--rpc` and `--access-registry`, after asking the RPC its chain id.
 * Without `--access-registry`, the AccessRegistry is the one the deployment file of that chain
 * in `deployments` names (when `deployments` is given).
 */
export async function accessChain({
  rpc,
  registry,
  deployments,
}: {
  rpc: string | undefined
  registry: string | undefined
  deployments?: string | undefined
}): Promise<{
  client: PublicClient
  chain: Chain
  accessRegistry: Address
  rpc: string
  /**
   * The block the AccessRegistry was deployed in, from its deployment file (0 when no file
   * names it): event searches start there, not at genesis, which public RPCs refuse to scan.
   */
  fromBlock: bigint
}> {
  if (!rpc || !/^https?:\/\//.test(rpc))
    throw new AccessCommandError('give the chain with --rpc http(s)://URL (or TML_RPC_URL)')
  if (registry !== undefined && !isAddress(registry))
    throw new AccessCommandError(`--access-registry ${registry} is not an address`)
  if (registry === undefined && deployments === undefined)
    throw new AccessCommandError(
      'give --access-registry 0x… (or TML_ACCESS_REGISTRY), or --deployments DIR with the deployment file of the chain',
    )
  let chainId: number
  try {
    chainId = await createPublicClient({ transport: http(rpc) }).getChainId()
  } catch (e) {
    throw new AccessCommandError(
      `the RPC ${rpc} does not answer: ${(e as Error).message.split('\n')[0]}`,
      1,
    )
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  })
  const client = createPublicClient({
    chain,
    transport: http(rpc),
    pollingInterval: 250,
  }) as PublicClient
  let found: ReturnType<typeof readAccessDeployment>
  if (deployments !== undefined)
    try {
      found = readAccessDeployment(deployments, chainId)
    } catch (e) {
      // An explicit address does not need the files; without one they are the only source.
      if (registry === undefined) throw new AccessCommandError((e as Error).message, 1)
    }
  if (registry !== undefined) {
    // The deployment block is known only for the registry the file names.
    const same = found !== undefined && found.access.toLowerCase() === registry.toLowerCase()
    return {
      client,
      chain,
      accessRegistry: registry,
      rpc,
      fromBlock: same ? (found as NonNullable<typeof found>).fromBlock : 0n,
    }
  }
  if (found === undefined)
    throw new AccessCommandError(
      `no deployment file in ${deployments} names an AccessRegistry on chain ${chainId}: give --access-registry 0x…`,
    )
  return { client, chain, accessRegistry: found.access, rpc, fromBlock: found.fromBlock }
}

/** The sending account's wallet, from `--keystore` (decrypted with its password). */
export async function accessWallet({
  chain,
  rpc,
  keystore,
  passwordFile,
  env,
}: {
  chain: Chain
  rpc: string
  keystore: string | undefined
  passwordFile: string | undefined
  env: Readonly<Record<string, string | undefined>>
}): Promise<WalletClient<Transport, Chain, Account>> {
  const sender = await registrySender({ keystore, passwordFile, env, dryRun: false })
  if (!sender.account) throw new AccessCommandError('the keystore could not be opened', 1)
  return createWalletClient({ chain, transport: http(rpc), account: sender.account })
}

/** Simulates, sends and waits for one AccessRegistry call; returns the receipt's logs. */
export async function sendAccessCall({
  client,
  wallet,
  accessRegistry,
  functionName,
  args,
}: {
  client: PublicClient
  wallet: WalletClient<Transport, Chain, Account>
  accessRegistry: Address
  functionName: 'approve' | 'requestAccess'
  args: readonly unknown[]
}) {
  const { request } = await client.simulateContract({
    address: accessRegistry,
    abi: accessRegistryAbi,
    functionName,
    args,
    account: wallet.account,
  } as never)
  const hash = await wallet.writeContract(request as never)
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success')
    throw new AccessCommandError(`${functionName} reverted (${hash})`, 1)
  return receipt
}

/** An X25519 private key from a file holding 64 hex digits (0x optional). */
export function readX25519Key(file: string | undefined, flag: string): Hex {
  if (!file)
    throw new AccessCommandError(`give ${flag} FILE (an X25519 private key, 64 hex digits)`)
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim().toLowerCase()
  } catch (e) {
    throw new AccessCommandError(`${flag} ${file}: ${(e as Error).message}`, 1)
  }
  const key = text.startsWith('0x') ? text : `0x${text}`
  if (!isHex(key) || key.length !== 66)
    throw new AccessCommandError(`${flag} ${file}: not an X25519 private key (64 hex digits)`, 1)
  return key as Hex
}

/** A whole number option (grant id, epoch, seconds), refused with its name when it is not one. */
export function wholeNumber(value: string | undefined, flag: string): bigint {
  if (value === undefined || !/^[0-9]{1,20}$/.test(value))
    throw new AccessCommandError(`give ${flag} N (a whole number)`)
  return BigInt(value)
}
