import { checkpointRegistryAbi, type Hex } from '@tml/core'
import { createPublicClient } from 'viem'
import type { ChainConfig } from './ChainAnchorer.ts'
import type { ChainHead } from './ChainHeadGuard.ts'
import { chainTransport } from './chainTransport.ts'

/**
 * A reader of one chain's head of the log: CheckpointRegistry's `head(logId)` view (epoch, root,
 * tree size, timestamp), over the chain's RPC URLs (the fallbacks after the first). It does not retry: the guard that calls it decides
 * what an unread chain means, and an RPC that hangs must not hold the sequencer for long.
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol (`head`).
 *
 * @example
 * const readHead = chainHeadReader({ chain, logId })
 * const { epoch, rootHash } = await readHead()
 */
export function chainHeadReader({
  chain,
  logId,
  timeoutMs = 5_000,
}: {
  chain: Pick<ChainConfig, 'rpcUrl' | 'fallbackRpcUrls' | 'registry'>
  logId: Hex
  timeoutMs?: number
}): () => Promise<ChainHead> {
  const client = createPublicClient({
    transport: chainTransport({
      rpcUrls: [chain.rpcUrl, ...(chain.fallbackRpcUrls ?? [])],
      timeoutMs,
    }),
  })
  return async () => {
    const [epoch, rootHash, treeSize, timestamp] = await client.readContract({
      address: chain.registry,
      abi: checkpointRegistryAbi,
      functionName: 'head',
      args: [logId],
    })
    return {
      epoch: Number(epoch),
      rootHash,
      treeSize: Number(treeSize),
      timestamp: Number(timestamp),
    }
  }
}
