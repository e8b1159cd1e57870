import {
  bytesToHex,
  type CausalNode,
  type Mtl,
  type MtlDecision,
  type MtlResolution,
  sha256,
  utf8ToBytes,
} from '@tml/core'
import { decide } from '../engine/decide.ts'
import type { Decision } from '../engine/types.ts'
import { buildDecisionDraft } from '../memory/buildMtl.ts'
import { withCausalNotes } from '../memory/withCausalNotes.ts'
import { refuseForBudget } from '../pause/refuseForBudget.ts'
import type { Policy } from '../policy/types.ts'
import { withExtraMetrics, withFindings } from '../service/withFindings.ts'
import type { VaultRecord } from '../vault/sealEvidence.ts'
import { jsonDifferences, type ReplayDifference } from './jsonDifferences.ts'
import { personalFieldsRead } from './personalFieldsRead.ts'
import { ReplayError } from './ReplayError.ts'
import { recordedCircumstances } from './recordedCircumstances.ts'
import { sealedEngineRequest } from './sealedEngineRequest.ts'

/** The fields of a decision MTL that the engine's decision fixes, as the replay rebuilt them. */
export type ReplayedDecision = Pick<
  MtlDecision,
  'state' | 'trigger_type' | 'trigger_detail' | 'metrics' | 'causal_graph' | 'escalation_target'
>

/** What a replay found: identical, or every difference with its JSONPath. */
export type ReplayResult = {
  trace_id: string
  seq: number
  kind: 'decision' | 'resolution'
  /** True when no difference was found. */
  identical: boolean
  /**
   * Paths are into the MTL (`$.state`, `$.causal_graph[1].threshold`), or into the opened sealed
   * record under `$.sealed` (`$.sealed.scores.harm`: the engine's scores as sealed).
   */
  differences: ReplayDifference[]
  /** The replayed decision fields; null for a resolution (an arbiter decided, not the engine). */
  replayed: ReplayedDecision | null
  /** What the replay took from the record instead of recomputing it (see `recordedCircumstances`). */
  taken_from_record: string[]
  /** What the reader of the report should know (personal fields read by rules, resolutions). */
  notes: string[]
}

/** Parameters of {@link replayRecord}. */
export type ReplayRecordParameters = {
  /** The anchored MTL (from a verified proof bundle). */
  mtl: Mtl
  /** Its sealed record, opened (its envelope checked against `evidence_seal`). */
  record: VaultRecord
  /** The policy of `mtl.policy_hash` (see `policyFromArchive`). */
  policy: Policy
}

/**
 * Forensic replay of one record, pure: rebuilds the engine's request from the sealed evidence
 * (checked against `input_hash`), re-runs the decision engine under the policy and the
 * circumstances the record states (time, gateway health, pause budget, notes), builds the MTL's
 * decision fields with the gateway's own code (`buildDecisionDraft`: trigger detail, causal graph
 * with thresholds and comparisons, escalation target) and compares them field by field with the
 * record, and the engine's scores with the sealed ones. The engine is deterministic: any
 * difference means the record does not follow from its inputs.
 *
 * A resolution is an arbiter's decision: its replay checks the sealed rationale against
 * `rationale_hash`; the pause it closes is replayed by its own trace id.
 * @throws {ReplayError} `TML_REPLAY_INPUT_HASH` (evidence not the hashed one),
 *   `TML_REPLAY_RECORD` (a kind the engine does not decide, nothing sealed).
 *
 * @example
 * const result = replayRecord({ mtl, record, policy })
 * result.identical // true, or result.differences: [{ path: '$.state', recorded: 1, replayed: 0 }]
 */
export function replayRecord({ mtl, record, policy }: ReplayRecordParameters): ReplayResult {
  if (mtl.kind === 'resolution') return replayResolution(mtl, record)
  if (mtl.kind !== 'decision')
    throw new ReplayError(
      `trace ${mtl.trace_id} is an MTL of kind ${mtl.kind}: only decisions (and resolutions) are replayed`,
      { code: 'TML_REPLAY_RECORD' },
    )
  const request = sealedEngineRequest({ record, mtl, profile: policy.profile })
  const circumstances = recordedCircumstances(mtl)
  const engine = decide({ request, policy, environment: circumstances.environment })
  const taken = [...circumstances.taken]
  // The checks an inline proxy made at the edge were merged into the decision; sealed with it.
  const withEdge = withFindings(engine, { findings: record.findings })
  let decision: Decision = withSealedMeasurements(withEdge, record.scores, taken)
  if (circumstances.budgetExhausted !== undefined && decision.state === 0)
    decision = refuseForBudget(decision, circumstances.budgetExhausted)
  const draft = buildDecisionDraft({
    decision,
    traceId: mtl.trace_id,
    timestamp: mtl.timestamp,
    policyHash: mtl.policy_hash,
    model: mtl.model,
    ...(policy.pause.escalationTarget === undefined
      ? {}
      : { escalationTarget: policy.pause.escalationTarget }),
  })
  const replayed: ReplayedDecision = {
    state: draft.state,
    trigger_type: draft.trigger_type,
    trigger_detail: draft.trigger_detail,
    metrics: draft.metrics,
    causal_graph: withCausalNotes(draft.causal_graph, circumstances.notes),
    ...(draft.escalation_target === undefined
      ? {}
      : { escalation_target: draft.escalation_target }),
  }
  const recorded: ReplayedDecision = {
    state: mtl.state,
    trigger_type: mtl.trigger_type,
    trigger_detail: mtl.trigger_detail,
    metrics: mtl.metrics,
    causal_graph: mtl.causal_graph as CausalNode[],
    ...(mtl.escalation_target === undefined ? {} : { escalation_target: mtl.escalation_target }),
  }
  const differences = [
    ...jsonDifferences(recorded, replayed),
    ...jsonDifferences(record.scores, decision.metrics, '$.sealed.scores'),
  ]
  const notes = personalFieldsRead(policy).map(
    (r) =>
      `rule ${r.rule} reads ${r.field}, which the vault seals as its pseudonym (${r.piiField} is a pii_field): the replay judged it on the pseudonym, the gateway on the raw value`,
  )
  return {
    trace_id: mtl.trace_id,
    seq: mtl.seq,
    kind: 'decision',
    identical: differences.length === 0,
    differences,
    replayed,
    taken_from_record: taken,
    notes,
  }
}

/**
 * The engine's decision with the measurements the gateway recorded beside the engine's (an
 * inline proxy's token usage): sealed with the scores, they are taken from there as
 * `DecisionService` merged them (the engine's own names win, at most the schema's 32).
 */
function withSealedMeasurements(
  decision: Decision,
  scores: Readonly<Record<string, number>> | null,
  taken: string[],
): Decision {
  const { metrics, added } = withExtraMetrics(decision.metrics, scores)
  if (added.length === 0) return decision
  taken.push(`measurements sealed beside the engine's scores: ${added.join(', ')}`)
  return { ...decision, metrics }
}

function replayResolution(mtl: MtlResolution, record: VaultRecord): ReplayResult {
  if (record.trace_id !== mtl.trace_id)
    throw new ReplayError(
      `the sealed record is that of trace ${record.trace_id}, not of ${mtl.trace_id}`,
      { code: 'TML_REPLAY_INPUT_HASH' },
    )
  const notes = [
    `a resolution is decided by its arbiter (${mtl.resolution.arbiter.kind}), not by the engine: replay the pause it closes, trace ${mtl.refers_to}`,
  ]
  const differences: ReplayDifference[] = []
  if (record.rationale === null) notes.push('no rationale text was sealed with this resolution')
  else {
    const hash = bytesToHex(sha256(utf8ToBytes(record.rationale)))
    differences.push(
      ...jsonDifferences(mtl.resolution.rationale_hash, hash, '$.resolution.rationale_hash'),
    )
  }
  return {
    trace_id: mtl.trace_id,
    seq: mtl.seq,
    kind: 'resolution',
    identical: differences.length === 0,
    differences,
    replayed: null,
    taken_from_record: [],
    notes,
  }
}
