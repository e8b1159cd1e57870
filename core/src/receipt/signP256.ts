import { p256 } from '@noble/curves/nist.js'
import type { Hex } from '../bytes/hex.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { p256PrivateKey } from './p256Key.ts'

export type SignP256Parameters = {
  message: Uint8Array
  /** The 32-byte P-256 private key (a scalar in [1, n − 1]), as bytes or `0x` hex. */
  privateKey: Hex | Uint8Array
}

/**
 * ECDSA P-256 signature of SHA-256(`message`): 64 bytes `r ‖ s` (IEEE P1363), with low s
 * (s ≤ n/2), deterministic (RFC 6979 nonce). The one signing path of receipts in core, so that
 * the known-answer vectors test what receipts use. Signatures from other signers (the gateway's
 * OpenSSL, a TPM) differ byte for byte but verify the same.
 *
 * Spec: FIPS 186-5 §6.4.1; RFC 6979 §3.2; SEC 1 v2 §4.1.3.
 *
 * @throws {InvalidP256KeyError} when the key is not a valid 32-byte scalar.
 * @example
 * signP256({ message: utf8ToBytes('test'), privateKey: '0xc9af…6721' }) // '0xf1ab…0083'
 */
export function signP256({ message, privateKey }: SignP256Parameters): Hex {
  const key = p256PrivateKey(privateKey)
  return bytesToHex(p256.sign(message, key, { prehash: true, lowS: true, format: 'compact' }))
}
