import { type Address, isAddress } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { recoverCheckpointSigner } from './recoverCheckpointSigner.ts'

export type VerifyCheckpointSignatureParameters = {
  checkpoint: Checkpoint
  signature: Hex
  /** The log's checkpoint signer (an EOA; ERC-1271 contract signers are checked on chain). */
  signer: Address
}

/**
 * True when `signature` is a canonical ECDSA signature of the checkpoint by `signer`. Never
 * throws: a malformed signature, checkpoint or signer address is simply not valid.
 *
 * Spec: EIP-712; OpenZeppelin Contracts 5 `ECDSA.recover` (65 bytes, low s, v = 27 or 28).
 *
 * @example
 * await verifyCheckpointSignature({ checkpoint, signature, signer: '0xf39F…2266' }) // true
 */
export async function verifyCheckpointSignature({
  checkpoint,
  signature,
  signer,
}: VerifyCheckpointSignatureParameters): Promise<boolean> {
  if (typeof signer !== 'string' || !isAddress(signer, { strict: false })) return false
  try {
    const recovered = await recoverCheckpointSigner({ checkpoint, signature })
    return recovered.toLowerCase() === signer.toLowerCase()
  } catch {
    return false
  }
}
