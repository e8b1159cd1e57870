import { BaseError } from '../errors/BaseError.ts'

/**
 * A Bitcoin block header could not be had: the header source did not answer, answered
 * something that is not a header, or a header that is not the block it named. Says nothing
 * against a timestamp: its attestation is then unchecked, not false.
 *
 * @example
 * throw new BitcoinHeaderError(840000, 'the source answered 503')
 */
export class BitcoinHeaderError extends BaseError {
  override name = 'BitcoinHeaderError' as const
  readonly height: number | undefined
  constructor(height: number | undefined, reason: string, cause?: unknown) {
    super(
      height === undefined
        ? `Bitcoin block header: ${reason}`
        : `Bitcoin block ${height} header: ${reason}`,
      { cause },
    )
    this.height = height
  }
}
