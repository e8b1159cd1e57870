import { p256 } from '@noble/curves/nist.js'
import { hexToBytes, isHex } from '../bytes/hex.ts'
import { InvalidP256KeyError } from './InvalidP256KeyError.ts'

/**
 * The 32 bytes of a P-256 private key (a scalar in [1, n − 1], big-endian) given as bytes or as
 * `0x` hex (either case). Internal helper of the receipt functions; copies, so that a caller's
 * buffer is never kept or changed.
 *
 * Spec: SEC 1 v2 §2.3.6; FIPS 186-5 §6.2.
 *
 * @throws {InvalidP256KeyError} when it is not 32 bytes or not in [1, n − 1].
 * @example p256PrivateKey('0xc9af…6721') // Uint8Array(32)
 */
export function p256PrivateKey(key: unknown): Uint8Array {
  let bytes: Uint8Array
  if (key instanceof Uint8Array && key.length === 32) bytes = Uint8Array.from(key)
  else if (isHex(key, 32)) bytes = hexToBytes(key)
  else throw new InvalidP256KeyError('private key', key)
  if (!p256.utils.isValidSecretKey(bytes)) {
    throw new InvalidP256KeyError('private key', key, 'The scalar is 0 or not below n.')
  }
  return bytes
}

/**
 * The 65 bytes `0x04 ‖ x ‖ y` of a P-256 public key given as bytes or as `0x` hex (either case),
 * after checking that (x, y) is a point on the curve (not the identity). Compressed and hybrid
 * encodings are refused: receipts carry the one uncompressed spelling. Copies its input.
 *
 * Spec: SEC 1 v2 §2.3.4 (uncompressed), §3.2.2.1 (public key validation).
 *
 * @throws {InvalidP256KeyError} when it is not 65 bytes starting with 0x04 or not on the curve.
 * @example p256PublicKey('0x0460fe…2299') // Uint8Array(65)
 */
export function p256PublicKey(key: unknown): Uint8Array {
  let bytes: Uint8Array
  if (key instanceof Uint8Array && key.length === 65) bytes = Uint8Array.from(key)
  else if (isHex(key, 65)) bytes = hexToBytes(key)
  else throw new InvalidP256KeyError('public key', key)
  if (bytes[0] !== 0x04) {
    throw new InvalidP256KeyError('public key', key, 'The first byte is not 0x04 (uncompressed).')
  }
  try {
    // fromBytes checks x, y < p and y² = x³ − 3x + b; assertValidity refuses the identity.
    p256.Point.fromBytes(bytes).assertValidity()
  } catch {
    throw new InvalidP256KeyError('public key', key, 'The point is not on the P-256 curve.')
  }
  return bytes
}
