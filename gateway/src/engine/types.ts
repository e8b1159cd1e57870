import type { CausalComparison } from '@tml/core'

/** Ternary state of the Sacred Pause Protocol (spec §3.1): +1 proceed, 0 pause, -1 refuse. */
export type TernaryState = 1 | 0 | -1

/** Trigger categories (spec §4, §9.1) plus the gateway's own causes (BUDGET, LEDGER). */
export type TriggerType =
  | 'AMBIGUITY'
  | 'HARM'
  | 'CONTEXTUAL'
  | 'MANDATE'
  | 'MANUAL'
  | 'BUDGET'
  | 'LEDGER'
  | 'NONE'

/** One sensor's reading, compared with the others for the sensor-fusion trigger (spec §4.3). */
export type SensorReading = { id: string; vector: readonly number[] }

/** One sample of a price (or any series) for the volatility trigger: `t` in Unix milliseconds. */
export type SeriesSample = { t: number; value: number }

/**
 * The scores the AI system and its monitors send with a request. Every field is optional; the
 * profile decides which are required (a missing required signal pauses: silence implies risk).
 */
export type Signals = {
  /** Model confidence in its answer, 0..1 (spec §3.1 "Confidence > Threshold"). */
  confidence?: number
  /** A probability distribution over the outcomes; its normalized Shannon entropy is used. */
  distribution?: readonly number[]
  /** Per generated token, the log-probabilities of its top-k alternatives (natural log). */
  token_logprobs?: readonly (readonly number[])[]
  /** Harm score of the guardrail model, 0..1 (spec §4.2). */
  harm?: number
  /** Readings of redundant sensors of the same quantity (spec §4.3, sensor fusion). */
  sensors?: readonly SensorReading[]
  /** Intersection over union of two detectors' boxes, 0..1 (spec §4.3: conflict below 0.5). */
  sensor_iou?: number
  /** Volatility already computed by the caller over the profile's window (fraction, 0.05 = 5%). */
  volatility?: number
  /** Raw series from which the engine computes volatility over the profile's window. */
  series?: readonly SeriesSample[]
}

/** The part of a request the engine reads. Raw values: the engine runs before pseudonymization. */
export type DecisionRequest = {
  profile: string
  input: unknown
  output?: unknown
  context?: Readonly<Record<string, unknown>>
  signals: Signals
}

/** What the gateway knows about its own health when it decides (spec §4.3, §11.3). */
export type EngineEnvironment = {
  /** Unix milliseconds: the engine has no clock, time is passed in. */
  now: number
  /** False when the Always Memory store cannot take a durable write. */
  storeAvailable: boolean
  /** Why the store is unavailable, for the trigger detail. */
  storeReason?: string
  /** False when anchoring is behind the log's maximum epoch interval. */
  anchoringAvailable: boolean
  /** Why anchoring is unavailable, for the trigger detail. */
  anchoringReason?: string
}

/**
 * One evaluated trigger: what was measured, against which limit, and what it implied. The list of
 * these is the decision's causal graph (spec §9.1): every check that fired, in evaluation order.
 */
export type CausalStep = {
  trigger: TriggerType
  /** Short token naming the check: `harm_critical`, `entropy`, a rule id… */
  check: string
  /** The state this check alone implies. */
  outcome: TernaryState
  /** Name of the metric (in `metrics`) the check compared, when it is numeric. */
  metric?: string
  /** The measured value, when the check is numeric. */
  value?: number
  /** The limit it was compared with (the policy's, in force when deciding). */
  threshold?: number
  /**
   * How the value was compared with `threshold` for the check to fire (`value > threshold` is
   * `gt`): set exactly when `threshold` is. The MTL's causal graph carries both.
   */
  comparison?: CausalComparison
  /** Fields of the request the check read (paths, never values: values may be personal data). */
  fields?: readonly string[]
}

/** The engine's answer for one request. */
export type Decision = {
  state: TernaryState
  trigger_type: TriggerType
  /** Human-readable cause, without personal data (numbers and policy text only). */
  trigger_detail: string
  /** The raw scores (spec §9.1), flat and finite. */
  metrics: Record<string, number>
  /** Every check that fired, in evaluation order. Empty on the fast path. */
  causal_graph: CausalStep[]
}
