import { type AnchoredCheckpoint, checkpointRegistryAbi, type ReadCheckpoint } from '@tml/core'
import { isAddressEqual, zeroHash } from 'viem'
import type { AppConfig } from '../config/AppConfig.ts'
import { chainById } from './chainById.ts'
import { UnknownRegistryError } from './errors.ts'
import { publicClientFor } from './publicClientFor.ts'

/**
 * The `ReadCheckpoint` that core's `verifyBundle` calls: reads `checkpointHashAt(logId, epoch)`
 * (the EIP-712 struct hash of the anchored checkpoint) from the CheckpointRegistry of the
 * configured chain. It trusts only the registry this page is configured with: a bundle that
 * points at another address is refused (its anchor step fails).
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol (`checkpointHashAt`: zero when not anchored).
 *
 * @example await verifyBundle(bundle, { readCheckpoint: createReadCheckpoint(config) })
 */
export function createReadCheckpoint(config: AppConfig): ReadCheckpoint {
  return async (chainId, registry, logId, epoch): Promise<AnchoredCheckpoint | null> => {
    const chain = chainById(config, chainId)
    const deployed = chain.checkpointRegistry?.address
    if (deployed === undefined || !isAddressEqual(deployed, registry))
      throw new UnknownRegistryError('CheckpointRegistry', registry, chainId, deployed)
    const checkpointHash = await publicClientFor(chain).readContract({
      address: deployed,
      abi: checkpointRegistryAbi,
      functionName: 'checkpointHashAt',
      args: [logId, epoch],
    })
    return checkpointHash === zeroHash ? null : { checkpointHash }
  }
}
