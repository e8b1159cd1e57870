import { checkpointRegistryAbi, type Hex, type ReadCheckpoint } from '@tml/core'
import { type Address, createPublicClient, http, zeroHash } from 'viem'

/**
 * A core `ReadCheckpoint` over JSON-RPC: reads `checkpointHashAt` of the CheckpointRegistry on
 * each chain whose RPC URL is given (the EIP-712 struct hash of the epoch's anchored checkpoint;
 * zero when that chain did not anchor it). A chain without a URL, or a registry outside
 * `registries` (when given, per chain), throws: the bundle's anchor on it is not trusted.
 *
 * Spec: core/src/bundle/ReadCheckpoint.ts; ICheckpointRegistry.checkpointHashAt.
 *
 * @example
 * const readCheckpoint = createReadCheckpoint({ rpc: new Map([[31337, 'http://127.0.0.1:8545']]) })
 * await verifyBundle(bundle, { readCheckpoint })
 */
export function createReadCheckpoint({
  rpc,
  registries,
}: {
  rpc: ReadonlyMap<number, string>
  registries?: ReadonlyMap<number, readonly Address[]>
}): ReadCheckpoint {
  const clients = new Map<number, ReturnType<typeof createPublicClient>>()
  return async (chainId: number, registry: Address, logId: Hex, epoch: bigint) => {
    const url = rpc.get(chainId)
    if (url === undefined) throw new Error(`no RPC URL for chain ${chainId}`)
    const allowed = registries?.get(chainId)
    if (allowed && !allowed.some((a) => a.toLowerCase() === registry.toLowerCase())) {
      throw new Error(`registry ${registry} is not a known deployment on chain ${chainId}`)
    }
    let client = clients.get(chainId)
    if (!client) {
      client = createPublicClient({ transport: http(url, { retryCount: 2 }) })
      clients.set(chainId, client)
    }
    const actual = await client.getChainId()
    if (actual !== chainId) throw new Error(`RPC for chain ${chainId} answers as chain ${actual}`)
    const checkpointHash = await client.readContract({
      address: registry,
      abi: checkpointRegistryAbi,
      functionName: 'checkpointHashAt',
      args: [logId, epoch],
    })
    return checkpointHash === zeroHash ? null : { checkpointHash }
  }
}
