import { recoverTypedDataAddress } from 'viem'
import { type Hex, isHex } from '../bytes/hex.ts'
import { assertCanonicalSignature } from '../checkpoint/assertCanonicalSignature.ts'
import { type ResolutionMessage, resolutionTypedData } from './resolutionTypedData.ts'

/** Parameters of {@link verifyResolutionSignature}. */
export type VerifyResolutionSignatureParameters = {
  /** The message the reviewer signed. */
  message: ResolutionMessage
  /** The reviewer's signature, untrusted. */
  signature: unknown
  /** Addresses of the reviewers the pause's policy lists (any case). */
  reviewers: readonly string[]
  /**
   * Unix seconds the deadline is compared with: the current time for the gateway, which is
   * about to log the resolution; the resolution MTL's own timestamp for a verifier.
   */
  now: number | bigint
}

/** Why a reviewer's resolution signature is refused. */
export type ResolutionRejection = {
  reason: 'malformed_signature' | 'expired' | 'unlisted_reviewer'
  message: string
  /** The recovered signer, when the signature was well formed. */
  signer?: Hex
}

/**
 * Checks a reviewer's EIP-712 resolution: a canonical 65-byte secp256k1 signature (low s, EIP-2),
 * a deadline not passed at `now`, and a signer that the policy lists as a reviewer. Returns the
 * reviewer's lower-case address, or why not. A signature over other values (another pause,
 * decision, rationale, deadline or log) recovers to another address, which is then not a listed
 * reviewer. The gateway calls it before it logs a resolution, verifiers after (through
 * {@link verifyResolutionMtl}), so both apply the same rules.
 *
 * Spec: EIP-712, EIP-2; Sacred Pause Protocol §10.2 (the reviewer's identity signed into the
 * resolution).
 *
 * @example
 * const result = await verifyResolutionSignature({ message, signature, reviewers: ['0xabc…'], now: Math.floor(Date.now() / 1000) })
 * if ('reason' in result) console.log(result.message)
 */
export async function verifyResolutionSignature({
  message,
  signature,
  reviewers,
  now,
}: VerifyResolutionSignatureParameters): Promise<{ reviewer: Hex } | ResolutionRejection> {
  try {
    assertCanonicalSignature(signature)
  } catch (e) {
    return {
      reason: 'malformed_signature',
      message: `signature: ${(e as { shortMessage?: string }).shortMessage ?? 'invalid'}`,
    }
  }
  if (BigInt(now) > message.deadline)
    return {
      reason: 'expired',
      message: `deadline ${message.deadline} had passed at ${now}`,
    }
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
  const listed = reviewers.some((r) => typeof r === 'string' && r.toLowerCase() === signer)
  if (!isHex(signer, 20) || !listed) {
    return {
      reason: 'unlisted_reviewer',
      message: `signer ${signer} is not a reviewer of this policy`,
      signer,
    }
  }
  return { reviewer: signer }
}
