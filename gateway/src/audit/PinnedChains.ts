import { checkpointRegistryAbi, type Hex } from '@tml/core'
import { type Address, createPublicClient, http, type PublicClient, zeroHash } from 'viem'

/** A chain an auditor reads: its RPC and the CheckpointRegistry it trusts there. */
export type PinnedChain = { chainId: number; rpcUrl: string; registry: Address }

/** A log's newest anchored checkpoint on one chain (`CheckpointRegistry.head`). */
export type ChainHead = { epoch: number; rootHash: Hex; treeSize: number; timestamp: number }

/**
 * Read access to the registries an auditor pinned (never ones a log names): each RPC's chain id
 * is checked on first use, and calls of one tick go out as one JSON-RPC batch, so reading the
 * checkpoint hash of thousands of epochs costs few round trips.
 *
 * @example
 * const chains = new PinnedChains([{ chainId: 31337, rpcUrl, registry }])
 * const head = await chains.head(31337, logId)
 */
export class PinnedChains {
  readonly chains: readonly PinnedChain[]
  readonly #clients = new Map<number, Promise<PublicClient>>()

  constructor(chains: readonly PinnedChain[]) {
    this.chains = chains
  }

  /** The chain's newest anchored checkpoint of `logId`; epoch 0 when it anchored none. */
  async head(chainId: number, logId: Hex): Promise<ChainHead> {
    const [epoch, rootHash, treeSize, timestamp] = await this.#read(chainId, 'head', [logId])
    return {
      epoch: Number(epoch),
      rootHash,
      treeSize: Number(treeSize),
      timestamp: Number(timestamp),
    }
  }

  /** The EIP-712 struct hash the chain holds for the epoch, or null when it anchored none. */
  async checkpointHashAt(chainId: number, logId: Hex, epoch: number): Promise<Hex | null> {
    const hash = await this.#read(chainId, 'checkpointHashAt', [logId, BigInt(epoch)])
    return hash === zeroHash ? null : hash
  }

  /** The maximum epoch interval (seconds) the log was declared with on that chain. */
  async maxEpochInterval(chainId: number, logId: Hex): Promise<number> {
    return Number(await this.#read(chainId, 'maxEpochIntervalOf', [logId]))
  }

  async #read<const F extends 'head' | 'checkpointHashAt' | 'maxEpochIntervalOf'>(
    chainId: number,
    functionName: F,
    args: readonly unknown[],
  ) {
    const chain = this.chains.find((c) => c.chainId === chainId)
    if (!chain) throw new Error(`chain ${chainId} is not pinned`)
    const client = await this.#client(chain)
    return client.readContract({
      address: chain.registry,
      abi: checkpointRegistryAbi,
      functionName,
      args,
    } as never) as Promise<
      F extends 'head'
        ? readonly [bigint, Hex, bigint, bigint]
        : F extends 'checkpointHashAt'
          ? Hex
          : bigint
    >
  }

  #client(chain: PinnedChain): Promise<PublicClient> {
    let client = this.#clients.get(chain.chainId)
    if (!client) {
      client = (async () => {
        const c = createPublicClient({
          transport: http(chain.rpcUrl, { retryCount: 2, batch: { batchSize: 200, wait: 5 } }),
        }) as PublicClient
        const actual = await c.getChainId()
        if (actual !== chain.chainId)
          throw new Error(`the RPC of chain ${chain.chainId} answers as chain ${actual}`)
        return c
      })()
      this.#clients.set(chain.chainId, client)
    }
    return client
  }
}
