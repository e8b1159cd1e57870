import { createPublicKey, verify } from 'node:crypto'
import { type Hex, hexToBytes, receiptSigningBytes, type SignedReceipt } from '@tml/core'
import { startFor } from '../keys/ReceiptKeySchedule.ts'
import { receiptText } from '../memory/receiptText.ts'
import type { ClaimedReceiptKey } from './exportFormat.ts'

/** n/2 of P-256: a receipt signature's s must not exceed it (low s, as the chain requires). */
const HALF_N = Buffer.from(
  '7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8',
  'hex',
)

const SIGNATURE = /^0x[0-9a-fA-F]{128}$/

/**
 * A receipt checker for whole logs: ECDSA P-256 over SHA-256 of the receipt's RFC 8785 bytes,
 * low s, with Node's OpenSSL (about 30 times faster than core's pure `verifyReceipt`, which is
 * what a million receipts need). Same rule as core's `verifyReceipt`; a test holds them together.
 * Never throws for a bad receipt: it is simply not valid.
 *
 * Spec: FIPS 186-5 §6.4.2; RFC 8785.
 *
 * @throws {Error} when `publicKey` is not an uncompressed P-256 point (0x04 ‖ x ‖ y).
 * @example
 * const valid = createReceiptVerifier(log.receiptPublicKey)
 * valid(entry.receipt) // true
 */
export function createReceiptVerifier(publicKey: Hex): (receipt: SignedReceipt) => boolean {
  const raw = hexToBytes(publicKey)
  if (raw.length !== 65 || raw[0] !== 4)
    throw new Error(`receipt key ${publicKey} is not an uncompressed P-256 key (0x04 ‖ x ‖ y)`)
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(raw.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(raw.subarray(33)).toString('base64url'),
    },
    format: 'jwk',
  })
  const options = { key, dsaEncoding: 'ieee-p1363' } as const
  return (receipt) => {
    try {
      const sig = receipt.signature
      if (typeof sig !== 'string' || !SIGNATURE.test(sig)) return false
      const bytes = Buffer.from(sig.slice(2), 'hex')
      if (Buffer.compare(bytes.subarray(32), HALF_N) > 0) return false
      // The signer's shortcut for the signed text (plain ASCII fields written in sorted order),
      // else the general serializer: the same bytes either way.
      const text = receiptText(receipt)
      const message =
        text === undefined ? receiptSigningBytes(receipt) : Buffer.from(text, 'latin1')
      return verify('sha256', message, options, bytes)
    } catch {
      return false
    }
  }
}

/**
 * A receipt checker for a log whose receipt key changed: each receipt is checked with the key
 * that signs its sequence number (the last one starting at or below it).
 *
 * @throws {Error} when a key is not an uncompressed P-256 point, or the keys are not in order
 *   from seq 0.
 * @example
 * const valid = createScheduledReceiptVerifier([{ fromSeq: 0, publicKey: a }, { fromSeq: 500, publicKey: b }])
 */
export function createScheduledReceiptVerifier(
  keys: readonly ClaimedReceiptKey[],
): (receipt: SignedReceipt) => boolean {
  if (keys[0]?.fromSeq !== 0) throw new Error('the first receipt key must start at seq 0')
  for (let i = 1; i < keys.length; i++)
    if ((keys[i] as ClaimedReceiptKey).fromSeq < (keys[i - 1] as ClaimedReceiptKey).fromSeq)
      throw new Error('receipt keys must be in order of their first seq')
  const verifiers = keys.map((k) => ({
    fromSeq: k.fromSeq,
    verify: createReceiptVerifier(k.publicKey),
  }))
  if (verifiers.length === 1) return (verifiers[0] as (typeof verifiers)[number]).verify
  return (receipt) =>
    startFor(verifiers, typeof receipt?.seq === 'number' ? receipt.seq : -1)?.verify(receipt) ??
    false
}
