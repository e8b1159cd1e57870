import { accessRegistryAbi, type Hex } from '@tml/core'
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem'
import { releaseShare } from './releaseShare.ts'
import { VaultError } from './VaultError.ts'
import type { StoredEpochKey } from './VaultStore.ts'

/** Parameters of {@link releaseForGrant}. */
export type ReleaseForGrantParameters = {
  publicClient: PublicClient
  /** The custodian's account, which declared custody names and which sends the release. */
  walletClient: WalletClient<Transport, Chain, Account>
  accessRegistry: Address
  grantId: bigint
  /** The vault epochs to release (each must be in the grant's range: the contract checks). */
  epochs: readonly number[]
  /** The custodian's X25519 private key (32 bytes, hex). */
  custodianKey: Hex
  /** The wrapped shares of an epoch (from the gateway: `fetchVaultEpoch`). */
  epochKey: (epoch: number) => Promise<StoredEpochKey>
}

/**
 * A custodian's release: for each epoch, opens its own share (the share at its index in the
 * declaration the grant was requested under) and posts it on chain re-wrapped to the grant's
 * auditor key (`release`), as `enc ‖ ciphertext`. Each call is simulated first, so a refusal
 * (grant not live, expired, epoch out of range) is the contract's custom error, and nothing is
 * sent. Returns the transaction hash per epoch.
 * @throws the contract's decoded error from the simulation; {@link VaultError} when the
 *   custodian's key does not open its share.
 *
 * @example
 * await releaseForGrant({ publicClient, walletClient, accessRegistry, grantId: 1n, epochs: [3], custodianKey, epochKey: (e) => fetchVaultEpoch({ gatewayUrl, epoch: e }) })
 */
export async function releaseForGrant(p: ReleaseForGrantParameters): Promise<Hex[]> {
  const read = { address: p.accessRegistry, abi: accessRegistryAbi } as const
  const grant = await p.publicClient.readContract({
    ...read,
    functionName: 'grantInfo',
    args: [p.grantId],
  })
  const me = p.walletClient.account.address
  const indexPlusOne = await p.publicClient.readContract({
    ...read,
    functionName: 'custodianIndex',
    args: [grant.logId, grant.custodyVersion, me],
  })
  if (indexPlusOne === 0)
    throw new VaultError(`${me} is no custodian of grant ${p.grantId}`, { code: 'TML_VAULT_KEY' })
  const index = indexPlusOne - 1
  const hashes: Hex[] = []
  for (const epoch of p.epochs) {
    const wrapped = await p.epochKey(epoch)
    const share = wrapped.shares[index]
    if (!share)
      throw new VaultError(`vault epoch ${epoch} has no share ${index}`, {
        code: 'TML_VAULT_SHARES',
      })
    const release = await releaseShare({
      share,
      custodianKey: p.custodianKey,
      custodianIndex: index,
      auditorKey: grant.auditorKey,
      logId: grant.logId,
      epoch,
      grantId: p.grantId,
    })
    const bytes = `0x${release.enc.slice(2)}${release.ciphertext.slice(2)}` as Hex
    const { request } = await p.publicClient.simulateContract({
      ...read,
      functionName: 'release',
      args: [p.grantId, BigInt(epoch), bytes],
      account: p.walletClient.account,
    })
    const hash = await p.walletClient.writeContract(request)
    const receipt = await p.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success')
      throw new VaultError(`release of epoch ${epoch} reverted (${hash})`, {
        code: 'TML_VAULT_SHARES',
      })
    hashes.push(hash)
  }
  return hashes
}
