import { BaseError } from '@tml/core'
import type { PauseResolution } from './PauseResolution.ts'

/**
 * The pause does not exist (or is not a pause). Answered 404.
 *
 * @example
 * throw new PauseNotFoundError(pauseId)
 */
export class PauseNotFoundError extends BaseError {
  override name = 'PauseNotFoundError' as const
  constructor(pauseId: string) {
    super(`No pause ${pauseId}`)
  }
}

/**
 * The pause is already resolved, or being resolved. Answered 409, with the resolution when known.
 *
 * @example
 * throw new PauseAlreadyResolvedError(pauseId, resolution)
 */
export class PauseAlreadyResolvedError extends BaseError {
  override name = 'PauseAlreadyResolvedError' as const
  readonly resolution: PauseResolution | undefined
  constructor(pauseId: string, resolution?: PauseResolution) {
    super(
      resolution
        ? `Pause ${pauseId} is already resolved (${resolution.state})`
        : `Pause ${pauseId} is being resolved`,
    )
    this.resolution = resolution
  }
}

/**
 * A verification hook gave no usable answer (unreachable, an error status, no answer in time, or
 * not `{ decision: 1 | -1, rationale }`). The pause stays open for the reviewers; the gateway
 * logs this as a warning.
 *
 * @example
 * throw new VerificationHookError('http://127.0.0.1:9000/verify', 'no answer within 2000 ms')
 */
export class VerificationHookError extends BaseError {
  override name = 'VerificationHookError' as const
  readonly verifier: string
  constructor(verifier: string, reason: string, cause?: unknown) {
    super(`Verification hook ${verifier}: ${reason}`, { cause })
    this.verifier = verifier
  }
}

/**
 * A reviewer's signed deadline passed before the resolution could be logged: the record would
 * carry a timestamp after its deadline, which verifiers refuse. Answered 400 (`expired`).
 *
 * @example
 * throw new ResolutionExpiredError(pauseId, 1735689600)
 */
export class ResolutionExpiredError extends BaseError {
  override name = 'ResolutionExpiredError' as const
  constructor(pauseId: string, deadline: number) {
    super(`The signed deadline ${deadline} of the resolution of pause ${pauseId} has passed`)
  }
}
