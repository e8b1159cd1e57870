import type { LocalAccount } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { KeyRotation } from './KeyRotation.ts'
import { keyRotationTypedData } from './keyRotationTypedData.ts'

export type SignKeyRotationParameters = {
  rotation: KeyRotation
  /** The checkpoint signer of the period the rotation closes, e.g. `privateKeyToAccount(key)`. */
  account: LocalAccount
}

/**
 * Signs a key rotation statement as EIP-712 typed data: the 65-byte `r ‖ s ‖ v` signature (low
 * s) that CheckpointRegistry's `rotateKeys` accepts on every chain.
 *
 * Spec: EIP-712; contracts/interfaces/ICheckpointRegistry.sol (`rotateKeys`).
 *
 * @throws {InvalidKeyRotationError} when the rotation does not fit the Solidity struct.
 * @example
 * const signature = await signKeyRotation({ rotation, account: privateKeyToAccount(oldKey) })
 */
export async function signKeyRotation({
  rotation,
  account,
}: SignKeyRotationParameters): Promise<Hex> {
  return account.signTypedData(keyRotationTypedData(rotation))
}
