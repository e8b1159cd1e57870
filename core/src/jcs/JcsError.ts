import { BaseError } from '../errors/BaseError.ts'

export type JcsErrorParameters = {
  /** JSON path of the value that cannot be canonicalized, e.g. `$.metrics.entropy`. */
  path: string
  /** Why it cannot, e.g. `NaN cannot be represented in RFC 8785 JSON`. */
  reason: string
}

/**
 * Thrown by {@link canonicalize} for a value that has no RFC 8785 form. The message starts with
 * the JSON path of the offending value so that a caller can find it in a large object.
 *
 * Spec: RFC 8785 §3.1 (the input must be I-JSON: finite numbers, well-formed Unicode strings).
 *
 * @example
 * try { canonicalize({ a: Number.NaN }) } catch (e) {
 *   if (e instanceof JcsError) e.path // '$.a'
 * }
 */
export class JcsError extends BaseError {
  override name = 'JcsError' as const
  readonly path: string
  readonly reason: string

  constructor({ path, reason }: JcsErrorParameters) {
    super(`${path}: ${reason}`)
    this.path = path
    this.reason = reason
  }
}
