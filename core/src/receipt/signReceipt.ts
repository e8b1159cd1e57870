import type { Hex } from '../bytes/hex.ts'
import { InvalidReceiptError } from './InvalidReceiptError.ts'
import type { Receipt, SignedReceipt } from './Receipt.ts'
import { receiptIssues } from './receiptIssues.ts'
import { receiptSigningBytes } from './receiptSigningBytes.ts'
import { signEd25519 } from './signEd25519.ts'

export type SignReceiptParameters = {
  receipt: Receipt
  /** The log's 32-byte Ed25519 receipt key (seed), as bytes or `0x` hex. */
  privateKey: Hex | Uint8Array
}

/**
 * Signs a receipt with the log's Ed25519 receipt key over {@link receiptSigningBytes}.
 *
 * Spec: RFC 8032 (Ed25519), RFC 8785 (signed bytes).
 *
 * @throws {InvalidReceiptError} when the receipt is malformed (or already has a signature).
 * @throws {InvalidEd25519KeyError} when the key is not 32 bytes.
 * @example
 * const signed = signReceipt({ receipt, privateKey: receiptKey }) // { ...receipt, signature: '0x…' }
 */
export function signReceipt({ receipt, privateKey }: SignReceiptParameters): SignedReceipt {
  const issues = receiptIssues({ value: receipt, signed: false })
  if (issues.length > 0) throw new InvalidReceiptError(issues)
  const signature = signEd25519({ message: receiptSigningBytes(receipt), privateKey })
  return { ...receipt, signature }
}
