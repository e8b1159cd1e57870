import type { VerificationStep } from '../VerificationStep.ts'
import { errorMessage, Problems } from './Problems.ts'

/** Most issues quoted in one step's reason. */
const QUOTED_ISSUES = 10

/**
 * A step's problems from a list of reasons, quoting at most ten. Internal to the bundle and
 * verify steps.
 *
 * @example problemsOf(['$.v: missing']).step('bundle', 'The bundle is well-formed')
 */
export function problemsOf(reasons: string[]): Problems {
  const problems = new Problems()
  const quoted = reasons.slice(0, QUOTED_ISSUES)
  for (const reason of quoted) problems.add(reason)
  if (reasons.length > quoted.length) problems.add(`and ${reasons.length - quoted.length} more`)
  return problems
}

// Each step is guarded on its own: a hostile bundle (getters, proxies), a failing chain or a bug
// in one step must fail that step, not the whole verification.

/**
 * Runs a step that returns its problems; anything it throws fails that step.
 * @example guard('mtl', 'The MTL follows the mtl/1 schema', () => problemsOf([]))
 */
export function guard(id: string, title: string, run: () => Problems): VerificationStep {
  try {
    return run().step(id, title)
  } catch (error) {
    return failed(id, title, error)
  }
}

/**
 * Runs a step that returns a step; anything it throws fails that step.
 * @example guardStep('inclusion', "The MTL is in the checkpoint's tree", () => inclusionStep(p))
 */
export function guardStep(
  id: string,
  title: string,
  run: () => VerificationStep,
): VerificationStep {
  try {
    return run()
  } catch (error) {
    return failed(id, title, error)
  }
}

/**
 * {@link guardStep} for an asynchronous step.
 * @example await guardAsync('keys', 'The keys agree', () => keysStep(p))
 */
export async function guardAsync(
  id: string,
  title: string,
  run: () => Promise<VerificationStep>,
): Promise<VerificationStep> {
  try {
    return await run()
  } catch (error) {
    return failed(id, title, error)
  }
}

/**
 * The failed step for something thrown.
 * @example failed('anchored', 'The checkpoint is anchored', new Error('boom'))
 */
export function failed(id: string, title: string, error: unknown): VerificationStep {
  return { id, title, ok: false, reason: `could not be checked: ${errorMessage(error)}` }
}
