import type { Hex } from '../bytes/hex.ts'
import type { SignedReceipt } from './Receipt.ts'
import { receiptSigningBytes } from './receiptSigningBytes.ts'
import { validateReceipt } from './validateReceipt.ts'
import { verifyP256 } from './verifyP256.ts'

export type VerifyReceiptParameters = {
  /** The receipt to check; untrusted (it is validated first). */
  receipt: SignedReceipt
  /** The log's 65-byte P-256 receipt public key `0x04 ‖ x ‖ y`, as bytes or `0x` hex (either case). */
  publicKey: Hex | Uint8Array
}

/**
 * True when `receipt` is a well-formed {@link SignedReceipt} whose signature verifies under
 * `publicKey` (ECDSA P-256 over SHA-256, low s, key on the curve; see {@link verifyP256}). Never throws: a malformed receipt,
 * signature or key is simply not valid.
 *
 * Spec: FIPS 186-5 §6.4.2, RFC 8785.
 *
 * @example
 * verifyReceipt({ receipt: bundle.receipt, publicKey: log.receiptPublicKey }) // true
 */
export function verifyReceipt({ receipt, publicKey }: VerifyReceiptParameters): boolean {
  const result = validateReceipt(receipt)
  if (!result.valid) return false
  return verifyP256({
    message: receiptSigningBytes(result.receipt),
    signature: result.receipt.signature,
    publicKey,
  })
}
