import { checkpointRegistryAbi, lanternRegistryAbi } from '@tml/core'
import { type Address, type Hex, zeroAddress } from 'viem'
import { chainById } from '../chain/chainById.ts'
import { getEventsChunked, logRangeMemory } from '../chain/getEventsChunked.ts'
import { publicClientFor } from '../chain/publicClientFor.ts'
import type { AppConfig } from '../config/AppConfig.ts'

/** One anchored epoch, from its `CheckpointAnchored` event. */
export type AnchoredEpoch = {
  epoch: bigint
  treeSize: bigint
  rootHash: Hex
  /** The checkpoint's time, unix seconds. */
  timestamp: bigint
  blockNumber: bigint
  transactionHash: Hex
}

/** A proven equivocation of the log (`EquivocationReported`). */
export type EquivocationReport = {
  kind: number
  firstEpoch: bigint
  secondEpoch: bigint
  reporter: Address
  blockNumber: bigint
  transactionHash: Hex
}

/** Everything a chain says about one log's history. */
export type EpochHistory = {
  chainId: number
  logId: Hex
  operator: Address
  name: string
  maxEpochInterval: bigint
  declaredAt: bigint
  retired: boolean
  /** 0 Unknown, 1 Active, 2 Retired, 3 Compromised (CheckpointRegistry.LogStatus). */
  status: number
  epochs: AnchoredEpoch[]
  equivocations: EquivocationReport[]
  /** Time of the chain's latest block, to tell whether the log is late now. */
  chainTime: bigint
}

/**
 * Reads a log's epoch history from one chain: the log's declaration (LanternRegistry `logInfo`),
 * every `CheckpointAnchored` and `EquivocationReported` event of the log since the
 * CheckpointRegistry's deployment block, and its status. The events are where older epochs keep
 * their tree size and time: the registry's storage keeps them for the head only.
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol (events, `logStatus`).
 *
 * @throws when the chain is not configured or cannot be read, or the log is not declared there.
 * @example const history = await readEpochHistory({ config, chainId: 31337, logId })
 */
export async function readEpochHistory({
  config,
  chainId,
  logId,
}: {
  config: AppConfig
  chainId: number
  logId: Hex
}): Promise<EpochHistory> {
  const chain = chainById(config, chainId)
  const { lanternRegistry: lantern, checkpointRegistry: registry } = chain
  if (lantern === undefined || registry === undefined)
    throw new Error(`${chain.name} is not configured with both registries.`)
  const client = publicClientFor(chain)
  const [log, status, latest] = await Promise.all([
    client.readContract({
      address: lantern.address,
      abi: lanternRegistryAbi,
      functionName: 'logInfo',
      args: [logId],
    }),
    client.readContract({
      address: registry.address,
      abi: checkpointRegistryAbi,
      functionName: 'logStatus',
      args: [logId],
    }),
    client.getBlock(),
  ])
  if (log.operator === zeroAddress)
    throw new Error(`Log ${logId} is not declared on ${chain.name}.`)
  const range = { fromBlock: BigInt(registry.blockNumber), toBlock: latest.number }
  const [anchored, reported] = await Promise.all([
    getEventsChunked({
      memory: logRangeMemory(chain),
      ...range,
      read: (fromBlock, toBlock) =>
        client.getContractEvents({
          address: registry.address,
          abi: checkpointRegistryAbi,
          eventName: 'CheckpointAnchored',
          args: { logId },
          fromBlock,
          toBlock,
        }),
    }),
    getEventsChunked({
      memory: logRangeMemory(chain),
      ...range,
      read: (fromBlock, toBlock) =>
        client.getContractEvents({
          address: registry.address,
          abi: checkpointRegistryAbi,
          eventName: 'EquivocationReported',
          args: { logId },
          fromBlock,
          toBlock,
        }),
    }),
  ])
  return {
    chainId,
    logId,
    operator: log.operator,
    name: log.name,
    maxEpochInterval: log.maxEpochInterval,
    declaredAt: log.declaredAt,
    retired: log.retired,
    status,
    chainTime: latest.timestamp,
    epochs: anchored.map((e) => ({
      epoch: e.args.epoch ?? 0n,
      treeSize: e.args.treeSize ?? 0n,
      rootHash: e.args.rootHash ?? '0x',
      timestamp: e.args.timestamp ?? 0n,
      blockNumber: e.blockNumber,
      transactionHash: e.transactionHash,
    })),
    equivocations: reported.map((e) => ({
      kind: e.args.kind ?? 0,
      firstEpoch: e.args.firstEpoch ?? 0n,
      secondEpoch: e.args.secondEpoch ?? 0n,
      reporter: e.args.reporter ?? zeroAddress,
      blockNumber: e.blockNumber,
      transactionHash: e.transactionHash,
    })),
  }
}
