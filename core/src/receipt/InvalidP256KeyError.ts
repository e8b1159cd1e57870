import { describeValue } from '../checkpoint/describeValue.ts'
import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when a P-256 receipt key cannot be used: a private key that is not 32 bytes or not a
 * scalar in [1, n − 1], or a public key that is not 65 bytes `0x04 ‖ x ‖ y` of a point on the
 * curve.
 *
 * @example
 * try { receiptPublicKey('0x1234') } catch (e) { e instanceof InvalidP256KeyError } // true
 */
export class InvalidP256KeyError extends BaseError {
  override name = 'InvalidP256KeyError' as const
  constructor(what: 'private key' | 'public key', value: unknown, reason?: string) {
    super(
      what === 'private key'
        ? 'Invalid P-256 private key: expected 32 bytes (or 0x hex of 32 bytes) holding a scalar in [1, n - 1].'
        : 'Invalid P-256 public key: expected 65 bytes (or 0x hex of 65 bytes) 0x04 ‖ x ‖ y of a point on the curve.',
      {
        details:
          reason ??
          `Got ${value instanceof Uint8Array ? `${value.length} bytes` : describeValue(value)}.`,
      },
    )
  }
}
