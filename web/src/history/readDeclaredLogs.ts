import { lanternRegistryAbi } from '@tml/core'
import type { Address, Hex } from 'viem'
import { chainById } from '../chain/chainById.ts'
import { getEventsChunked, logRangeMemory } from '../chain/getEventsChunked.ts'
import { publicClientFor } from '../chain/publicClientFor.ts'
import type { AppConfig } from '../config/AppConfig.ts'

/** A log as its `LogDeclared` event announced it. */
export type DeclaredLog = {
  logId: Hex
  operator: Address
  name: string
  maxEpochInterval: bigint
  blockNumber: bigint
}

/**
 * Every log declared in a chain's LanternRegistry, from its deployment block on (the
 * `LogDeclared` events), so that an auditor can pick one without knowing its id.
 *
 * Spec: contracts/interfaces/ILanternRegistry.sol (`LogDeclared`).
 *
 * @example const logs = await readDeclaredLogs({ config, chainId: 31337 })
 */
export async function readDeclaredLogs({
  config,
  chainId,
}: {
  config: AppConfig
  chainId: number
}): Promise<DeclaredLog[]> {
  const chain = chainById(config, chainId)
  const lantern = chain.lanternRegistry
  if (lantern === undefined) throw new Error(`No LanternRegistry is configured on ${chain.name}.`)
  const client = publicClientFor(chain)
  const latest = await client.getBlockNumber({ cacheTime: 0 })
  const events = await getEventsChunked({
    memory: logRangeMemory(chain),
    fromBlock: BigInt(lantern.blockNumber),
    toBlock: latest,
    read: (fromBlock, toBlock) =>
      client.getContractEvents({
        address: lantern.address,
        abi: lanternRegistryAbi,
        eventName: 'LogDeclared',
        fromBlock,
        toBlock,
      }),
  })
  return events.map((e) => ({
    logId: e.args.logId as Hex,
    operator: e.args.operator as Address,
    name: e.args.name ?? '',
    maxEpochInterval: e.args.maxEpochInterval ?? 0n,
    blockNumber: e.blockNumber,
  }))
}
