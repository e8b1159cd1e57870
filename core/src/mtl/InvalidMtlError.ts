import { BaseError } from '../errors/BaseError.ts'
import type { MtlIssue } from './validateMtl.ts'

/**
 * Thrown by {@link assertMtl} for a value that is not a valid `mtl/1` record. `issues` lists every
 * field that is wrong (path and message); the message shows them one per line.
 *
 * @example
 * try { assertMtl(value) } catch (e) { if (e instanceof InvalidMtlError) e.issues[0]?.path }
 */
export class InvalidMtlError extends BaseError {
  override name = 'InvalidMtlError' as const
  readonly issues: readonly MtlIssue[]

  constructor(issues: readonly MtlIssue[]) {
    super(`Invalid MTL (mtl/1): ${issues.length} issue${issues.length === 1 ? '' : 's'}.`, {
      details: issues.map(({ path, message }) => `${path}: ${message}`).join('\n'),
    })
    this.issues = issues
  }
}
