import { InvalidKeyRotationError } from './InvalidKeyRotationError.ts'
import type { KeyRotation } from './KeyRotation.ts'
import { keyRotationIssues } from './keyRotationIssues.ts'
import { KEY_ROTATION_DOMAIN, KEY_ROTATION_TYPES } from './keyRotationTypes.ts'

/** The EIP-712 typed data of a key rotation, ready for viem's `hashTypedData` or `signTypedData`. */
export type KeyRotationTypedData = {
  domain: typeof KEY_ROTATION_DOMAIN
  types: typeof KEY_ROTATION_TYPES
  primaryType: 'KeyRotation'
  message: KeyRotation
}

/**
 * The EIP-712 typed data that a log's outgoing checkpoint signer signs to hand over to new keys:
 * domain {@link KEY_ROTATION_DOMAIN}, types {@link KEY_ROTATION_TYPES}, primary type `KeyRotation`.
 *
 * Spec: EIP-712; contracts/libraries/KeyRotationTypedData.sol.
 *
 * @throws {InvalidKeyRotationError} when the rotation does not fit the Solidity struct.
 * @example
 * await account.signTypedData(keyRotationTypedData(rotation))
 */
export function keyRotationTypedData(rotation: KeyRotation): KeyRotationTypedData {
  const issues = keyRotationIssues(rotation, '$')
  if (issues.length > 0) throw new InvalidKeyRotationError(issues)
  return {
    domain: KEY_ROTATION_DOMAIN,
    types: KEY_ROTATION_TYPES,
    primaryType: 'KeyRotation',
    message: {
      logId: rotation.logId,
      index: rotation.index,
      fromEpoch: rotation.fromEpoch,
      signer: rotation.signer,
      receiptKey: rotation.receiptKey,
    },
  }
}
