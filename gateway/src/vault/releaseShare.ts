import { bytesToHex, type Hex, hexToBytes } from '@tml/core'
import { combine } from 'shamir-secret-sharing'
import { hpkeInfo, hpkeSuite, type WrappedBytes } from './hpkeSuite.ts'
import { VaultError } from './VaultError.ts'

async function open(
  wrapped: WrappedBytes,
  privateKey: Hex,
  info: Uint8Array,
  what: string,
): Promise<Uint8Array> {
  try {
    const recipientKey = await hpkeSuite.kem.deserializePrivateKey(
      hexToBytes(privateKey, 32).slice().buffer,
    )
    const plain = await hpkeSuite.open(
      { recipientKey, enc: hexToBytes(wrapped.enc).slice().buffer, info: info.slice().buffer },
      hexToBytes(wrapped.ciphertext).slice().buffer,
    )
    return new Uint8Array(plain)
  } catch (e) {
    throw new VaultError(`${what} does not open with this key (wrong key, log, epoch or grant)`, {
      code: 'TML_VAULT_KEY',
      cause: e,
    })
  }
}

/**
 * A custodian's release: opens its wrapped share of `epoch` with its X25519 private key and wraps
 * the share again to the auditor's public key, `info` binding log, epoch and grant id, so the
 * release is useless to anyone but that auditor and for any other grant. The share itself never
 * leaves the custodian's process in the clear.
 * @throws {VaultError} `TML_VAULT_KEY` when the custodian's key does not open the share.
 *
 * @example
 * const release = await releaseShare({ share, custodianKey, custodianIndex: 0, auditorKey, logId, epoch: 3, grantId: 1n })
 */
export async function releaseShare(p: {
  share: WrappedBytes
  custodianKey: Hex
  custodianIndex: number
  auditorKey: Hex
  logId: Hex
  epoch: number
  grantId: bigint
}): Promise<WrappedBytes> {
  const plain = await open(
    p.share,
    p.custodianKey,
    hpkeInfo({ purpose: 'share', logId: p.logId, epoch: p.epoch, index: BigInt(p.custodianIndex) }),
    `share ${p.custodianIndex} of epoch ${p.epoch}`,
  )
  try {
    const { enc, ct } = await hpkeSuite.seal(
      {
        recipientPublicKey: await hpkeSuite.kem.deserializePublicKey(
          hexToBytes(p.auditorKey, 32).slice().buffer,
        ),
        info: hpkeInfo({ purpose: 'release', logId: p.logId, epoch: p.epoch, index: p.grantId })
          .buffer,
      },
      plain.slice().buffer,
    )
    return { enc: bytesToHex(new Uint8Array(enc)), ciphertext: bytesToHex(new Uint8Array(ct)) }
  } finally {
    plain.fill(0)
  }
}

/**
 * The auditor's side: opens `threshold` releases of one epoch with its X25519 private key and
 * rebuilds the epoch's data key (Shamir combine; with a threshold of 1 a release is the key).
 * @throws {VaultError} `TML_VAULT_KEY` when a release is not for this key, log, epoch or grant;
 *   `TML_VAULT_SHARES` when fewer than `threshold` releases are given.
 *
 * @example
 * const key = await recoverEpochKey({ releases, auditorKey, logId, epoch: 3, grantId: 1n, threshold: 2 })
 */
export async function recoverEpochKey(p: {
  releases: readonly WrappedBytes[]
  auditorKey: Hex
  logId: Hex
  epoch: number
  grantId: bigint
  threshold: number
}): Promise<Uint8Array> {
  if (p.releases.length < p.threshold)
    throw new VaultError(
      `epoch ${p.epoch} needs ${p.threshold} released shares, only ${p.releases.length} given`,
      { code: 'TML_VAULT_SHARES' },
    )
  const info = hpkeInfo({ purpose: 'release', logId: p.logId, epoch: p.epoch, index: p.grantId })
  const shares: Uint8Array[] = []
  for (const [i, release] of p.releases.slice(0, p.threshold).entries())
    shares.push(await open(release, p.auditorKey, info, `release ${i} of epoch ${p.epoch}`))
  if (p.threshold === 1) return shares[0] as Uint8Array
  try {
    return await combine(shares)
  } catch (e) {
    throw new VaultError(`the shares of epoch ${p.epoch} do not combine`, {
      code: 'TML_VAULT_SHARES',
      cause: e,
    })
  }
}
