import { bytesToHex, type Hex, hexToBytes } from '@tml/core'
import { split } from 'shamir-secret-sharing'
import type { CustodianSet } from './Custodian.ts'
import { hpkeInfo, hpkeSuite, type WrappedBytes } from './hpkeSuite.ts'

/** One custodian's share of an epoch key, wrapped to its X25519 key. */
export type WrappedShare = WrappedBytes & { custodian: string; publicKey: Hex }

/** An epoch key as the gateway keeps it once the epoch closed: k-of-n shares, each wrapped. */
export type WrappedEpochKey = {
  epoch: number
  threshold: number
  /** In custodian order; share `i` is wrapped with context index `i`. */
  shares: WrappedShare[]
}

/**
 * Splits an epoch's data key k-of-n (Shamir over GF(2^8), `shamir-secret-sharing`) and wraps
 * share `i` to custodian `i` with HPKE base mode, `info` binding the log, the epoch and `i`. With
 * a threshold of 1 every custodian gets the whole key (a 1-of-n scheme needs no polynomial).
 * The shares are the only copies that outlive the epoch: the gateway wipes the key itself.
 *
 * Spec: RFC 9180 §5.1 (base mode); Shamir, "How to share a secret" (1979).
 *
 * @example
 * const wrapped = await wrapEpochKey({ key, epoch: 3, logId, set: { custodians, threshold: 2 } })
 */
export async function wrapEpochKey({
  key,
  epoch,
  logId,
  set,
}: {
  key: Uint8Array
  epoch: number
  logId: Hex
  set: CustodianSet
}): Promise<WrappedEpochKey> {
  const { custodians, threshold } = set
  const parts =
    threshold === 1 ? custodians.map(() => key) : await split(key, custodians.length, threshold)
  const shares = await Promise.all(
    custodians.map(async (c, i) => {
      const { enc, ct } = await hpkeSuite.seal(
        {
          recipientPublicKey: await hpkeSuite.kem.deserializePublicKey(
            hexToBytes(c.publicKey, 32).slice().buffer,
          ),
          info: hpkeInfo({ purpose: 'share', logId, epoch, index: BigInt(i) }).buffer,
        },
        (parts[i] as Uint8Array).slice().buffer,
      )
      return {
        custodian: c.name,
        publicKey: c.publicKey,
        enc: bytesToHex(new Uint8Array(enc)),
        ciphertext: bytesToHex(new Uint8Array(ct)),
      }
    }),
  )
  for (const part of parts) if (part !== key) part.fill(0)
  return { epoch, threshold, shares }
}
