import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when a value is not a well-formed receipt. `issues` lists every problem with the JSON
 * path of the offending field.
 *
 * @example
 * try { signReceipt({ receipt: { ...receipt, seq: -1 }, privateKey }) } catch (e) {
 *   if (e instanceof InvalidReceiptError) e.issues // [{ path: '$.seq', message: '…' }]
 * }
 */
export class InvalidReceiptError extends BaseError {
  override name = 'InvalidReceiptError' as const
  readonly issues: readonly { path: string; message: string }[]

  constructor(issues: readonly { path: string; message: string }[]) {
    super('Invalid receipt.', {
      details: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    })
    this.issues = issues
  }
}
