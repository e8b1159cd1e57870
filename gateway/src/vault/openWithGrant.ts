import { accessRegistryAbi, type Hex, searchBlockRanges } from '@tml/core'
import type { Address, PublicClient } from 'viem'
import { openEvidence } from './openEvidence.ts'
import { recoverEpochKey } from './releaseShare.ts'
import type { VaultRecord } from './sealEvidence.ts'
import { VaultError } from './VaultError.ts'
import type { SealedEntry } from './VaultStore.ts'

/** Parameters of {@link openWithGrant}. */
export type OpenWithGrantParameters = {
  publicClient: PublicClient
  accessRegistry: Address
  grantId: bigint
  /** The auditor's X25519 private key (the grant's auditor key is its public half). */
  auditorKey: Hex
  /** The sealed record (from the gateway: `fetchSealedRecord`). */
  sealed: SealedEntry
  /** The record's MTL: its `evidence_seal` must be the envelope's SHA-256. */
  mtl: { log_id: Hex; seq: number; evidence_seal?: Hex }
  /** First block to search for releases (default 0). */
  fromBlock?: bigint
}

/**
 * The auditor's part: checks that the sealed record's epoch is in the grant's range, collects
 * the custodians' releases of that epoch for the grant from the chain's `ShareReleased` events,
 * rebuilds the epoch key with its X25519 private key, checks the envelope against the MTL's
 * `evidence_seal` and opens it.
 * @throws {VaultError} `TML_VAULT_SHARES` (epoch outside the grant, or fewer than k releases:
 *   k-1 approvals, or released after expiry is impossible), `TML_VAULT_KEY` (not this auditor's
 *   key), `TML_VAULT_SEAL` (not the anchored envelope).
 *
 * @example
 * const record = await openWithGrant({ publicClient, accessRegistry, grantId: 1n, auditorKey, sealed, mtl })
 */
export async function openWithGrant(p: OpenWithGrantParameters): Promise<VaultRecord> {
  if (!p.mtl.evidence_seal)
    throw new VaultError(
      `the MTL of seq ${p.mtl.seq} carries no evidence_seal: nothing ties a vault entry to it`,
      {
        code: 'TML_VAULT_SEAL',
      },
    )
  const grant = await p.publicClient.readContract({
    address: p.accessRegistry,
    abi: accessRegistryAbi,
    functionName: 'grantInfo',
    args: [p.grantId],
  })
  if (grant.custodyVersion === 0)
    throw new VaultError(`no grant ${p.grantId} on this chain`, { code: 'TML_VAULT_SHARES' })
  if (grant.logId.toLowerCase() !== p.mtl.log_id.toLowerCase())
    throw new VaultError(`grant ${p.grantId} is for log ${grant.logId}, not ${p.mtl.log_id}`, {
      code: 'TML_VAULT_SHARES',
    })
  const epoch = BigInt(p.sealed.epoch)
  if (epoch < grant.fromEpoch || epoch > grant.toEpoch)
    throw new VaultError(
      `the record was sealed in vault epoch ${epoch}, outside grant ${p.grantId}'s epochs ${grant.fromEpoch}–${grant.toEpoch}`,
      { code: 'TML_VAULT_SHARES' },
    )
  // In block ranges the RPC accepts (core's one paged search): public nodes refuse one search
  // from the registry's deployment to the head of a long chain.
  const events = await searchBlockRanges({
    fromBlock: p.fromBlock ?? 0n,
    toBlock: await p.publicClient.getBlockNumber({ cacheTime: 0 }),
    read: (fromBlock, toBlock) =>
      p.publicClient.getContractEvents({
        address: p.accessRegistry,
        abi: accessRegistryAbi,
        eventName: 'ShareReleased',
        args: { grantId: p.grantId, epoch },
        fromBlock,
        toBlock,
        strict: true,
      }),
  })
  // One release per custodian counts (the contract refuses a second one anyway).
  const byIndex = new Map<number, Hex>()
  for (const e of events) byIndex.set(e.args.index, e.args.wrappedShare)
  const releases = [...byIndex.values()].map((bytes) => ({
    enc: `0x${bytes.slice(2, 66)}` as Hex,
    ciphertext: `0x${bytes.slice(66)}` as Hex,
  }))
  const key = await recoverEpochKey({
    releases,
    auditorKey: p.auditorKey,
    logId: grant.logId,
    epoch: p.sealed.epoch,
    grantId: p.grantId,
    threshold: grant.threshold,
  })
  try {
    return openEvidence({
      envelope: p.sealed.envelope,
      key,
      logId: p.mtl.log_id,
      seq: p.mtl.seq,
      seal: p.mtl.evidence_seal,
    }).record
  } finally {
    key.fill(0)
  }
}
