import { type Address, type Hex, zeroHash } from 'viem'
import { chainById } from '../chain/chainById.ts'
import { getEventsChunked } from '../chain/getEventsChunked.ts'
import { publicClientFor } from '../chain/publicClientFor.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import { checkpointRegistryAbi, lanternRegistryAbi } from '../contracts/abis.ts'

export type LogView = {
  logId: Hex
  name: string
  signer: Address
  receiptKey: Hex
  maxEpochInterval: bigint
  declaredAt: bigint
  retired: boolean
  headEpoch: bigint
  headTime: bigint
}

export type CertificationView = {
  index: number
  profile: Hex
  certifier: Address
  issuedAt: bigint
  expiresAt: bigint
  revokedAt: bigint
  evidenceHash: Hex
  revocationReason: Hex
}

export type OperatorView = {
  address: Address
  metadataURI: string
  licenseHash: Hex
  registeredAt: bigint
  lit: boolean
  /** LanternReason: 0 None … 5 LogEquivocated. */
  reason: number
  /** The log at fault for LogStale and LogEquivocated. */
  faultyLog: Hex | undefined
  logs: LogView[]
  certifications: CertificationView[]
}

/** Most certifications read per operator (the latest ones). */
const MOST_CERTIFICATIONS = 20

/**
 * Every operator of a chain's LanternRegistry (its `OperatorRegistered` events) with its Lantern
 * status and why, its logs with their keys and heads, and its certification history.
 *
 * Spec: contracts/interfaces/ILanternRegistry.sol.
 *
 * @example const operators = await readRegistry({ config, chainId: 31337 })
 */
export async function readRegistry({
  config,
  chainId,
}: {
  config: AppConfig
  chainId: number
}): Promise<OperatorView[]> {
  const chain = chainById(config, chainId)
  const { lanternRegistry: lantern, checkpointRegistry: registry } = chain
  if (lantern === undefined || registry === undefined)
    throw new Error(`${chain.name} is not configured with both registries.`)
  const client = publicClientFor(chain)
  const latest = await client.getBlockNumber({ cacheTime: 0 })
  const events = await getEventsChunked({
    fromBlock: BigInt(lantern.blockNumber),
    toBlock: latest,
    read: (fromBlock, toBlock) =>
      client.getContractEvents({
        address: lantern.address,
        abi: lanternRegistryAbi,
        eventName: 'OperatorRegistered',
        fromBlock,
        toBlock,
      }),
  })
  const addresses = [...new Set(events.map((e) => e.args.operator as Address))]
  const read = { address: lantern.address, abi: lanternRegistryAbi } as const
  return Promise.all(
    addresses.map(async (address): Promise<OperatorView> => {
      const [info, status, logIds, count] = await Promise.all([
        client.readContract({ ...read, functionName: 'operatorInfo', args: [address] }),
        client.readContract({ ...read, functionName: 'lanternStatus', args: [address] }),
        client.readContract({ ...read, functionName: 'logsOf', args: [address] }),
        client.readContract({ ...read, functionName: 'certificationCount', args: [address] }),
      ])
      const first = count > BigInt(MOST_CERTIFICATIONS) ? count - BigInt(MOST_CERTIFICATIONS) : 0n
      const indexes: bigint[] = []
      for (let i = first; i < count; i++) indexes.push(i)
      const [logs, certifications] = await Promise.all([
        Promise.all(
          logIds.map(async (logId): Promise<LogView> => {
            const [log, head] = await Promise.all([
              client.readContract({ ...read, functionName: 'logInfo', args: [logId] }),
              client.readContract({
                address: registry.address,
                abi: checkpointRegistryAbi,
                functionName: 'head',
                args: [logId],
              }),
            ])
            return {
              logId,
              name: log.name,
              signer: log.signer,
              receiptKey: log.receiptKey,
              maxEpochInterval: log.maxEpochInterval,
              declaredAt: log.declaredAt,
              retired: log.retired,
              headEpoch: head[0],
              headTime: head[3],
            }
          }),
        ),
        Promise.all(
          indexes.map(async (index): Promise<CertificationView> => {
            const c = await client.readContract({
              ...read,
              functionName: 'certificationAt',
              args: [address, index],
            })
            return {
              index: Number(index),
              profile: c.profile,
              certifier: c.certifier,
              issuedAt: c.issuedAt,
              expiresAt: c.expiresAt,
              revokedAt: c.revokedAt,
              evidenceHash: c.evidenceHash,
              revocationReason: c.revocationReason,
            }
          }),
        ),
      ])
      const [lit, reason, faultyLog] = status
      return {
        address,
        metadataURI: info.metadataURI,
        licenseHash: info.licenseHash,
        registeredAt: info.registeredAt,
        lit,
        reason,
        faultyLog: faultyLog === zeroHash ? undefined : faultyLog,
        logs,
        certifications,
      }
    }),
  )
}

/**
 * Whether `account` holds the certifier role and is a registered operator on a chain.
 * @example const roles = await readRoles({ config, chainId, account })
 */
export async function readRoles({
  config,
  chainId,
  account,
}: {
  config: AppConfig
  chainId: number
  account: Address
}) {
  const chain = chainById(config, chainId)
  const lantern = chain.lanternRegistry
  if (lantern === undefined) return { certifier: false, operator: false }
  const client = publicClientFor(chain)
  const read = { address: lantern.address, abi: lanternRegistryAbi } as const
  const role = await client.readContract({ ...read, functionName: 'CERTIFIER_ROLE' })
  const [certifier, info] = await Promise.all([
    client.readContract({ ...read, functionName: 'hasRole', args: [role, account] }),
    client.readContract({ ...read, functionName: 'operatorInfo', args: [account] }),
  ])
  return { certifier, operator: info.registeredAt !== 0n }
}
