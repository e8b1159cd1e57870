import { describeValue } from '../checkpoint/describeValue.ts'
import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when an Ed25519 key is not 32 bytes (as a `Uint8Array` or as `0x` hex).
 *
 * @example
 * try { receiptPublicKey('0x1234') } catch (e) { e instanceof InvalidEd25519KeyError } // true
 */
export class InvalidEd25519KeyError extends BaseError {
  override name = 'InvalidEd25519KeyError' as const
  constructor(what: 'private key' | 'public key', value: unknown) {
    super(`Invalid Ed25519 ${what}: expected 32 bytes or 0x hex of 32 bytes.`, {
      details: `Got ${value instanceof Uint8Array ? `${value.length} bytes` : describeValue(value)}.`,
    })
  }
}
