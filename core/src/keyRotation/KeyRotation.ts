import type { Address } from 'viem'
import type { Hex } from '../bytes/hex.ts'

/**
 * A log's statement that its keys change: from epoch `fromEpoch` on, checkpoints are signed by
 * `signer` and receipts by `receiptKey`. Statement `index = n` (n ≥ 1) opens key period n and is
 * signed by the checkpoint signer of period n − 1 (period 0 being the keys the log was declared
 * with, from epoch 1). The uint64 fields are bigints so the whole Solidity range round-trips.
 *
 * Spec: contracts/types/KeyRotation.sol; EIP-712 under {@link KEY_ROTATION_DOMAIN}.
 *
 * @example
 * const rotation: KeyRotation = { logId, index: 1n, fromEpoch: 40n, signer: '0x…', receiptKey: '0x…' }
 */
export type KeyRotation = {
  /** bytes32; the log, as declared in the LanternRegistry. */
  logId: Hex
  /** uint64; the key period it opens (1 for the first rotation). */
  index: bigint
  /** uint64; the first epoch the new keys cover; after the previous period's. */
  fromEpoch: bigint
  /** address; the new checkpoint signer (an EOA). */
  signer: Address
  /** bytes32; the new Ed25519 receipt public key. */
  receiptKey: Hex
}

/**
 * A key rotation statement as it travels between the log, relayers and chains: the rotation and
 * the 65-byte ECDSA signature of its EIP-712 digest by the outgoing checkpoint signer. In JSON
 * ({@link keyRotationStatementFromJson}) `index` and `fromEpoch` are numbers.
 *
 * @example
 * { rotation: { logId, index: 1n, fromEpoch: 40n, signer, receiptKey }, signature: '0x…' }
 */
export type KeyRotationStatement = { rotation: KeyRotation; signature: Hex }
