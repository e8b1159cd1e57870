import { BaseError } from '@tml/core'

/**
 * A keystore cannot be used: missing or unreadable file, not Web3 Secret Storage JSON, wrong
 * password, no password source, or a file that would be overwritten. Commands print the short
 * message and send nothing.
 *
 * @example
 * new KeystoreError('wrong password for the keystore operator.json')
 */
export class KeystoreError extends BaseError {
  override name = 'KeystoreError' as const
}
