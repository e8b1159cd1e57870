/**
 * The one error class of `@tml/core`. Every failure is a small subclass with a literal
 * `name`, so that callers can tell failures apart without parsing messages (viem's model).
 *
 * @example
 * try { canonicalize(NaN) } catch (e) { if (e instanceof BaseError) console.log(e.shortMessage) }
 */
export type BaseErrorParameters = {
  /** Extra lines that explain the failure; shown after the short message. */
  details?: string | undefined
  /** The error that caused this one, if any. */
  cause?: unknown
}

export class BaseError extends Error {
  override name = 'BaseError'
  /** One line that says what went wrong, without the details. */
  readonly shortMessage: string
  readonly details: string | undefined

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const message = parameters.details
      ? `${shortMessage}\n\nDetails: ${parameters.details}`
      : shortMessage
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause })
    this.shortMessage = shortMessage
    this.details = parameters.details
  }
}
