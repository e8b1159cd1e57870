// Checkpoints as the contracts see them, signed with viem's signTypedData under the TML Anchor
// EIP-712 domain (no chainId, no verifyingContract), as core signs them.
import type { Account, Hex, WalletClient } from 'viem'

export type TestCheckpoint = {
  logId: Hex
  epoch: bigint
  treeSize: bigint
  rootHash: Hex
  timestamp: bigint
}

export const CHECKPOINT_DOMAIN = { name: 'TML Anchor', version: '1' } as const

export const CHECKPOINT_TYPES = {
  Checkpoint: [
    { name: 'logId', type: 'bytes32' },
    { name: 'epoch', type: 'uint64' },
    { name: 'treeSize', type: 'uint64' },
    { name: 'rootHash', type: 'bytes32' },
    { name: 'timestamp', type: 'uint64' },
  ],
} as const

/** Signs `checkpoint` with `signer` (a wallet client, e.g. one of Hardhat's accounts). */
export async function signCheckpoint(
  signer: WalletClient,
  checkpoint: TestCheckpoint,
): Promise<Hex> {
  const account = signer.account as Account
  return signer.signTypedData({
    account,
    domain: CHECKPOINT_DOMAIN,
    types: CHECKPOINT_TYPES,
    primaryType: 'Checkpoint',
    message: checkpoint,
  })
}
