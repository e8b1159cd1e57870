import { parseAbi } from 'viem'

/**
 * The part of CheckpointRegistry's ABI the gateway uses: `anchor`, the views and the event, plus
 * the custom errors so that reverts decode to their names.
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol.
 *
 * @example
 * await client.readContract({ address, abi: CHECKPOINT_REGISTRY_ABI, functionName: 'head', args: [logId] })
 */
export const CHECKPOINT_REGISTRY_ABI = parseAbi([
  'struct Checkpoint { bytes32 logId; uint64 epoch; uint64 treeSize; bytes32 rootHash; uint64 timestamp; }',
  'function anchor(Checkpoint checkpoint, bytes32[] consistencyProof, bytes signature)',
  'function head(bytes32 logId) view returns (uint64 epoch, bytes32 rootHash, uint64 treeSize, uint64 timestamp)',
  'function checkpointAt(bytes32 logId, uint64 epoch) view returns (bytes32 rootHash, uint64 treeSize, uint64 timestamp)',
  'event CheckpointAnchored(bytes32 indexed logId, uint64 indexed epoch, uint64 treeSize, bytes32 rootHash, uint64 timestamp)',
  'error CheckpointUnknownLog(bytes32 logId)',
  'error CheckpointLogRetired(bytes32 logId)',
  'error CheckpointLogCompromised(bytes32 logId)',
  'error CheckpointEpochNotNext(bytes32 logId, uint64 expected, uint64 epoch)',
  'error CheckpointRootConflict(bytes32 logId, uint64 epoch, bytes32 anchoredRoot, bytes32 rootHash)',
  'error CheckpointTreeShrank(bytes32 logId, uint64 previousSize, uint64 treeSize)',
  'error CheckpointTimestampOutOfRange(bytes32 logId, uint64 timestamp, uint64 earliest, uint64 latest)',
  'error CheckpointInconsistent(bytes32 logId, uint64 previousSize, uint64 treeSize)',
  'error CheckpointEmptyTreeRoot(bytes32 logId, bytes32 rootHash)',
  'error CheckpointInvalidSignature(bytes32 logId, uint64 epoch, address signer)',
])
