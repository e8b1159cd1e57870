import { ed25519 } from '@noble/curves/ed25519.js'
import type { Hex } from '../bytes/hex.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { ed25519Key } from './ed25519Key.ts'

export type SignEd25519Parameters = {
  message: Uint8Array
  /** The 32-byte Ed25519 seed (RFC 8032's "secret key"), as bytes or `0x` hex. */
  privateKey: Hex | Uint8Array
}

/**
 * Pure Ed25519 (no context, no prehash) signature of `message`: 64 bytes `R ‖ S`, deterministic.
 * The one signing path of receipts, so that RFC 8032's vectors test what receipts use.
 *
 * Spec: RFC 8032 §5.1.6.
 *
 * @throws {InvalidEd25519KeyError} when the key is not 32 bytes.
 * @example
 * signEd25519({ message: new Uint8Array(), privateKey: '0x9d61…7f60' }) // '0xe556…100b'
 */
export function signEd25519({ message, privateKey }: SignEd25519Parameters): Hex {
  return bytesToHex(ed25519.sign(message, ed25519Key({ key: privateKey, what: 'private key' })))
}
