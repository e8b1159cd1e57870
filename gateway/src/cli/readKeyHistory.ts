import { BaseError, checkpointRegistryAbi, type Hex } from '@tml/core'
import { type Address, createPublicClient, http, type PublicClient, zeroAddress } from 'viem'

/** One period of a log's key history, as the registries hold it. */
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
  /** The first chain whose registry answered. */
  chainId: number
  /** Every chain whose registry answered (and agreed). */
  chainIds: number[]
  /** Chains that could not answer, each with why (the period is what the others hold). */
  unread: string[]
}

/**
 * Two registries hold different key periods for the same epoch of a log: the key history is
 * chain-independent (rotations are signed statements relayed to every chain), so one of them
 * was given other keys, and the log cannot be checked against either without choosing a chain.
 *
 * @example
 * new KeyHistoryDisagreementError('epoch 3: chain 31337 says signer 0xa…, chain 31338 0xb…')
 */
export class KeyHistoryDisagreementError extends BaseError {
  override name = 'KeyHistoryDisagreementError' as const
}

/**
 * A reader of a log's keys epoch by epoch, for checks that walk a whole log (`tml audit`): the
 * key of an epoch is the one of the period covering it (`CheckpointRegistry.keysAt(logId,
 * epoch)`), and each period is read once (`keyPeriodAt` gives where it starts and where the next
 * one does), so a log of thousands of epochs and two rotations costs a few calls per period and
 * chain. Every chain given is read and must hold the same period (signer, receipt key
 * commitment, first and last epoch); a chain that cannot answer is named in `unread`.
 *
 * @throws {KeyHistoryDisagreementError} naming the chains and what differs.
 * @throws {Error} when no chain can answer, naming each chain and why.
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

  const readPeriod = async (
    chain: (typeof chains)[number],
    epoch: bigint,
  ): Promise<Omit<KeyPeriod, 'chainIds' | 'unread'> | string> => {
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

  const describe = (p: Omit<KeyPeriod, 'chainIds' | 'unread'>) =>
    `period ${p.index} from epoch ${p.fromEpoch}${p.untilEpoch === undefined ? '' : ` to ${p.untilEpoch}`}, signer ${p.checkpointSigner}, receipt key commitment ${p.receiptKeyCommitment}`

  return async (epoch) => {
    const known = periods.find(
      (p) => p.fromEpoch <= epoch && (p.untilEpoch === undefined || epoch <= p.untilEpoch),
    )
    if (known) return known
    const unread: string[] = []
    const answers: Omit<KeyPeriod, 'chainIds' | 'unread'>[] = []
    await Promise.all(
      chains.map(async (chain) => {
        try {
          const period = await readPeriod(chain, epoch)
          if (typeof period === 'string') unread.push(`chain ${chain.chainId}: ${period}`)
          else answers.push(period)
        } catch (error) {
          unread.push(`chain ${chain.chainId}: ${(error as Error).message.split('\n')[0]}`)
        }
      }),
    )
    answers.sort((a, b) => a.chainId - b.chainId)
    const first = answers[0]
    if (!first)
      throw new Error(
        `cannot read the keys of epoch ${epoch} from a registry: ${unread.sort().join('; ') || 'no chain given'}`,
      )
    for (const other of answers.slice(1)) {
      if (describe(other) !== describe(first))
        throw new KeyHistoryDisagreementError(
          `the chains disagree on the keys of epoch ${epoch}: chain ${first.chainId} holds ${describe(first)}; chain ${other.chainId} holds ${describe(other)}`,
        )
    }
    const period: KeyPeriod = { ...first, chainIds: answers.map((a) => a.chainId), unread }
    // The newest period of one read may have been closed by a rotation since: keep one entry per
    // index, the latest read.
    const i = periods.findIndex((p) => p.index === period.index)
    if (i >= 0) periods.splice(i, 1)
    periods.push(period)
    return period
  }
}
