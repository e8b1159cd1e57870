import type { Signals } from './types.ts'

/** One problem found by {@link validateSignals}: the field (dot path) and why. */
export type SignalIssue = { field: string; reason: string }

/** How far a distribution's sum may be from 1 before it is refused rather than renormalized. */
export const DISTRIBUTION_SUM_TOLERANCE = 1e-3

/**
 * Semantic checks of signals that a JSON Schema cannot express: a distribution sums to 1, log
 * probabilities are at most 0, sensors have vectors of one length. Types and ranges are the
 * schema's job (see the HTTP layer); this runs after it, on values already known to be numbers.
 * Returns every issue, empty when the signals are usable.
 *
 * Spec: Sacred Pause Protocol §4 (triggers must be deterministic and quantifiable).
 *
 * @example
 * validateSignals({ distribution: [0.5, 0.6] }) // [{ field: 'signals.distribution', reason: 'sums to 1.1, not 1' }]
 */
export function validateSignals(signals: Signals): SignalIssue[] {
  const issues: SignalIssue[] = []
  if (signals.distribution !== undefined) {
    const sum = signals.distribution.reduce((a, b) => a + b, 0)
    if (Math.abs(sum - 1) > DISTRIBUTION_SUM_TOLERANCE) {
      issues.push({ field: 'signals.distribution', reason: `sums to ${sum}, not 1` })
    }
  }
  signals.token_logprobs?.forEach((token, i) => {
    const j = token.findIndex((lp) => lp > 0)
    if (j >= 0)
      issues.push({
        field: `signals.token_logprobs.${i}.${j}`,
        reason: 'a log-probability must be ≤ 0',
      })
  })
  const dims = signals.sensors?.[0]?.vector.length
  signals.sensors?.forEach((sensor, i) => {
    if (sensor.vector.length !== dims) {
      issues.push({
        field: `signals.sensors.${i}.vector`,
        reason: `has ${sensor.vector.length} dimensions, the first sensor ${dims}`,
      })
    }
  })
  return issues
}
