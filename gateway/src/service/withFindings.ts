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
  const { metrics } = withExtraMetrics(decision.metrics, extra)
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

/**
 * `metrics` with the finite `extra` ones whose names it lacks, up to the schema's 32 (the
 * engine's own names win), and the names added: the one merge rule of {@link withFindings} and
 * of forensic replay, which re-applies the sealed measurements with it.
 *
 * @example
 * withExtraMetrics({ harm: 0.1 }, { harm: 0.9, tokens: 12 }) // { metrics: { harm: 0.1, tokens: 12 }, added: ['tokens'] }
 */
export function withExtraMetrics(
  metrics: Readonly<Record<string, number>>,
  extra: Readonly<Record<string, number>> | null | undefined,
): { metrics: Record<string, number>; added: string[] } {
  const merged = { ...metrics }
  const added: string[] = []
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (Object.keys(merged).length >= MTL_LIMITS.metrics) break
    if (!(name in merged) && Number.isFinite(value)) {
      merged[name] = value
      added.push(name)
    }
  }
  return { metrics: merged, added }
}
