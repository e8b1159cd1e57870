import { accessRegistryAbi, type Hex } from '@tml/core'
import type { Address, PublicClient } from 'viem'

/** A grant as the AccessRegistry holds it (`grantInfo`). */
export type GrantInfo = {
  logId: Hex
  auditorKey: Hex
  auditor: Address
  requestedAt: bigint
  custodyVersion: number
  approvals: number
  threshold: number
  fromEpoch: bigint
  toEpoch: bigint
  duration: bigint
  approvedAt: bigint
}

/**
 * Where a grant stands at a chain time: `missing` (no such grant), `waiting` (fewer than k
 * approvals), `live` (approved, not expired) or `expired`; `expiresAt` is set once approved.
 */
export type GrantStatus = {
  grantId: bigint
  state: 'missing' | 'waiting' | 'live' | 'expired'
  info: GrantInfo
  /** Unix seconds from which the grant is no longer live (`approvedAt + duration`). */
  expiresAt: bigint | undefined
  /** The latest block's time the status was judged at, as the contract judges a release. */
  chainTime: bigint
}

/**
 * The status of a grant at `chainTime`, judged as the AccessRegistry judges a release: live from
 * the k-th approval until `approvedAt + duration` (exclusive).
 *
 * @example grantStatus({ grantId: 1n, info, chainTime: block.timestamp }).state // 'live'
 */
export function grantStatus({
  grantId,
  info,
  chainTime,
}: {
  grantId: bigint
  info: GrantInfo
  chainTime: bigint
}): GrantStatus {
  if (info.custodyVersion === 0)
    return { grantId, state: 'missing', info, expiresAt: undefined, chainTime }
  if (info.approvedAt === 0n)
    return { grantId, state: 'waiting', info, expiresAt: undefined, chainTime }
  const expiresAt = info.approvedAt + info.duration
  return { grantId, state: chainTime < expiresAt ? 'live' : 'expired', info, expiresAt, chainTime }
}

/**
 * Reads grant `grantId` from the AccessRegistry and the latest block's time, and judges it
 * ({@link grantStatus}).
 *
 * @example const status = await readGrantStatus({ client, accessRegistry, grantId: 1n })
 */
export async function readGrantStatus({
  client,
  accessRegistry,
  grantId,
}: {
  client: PublicClient
  accessRegistry: Address
  grantId: bigint
}): Promise<GrantStatus> {
  const [info, block] = await Promise.all([
    client.readContract({
      address: accessRegistry,
      abi: accessRegistryAbi,
      functionName: 'grantInfo',
      args: [grantId],
    }),
    client.getBlock({ blockTag: 'latest' }),
  ])
  return grantStatus({ grantId, info, chainTime: block.timestamp })
}

/**
 * The status in words: approvals k of n… (the registry stores k and the count of approvals),
 * and when it expires or expired.
 *
 * @example describeGrantStatus(status) // 'Live: approved by 2 of the 2 custodians needed; expires 2026-12-07T08:00:00.000Z.'
 */
export function describeGrantStatus(status: GrantStatus): string {
  const { info } = status
  const approvals = `approved by ${info.approvals} of the ${info.threshold} custodians needed`
  const at = (s: bigint) => new Date(Number(s) * 1000).toISOString()
  switch (status.state) {
    case 'missing':
      return `No grant ${status.grantId} in this AccessRegistry.`
    case 'waiting':
      return `Waiting for the custodians: ${approvals}; once live it lasts ${info.duration} s.`
    case 'live':
      return `Live: ${approvals}; expires ${at(status.expiresAt as bigint)}.`
    case 'expired':
      return `Expired ${at(status.expiresAt as bigint)}: custodians release nothing more (epoch keys already released stay with the auditor).`
  }
}
