// Checkpoints and key rotation statements as the contracts see them, signed with viem's
// signTypedData under the TML Anchor EIP-712 domain (no chainId, no verifyingContract), as core
// signs them.
import { KEY_ROTATION_TYPES } from '@tml/core'
import type { Account, Hex, LocalAccount, TypedDataDefinition, WalletClient } from 'viem'

export type TestCheckpoint = {
  logId: Hex
  epoch: bigint
  treeSize: bigint
  rootHash: Hex
  timestamp: bigint
}

/** A key rotation statement: key period `index` has `signer` and `receiptKey` from `fromEpoch`. */
export type TestKeyRotation = {
  logId: Hex
  index: bigint
  fromEpoch: bigint
  signer: Hex
  receiptKey: Hex
}

/** Who signs: a wallet client (one of Hardhat's accounts) or a local account (a generated key). */
export type TestSigner = WalletClient | LocalAccount

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

function isLocal(by: TestSigner): by is LocalAccount {
  return 'type' in by && by.type === 'local'
}

/** The address that signs for `by`. */
export function addressOf(by: TestSigner): Hex {
  return isLocal(by) ? by.address : (by.account as Account).address
}

/** Signs `checkpoint` with `signer`. */
export async function signCheckpoint(signer: TestSigner, checkpoint: TestCheckpoint): Promise<Hex> {
  const data = {
    domain: CHECKPOINT_DOMAIN,
    types: CHECKPOINT_TYPES,
    primaryType: 'Checkpoint',
    message: checkpoint,
  } as const
  return signTyped(signer, data)
}

/** Signs the key rotation statement `rotation` with `signer` (the previous period's key). */
export async function signKeyRotation(signer: TestSigner, rotation: TestKeyRotation): Promise<Hex> {
  const data = {
    domain: CHECKPOINT_DOMAIN,
    types: KEY_ROTATION_TYPES,
    primaryType: 'KeyRotation',
    message: rotation,
  } as const
  return signTyped(signer, data)
}

function signTyped(signer: TestSigner, data: TypedDataDefinition): Promise<Hex> {
  if (isLocal(signer)) return signer.signTypedData(data)
  return signer.signTypedData({ account: signer.account as Account, ...data })
}
