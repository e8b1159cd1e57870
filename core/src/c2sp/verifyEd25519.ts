import { ed25519 } from '@noble/curves/ed25519.js'
import type { Hex } from '../bytes/hex.ts'
import { hexToBytes, isHex } from '../bytes/hex.ts'
import { ed25519Key } from './ed25519Key.ts'

export type VerifyEd25519Parameters = {
  message: Uint8Array
  /** 64 bytes `R ‖ S`, as bytes or `0x` hex. */
  signature: Hex | Uint8Array
  /** 32-byte Ed25519 public key, as bytes or `0x` hex. */
  publicKey: Hex | Uint8Array
}

/**
 * True when `signature` is a valid pure Ed25519 signature of `message` by `publicKey`. Strict
 * RFC 8032 decoding (not ZIP-215): non-canonical encodings of R or of the key, S ≥ L and
 * small-order keys are refused, so a receipt verifies the same way here as with OpenSSL or
 * libsodium. Never throws: malformed input is simply not valid.
 *
 * Spec: RFC 8032 §5.1.7; FIPS 186-5 §7.7.2.
 *
 * @example
 * verifyEd25519({ message, signature, publicKey }) // true
 */
export function verifyEd25519({ message, signature, publicKey }: VerifyEd25519Parameters): boolean {
  try {
    const key = ed25519Key({ key: publicKey, what: 'public key' })
    const sig =
      signature instanceof Uint8Array
        ? signature
        : isHex(signature, 64)
          ? hexToBytes(signature)
          : null
    if (sig === null || sig.length !== 64 || !(message instanceof Uint8Array)) return false
    return ed25519.verify(sig, message, key, { zip215: false })
  } catch {
    return false
  }
}
