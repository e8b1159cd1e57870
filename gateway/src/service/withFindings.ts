import { MTL_LIMITS } from '@tml/core'
import type { CausalStep, Decision } from '../engine/types.ts'

/** A check made outside the engine, with its human-readable detail (no personal data). */
export type DecisionFinding = { step: CausalStep; detail: string }

/**
 * The engine's decision with the edge's findings and extra metrics merged in: each finding is a
 * causal step, the state is the lowest outcome, and the trigger and its detail come from the
 * first step with that state (the engine's own rule). Metrics the engine measured win over extra
 * ones of the same name, and the record keeps at most the schema's 32. Written once: the
 * gateway decides with it and forensic replay re-applies the sealed findings with it.
 *
 * @example
 * const decision = withFindings(decide({ request, policy, environment }), { findings, extra_metrics })
 */
export function withFindings(
  decision: Decision,
  {
    findings = [],
    extra_metrics: extra,
  }: {
    findings?: readonly DecisionFinding[] | undefined
    extra_metrics?: Readonly<Record<string, number>> | undefined
  },
): Decision {
  if (findings.length === 0 && extra === undefined) return decision
  const metrics = { ...decision.metrics }
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (Object.keys(metrics).length >= MTL_LIMITS.metrics) break
    if (!(name in metrics) && Number.isFinite(value)) metrics[name] = value
  }
  let { state, trigger_type, trigger_detail } = decision
  for (const f of findings) {
    if (f.step.outcome < state) {
      state = f.step.outcome
      trigger_type = f.step.trigger
      trigger_detail = f.detail
    }
  }
  return {
    state,
    trigger_type,
    trigger_detail,
    metrics,
    causal_graph: [...decision.causal_graph, ...findings.map((f) => f.step)],
  }
}
