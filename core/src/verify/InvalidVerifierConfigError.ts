import { BaseError } from '../errors/BaseError.ts'

/**
 * The verifier's own configuration is unusable (not the bundle: a bad bundle is a failed step,
 * never an error): a chain listed twice, a chain without a pinned CheckpointRegistry while the
 * bundle is not trusted, an address that is not one.
 *
 * @example
 * throw new InvalidVerifierConfigError('chain 31337 has no checkpointRegistry')
 */
export class InvalidVerifierConfigError extends BaseError {
  override name = 'InvalidVerifierConfigError' as const
}
