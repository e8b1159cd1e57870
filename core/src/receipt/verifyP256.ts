import { p256 } from '@noble/curves/nist.js'
import type { Hex } from '../bytes/hex.ts'
import { hexToBytes, isHex } from '../bytes/hex.ts'
import { p256PublicKey } from './p256Key.ts'

export type VerifyP256Parameters = {
  message: Uint8Array
  /** 64 bytes `r ‖ s` (IEEE P1363), as bytes or `0x` hex. */
  signature: Hex | Uint8Array
  /** 65-byte uncompressed P-256 public key `0x04 ‖ x ‖ y`, as bytes or `0x` hex. */
  publicKey: Hex | Uint8Array
}

/**
 * True when `signature` is a valid ECDSA P-256 signature of SHA-256(`message`) by `publicKey`
 * with low s. Refused: r or s outside [1, n − 1], s > n/2 (the malleable twin, refused like
 * OpenZeppelin's P256 on chain), a key that is not a point on the curve, and anything that is not
 * 64 signature bytes or a 65-byte uncompressed key. Never throws: malformed input is simply not
 * valid.
 *
 * Spec: FIPS 186-5 §6.4.2; SEC 1 v2 §3.2.2.1, §4.1.4.
 *
 * @example
 * verifyP256({ message, signature, publicKey }) // true
 */
export function verifyP256({ message, signature, publicKey }: VerifyP256Parameters): boolean {
  try {
    const key = p256PublicKey(publicKey)
    const sig =
      signature instanceof Uint8Array
        ? signature
        : isHex(signature, 64)
          ? hexToBytes(signature)
          : null
    if (sig === null || sig.length !== 64 || !(message instanceof Uint8Array)) return false
    return p256.verify(sig, message, key, { prehash: true, lowS: true, format: 'compact' })
  } catch {
    return false
  }
}
