import { hashTypedData } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { KeyRotation } from './KeyRotation.ts'
import { keyRotationTypedData } from './keyRotationTypedData.ts'

/**
 * The EIP-712 digest of a key rotation statement: keccak256(0x19 0x01 ‖ domainSeparator ‖
 * hashStruct), the 32 bytes the outgoing checkpoint signer signs and CheckpointRegistry's
 * `rotateKeys` recovers the signer from.
 *
 * Spec: EIP-712 (`hashTypedData`), domain {@link KEY_ROTATION_DOMAIN}, type {@link KEY_ROTATION_TYPE}.
 *
 * @throws {InvalidKeyRotationError} when the rotation does not fit the Solidity struct.
 * @example
 * hashKeyRotation({ logId, index: 1n, fromEpoch: 40n, signer, receiptKey }) // '0x…'
 */
export function hashKeyRotation(rotation: KeyRotation): Hex {
  return hashTypedData(keyRotationTypedData(rotation))
}
