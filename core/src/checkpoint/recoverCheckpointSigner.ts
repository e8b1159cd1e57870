import { type Address, recoverAddress } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import { assertCanonicalSignature } from './assertCanonicalSignature.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { hashCheckpoint } from './hashCheckpoint.ts'
import { InvalidCheckpointSignatureError } from './InvalidCheckpointSignatureError.ts'

export type RecoverCheckpointSignerParameters = {
  checkpoint: Checkpoint
  /** 65-byte `r ‖ s ‖ v` signature over the checkpoint's EIP-712 digest. */
  signature: Hex
}

/**
 * The address whose key signed a checkpoint (ECDSA recovery over {@link hashCheckpoint}). Only
 * canonical signatures are accepted (see {@link assertCanonicalSignature}), as on chain.
 *
 * Spec: EIP-712; OpenZeppelin Contracts 5 `ECDSA.recover`.
 *
 * @throws {InvalidCheckpointSignatureError} when the signature is malformed, not canonical, or
 *   recovers no key.
 * @throws {InvalidCheckpointError} when the checkpoint does not fit the Solidity struct.
 * @example
 * await recoverCheckpointSigner({ checkpoint, signature }) // '0xf39F…2266'
 */
export async function recoverCheckpointSigner({
  checkpoint,
  signature,
}: RecoverCheckpointSignerParameters): Promise<Address> {
  const hash = hashCheckpoint(checkpoint)
  assertCanonicalSignature(signature)
  try {
    return await recoverAddress({ hash, signature })
  } catch (cause) {
    // An r that is not the x-coordinate of a curve point recovers nothing: ecrecover returns 0.
    throw new InvalidCheckpointSignatureError('no public key recovers from it', { cause })
  }
}
