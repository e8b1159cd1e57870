import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'

/**
 * What a chain's CheckpointRegistry holds for one epoch of a log (`checkpointHashAt`): the
 * EIP-712 struct hash of the anchored checkpoint, which commits to its tree size, root and time
 * (see `checkpointStructHash`). A verifier holding a checkpoint knows it is the anchored one when
 * the hashes are equal.
 */
export type AnchoredCheckpoint = { checkpointHash: Hex }

/**
 * Reads what the CheckpointRegistry at `registry` on chain `chainId` holds for epoch `epoch` of
 * log `logId`; resolves to null when that epoch is not anchored there (`checkpointHashAt` is zero:
 * never anchored, or skipped by that chain). Passed in by the caller (the web page and the CLI
 * read the registry's view), so that core does no I/O. It also decides which registries to trust:
 * for an address that is not a known deployment it should throw (the anchor step then fails with
 * its message).
 *
 * @example
 * const readCheckpoint: ReadCheckpoint = async (chainId, registry, logId, epoch) => {
 *   const checkpointHash = await client(chainId).readContract({
 *     address: registry, abi: checkpointRegistryAbi, functionName: 'checkpointHashAt', args: [logId, epoch],
 *   })
 *   return checkpointHash === zeroHash ? null : { checkpointHash }
 * }
 */
export type ReadCheckpoint = (
  chainId: number,
  registry: Address,
  logId: Hex,
  epoch: bigint,
) => Promise<AnchoredCheckpoint | null>
