import {
  type CausalNode,
  type Hex,
  MTL_LIMITS,
  type MtlArbiter,
  type MtlDecision,
  type MtlModel,
  type MtlResolution,
  type ResolutionDecision,
  type TriggerType,
} from '@tml/core'
import type { CausalStep, Decision } from '../engine/types.ts'

/** An MTL before the log places it: everything but `v`, `log_id` and `seq`. */
export type MtlDraft =
  | Omit<MtlDecision, 'v' | 'log_id' | 'seq'>
  | Omit<MtlResolution, 'v' | 'log_id' | 'seq'>

/**
 * A decision MTL before the log places it and before its evidence is hashed: everything but
 * `v`, `log_id`, `seq`, `input_hash`, `output_hash` and `subject` (the committer derives those).
 */
export type DecisionDraft = Omit<
  MtlDecision,
  'v' | 'log_id' | 'seq' | 'input_hash' | 'output_hash' | 'subject'
>

/** Parameters of {@link buildDecisionDraft}. */
export type BuildDecisionDraftParameters = {
  decision: Decision
  traceId: string
  /** RFC 3339 UTC time of the decision (ignition). */
  timestamp: string
  policyHash: Hex
  model: MtlModel
  /** Pseudonym of the API caller that asked for the decision (see `callerIdOf`). */
  caller?: `clr:${string}`
  /**
   * Who a pause escalates to (the policy's `pause.escalation_target`): recorded on pauses only,
   * since a decision that did not pause escalates to nobody.
   */
  escalationTarget?: string
}

/**
 * The part of a decision's MTL that the decision itself fixes: the engine's state, trigger and
 * metrics, the policy, the model and the causal graph (spec §9.1). Only numbers, field paths and
 * policy text reach it, never raw request values. The evidence hashes and the subject's pseudonym
 * are added where the record is sealed (see `sealRecord`), or at once by {@link buildDecisionMtl}.
 *
 * Spec: `mtl/1` (core's mtlSchema), Sacred Pause Protocol §9.1.
 *
 * @example
 * const draft = buildDecisionDraft({ decision, traceId, timestamp, policyHash, model })
 */
export function buildDecisionDraft(p: BuildDecisionDraftParameters): DecisionDraft {
  return {
    trace_id: p.traceId,
    timestamp: p.timestamp,
    kind: 'decision',
    state: p.decision.state,
    trigger_type: p.decision.trigger_type,
    trigger_detail: clip(p.decision.trigger_detail),
    metrics: p.decision.metrics,
    policy_hash: p.policyHash,
    model: p.model,
    causal_graph: causalGraph(p.decision),
    // Only when known, so records of callers that give neither keep their earlier form.
    ...(p.caller === undefined ? {} : { caller: p.caller }),
    ...(p.escalationTarget !== undefined && p.decision.state === 0
      ? { escalation_target: p.escalationTarget }
      : {}),
  }
}

/** Parameters of {@link buildDecisionMtl}. */
export type BuildDecisionMtlParameters = BuildDecisionDraftParameters & {
  /** SHA-256 of the pseudonymized evidence (see `hashEvidence`). */
  inputHash: Hex
  outputHash: Hex | null
  subject: `psn:${string}`
}

/**
 * The MTL draft of a decision: the engine's state, trigger and metrics, the hashes of the
 * pseudonymized evidence, and the causal graph (spec §9.1). Only numbers, field paths and policy
 * text reach it, never raw request values.
 *
 * Spec: `mtl/1` (core's mtlSchema), Sacred Pause Protocol §9.1.
 *
 * @example
 * const draft = buildDecisionMtl({ decision, traceId, timestamp, policyHash, model, inputHash, outputHash: null, subject })
 */
export function buildDecisionMtl(
  p: BuildDecisionMtlParameters,
): Omit<MtlDecision, 'v' | 'log_id' | 'seq'> {
  return {
    ...buildDecisionDraft(p),
    input_hash: p.inputHash,
    // Only a released answer has an output: a pause or a refusal releases nothing.
    output_hash: p.decision.state === 1 ? p.outputHash : null,
    subject: p.subject,
  }
}

/** Parameters of {@link buildResolutionMtl}. */
export type BuildResolutionMtlParameters = {
  /** The pause (decision with state 0) being closed. */
  pause: Pick<
    MtlDecision,
    'trace_id' | 'policy_hash' | 'model' | 'input_hash' | 'subject' | 'trigger_type' | 'timestamp'
  >
  decision: ResolutionDecision
  arbiter: MtlArbiter
  rationaleHash: Hex
  signature: Hex | null
  /** Leaf hash of the pause MTL: what a reviewer's or a verification's signature binds. */
  pauseLeafHash: Hex
  /** Unix seconds: the deadline a reviewer signed (reviewers only). */
  deadline?: number
  traceId: string
  timestamp: string
  /** Milliseconds the pause lasted. */
  pauseMs: number
  outputHash: Hex | null
}

/**
 * The MTL draft that closes a pause: a new record referring to the pause's `trace_id` (nothing
 * is rewritten). A human resolution has trigger MANUAL; a timeout or verification keeps the
 * pause's trigger. It carries the pause's policy, model, input and subject so that it can be
 * read on its own.
 *
 * Spec: `mtl/1`; Sacred Pause Protocol §5 phase 4, §6.1 transitions 3 and 4.
 *
 * @example
 * buildResolutionMtl({ pause, decision: -1, arbiter: { kind: 'timeout', id: 'gateway' }, rationaleHash, signature: null, pauseLeafHash, traceId, timestamp, pauseMs: 60000, outputHash: null })
 */
export function buildResolutionMtl(
  p: BuildResolutionMtlParameters,
): Omit<MtlResolution, 'v' | 'log_id' | 'seq'> {
  const trigger: TriggerType = p.arbiter.kind === 'reviewer' ? 'MANUAL' : p.pause.trigger_type
  const verb = p.decision === 1 ? 'approved' : 'refused'
  const by =
    p.arbiter.kind === 'timeout'
      ? `timed out after ${p.pauseMs} ms`
      : p.arbiter.kind === 'budget'
        ? 'pause budget exhausted'
        : `${verb} by ${p.arbiter.kind} ${p.arbiter.id}`
  return {
    trace_id: p.traceId,
    timestamp: p.timestamp,
    kind: 'resolution',
    state: p.decision,
    trigger_type: trigger,
    trigger_detail: clip(`pause ${p.pause.trace_id} ${by}`),
    metrics: { pause_ms: p.pauseMs },
    policy_hash: p.pause.policy_hash,
    model: p.pause.model,
    input_hash: p.pause.input_hash,
    output_hash: p.decision === 1 ? p.outputHash : null,
    subject: p.pause.subject,
    causal_graph: [
      { id: `pause:${p.pause.trace_id}`, kind: 'pause', inputs: [] },
      {
        id: `arbiter:${p.arbiter.kind}`,
        kind: p.arbiter.kind,
        inputs: [`pause:${p.pause.trace_id}`],
      },
    ],
    resolution: {
      decision: p.decision,
      arbiter: p.arbiter,
      rationale_hash: p.rationaleHash,
      // With these, a verifier rebuilds the signed message from the record alone.
      pause_leaf_hash: p.pauseLeafHash,
      ...(p.deadline === undefined ? {} : { deadline: p.deadline }),
      signature: p.signature,
    },
    refers_to: p.pause.trace_id,
  }
}

/**
 * The engine's fired checks as `mtl/1` causal nodes: each check is a node whose inputs are the
 * metric or request-field nodes it read, with the threshold it compared against and how (a
 * numeric check), and a final `state` node names the checks that decided the state. Within the
 * schema's limits (64 nodes, 16 inputs): check nodes are kept first, input nodes only while room
 * remains, so the graph is deterministic and never invalid.
 */
export function causalGraph(decision: Decision): CausalNode[] {
  const steps = decision.causal_graph
  if (steps.length === 0) return []
  const checkIds = steps.map((s) => `check:${s.check}`)
  // Room for input nodes once every check node and the state node have their place.
  let inputRoom = MTL_LIMITS.causalNodes - new Set(checkIds).size - 1
  const nodes: CausalNode[] = []
  const have = new Set<string>()
  const add = (node: CausalNode) => {
    if (have.has(node.id)) return
    have.add(node.id)
    nodes.push(node)
  }
  steps.forEach((step, i) => {
    const inputs: string[] = []
    for (const id of stepInputs(step)) {
      if (inputs.length >= MTL_LIMITS.causalInputs) break
      if (!have.has(id)) {
        if (inputRoom <= 0) continue
        inputRoom--
        add({ id, kind: id.startsWith('metric:') ? 'metric' : 'field', inputs: [] })
      }
      inputs.push(id)
    }
    add({
      id: checkIds[i] as string,
      kind: step.trigger.toLowerCase(),
      inputs,
      // Both or neither (the schema's rule): a threshold means nothing without its comparison.
      ...(step.threshold !== undefined && step.comparison !== undefined
        ? { threshold: step.threshold, comparison: step.comparison }
        : {}),
    })
  })
  const deciding = [
    ...new Set(steps.filter((s) => s.outcome === decision.state).map((s) => `check:${s.check}`)),
  ]
  add({ id: 'state', kind: 'state', inputs: deciding.slice(0, MTL_LIMITS.causalInputs) })
  return nodes
}

function stepInputs(step: CausalStep): string[] {
  if (step.metric !== undefined) return [`metric:${step.metric}`]
  return (step.fields ?? []).map((f) => `field:${f}`)
}

function clip(text: string): string {
  const points = Array.from(text)
  return points.length <= MTL_LIMITS.triggerDetailLength
    ? text
    : `${points.slice(0, MTL_LIMITS.triggerDetailLength - 1).join('')}…`
}
