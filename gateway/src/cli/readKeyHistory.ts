import { checkpointRegistryAbi, type Hex } from '@tml/core'
import { type Address, createPublicClient, http, type PublicClient, zeroAddress } from 'viem'

/** One period of a log's key history, as a registry holds it. */
export type KeyPeriod = {
  /** 0 for the keys the log was declared with, n for rotation statement n. */
  index: number
  /** First epoch the period covers. */
  fromEpoch: bigint
  /** Last epoch it covers; undefined while it is the newest period. */
  untilEpoch: bigint | undefined
  checkpointSigner: Address
  /** The receipt key's commitment keccak256(x ‖ y), as the chain holds it. */
  receiptKeyCommitment: Hex
  /** The chain whose registry answered. */
  chainId: number
}

/**
 * A reader of a log's keys epoch by epoch, for checks that walk a whole log (`tml audit`): the
 * key of an epoch is the one of the period covering it (`CheckpointRegistry.keysAt(logId,
 * epoch)`), and each period is read once (`keyPeriodAt` gives where it starts and where the next
 * one does), so a log of thousands of epochs and two rotations costs a few calls per period.
 * Chains are asked in order; the first whose registry knows the log answers, and is asked first
 * from then on.
 *
 * @example
 * const keysAt = readKeyHistory({ logId, chains: [{ chainId: 31337, rpcUrl, registry }] })
 * const { checkpointSigner } = await keysAt(3n)
 */
export function readKeyHistory({
  logId,
  chains,
}: {
  logId: Hex
  chains: readonly { chainId: number; rpcUrl: string; registry: Address }[]
}): (epoch: bigint) => Promise<KeyPeriod> {
  const periods: KeyPeriod[] = []
  const clients = new Map<number, PublicClient>()
  const order = [...chains]

  const readPeriod = async (
    chain: (typeof chains)[number],
    epoch: bigint,
  ): Promise<KeyPeriod | string> => {
    let client = clients.get(chain.chainId)
    if (!client) {
      client = createPublicClient({
        transport: http(chain.rpcUrl, { retryCount: 1 }),
      }) as PublicClient
      const actual = await client.getChainId()
      if (actual !== chain.chainId) return `the RPC answers as chain ${actual}`
      clients.set(chain.chainId, client)
    }
    const at = { address: chain.registry, abi: checkpointRegistryAbi } as const
    const [signer, receiptKey, index] = await client.readContract({
      ...at,
      functionName: 'keysAt',
      args: [logId, epoch],
    })
    if (signer === zeroAddress) return `log ${logId} is not declared`
    const [period, count] = await Promise.all([
      client.readContract({ ...at, functionName: 'keyPeriodAt', args: [logId, index] }),
      client.readContract({ ...at, functionName: 'keyPeriodCount', args: [logId] }),
    ])
    const next =
      index + 1n < count
        ? await client.readContract({
            ...at,
            functionName: 'keyPeriodAt',
            args: [logId, index + 1n],
          })
        : undefined
    return {
      index: Number(index),
      fromEpoch: period.fromEpoch,
      untilEpoch: next ? next.fromEpoch - 1n : undefined,
      checkpointSigner: signer,
      receiptKeyCommitment: receiptKey,
      chainId: chain.chainId,
    }
  }

  return async (epoch) => {
    const known = periods.find(
      (p) => p.fromEpoch <= epoch && (p.untilEpoch === undefined || epoch <= p.untilEpoch),
    )
    if (known) return known
    const reasons: string[] = []
    for (const chain of order) {
      try {
        const period = await readPeriod(chain, epoch)
        if (typeof period === 'string') {
          reasons.push(`chain ${chain.chainId}: ${period}`)
          continue
        }
        // The newest period of one read may have been closed by a rotation since: keep one
        // entry per index, the latest read.
        const i = periods.findIndex((p) => p.index === period.index)
        if (i >= 0) periods.splice(i, 1)
        periods.push(period)
        order.splice(order.indexOf(chain), 1)
        order.unshift(chain)
        return period
      } catch (error) {
        reasons.push(`chain ${chain.chainId}: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    throw new Error(
      `cannot read the keys of epoch ${epoch} from a registry: ${reasons.join('; ') || 'no chain given'}`,
    )
  }
}
