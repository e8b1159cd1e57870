import { BaseError } from '../errors/BaseError.ts'

/**
 * Thrown when a checkpoint signature is malformed or not canonical: not 65 bytes, `v` other than
 * 27 or 28, `r` or `s` out of range, or `s` in the upper half of the curve order (a malleable
 * twin of a valid signature, which OpenZeppelin ECDSA refuses). `reason` says which.
 *
 * @example
 * try { await recoverCheckpointSigner({ checkpoint, signature: '0x00' }) } catch (e) {
 *   if (e instanceof InvalidCheckpointSignatureError) e.reason // 'expected 65 bytes, got 1'
 * }
 */
export class InvalidCheckpointSignatureError extends BaseError {
  override name = 'InvalidCheckpointSignatureError' as const
  readonly reason: string

  constructor(reason: string, parameters: { cause?: unknown } = {}) {
    super(`Invalid checkpoint signature: ${reason}.`, parameters)
    this.reason = reason
  }
}
