import { ed25519 } from '@noble/curves/ed25519.js'
import type { Hex } from '../bytes/hex.ts'
import { bytesToHex } from '../bytes/hex.ts'
import { ed25519Key } from './ed25519Key.ts'

/**
 * The Ed25519 public key of a receipt signing key (32-byte seed): what a log declares on chain
 * in LanternRegistry and what verifiers check receipts against.
 *
 * Spec: RFC 8032 §5.1.5.
 *
 * @throws {InvalidEd25519KeyError} when the key is not 32 bytes.
 * @example
 * receiptPublicKey('0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
 * // '0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
 */
export function receiptPublicKey(privateKey: Hex | Uint8Array): Hex {
  return bytesToHex(ed25519.getPublicKey(ed25519Key({ key: privateKey, what: 'private key' })))
}
