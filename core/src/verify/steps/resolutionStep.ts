import type { VerificationStep } from '../../bundle/VerificationStep.ts'
import type { Hex } from '../../bytes/hex.ts'
import type { MtlResolution } from '../../mtl/types.ts'
import { policyReviewers } from '../../resolution/policyReviewers.ts'
import { verifyResolutionMtl } from '../../resolution/verifyResolutionMtl.ts'
import { verifyHookResolution } from '../verifyHookResolution.ts'

/** Parameters of {@link resolutionStep}. */
export type ResolutionStepParameters = {
  /** The bundle's MTL once it passed the schema; undefined when it did not. */
  mtl: { kind: string } | undefined
  /**
   * The bundle's `policy` (the policy document as JSON), untrusted: it is used only when its
   * hash is the MTL's `policy_hash`.
   */
  policy: unknown
  /**
   * The log's P-256 receipt key the verifier trusts (checked against the chain's commitment):
   * it signs a verification hook's resolution. Undefined when no trusted key is known.
   */
  receiptPublicKey: Hex | undefined
}

const ID = 'resolution'
const TITLE = 'The pause was resolved by a listed reviewer, in time'

/**
 * Step `resolution`, for a resolution MTL only (undefined otherwise). By arbiter:
 * - `reviewer`: the EIP-712 signature rebuilt from the record must be canonical, by the
 *   reviewer the record names, made before its signed deadline as the log recorded it (the
 *   MTL's timestamp), and that reviewer must be listed by the policy the MTL names: the
 *   bundle's `policy` document, whose hash must be the MTL's `policy_hash`. Without a policy in
 *   the bundle, the signature and deadline are checked and the list is `unchecked`.
 * - `verification`: the gateway's P-256 statement (`tml-verification/1`) must verify under the
 *   trusted receipt key (`unchecked` without one).
 * - `timeout`, `budget`: no signature; a `notice` that the gateway itself refused.
 *
 * Spec: docs/formats.md, Pause resolutions; EIP-712, EIP-2.
 *
 * @example
 * const step = await resolutionStep({ mtl, policy: bundle.policy, receiptPublicKey })
 * if (step) onStep(step)
 */
export async function resolutionStep({
  mtl,
  policy,
  receiptPublicKey,
}: ResolutionStepParameters): Promise<VerificationStep | undefined> {
  if (mtl?.kind !== 'resolution') return undefined
  const record = mtl as MtlResolution
  const { arbiter } = record.resolution
  if (arbiter.kind === 'timeout' || arbiter.kind === 'budget')
    return {
      id: ID,
      title: TITLE,
      ok: true,
      outcome: 'notice',
      reason:
        arbiter.kind === 'timeout'
          ? 'No reviewer decided in time: the gateway refused when the pause timed out.'
          : "The gateway refused: the caller's pause budget was exhausted.",
      detail: `arbiter ${arbiter.kind} ${arbiter.id}, no signature`,
    }
  if (arbiter.kind === 'verification') return verificationStep(record, receiptPublicKey)

  const listed =
    policy === undefined ? undefined : policyReviewers({ policy, policyHash: record.policy_hash })
  if (listed?.problem !== undefined)
    return fail(
      'The policy that comes with this record is not the one the record names, so its reviewers cannot be trusted.',
      listed.problem,
    )
  // Without the policy, the signature and the deadline are still checked, against the reviewer
  // the record names.
  const result = await verifyResolutionMtl({
    mtl: record,
    reviewers: listed?.reviewers ?? [arbiter.id],
  })
  if ('reason' in result) {
    switch (result.reason) {
      case 'expired':
        return fail(
          'The reviewer signed with a deadline that had passed when the resolution was logged.',
          result.message,
        )
      case 'unlisted_reviewer':
        return fail(
          result.signer === arbiter.id.toLowerCase()
            ? "The reviewer who signed is not one of the policy's reviewers."
            : 'The reviewer signature does not match this resolution (forged or altered).',
          result.message,
        )
      case 'wrong_arbiter':
        return fail(
          'The resolution names a different reviewer from the one who signed it.',
          result.message,
        )
      case 'not_checkable':
        return fail(
          'The record does not carry what the reviewer signed, so the signature cannot be checked.',
          result.message,
        )
      default:
        return fail('The reviewer signature is malformed.', result.message)
    }
  }
  const at = `signed by ${result.reviewer}, deadline ${new Date(result.deadline * 1000).toISOString()}, logged ${record.timestamp}`
  if (listed === undefined)
    return {
      id: ID,
      title: TITLE,
      ok: true,
      outcome: 'unchecked',
      reason:
        "The reviewer's signature is valid and in time, but whether the policy lists this reviewer was not checked: the bundle does not carry the policy.",
      detail: at,
    }
  return {
    id: ID,
    title: TITLE,
    ok: true,
    outcome: 'pass',
    detail: `${at}; listed by policy ${record.policy_hash}`,
  }
}

function verificationStep(record: MtlResolution, key: Hex | undefined): VerificationStep {
  const r = record.resolution
  if (r.pause_leaf_hash === undefined || typeof r.signature !== 'string')
    return fail(
      'The record does not carry what the verification signed, so its signature cannot be checked.',
      'resolution.pause_leaf_hash or resolution.signature is missing',
    )
  if (key === undefined)
    return {
      id: ID,
      title: TITLE,
      ok: true,
      outcome: 'unchecked',
      reason:
        "The automatic verification's signature was not checked: the log's receipt key is not known.",
      detail: `arbiter verification ${r.arbiter.id}`,
    }
  // The statement the gateway signs for a verification hook (PauseManager), with the receipt key.
  const checked = verifyHookResolution({ mtl: record, receiptPublicKey: key })
  if (!checked.ok)
    return fail(
      "The automatic verification's signature does not match this resolution (forged or altered).",
      checked.message,
    )
  return {
    id: ID,
    title: TITLE,
    ok: true,
    outcome: 'pass',
    detail: `verification ${r.arbiter.id}, signed with the log's receipt key`,
  }
}

function fail(reason: string, detail: string): VerificationStep {
  return { id: ID, title: TITLE, ok: false, outcome: 'fail', reason, detail }
}
