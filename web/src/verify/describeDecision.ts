import type { Mtl } from '@tml/core'

/** How the page shows a decision to someone who has not read the protocol. */
export type DecisionWords = {
  tone: 'proceed' | 'pause' | 'refuse'
  /** One sentence: what the system did. */
  headline: string
  /** Why, in plain words, then the gateway's own detail. */
  trigger: string
  detail: string
  metrics: { name: string; label: string; value: string }[]
  /** How the pause was closed, for resolution records. */
  resolution: string | undefined
  facts: { label: string; value: string }[]
}

const STATE_WORDS = {
  1: ['proceed', 'Proceed (+1): the system was allowed to act.'],
  0: ['pause', 'Sacred Pause (0): the system held its answer for a human or a check to decide.'],
  [-1]: ['refuse', 'Refuse (−1): the system refused to act.'],
} as const

/** Why a record has no output hash, by its state. */
const NO_OUTPUT_WORDS = {
  1: 'no output recorded',
  0: 'none yet: the output is held while the decision is paused',
  [-1]: 'none: the system refused, so no output was released',
} as const

const TRIGGER_WORDS: Record<string, string> = {
  AMBIGUITY: 'The model was not sure enough (uncertainty above the policy threshold).',
  HARM: 'The request risked harm (harm score in the ambiguous or critical band).',
  CONTEXTUAL: 'The context was unsafe or contradictory (sensors, volatility, missing signals).',
  MANDATE: 'A mandate of the policy applied (human rights or earth protection rule).',
  MANUAL: 'A person or an operator action decided.',
  BUDGET: 'The pause budget was used up, so the pause became a refusal.',
  LEDGER:
    'The log could not record the decision durably, so the system refused (No Log = No Action).',
  NONE: 'Nothing fired: every score was within the policy thresholds.',
}

const ARBITER_WORDS: Record<string, string> = {
  reviewer: 'a reviewer',
  verification: 'an automatic verification',
  timeout: 'the timeout (silence implies risk)',
  budget: 'the exhausted pause budget',
}

/**
 * Plain words for an MTL: the state, why, the scores, and for a resolution who closed the pause
 * and how. Takes a record that `validateMtl` accepted.
 *
 * Spec: ARCHITECTURE.md (Decisions, MTL); Sacred Pause Protocol §3 (ternary states).
 *
 * @example describeDecision(mtl).headline // 'Proceed (+1): the system was allowed to act.'
 */
export function describeDecision(mtl: Mtl): DecisionWords {
  const [tone, headline] = STATE_WORDS[mtl.state]
  const facts = [
    { label: 'Record', value: `${mtl.kind} #${mtl.seq} of log ${mtl.log_id}` },
    { label: 'When', value: mtl.timestamp },
    { label: 'Trace id', value: mtl.trace_id },
    { label: 'Model', value: `${mtl.model.id} (version ${mtl.model.version_hash})` },
    { label: 'Policy hash', value: mtl.policy_hash },
    { label: 'Subject (pseudonym)', value: mtl.subject },
    { label: 'Input hash', value: mtl.input_hash },
    { label: 'Output hash', value: mtl.output_hash ?? NO_OUTPUT_WORDS[mtl.state] },
  ]
  let resolution: string | undefined
  let shownHeadline: string = headline
  if (mtl.kind === 'resolution') {
    const r = mtl.resolution
    const verb = r.decision === 1 ? 'approved (+1)' : 'refused (−1)'
    shownHeadline = `Resolution: the pause ${mtl.refers_to} was ${verb}.`
    resolution =
      `Closed by ${ARBITER_WORDS[r.arbiter.kind] ?? r.arbiter.kind} (${r.arbiter.id}), ` +
      `${r.signature === null ? 'without a signature' : 'signed'}; ` +
      `the written rationale stays off the log, its hash is ${r.rationale_hash}.`
    facts.push({ label: 'Closes pause', value: mtl.refers_to })
  } else if (mtl.kind === 'erasure') {
    shownHeadline =
      'Erasure: the subject’s pseudonym key was destroyed, so earlier records can no longer be linked to the person.'
  } else if (mtl.kind === 'access') {
    const a = mtl.access
    shownHeadline = `Auditor access: ${a.event}${a.grant_id === undefined ? '' : ` (grant ${a.grant_id})`}, copied from chain ${a.chain_id}.`
    facts.push({
      label: 'On chain',
      value: `${a.contract}, transaction ${a.tx_hash}, block ${a.block_number}, log index ${a.log_index}`,
    })
  }
  return {
    tone,
    headline: shownHeadline,
    trigger: TRIGGER_WORDS[mtl.trigger_type] ?? mtl.trigger_type,
    detail: mtl.trigger_detail,
    metrics: Object.entries(mtl.metrics).map(([name, value]) => ({
      name,
      label: humanize(name),
      value: String(value),
    })),
    resolution,
    facts,
  }
}

function humanize(name: string): string {
  const words = name.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
