import { type Address, recoverAddress } from 'viem'
import { assertCanonicalSignature } from '../checkpoint/assertCanonicalSignature.ts'
import { InvalidCheckpointSignatureError } from '../checkpoint/InvalidCheckpointSignatureError.ts'
import { hashKeyRotation } from './hashKeyRotation.ts'
import type { KeyRotationStatement } from './KeyRotation.ts'

/**
 * The address whose key signed a key rotation statement (ECDSA recovery over
 * {@link hashKeyRotation}); only canonical signatures, as on chain. A statement is valid for a
 * chain when this is the checkpoint signer of key period `rotation.index − 1` there.
 *
 * Spec: EIP-712; OpenZeppelin Contracts 5 `ECDSA.recover`.
 *
 * @throws {InvalidCheckpointSignatureError} when the signature is malformed, not canonical, or
 *   recovers no key (the rules are the checkpoints').
 * @throws {InvalidKeyRotationError} when the rotation does not fit the Solidity struct.
 * @example
 * await recoverKeyRotationSigner({ rotation, signature }) // '0x3C44…93BC'
 */
export async function recoverKeyRotationSigner({
  rotation,
  signature,
}: KeyRotationStatement): Promise<Address> {
  const hash = hashKeyRotation(rotation)
  assertCanonicalSignature(signature)
  try {
    return await recoverAddress({ hash, signature })
  } catch (cause) {
    throw new InvalidCheckpointSignatureError('no public key recovers from it', { cause })
  }
}
