import type { Hex } from '../bytes/hex.ts'
import type { SignedReceipt } from './Receipt.ts'
import { receiptSigningBytes } from './receiptSigningBytes.ts'
import { validateReceipt } from './validateReceipt.ts'
import { verifyEd25519 } from './verifyEd25519.ts'

export type VerifyReceiptParameters = {
  /** The receipt to check; untrusted (it is validated first). */
  receipt: SignedReceipt
  /** The log's 32-byte Ed25519 receipt public key, as bytes or `0x` hex (either case). */
  publicKey: Hex | Uint8Array
}

/**
 * True when `receipt` is a well-formed {@link SignedReceipt} whose signature verifies under
 * `publicKey` (strict RFC 8032, see {@link verifyEd25519}). Never throws: a malformed receipt,
 * signature or key is simply not valid.
 *
 * Spec: RFC 8032 §5.1.7, RFC 8785.
 *
 * @example
 * verifyReceipt({ receipt: bundle.receipt, publicKey: log.receiptPublicKey }) // true
 */
export function verifyReceipt({ receipt, publicKey }: VerifyReceiptParameters): boolean {
  const result = validateReceipt(receipt)
  if (!result.valid) return false
  return verifyEd25519({
    message: receiptSigningBytes(result.receipt),
    signature: result.receipt.signature,
    publicKey,
  })
}
