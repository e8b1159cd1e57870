import { BaseError } from '@tml/core'

/**
 * A write refused by the database because another replica has taken a newer leader term than
 * the writer's (SQLSTATE TM003): this process no longer leads and must not write again.
 *
 * @example
 * new FencedError('checkpoint of epoch 9 refused', { cause })
 */
export class FencedError extends BaseError {
  override name = 'FencedError' as const
  readonly code = 'TML_FENCED'
}
