import type { Hex } from '../bytes/hex.ts'
import { InvalidReceiptError } from './InvalidReceiptError.ts'
import type { Receipt, SignedReceipt } from './Receipt.ts'
import { receiptIssues } from './receiptIssues.ts'
import { receiptSigningBytes } from './receiptSigningBytes.ts'
import { signP256 } from './signP256.ts'

export type SignReceiptParameters = {
  receipt: Receipt
  /** The log's 32-byte P-256 receipt key (scalar in [1, n − 1]), as bytes or `0x` hex. */
  privateKey: Hex | Uint8Array
}

/**
 * Signs a receipt with the log's P-256 receipt key (ECDSA over SHA-256 of
 * {@link receiptSigningBytes}, low s, `r ‖ s`).
 *
 * Spec: FIPS 186-5 (ECDSA P-256, SHA-256), RFC 8785 (signed bytes).
 *
 * @throws {InvalidReceiptError} when the receipt is malformed (or already has a signature).
 * @throws {InvalidP256KeyError} when the key is not a valid 32-byte scalar.
 * @example
 * const signed = signReceipt({ receipt, privateKey: receiptKey }) // { ...receipt, signature: '0x…' }
 */
export function signReceipt({ receipt, privateKey }: SignReceiptParameters): SignedReceipt {
  const issues = receiptIssues({ value: receipt, signed: false })
  if (issues.length > 0) throw new InvalidReceiptError(issues)
  const signature = signP256({ message: receiptSigningBytes(receipt), privateKey })
  return { ...receipt, signature }
}
