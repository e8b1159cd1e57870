import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when a value is not a well-formed checkpoint. `issues` lists every problem with the JSON
 * path of the offending field (`$.epoch`), so that a caller can show them all at once.
 *
 * @example
 * try { checkpointFromJson({}) } catch (e) {
 *   if (e instanceof InvalidCheckpointError) e.issues // [{ path: '$.logId', message: 'missing' }, …]
 * }
 */
export class InvalidCheckpointError extends BaseError {
  override name = 'InvalidCheckpointError' as const
  readonly issues: readonly { path: string; message: string }[]

  constructor(issues: readonly { path: string; message: string }[]) {
    super('Invalid checkpoint.', {
      details: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    })
    this.issues = issues
  }
}
