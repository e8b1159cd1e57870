import type { LocalAccount } from 'viem'
import type { Hex } from '../bytes/hex.ts'
import type { Checkpoint } from './Checkpoint.ts'
import { checkpointTypedData } from './checkpointTypedData.ts'

export type SignCheckpointParameters = {
  checkpoint: Checkpoint
  /** The log's checkpoint signer, e.g. `privateKeyToAccount(key)` from `viem/accounts`. */
  account: LocalAccount
}

/**
 * Signs a checkpoint as EIP-712 typed data with a local secp256k1 account. The result is the
 * 65-byte `r ‖ s ‖ v` signature (low s, v = 27 or 28) that CheckpointRegistry.anchor accepts.
 *
 * Spec: EIP-712; signatures as OpenZeppelin ECDSA expects them (EIP-2 low s).
 *
 * @throws {InvalidCheckpointError} when the checkpoint does not fit the Solidity struct.
 * @example
 * const signature = await signCheckpoint({ checkpoint, account: privateKeyToAccount(key) })
 */
export async function signCheckpoint({
  checkpoint,
  account,
}: SignCheckpointParameters): Promise<Hex> {
  return account.signTypedData(checkpointTypedData(checkpoint))
}
