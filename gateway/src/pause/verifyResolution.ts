import {
  assertCanonicalSignature,
  type Hex,
  isHex,
  type ResolutionMessage,
  resolutionTypedData,
} from '@tml/core'
import { recoverTypedDataAddress } from 'viem'

/** Parameters of {@link verifyResolution}. */
export type VerifyResolutionParameters = {
  message: ResolutionMessage
  signature: unknown
  /** Lower-case addresses of the reviewers the pause's policy lists. */
  reviewers: readonly string[]
  /** Unix seconds. */
  now: number
}

/** Why a resolution signature is refused. */
export type ResolutionRejection = {
  reason: 'malformed_signature' | 'expired' | 'unlisted_reviewer'
  message: string
  /** The recovered signer, when the signature was well formed. */
  signer?: Hex
}

/**
 * Checks a reviewer's EIP-712 resolution: a canonical 65-byte secp256k1 signature (low s, EIP-2),
 * a deadline not passed, and a signer that the policy lists as a reviewer. Returns the reviewer's
 * address, or why not. A signature over other values (another pause, decision or log) recovers
 * to another address, which is then not a listed reviewer.
 *
 * Spec: EIP-712, EIP-2; Sacred Pause Protocol §10.2 (the reviewer's identity signed into the resolution).
 *
 * @example
 * const result = await verifyResolution({ message, signature, reviewers: policy.reviewers, now: Math.floor(Date.now() / 1000) })
 * if ('reason' in result) reply.code(result.reason === 'unlisted_reviewer' ? 403 : 400)
 */
export async function verifyResolution({
  message,
  signature,
  reviewers,
  now,
}: VerifyResolutionParameters): Promise<{ reviewer: Hex } | ResolutionRejection> {
  try {
    assertCanonicalSignature(signature)
  } catch (e) {
    return {
      reason: 'malformed_signature',
      message: `signature: ${(e as { shortMessage?: string }).shortMessage ?? 'invalid'}`,
    }
  }
  if (BigInt(now) > message.deadline)
    return { reason: 'expired', message: `deadline ${message.deadline} has passed` }
  let signer: Hex
  try {
    signer = (
      await recoverTypedDataAddress({
        ...resolutionTypedData(message),
        signature: signature as Hex,
      })
    ).toLowerCase() as Hex
  } catch {
    return { reason: 'malformed_signature', message: 'signature: no signer can be recovered' }
  }
  if (!isHex(signer, 20) || !reviewers.includes(signer)) {
    return {
      reason: 'unlisted_reviewer',
      message: `signer ${signer} is not a reviewer of this policy`,
      signer,
    }
  }
  return { reviewer: signer }
}
