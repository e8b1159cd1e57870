import { type BlockSpan, checkpointRegistryAbi, DEFAULT_MAX_BLOCKS, type Hex } from '@tml/core'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  type WalletClient,
} from 'viem'
import type { LocalAccount } from 'viem/accounts'
import { chainDefinition } from '../anchoring/chainDefinition.ts'
import { type PinnedRegistry, pinnedRegistries } from '../cli/readDeploymentRegistries.ts'
import { MonitorError } from './MonitorError.ts'

/** The registry's log states (ICheckpointRegistry.LogStatus). */
export const LOG_STATUS = ['unknown', 'active', 'retired', 'compromised'] as const
export type LogStatusName = (typeof LOG_STATUS)[number]

/**
 * One chain as the caller configured it: its RPC, the CheckpointRegistry the caller pinned there
 * (never one a gateway or bundle names), a reader and, with a reporter key, a writer.
 */
export type PinnedChain = {
  chainId: number
  rpcUrl: string
  registry: Address
  /**
   * First block of every event search on this chain: the registry's deployment block (from
   * `--deployments`), raised by `--from-block`; `readChainAnchors` never reads before it.
   */
  fromBlock: bigint
  /**
   * How many blocks one `eth_getLogs` of this RPC asks for, learned by every search on it
   * (core's `searchBlockRanges`); fresh when absent.
   */
  eventSpan?: BlockSpan
  client: PublicClient
  /** Present when a reporter account is configured: it sends the on-chain reports. */
  wallet: WalletClient | undefined
}

/**
 * The registries the caller trusts, per chain, from `--deployments DIR` (each
 * `<network>.json`) and `--registry CHAINID=ADDR` (which wins for its chain), as `tml verify`
 * takes them (`pinnedRegistries`), each with its deployment block. One registry per chain: the
 * monitor reports to each.
 *
 * @throws {MonitorError} when nothing is pinned or a value is not an address.
 * @example pinRegistries({ deployments: 'deployments', registry: [] }) // Map { 31337 => { registry: '0x…', fromBlock: 2n } }
 */
export function pinRegistries({
  deployments,
  registry,
}: {
  deployments: string | undefined
  registry: readonly string[] | undefined
}): Map<number, PinnedRegistry> {
  let pinned: Map<number, PinnedRegistry>
  try {
    pinned = pinnedRegistries({ deployments, registry })
  } catch (error) {
    throw new MonitorError((error as Error).message)
  }
  if (pinned.size === 0)
    throw new MonitorError(
      'no registries to trust: pass --deployments DIR or --registry CHAINID=ADDR',
    )
  return pinned
}

/**
 * Connects to every pinned chain: each needs an RPC (`--rpc CHAINID=URL`) that answers as that
 * chain; an RPC for a chain with no pinned registry is refused too, so that nothing is watched
 * on a registry the caller did not choose. Event searches on a chain start at its registry's
 * deployment block, or at `fromBlock` (`--from-block`) when that is later.
 *
 * @throws {MonitorError} naming the chain that has no RPC, no registry or answers as another.
 * @example const chains = await connectChains({ rpc, registries, reporter })
 */
export async function connectChains({
  rpc,
  registries,
  reporter,
  fromBlock = 0n,
}: {
  rpc: ReadonlyMap<number, string>
  registries: ReadonlyMap<number, PinnedRegistry>
  reporter: LocalAccount | undefined
  fromBlock?: bigint
}): Promise<PinnedChain[]> {
  for (const chainId of rpc.keys())
    if (!registries.has(chainId))
      throw new MonitorError(`--rpc ${chainId}: no registry is pinned on that chain`)
  const chains: PinnedChain[] = []
  for (const [chainId, pinned] of registries) {
    const { registry } = pinned
    const rpcUrl = rpc.get(chainId)
    if (rpcUrl === undefined)
      throw new MonitorError(`chain ${chainId} has a pinned registry but no --rpc ${chainId}=URL`)
    const chain = chainDefinition({ chainId, name: `chain-${chainId}`, rpcUrl })
    const transport = http(rpcUrl, { retryCount: 2 })
    const client = createPublicClient({ chain, transport, pollingInterval: 100 }) as PublicClient
    let actual: number
    try {
      actual = await client.getChainId()
    } catch (error) {
      throw new MonitorError(`chain ${chainId}: the RPC does not answer`, { cause: error })
    }
    if (actual !== chainId)
      throw new MonitorError(`--rpc ${chainId}: the RPC answers as chain ${actual}`)
    const wallet =
      reporter === undefined
        ? undefined
        : createWalletClient({ chain, transport, account: reporter })
    chains.push({
      chainId,
      rpcUrl,
      registry,
      fromBlock: pinned.fromBlock > fromBlock ? pinned.fromBlock : fromBlock,
      eventSpan: { blocks: DEFAULT_MAX_BLOCKS },
      client,
      wallet,
    })
  }
  return chains
}

/**
 * A log's status in one chain's registry.
 *
 * @example await readLogStatus(chain, logId) // 'active'
 */
export async function readLogStatus(chain: PinnedChain, logId: Hex): Promise<LogStatusName> {
  const status = await chain.client.readContract({
    address: chain.registry,
    abi: checkpointRegistryAbi,
    functionName: 'logStatus',
    args: [logId],
  })
  return LOG_STATUS[Number(status)] ?? 'unknown'
}
