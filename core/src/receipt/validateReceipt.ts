import type { SignedReceipt } from './Receipt.ts'
import { receiptIssues } from './receiptIssues.ts'

/** The result of {@link validateReceipt}. */
export type ValidateReceiptReturnType =
  | { valid: true; receipt: SignedReceipt }
  | { valid: false; issues: { path: string; message: string }[] }

/**
 * Checks that an untrusted value is a well-formed {@link SignedReceipt}: exactly its seven
 * fields, `v` = `tml-receipt/2`, lower-case 32-byte hex for `logId` and `leafHash`, a lower-case
 * UUID `traceId`, a non-negative safe-integer `seq`, an RFC 3339 UTC `timestamp` on a day that
 * exists, and a 64-byte lower-case hex `signature` (`r ‖ s`). It does not check the signature (see
 * {@link verifyReceipt}). Never throws; returns every issue with its JSON path.
 *
 * Spec: ARCHITECTURE.md, Formats, Receipt.
 *
 * @example
 * const r = validateReceipt(JSON.parse(text))
 * if (!r.valid) r.issues // [{ path: '$.seq', message: 'expected a non-negative safe integer, got -1' }]
 */
export function validateReceipt(value: unknown): ValidateReceiptReturnType {
  let issues: { path: string; message: string }[]
  try {
    issues = receiptIssues({ value, signed: true })
  } catch {
    // Only hostile values get here (a getter or a proxy trap that throws).
    return { valid: false, issues: [{ path: '$', message: 'cannot be read' }] }
  }
  return issues.length === 0
    ? { valid: true, receipt: value as SignedReceipt }
    : { valid: false, issues }
}
