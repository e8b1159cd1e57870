import type { Hex } from '../bytes/hex.ts'
import type { MtlResolution } from '../mtl/types.ts'
import { resolutionMessageOf } from './resolutionMessageOf.ts'
import { type ResolutionRejection, verifyResolutionSignature } from './verifyResolutionSignature.ts'

/** Parameters of {@link verifyResolutionMtl}. */
export type VerifyResolutionMtlParameters = {
  /** A resolution MTL that passed the schema (`validateMtl`). */
  mtl: MtlResolution
  /** The reviewers the pause's policy lists, from a source the verifier trusts. */
  reviewers: readonly string[]
}

/** Why a resolution MTL's reviewer signature does not hold. */
export type ResolutionMtlRejection =
  | ResolutionRejection
  | {
      reason: 'not_a_reviewer' | 'not_checkable' | 'wrong_arbiter'
      message: string
      signer?: Hex
    }

/**
 * Checks, from the log alone, the reviewer's signature of a resolution MTL: the message is
 * rebuilt from the record ({@link resolutionMessageOf}), the signature must be canonical, made
 * no later than its deadline as the log recorded it (the MTL's `timestamp`, not the verifier's
 * clock: a resolution stays valid after its deadline has passed), by a listed reviewer, who is
 * the one the record names as arbiter.
 *
 * Spec: EIP-712, EIP-2; docs/formats.md, Pause resolutions.
 *
 * @example
 * const result = await verifyResolutionMtl({ mtl, reviewers: policy.reviewers })
 * if ('reason' in result) console.log(result.reason, result.message)
 */
export async function verifyResolutionMtl({
  mtl,
  reviewers,
}: VerifyResolutionMtlParameters): Promise<
  { reviewer: Hex; deadline: number } | ResolutionMtlRejection
> {
  const { arbiter, signature, deadline } = mtl.resolution
  if (arbiter.kind !== 'reviewer')
    return {
      reason: 'not_a_reviewer',
      message: `the arbiter is a ${arbiter.kind}, not a reviewer`,
    }
  const { message, missing } = resolutionMessageOf(mtl)
  if (missing)
    return {
      reason: 'not_checkable',
      message: `the record lacks ${missing.join(' and ')}, which the reviewer signed (written before they were logged)`,
    }
  const loggedAt = Math.floor(Date.parse(mtl.timestamp) / 1000)
  if (!Number.isFinite(loggedAt))
    return { reason: 'not_checkable', message: `timestamp ${mtl.timestamp} is not a date` }
  const result = await verifyResolutionSignature({
    message,
    signature,
    reviewers,
    now: loggedAt,
  })
  if ('reason' in result) {
    if (result.reason === 'expired')
      return {
        reason: 'expired',
        message: `logged at ${mtl.timestamp}, after the signed deadline ${new Date((deadline ?? 0) * 1000).toISOString()}`,
      }
    return result
  }
  if (result.reviewer !== arbiter.id.toLowerCase())
    return {
      reason: 'wrong_arbiter',
      message: `signed by ${result.reviewer}, but the record names ${arbiter.id} as the reviewer`,
      signer: result.reviewer,
    }
  return { reviewer: result.reviewer, deadline: deadline as number }
}
