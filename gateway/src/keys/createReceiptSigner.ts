import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import {
  bytesToHex,
  type Hex,
  type Receipt,
  receiptSigningBytes,
  type SignedReceipt,
} from '@tml/core'

/** Signs receipts with the log's Ed25519 receipt key. */
export type ReceiptSigner = {
  /** The 32-byte Ed25519 public key, `0x` hex: what the log declares on chain. */
  publicKey: Hex
  sign(receipt: Receipt): SignedReceipt
  /** Ed25519 signature of arbitrary bytes with the same key (gateway statements). */
  signBytes(message: Uint8Array): Hex
}

// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410 §7): Node imports keys only in DER or PEM.
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

/**
 * A receipt signer over Node's OpenSSL Ed25519, several times faster than the pure one, so it is
 * used on the decision lane. Ed25519 is deterministic (RFC 8032 §5.1.6): it produces exactly the
 * bytes of core's `signReceipt`, which a test checks, and core's `verifyReceipt` accepts them.
 *
 * Spec: RFC 8032 (Ed25519), RFC 8410 (key encoding), RFC 8785 (signed bytes).
 *
 * @example
 * const signer = createReceiptSigner(seed)
 * const signed = signer.sign({ v: 'tml-receipt/1', logId, traceId, seq, leafHash, timestamp })
 */
export function createReceiptSigner(seed: Uint8Array): ReceiptSigner {
  if (seed.length !== 32) throw new RangeError('An Ed25519 receipt key is a 32-byte seed')
  const der = new Uint8Array(48)
  der.set(PKCS8_ED25519_PREFIX)
  der.set(seed, 16)
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = bytesToHex(new Uint8Array(spki.subarray(spki.length - 32)))
  const signBytes = (message: Uint8Array): Hex => bytesToHex(sign(null, message, key))
  return {
    publicKey,
    signBytes,
    sign: (receipt) => ({ ...receipt, signature: signBytes(receiptSigningBytes(receipt)) }),
  }
}
