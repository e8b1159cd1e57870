/**
 * The EIP-712 domain of every checkpoint signature: a name and a version only. It has no
 * `chainId`, no `verifyingContract` and no `salt` on purpose, so that one signature anchors the
 * same checkpoint on every chain (the CheckpointRegistry contract hashes the same domain).
 *
 * Spec: EIP-712 `EIP712Domain(string name,string version)`.
 *
 * @example
 * hashTypedData({ domain: CHECKPOINT_DOMAIN, types: CHECKPOINT_TYPES, primaryType: 'Checkpoint', message })
 */
export const CHECKPOINT_DOMAIN = { name: 'TML Anchor', version: '1' } as const

/**
 * The EIP-712 types of a checkpoint, in viem's form. The field order is part of the signature:
 * the encoded type is exactly
 * `Checkpoint(bytes32 logId,uint64 epoch,uint64 treeSize,bytes32 rootHash,uint64 timestamp)`.
 *
 * Spec: EIP-712 `encodeType` / `hashStruct`.
 *
 * @example
 * keccak256(toBytes(CHECKPOINT_TYPE)) // the typehash the contract uses
 */
export const CHECKPOINT_TYPES = {
  Checkpoint: [
    { name: 'logId', type: 'bytes32' },
    { name: 'epoch', type: 'uint64' },
    { name: 'treeSize', type: 'uint64' },
    { name: 'rootHash', type: 'bytes32' },
    { name: 'timestamp', type: 'uint64' },
  ],
} as const

/**
 * The EIP-712 encoded type of a checkpoint (`encodeType(Checkpoint)`), whose keccak256 is the
 * typehash. Kept as a string so that the Solidity side and the tests can compare against it.
 *
 * Spec: EIP-712 `encodeType`.
 *
 * @example
 * keccak256(toBytes(CHECKPOINT_TYPE))
 */
export const CHECKPOINT_TYPE =
  'Checkpoint(bytes32 logId,uint64 epoch,uint64 treeSize,bytes32 rootHash,uint64 timestamp)'
