import { hashTypedData } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { checkpointTypedData } from './checkpointTypedData.ts'

/**
 * The EIP-712 digest of a checkpoint: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct), the
 * 32 bytes that the checkpoint signer signs and that `ecrecover` in CheckpointRegistry takes.
 *
 * Spec: EIP-712 (`hashTypedData`), domain {@link CHECKPOINT_DOMAIN}, type {@link CHECKPOINT_TYPE}.
 *
 * @throws {InvalidCheckpointError} when the checkpoint does not fit the Solidity struct.
 * @example
 * hashCheckpoint({ logId, epoch: 1n, treeSize: 3n, rootHash, timestamp: 1767225600n }) // '0x…'
 */
export function hashCheckpoint(checkpoint: Checkpoint): Hex {
  return hashTypedData(checkpointTypedData(checkpoint))
}
