import { createECDH, createPrivateKey, sign } from 'node:crypto'
import {
  canonicalize,
  type Hex,
  type Receipt,
  receiptKeyCommitment,
  type SignedReceipt,
} from '@tml/core'

/** Signs receipts with the log's P-256 receipt key. */
export type ReceiptSigner = {
  /**
   * The P-256 public key, uncompressed `0x04 ‖ x ‖ y` (65 bytes) in `0x` hex: what bundles carry
   * in `log.receiptPublicKey` and verifiers check receipts against.
   */
  publicKey: Hex
  /** `keccak256(x ‖ y)` of the public key: what the log declares on chain as its `receiptKey`. */
  keyCommitment: Hex
  sign(receipt: Receipt): SignedReceipt
  /** P-256 signature (SHA-256, low s, `r ‖ s`) of arbitrary bytes with the same key (statements). */
  signBytes(message: Uint8Array): Hex
}

/** The order n of the P-256 base point, and n/2: signatures are normalized to s ≤ n/2. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const HALF_N = N >> 1n

/**
 * A receipt signer for the decision lane: ECDSA P-256 over SHA-256 with Node's OpenSSL
 * (`dsaEncoding: 'ieee-p1363'`, so 64 bytes `r ‖ s`), then normalized to low s (s := n − s when
 * s > n/2), because the chain (OpenZeppelin P256, the 0x100 precompile users) and core's
 * `verifyReceipt` refuse high s and OpenSSL does not normalize. OpenSSL's nonces are random, so
 * the bytes differ from core's deterministic `signReceipt`; core's `verifyReceipt` accepts both.
 *
 * Spec: FIPS 186-5 §6.4.1 (ECDSA), SEC 1 v2 §2.3.3 (public key), RFC 8785 (signed bytes).
 *
 * @throws {RangeError} when the key is not 32 bytes holding a scalar in [1, n − 1].
 * @example
 * const signer = createReceiptSigner(privateKey)
 * const signed = signer.sign({ v: 'tml-receipt/2', logId, traceId, seq, leafHash, timestamp })
 */
export function createReceiptSigner(privateKey: Uint8Array): ReceiptSigner {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32)
    throw new RangeError('A P-256 receipt key is 32 bytes')
  const scalar = BigInt(`0x${Buffer.from(privateKey).toString('hex')}`)
  if (scalar === 0n || scalar >= N)
    throw new RangeError('A P-256 receipt key is a scalar in [1, n - 1]')
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(Buffer.from(privateKey))
  const point = ecdh.getPublicKey() // uncompressed: 0x04 ‖ x ‖ y
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: Buffer.from(privateKey).toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  const publicKey: Hex = `0x${point.toString('hex')}`
  const signBytes = (message: Uint8Array): Hex => {
    const signature = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' })
    const s = BigInt(`0x${signature.subarray(32).toString('hex')}`)
    if (s <= HALF_N) return `0x${signature.toString('hex')}`
    return `0x${signature.subarray(0, 32).toString('hex')}${(N - s).toString(16).padStart(64, '0')}`
  }
  return {
    publicKey,
    keyCommitment: receiptKeyCommitment(publicKey),
    signBytes,
    sign: (receipt) => {
      // The bytes of core's receiptSigningBytes: RFC 8785 of the six fields, signature excluded.
      const { v, logId, traceId, seq, leafHash, timestamp } = receipt
      const text = canonicalize({ v, logId, traceId, seq, leafHash, timestamp })
      return { ...receipt, signature: signBytes(Buffer.from(text)) }
    },
  }
}
