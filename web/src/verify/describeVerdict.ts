import { chainName } from '../chain/chainName.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import type { VerificationState } from './runVerification.ts'

/** The verdict as the page says it: its tone, one headline, and what was and was not checked. */
export type VerdictWords = {
  tone: 'running' | 'ok' | 'failed'
  headline: string
  /** Core's sentence on what was and was not checked; undefined while checking. */
  scope: string | undefined
}

/**
 * Words for a verification's verdict. A failure leads with what the most telling failed step
 * means in plain words (a compromised log first: it discredits everything else); a success
 * names the chains that hold the checkpoint and says what could not be checked.
 *
 * @example describeVerdict(state, config).headline // 'Verified: this record is in a checkpoint …'
 */
export function describeVerdict(state: VerificationState, config: AppConfig): VerdictWords {
  if (!state.done) return { tone: 'running', headline: 'Checking…', scope: undefined }
  const scope = state.summary
  if (state.valid) {
    const on = state.anchoredOn.map((a) => chainName(config, a.chainId)).join(' and ')
    const unchecked = state.steps.filter((s) => s.status === 'unchecked')
    return {
      tone: 'ok',
      headline: `Verified: this record is in a checkpoint signed by its log and anchored on ${on}.${
        unchecked.length > 0
          ? ` Not checked here: ${unchecked.map((s) => s.title.charAt(0).toLowerCase() + s.title.slice(1)).join('; ')} (see below).`
          : ''
      }`,
      scope,
    }
  }
  const failed = state.steps.filter((s) => s.status === 'failed')
  const lead = failed.find((s) => s.id === 'logStatus') ?? failed[0]
  const count = failed.length
  return {
    tone: 'failed',
    headline: `Not verified. ${lead?.meaning ?? lead?.detail ?? lead?.title ?? 'The check could not run.'}${
      count > 1 ? ` (${count} checks failed: see below.)` : ''
    }`,
    scope,
  }
}
