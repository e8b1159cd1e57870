import { checkpointRegistryAbi, type Hex } from '@tml/core'
import type { Address } from 'viem'
import type { PinnedChain } from './PinnedChain.ts'

/** One period of a log's key history, as a chain holds it. */
export type KeyPeriod = { signer: Address; receiptKey: Hex; fromEpoch: bigint }

/**
 * A log's key history on one chain (`keyPeriodCount`, `keyPeriodAt`), period 0 first.
 *
 * @example await readKeyPeriods(chain, logId) // [{ signer, receiptKey, fromEpoch: 1n }]
 */
export async function readKeyPeriods(chain: PinnedChain, logId: Hex): Promise<KeyPeriod[]> {
  const read = { address: chain.registry, abi: checkpointRegistryAbi } as const
  const count = await chain.client.readContract({
    ...read,
    functionName: 'keyPeriodCount',
    args: [logId],
  })
  const periods: KeyPeriod[] = []
  for (let i = 0n; i < count; i++) {
    const p = await chain.client.readContract({
      ...read,
      functionName: 'keyPeriodAt',
      args: [logId, i],
    })
    periods.push({ signer: p.signer, receiptKey: p.receiptKey, fromEpoch: p.fromEpoch })
  }
  return periods
}

/**
 * The index of the period that covers `epoch` (the last one starting at or before it), or -1.
 *
 * @example periodIndexOf(periods, 5n) // 0
 */
export function periodIndexOf(periods: readonly KeyPeriod[], epoch: bigint): number {
  for (let i = periods.length - 1; i >= 0; i--)
    if ((periods[i] as KeyPeriod).fromEpoch <= epoch) return i
  return -1
}
