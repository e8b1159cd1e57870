import { p256 } from '@noble/curves/nist.js'
import type { Hex } from '../bytes/hex.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { p256PrivateKey } from './p256Key.ts'

/**
 * The P-256 public key of a receipt signing key (32-byte scalar), uncompressed `0x04 ‖ x ‖ y`
 * (65 bytes): what a bundle carries in `log.receiptPublicKey` and what verifiers check receipts
 * against. The chain holds {@link receiptKeyCommitment} of it.
 *
 * Spec: SEC 1 v2 §2.3.3 (uncompressed point).
 *
 * @throws {InvalidP256KeyError} when the key is not a valid 32-byte scalar.
 * @example
 * receiptPublicKey('0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721')
 * // '0x0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299'
 */
export function receiptPublicKey(privateKey: Hex | Uint8Array): Hex {
  return bytesToHex(p256.getPublicKey(p256PrivateKey(privateKey), false))
}
