import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'

/**
 * What a chain's CheckpointRegistry holds for one epoch of a log (`checkpointAt`). The registry
 * keeps every epoch's root but, to keep `anchor` cheap, the tree size and time of the head epoch
 * only (older ones are in its `CheckpointAnchored` events): for older epochs `treeSize` and
 * `timestamp` are 0. The root alone settles the size: an RFC 9162 root commits to the tree's
 * shape, so two sizes share a root only through a SHA-256 collision.
 */
export type AnchoredCheckpoint = { rootHash: Hex; treeSize: bigint; timestamp: bigint }

/**
 * Reads the checkpoint that the CheckpointRegistry at `registry` on chain `chainId` holds for
 * epoch `epoch` of log `logId`; resolves to null when that epoch is not anchored there. Passed in
 * by the caller (the web page and the CLI read the registry's `checkpointAt` view), so that core
 * does no I/O. It also decides which registries to trust: for an address that is not a known
 * deployment it should throw (the anchor step then fails with its message).
 *
 * @example
 * const readCheckpoint: ReadCheckpoint = async (chainId, registry, logId, epoch) =>
 *   client(chainId).readContract({ address: registry, abi, functionName: 'checkpointAt', args: [logId, epoch] })
 */
export type ReadCheckpoint = (
  chainId: number,
  registry: Address,
  logId: Hex,
  epoch: bigint,
) => Promise<AnchoredCheckpoint | null>
