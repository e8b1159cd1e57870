import { BaseError } from '@tml/core'

/**
 * The monitor or `tml receipt check` cannot do what it was asked: a chain or gateway that cannot
 * be read, a configuration that pins no registry, a key that is not a key. Findings about the log
 * are not errors: they are {@link Finding}s.
 *
 * @example
 * throw new MonitorError('--rpc 31337: the RPC answers as chain 1')
 */
export class MonitorError extends BaseError {
  override name = 'MonitorError' as const
}
