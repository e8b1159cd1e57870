import { hashStruct } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { checkpointTypedData } from './checkpointTypedData.ts'

/**
 * The EIP-712 struct hash of a checkpoint, `keccak256(abi.encode(CHECKPOINT_TYPEHASH, logId,
 * epoch, treeSize, rootHash, timestamp))`: what CheckpointRegistry stores for every anchored epoch
 * (`checkpointHashAt(logId, epoch)`). It commits to the tree size, root and time, so a verifier
 * holding a checkpoint knows it is the anchored one when the hashes are equal.
 *
 * Spec: EIP-712 `hashStruct`; contracts/interfaces/ICheckpointRegistry.sol (`checkpointHashAt`).
 *
 * @throws {InvalidCheckpointError} when the checkpoint does not fit the Solidity struct.
 * @example
 * const held = await client.readContract({ …, functionName: 'checkpointHashAt', args: [logId, epoch] })
 * held === checkpointStructHash(checkpoint) // anchored as it is
 */
export function checkpointStructHash(checkpoint: Checkpoint): Hex {
  const { types, primaryType, message } = checkpointTypedData(checkpoint)
  return hashStruct({ data: message, primaryType, types })
}
