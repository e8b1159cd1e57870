import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when a value is not a well-formed key rotation (statement). `issues` lists every problem
 * with the JSON path of the offending field (`$.rotation.fromEpoch`).
 *
 * @example
 * try { keyRotationStatementFromJson({}) } catch (e) {
 *   if (e instanceof InvalidKeyRotationError) e.issues // [{ path: '$.rotation', message: 'missing' }, …]
 * }
 */
export class InvalidKeyRotationError extends BaseError {
  override name = 'InvalidKeyRotationError' as const
  readonly issues: readonly { path: string; message: string }[]

  constructor(issues: readonly { path: string; message: string }[]) {
    super('Invalid key rotation.', {
      details: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    })
    this.issues = issues
  }
}
