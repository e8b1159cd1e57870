import { checkpointRegistryAbi, lanternRegistryAbi } from '@tml/core'
import { type Address, type Hex, zeroHash } from 'viem'
import { chainById } from '../chain/chainById.ts'
import { getEventsChunked, logRangeMemory } from '../chain/getEventsChunked.ts'
import { publicClientFor } from '../chain/publicClientFor.ts'
import type { AppConfig } from '../config/AppConfig.ts'

/** One period of a log's key history (CheckpointRegistry `keyPeriodAt`). */
export type KeyPeriodView = {
  index: number
  signer: Address
  receiptKey: Hex
  /** The first epoch these keys sign (1 for period 0). */
  fromEpoch: bigint
}

export type LogView = {
  logId: Hex
  name: string
  /** The keys the log was declared with (key period 0; the log id commits to them). */
  signer: Address
  receiptKey: Hex
  /** The key history on this chain, period 0 first; the last period is the current keys. */
  keyPeriods: KeyPeriodView[]
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
  /** SHA-256 `policy_hash`es of the policies certified, sorted ascending. */
  policyHashes: readonly Hex[]
  /** Hash of the model certified; undefined when the certification names none. */
  modelHash: Hex | undefined
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
/** Most key periods read per log (the latest ones; rotations are rare). */
const MOST_KEY_PERIODS = 20

/**
 * Every operator of a chain's LanternRegistry (its `OperatorRegistered` events) with its Lantern
 * status and why, its logs with their key histories (CheckpointRegistry `keyPeriodAt`) and heads,
 * and its certification history with the policies and model each certification covers.
 *
 * Spec: contracts/interfaces/ILanternRegistry.sol, ICheckpointRegistry.sol.
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
    memory: logRangeMemory(chain),
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
            const checkpoints = { address: registry.address, abi: checkpointRegistryAbi } as const
            const [log, head, periodCount] = await Promise.all([
              client.readContract({ ...read, functionName: 'logInfo', args: [logId] }),
              client.readContract({ ...checkpoints, functionName: 'head', args: [logId] }),
              client.readContract({
                ...checkpoints,
                functionName: 'keyPeriodCount',
                args: [logId],
              }),
            ])
            const firstPeriod =
              periodCount > BigInt(MOST_KEY_PERIODS) ? periodCount - BigInt(MOST_KEY_PERIODS) : 0n
            const periodIndexes: bigint[] = []
            for (let i = firstPeriod; i < periodCount; i++) periodIndexes.push(i)
            const keyPeriods = await Promise.all(
              periodIndexes.map(async (index): Promise<KeyPeriodView> => {
                const period = await client.readContract({
                  ...checkpoints,
                  functionName: 'keyPeriodAt',
                  args: [logId, index],
                })
                return {
                  index: Number(index),
                  signer: period.signer,
                  receiptKey: period.receiptKey,
                  fromEpoch: period.fromEpoch,
                }
              }),
            )
            return {
              logId,
              name: log.name,
              signer: log.signer,
              receiptKey: log.receiptKey,
              keyPeriods,
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
            const [c, policyHashes] = await Promise.all([
              client.readContract({
                ...read,
                functionName: 'certificationAt',
                args: [address, index],
              }),
              client.readContract({
                ...read,
                functionName: 'certifiedPolicies',
                args: [address, index],
              }),
            ])
            return {
              index: Number(index),
              profile: c.profile,
              certifier: c.certifier,
              issuedAt: c.issuedAt,
              expiresAt: c.expiresAt,
              revokedAt: c.revokedAt,
              evidenceHash: c.evidenceHash,
              revocationReason: c.revocationReason,
              policyHashes,
              modelHash: c.modelHash === zeroHash ? undefined : c.modelHash,
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
