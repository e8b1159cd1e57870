import type { CausalNode } from '@tml/core'
import type { EngineEnvironment } from '../engine/types.ts'

/** The decision fields of an MTL that {@link recordedCircumstances} reads. */
export type RecordedDecision = {
  timestamp: string
  trigger_detail: string
  causal_graph: readonly CausalNode[]
}

/**
 * What a replay takes from the record because the engine's request does not hold it: the state
 * of the gateway when it decided, which no sealed input can give back.
 */
export type RecordedCircumstances = {
  /** The engine's environment: the MTL's timestamp, the store up, anchoring as recorded. */
  environment: EngineEnvironment
  /** Whose pause budget was exhausted, when the record says a pause was refused for it. */
  budgetExhausted: 'caller' | 'overall' | undefined
  /** Nodes the gateway appended after the engine's graph (standing facts such as `posthoc_review`). */
  notes: CausalNode[]
  /** Each of the above in words, for the replay report. */
  taken: string[]
}

/** Node kinds the engine's causal graph is made of (see `causalGraph`): anything else is a note. */
const ENGINE_KINDS = new Set([
  'ambiguity',
  'harm',
  'contextual',
  'mandate',
  'manual',
  'budget',
  'ledger',
  'metric',
  'field',
  'state',
])

const ANCHORING_DETAIL = /^anchoring unavailable: (.*?)(?: \(and \d+ more in causal_graph\))?$/s

/**
 * The circumstances of a decision that only the record states, so that a replay re-runs the
 * engine under them and checks everything else:
 * - **time**: the engine's clock is the MTL's `timestamp` (the gateway records the very
 *   millisecond it decided at);
 * - **the store**: up (a decision taken while the store was down is never logged);
 * - **anchoring**: unavailable exactly when the record has the `check:anchoring_unavailable`
 *   node, with the reason its `trigger_detail` gives;
 * - **pause budget**: exhausted when the record has a `check:pause_budget_*` node (the budget is
 *   the gateway's running state, applied after the engine by `refuseForBudget`);
 * - **notes**: nodes after the engine's `state` node that no engine check makes.
 * A replay that takes these from the record still checks that the rest follows from them.
 *
 * @example
 * const { environment, budgetExhausted, notes } = recordedCircumstances(mtl)
 */
export function recordedCircumstances(mtl: RecordedDecision): RecordedCircumstances {
  const taken = [`time: the MTL's timestamp ${mtl.timestamp}`]
  const now = Date.parse(mtl.timestamp)
  const ids = new Set(mtl.causal_graph.map((n) => n.id))
  const environment: EngineEnvironment = { now, storeAvailable: true, anchoringAvailable: true }
  if (ids.has('check:anchoring_unavailable')) {
    environment.anchoringAvailable = false
    const reason = ANCHORING_DETAIL.exec(mtl.trigger_detail)?.[1]
    if (reason !== undefined) environment.anchoringReason = reason
    taken.push(`anchoring: unavailable (${reason ?? 'reason not recorded'})`)
  }
  const budgetExhausted = ids.has('check:pause_budget_caller')
    ? 'caller'
    : ids.has('check:pause_budget_overall')
      ? 'overall'
      : undefined
  if (budgetExhausted !== undefined)
    taken.push(`pause budget: exhausted (${budgetExhausted}), so a pause is refused`)
  let stateAt = -1
  mtl.causal_graph.forEach((n, i) => {
    if (n.kind === 'state') stateAt = i
  })
  const notes = mtl.causal_graph.slice(stateAt + 1).filter((n) => !ENGINE_KINDS.has(n.kind))
  for (const note of notes) taken.push(`note: ${note.id}`)
  return { environment, budgetExhausted, notes, taken }
}
