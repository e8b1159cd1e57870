import type { StepOutcome, VerificationStep } from '../../bundle/VerificationStep.ts'

/**
 * A `verifyProof` step: `ok` follows from the outcome (false only for `fail`); a plain-language
 * `reason` and the technical `detail` when there is something to say. Internal to verify.
 *
 * @example makeStep({ id: 'keys', title: 'The chains agree on the keys', outcome: 'pass' })
 */
export function makeStep({
  id,
  title,
  outcome,
  reason,
  detail,
}: {
  id: string
  title: string
  outcome: StepOutcome
  reason?: string | undefined
  detail?: string | undefined
}): VerificationStep {
  const step: VerificationStep = { id, title, ok: outcome !== 'fail', outcome }
  if (reason !== undefined) step.reason = reason
  if (detail !== undefined && detail !== '') step.detail = detail
  return step
}

/**
 * A step of `verifyBundle` (technical `reason`) as `verifyProof` shows it: the plain-language
 * reason for its id, the technical one as `detail`.
 *
 * @example plainStep(step, 'The record was changed after it was logged.')
 */
export function plainStep(step: VerificationStep, plain: string): VerificationStep {
  if (step.ok) return makeStep({ id: step.id, title: step.title, outcome: 'pass' })
  return makeStep({
    id: step.id,
    title: step.title,
    outcome: 'fail',
    reason: plain,
    detail: step.reason,
  })
}
