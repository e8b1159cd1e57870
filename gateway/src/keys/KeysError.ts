import { BaseError } from '@tml/core'

/**
 * A key is missing or malformed. The gateway refuses to start: signing with the wrong key would
 * make every receipt unverifiable against what the log declared on chain.
 *
 * @example
 * new KeysError('TML_RECEIPT_KEY is not 32 bytes of 0x hex')
 */
export class KeysError extends BaseError {
  override name = 'KeysError' as const
}
