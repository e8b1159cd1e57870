import { assertCheckpoint } from './assertCheckpoint.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { CHECKPOINT_DOMAIN, CHECKPOINT_TYPES } from './checkpointTypes.ts'

/** The EIP-712 typed data of a checkpoint, ready for viem's `hashTypedData` or `signTypedData`. */
export type CheckpointTypedData = {
  domain: typeof CHECKPOINT_DOMAIN
  types: typeof CHECKPOINT_TYPES
  primaryType: 'Checkpoint'
  message: Checkpoint
}

/**
 * The EIP-712 typed data that a log's checkpoint signer signs: domain {@link CHECKPOINT_DOMAIN},
 * types {@link CHECKPOINT_TYPES}, primary type `Checkpoint`.
 *
 * Spec: EIP-712; ARCHITECTURE.md, Formats, Checkpoint.
 *
 * @throws {InvalidCheckpointError} when the checkpoint does not fit the Solidity struct.
 * @example
 * await walletClient.signTypedData({ account, ...checkpointTypedData(checkpoint) })
 */
export function checkpointTypedData(checkpoint: Checkpoint): CheckpointTypedData {
  assertCheckpoint(checkpoint)
  return {
    domain: CHECKPOINT_DOMAIN,
    types: CHECKPOINT_TYPES,
    primaryType: 'Checkpoint',
    message: {
      logId: checkpoint.logId,
      epoch: checkpoint.epoch,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      timestamp: checkpoint.timestamp,
    },
  }
}
