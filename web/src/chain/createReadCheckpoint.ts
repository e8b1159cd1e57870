import type { AnchoredCheckpoint, ReadCheckpoint } from '@tml/core'
import { isAddressEqual } from 'viem'
import type { AppConfig } from '../config/AppConfig.ts'
import { checkpointRegistryAbi } from '../contracts/abis.ts'
import { chainById } from './chainById.ts'
import { UnknownRegistryError } from './errors.ts'
import { publicClientFor } from './publicClientFor.ts'

const ZERO_ROOT = `0x${'0'.repeat(64)}`

/**
 * The `ReadCheckpoint` that core's `verifyBundle` calls: reads `checkpointAt(logId, epoch)` from
 * the CheckpointRegistry of the configured chain. It trusts only the registry this page is
 * configured with: a bundle that points at another address is refused (its anchor step fails).
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol (`checkpointAt`: root zero when not anchored).
 *
 * @example await verifyBundle(bundle, { readCheckpoint: createReadCheckpoint(config) })
 */
export function createReadCheckpoint(config: AppConfig): ReadCheckpoint {
  return async (chainId, registry, logId, epoch): Promise<AnchoredCheckpoint | null> => {
    const chain = chainById(config, chainId)
    const deployed = chain.checkpointRegistry?.address
    if (deployed === undefined || !isAddressEqual(deployed, registry))
      throw new UnknownRegistryError('CheckpointRegistry', registry, chainId, deployed)
    const [rootHash, treeSize, timestamp] = await publicClientFor(chain).readContract({
      address: deployed,
      abi: checkpointRegistryAbi,
      functionName: 'checkpointAt',
      args: [logId, epoch],
    })
    if (rootHash === ZERO_ROOT) return null
    return { rootHash, treeSize, timestamp }
  }
}
