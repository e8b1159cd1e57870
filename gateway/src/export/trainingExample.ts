import { canonicalize } from '@tml/core'
import type { VaultRecord } from '../vault/sealEvidence.ts'
import type { ResolvedPause } from './ResolvedPauseIndex.ts'

/**
 * The system message of every example: what the student is asked to do, the same on every line
 * (per-case facts go in the user message).
 */
export const TRAINING_SYSTEM_PROMPT =
  'You review decisions that an AI gateway held for a human under the Sacred Pause (state 0). ' +
  'The user message is the case as JSON: the pseudonymized request (input, context, signals), the ' +
  'output that was held if any, and the state the gateway proposed with its trigger, scores and ' +
  'causal graph. Answer with JSON: "decision" 1 to let it proceed or -1 to refuse, "action" ' +
  '"proceed" or "refuse", and "rationale", why.'

/** One chat message of the OpenAI chat fine-tuning format (text content only). */
export type TrainingMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string }

/**
 * Where an example came from in the log, written only on request (`--metadata`): OpenAI's
 * per-line schema has no such member, other tools (Hugging Face datasets) keep it as a column.
 */
export type TrainingMetadata = {
  log_id: string
  pause: { trace_id: string; seq: number }
  resolution: { trace_id: string; seq: number }
  arbiter: string
}

/** One line of a training export: system, user (the case), assistant (the human's decision). */
export type TrainingExample = {
  messages: [
    { role: 'system'; content: string },
    { role: 'user'; content: string },
    { role: 'assistant'; content: string },
  ]
  metadata?: TrainingMetadata
}

/** Parameters of {@link trainingExample}. */
export type TrainingExampleParameters = ResolvedPause & {
  /** The pause's opened sealed record (its evidence, held output and scores). */
  pauseRecord: VaultRecord
  /** The resolution's opened sealed record (its rationale). */
  resolutionRecord: VaultRecord
  /** Adds {@link TrainingMetadata} as `metadata`. */
  metadata?: boolean
}

/** The sealed evidence text as `{ context, input, signals }`, or null when none was sealed. */
function caseOf(evidence: string | null): unknown {
  return evidence === null ? null : (JSON.parse(evidence) as unknown)
}

/**
 * One training example from a resolved pause, in the OpenAI chat fine-tuning format: the system
 * message {@link TRAINING_SYSTEM_PROMPT}; the user message is the case, RFC 8785 JSON of
 * `{ request: { context, input, signals }, held_output, proposed: { state, trigger_type,
 * trigger_detail, scores, causal_graph, escalation_target? }, policy_hash, model }`, everything
 * as the log and the vault hold it (pseudonymized; an MCP tool call is `request.input.tool`, a
 * chat completion's tool calls are in `held_output`); the assistant message is RFC 8785 JSON of
 * `{ decision, action, rationale }`, the resolution's decision and its sealed rationale (null when
 * none was sealed).
 *
 * What never goes in: the record's personal layer (the raw subject id and `pii_fields` values,
 * sealed under the subject's key), the subject and caller pseudonyms, the arbiter's id and
 * signature. Pure: the caller has opened the records and decided that the pause may be exported.
 *
 * @example
 * const line = JSON.stringify(trainingExample({ pause, resolution, pauseRecord, resolutionRecord }))
 */
export function trainingExample(p: TrainingExampleParameters): TrainingExample {
  const { pause, resolution, pauseRecord, resolutionRecord } = p
  const user = canonicalize({
    request: caseOf(pauseRecord.evidence),
    held_output: pauseRecord.output === null ? null : (JSON.parse(pauseRecord.output) as unknown),
    proposed: {
      state: pause.state,
      trigger_type: pause.trigger_type,
      trigger_detail: pause.trigger_detail,
      scores: pauseRecord.scores ?? pause.metrics,
      causal_graph: pause.causal_graph,
      ...(pause.escalation_target === undefined
        ? {}
        : { escalation_target: pause.escalation_target }),
    },
    policy_hash: pause.policy_hash,
    model: pause.model,
  })
  const decision = resolution.resolution.decision
  const assistant = canonicalize({
    decision,
    action: decision === 1 ? 'proceed' : 'refuse',
    rationale: resolutionRecord.rationale,
  })
  return {
    messages: [
      { role: 'system', content: TRAINING_SYSTEM_PROMPT },
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
    ...(p.metadata
      ? {
          metadata: {
            log_id: pause.log_id,
            pause: { trace_id: pause.trace_id, seq: pause.seq },
            resolution: { trace_id: resolution.trace_id, seq: resolution.seq },
            arbiter: resolution.resolution.arbiter.kind,
          },
        }
      : {}),
  }
}
