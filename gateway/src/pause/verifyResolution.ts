import {
  type ResolutionRejection,
  type VerifyResolutionSignatureParameters,
  verifyResolutionSignature,
} from '@tml/core'

/** Parameters of {@link verifyResolution}: core's, with `now` in unix seconds of the gateway's clock. */
export type VerifyResolutionParameters = VerifyResolutionSignatureParameters

export type { ResolutionRejection }

/**
 * The gateway's check of a reviewer's resolution before it is logged: core's
 * `verifyResolutionSignature` (the same rules verifiers apply to the logged record) against the
 * current time.
 *
 * Spec: EIP-712, EIP-2; docs/formats.md, Pause resolutions.
 *
 * @example
 * const result = await verifyResolution({ message, signature, reviewers: policy.reviewers, now: Math.floor(Date.now() / 1000) })
 * if ('reason' in result) reply.code(result.reason === 'unlisted_reviewer' ? 403 : 400)
 */
export const verifyResolution = verifyResolutionSignature
