import type { Decision } from '../engine/types.ts'

/**
 * Turns a pause the budget cannot pay for into a refusal: state -1, trigger BUDGET, with the
 * pause's own checks kept in the causal graph so that the log says what would have paused.
 *
 * Spec: Sacred Pause Protocol §12.1 (fail-safe: budget exhausted → -1, not 0).
 *
 * @example
 * refuseForBudget(pauseDecision, 'caller').trigger_type // 'BUDGET'
 */
export function refuseForBudget(decision: Decision, exhausted: 'caller' | 'overall'): Decision {
  const whose = exhausted === 'caller' ? "the caller's" : "the profile's overall"
  return {
    state: -1,
    trigger_type: 'BUDGET',
    trigger_detail: `pause budget exhausted (${whose}); would have paused: ${decision.trigger_detail}`,
    metrics: decision.metrics,
    causal_graph: [
      ...decision.causal_graph,
      { trigger: 'BUDGET', check: `pause_budget_${exhausted}`, outcome: -1 },
    ],
  }
}
