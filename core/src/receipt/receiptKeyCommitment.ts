import { keccak_256 } from '@noble/hashes/sha3.js'
import type { Hex } from '../bytes/hex.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { p256PublicKey } from './p256Key.ts'

/**
 * The on-chain form of a receipt public key: `keccak256(x ‖ y)` (the 64 coordinate bytes, without
 * the 0x04 prefix). LanternRegistry's `receiptKey`, KeyRotation's `receiptKey` and `keysAt` hold
 * it; a broken-promise report carries x and y, and the contract hashes them to compare.
 *
 * Spec: receipt-v2 (ARCHITECTURE.md, Formats, Receipt).
 *
 * @throws {InvalidP256KeyError} when the key is not a 65-byte uncompressed point on the curve.
 * @example
 * receiptKeyCommitment(receiptPublicKey(privateKey)) // '0x…' (32 bytes)
 */
export function receiptKeyCommitment(publicKey: Hex | Uint8Array): Hex {
  return bytesToHex(keccak_256(p256PublicKey(publicKey).subarray(1)))
}

/**
 * True when `publicKey` is a valid receipt public key whose commitment is `commitment` (either
 * case). Never throws: a malformed key or commitment is simply not a match.
 *
 * @example receiptKeyMatches({ publicKey: bundle.log.receiptPublicKey, commitment }) // true
 */
export function receiptKeyMatches({
  publicKey,
  commitment,
}: {
  publicKey: unknown
  commitment: unknown
}): boolean {
  if (typeof commitment !== 'string') return false
  try {
    return receiptKeyCommitment(publicKey as Hex).toLowerCase() === commitment.toLowerCase()
  } catch {
    return false
  }
}
