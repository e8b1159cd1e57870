import { CHECKPOINT_DOMAIN } from '../checkpoint/checkpointTypes.ts'

/**
 * The EIP-712 domain of key rotation statements: the checkpoints' own (`{ name: "TML Anchor",
 * version: "1" }`, no chainId, no verifyingContract). A key history is a statement about the log,
 * not about a chain, so one signature is relayed unchanged to every chain's registry.
 *
 * Spec: contracts/libraries/KeyRotationTypedData.sol.
 *
 * @example
 * hashTypedData({ domain: KEY_ROTATION_DOMAIN, types: KEY_ROTATION_TYPES, primaryType: 'KeyRotation', message })
 */
export const KEY_ROTATION_DOMAIN = CHECKPOINT_DOMAIN

/**
 * The EIP-712 types of a key rotation statement, in viem's form; the field order is part of the
 * signature (see {@link KEY_ROTATION_TYPE}).
 *
 * @example
 * account.signTypedData({ domain: KEY_ROTATION_DOMAIN, types: KEY_ROTATION_TYPES, primaryType: 'KeyRotation', message })
 */
export const KEY_ROTATION_TYPES = {
  KeyRotation: [
    { name: 'logId', type: 'bytes32' },
    { name: 'index', type: 'uint64' },
    { name: 'fromEpoch', type: 'uint64' },
    { name: 'signer', type: 'address' },
    { name: 'receiptKey', type: 'bytes32' },
  ],
} as const

/**
 * The EIP-712 encoded type of a key rotation statement, whose keccak256 is the contract's
 * `KEY_ROTATION_TYPEHASH`.
 *
 * @example keccak256(toBytes(KEY_ROTATION_TYPE))
 */
export const KEY_ROTATION_TYPE =
  'KeyRotation(bytes32 logId,uint64 index,uint64 fromEpoch,address signer,bytes32 receiptKey)'
