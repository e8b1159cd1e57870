import { x25519 } from '@noble/curves/ed25519.js'
import { accessRegistryAbi, bytesToHex, type Hex, hexToBytes } from '@tml/core'
import type { Address, PublicClient } from 'viem'
import { VaultError } from './VaultError.ts'

/** A grant as the AccessRegistry holds it, with the moment it stops being live. */
export type LiveGrant = {
  grantId: bigint
  logId: Hex
  /** The auditor's X25519 public key, which every release is wrapped to. */
  auditorKey: Hex
  fromEpoch: bigint
  toEpoch: bigint
  threshold: number
  approvals: number
  /** Unix seconds at which k approvals made it live. */
  approvedAt: bigint
  /** Unix seconds from which it is no longer live (`approvedAt + duration`). */
  expiresAt: bigint
}

/** Parameters of {@link requireLiveGrant}. */
export type RequireLiveGrantParameters = {
  publicClient: PublicClient
  accessRegistry: Address
  grantId: bigint
  /**
   * The auditor's X25519 private key: when given, its public half must be the grant's auditor
   * key, so that a wrong key file is named as such before anything is fetched.
   */
  auditorKey?: Hex
}

/**
 * The X25519 public key of a raw 32-byte private key (RFC 7748), as hex. Through noble rather
 * than node:crypto so that the web page's auditor view runs this very check in the browser.
 */
function x25519PublicKey(privateKey: Hex): Hex {
  return bytesToHex(x25519.getPublicKey(hexToBytes(privateKey, 32)))
}

/**
 * Reads grant `grantId` from the AccessRegistry and checks that it is live now: approved by its
 * k custodians and not expired, judged against the latest block's time, as the contract judges
 * a release. What `openWithGrant` does not ask (a released epoch key keeps opening its records
 * after expiry), commands that promise "only under a live grant" ask here first.
 * @throws {VaultError} `TML_VAULT_SHARES` naming why: no such grant, fewer than k approvals,
 *   expired (and when); `TML_VAULT_KEY` when `auditorKey` is not the grant's auditor's key.
 *
 * @example
 * const grant = await requireLiveGrant({ publicClient, accessRegistry, grantId: 3n, auditorKey })
 * // grant.fromEpoch … grant.toEpoch are the epochs it covers, grant.logId the log
 */
export async function requireLiveGrant(p: RequireLiveGrantParameters): Promise<LiveGrant> {
  const [info, block] = await Promise.all([
    p.publicClient.readContract({
      address: p.accessRegistry,
      abi: accessRegistryAbi,
      functionName: 'grantInfo',
      args: [p.grantId],
    }),
    p.publicClient.getBlock({ blockTag: 'latest' }),
  ])
  if (info.custodyVersion === 0)
    throw new VaultError(`no grant ${p.grantId} in the AccessRegistry at ${p.accessRegistry}`, {
      code: 'TML_VAULT_SHARES',
    })
  if (info.approvedAt === 0n)
    throw new VaultError(
      `grant ${p.grantId} is not live: approved by ${info.approvals} of the ${info.threshold} custodians it needs`,
      { code: 'TML_VAULT_SHARES' },
    )
  const expiresAt = info.approvedAt + info.duration
  if (block.timestamp >= expiresAt)
    throw new VaultError(
      `grant ${p.grantId} expired at ${new Date(Number(expiresAt) * 1000).toISOString()} (chain time ${new Date(Number(block.timestamp) * 1000).toISOString()})`,
      { code: 'TML_VAULT_SHARES' },
    )
  if (p.auditorKey !== undefined) {
    let mine: Hex
    try {
      mine = x25519PublicKey(p.auditorKey)
    } catch (e) {
      throw new VaultError('the auditor key is not an X25519 private key (32 bytes)', {
        code: 'TML_VAULT_KEY',
        cause: e,
      })
    }
    if (mine !== info.auditorKey.toLowerCase())
      throw new VaultError(
        `the auditor key given is not grant ${p.grantId}'s: its public key is ${mine}, the grant's ${info.auditorKey}`,
        { code: 'TML_VAULT_KEY' },
      )
  }
  return {
    grantId: p.grantId,
    logId: info.logId,
    auditorKey: info.auditorKey,
    fromEpoch: info.fromEpoch,
    toEpoch: info.toEpoch,
    threshold: info.threshold,
    approvals: info.approvals,
    approvedAt: info.approvedAt,
    expiresAt,
  }
}
