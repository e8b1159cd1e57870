// `tml-receipt/2` receipts signed in the tests as docs/formats.md (Receipt) says:
// ECDSA P-256 over SHA-256 of the RFC 8785 bytes of the six fields (core's canonicalize), `r ‖ s`
// with low s. Signed with node:crypto; the receipt key on chain is keccak256(x ‖ y).
import { createECDH, createPrivateKey, type KeyObject, sign } from 'node:crypto'
import { canonicalize } from '@tml/core'
import { concat, type Hex, keccak256, toHex } from 'viem'

export const RECEIPT_V2 = 'tml-receipt/2'
/** The order of the P-256 group. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

/** A receipt as the contract takes it (`v` implied). */
export type TestReceipt = {
  logId: Hex
  traceId: string
  seq: bigint
  leafHash: Hex
  timestamp: string
}

export type ReceiptKeyPair = {
  privateKey: KeyObject
  x: Hex
  y: Hex
  /** keccak256(x ‖ y): the receipt key as the registries store it. */
  commitment: Hex
}

const base64url = (hex: Hex) => Buffer.from(hex.slice(2), 'hex').toString('base64url')

/** The P-256 key pair of the 32-byte scalar `secret` (deterministic, for fixtures). */
export function receiptKeyPair(secret: Hex): ReceiptKeyPair {
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(Buffer.from(secret.slice(2), 'hex'))
  const point = ecdh.getPublicKey()
  const x = toHex(point.subarray(1, 33))
  const y = toHex(point.subarray(33, 65))
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: base64url(secret), x: base64url(x), y: base64url(y) },
    format: 'jwk',
  })
  return { privateKey, x, y, commitment: keccak256(concat([x, y])) }
}

/** The receipt object core signs, `v` included, with `seq` a JSON number. */
export function receiptObject(receipt: TestReceipt) {
  const { logId, traceId, seq, leafHash, timestamp } = receipt
  return { v: RECEIPT_V2, logId, traceId, seq: Number(seq), leafHash, timestamp }
}

/** The signed bytes: RFC 8785 of the receipt object, by core's canonicalize. */
export function receiptSigningBytes(receipt: TestReceipt): Uint8Array {
  return new TextEncoder().encode(canonicalize(receiptObject(receipt)))
}

/** `r ‖ s` (64 bytes, hex) over SHA-256 of the signed bytes, s normalized to low s. */
export function signReceiptV2(receipt: TestReceipt, key: ReceiptKeyPair): Hex {
  const raw = sign('sha256', receiptSigningBytes(receipt), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`)
  let s = BigInt(`0x${raw.subarray(32, 64).toString('hex')}`)
  if (s > P256_N / 2n) s = P256_N - s
  return concat([toHex(r, { size: 32 }), toHex(s, { size: 32 })])
}

/** The same signature with s := n - s: valid ECDSA, refused as high s. */
export function highS(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66)}`)
  return concat([signature.slice(0, 66) as Hex, toHex(P256_N - s, { size: 32 })])
}

/** RFC 3339 UTC with milliseconds of unix time `seconds`, as the gateway writes receipt timestamps. */
export function isoAt(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString()
}
