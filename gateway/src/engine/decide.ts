import type { Policy } from '../policy/types.ts'
import { conditionFields, evaluateCondition } from './evaluateCondition.ts'
import { normalizedEntropy } from './normalizedEntropy.ts'
import { sensorDivergence } from './sensorDivergence.ts'
import { tokenEntropy } from './tokenEntropy.ts'
import type {
  CausalStep,
  Decision,
  DecisionRequest,
  EngineEnvironment,
  TernaryState,
} from './types.ts'
import { windowVolatility } from './windowVolatility.ts'

/** Parameters of {@link decide}. */
export type DecideParameters = {
  request: DecisionRequest
  policy: Policy
  environment: EngineEnvironment
}

/**
 * The ternary decision of the Sacred Pause Protocol: request and policy in, decision out. Pure:
 * no clock (time is `environment.now`), no I/O, the same inputs always give the same decision.
 *
 * Every check runs, in this order, and each one that fires is a step of the causal graph:
 * 1. LEDGER: the store cannot write or anchoring is behind → -1 (spec §11.3: no memory, no action).
 * 2. HARM: harm > critical → -1; ambiguous ≤ harm ≤ critical → 0 (spec §4.2).
 * 3. Policy rules (mandates and domain triggers) whose condition holds → their outcome (§4.4).
 * 4. CONTEXTUAL: sensor divergence > tolerance, IoU < minimum, volatility > maximum → 0 (§4.3).
 * 5. AMBIGUITY: normalized entropy > maximum, confidence < minimum → 0 (§4.1, §3.1).
 * 6. A signal the profile requires but the request lacks → 0 (silence implies risk, §6.2).
 *
 * The state is the lowest outcome of all steps (-1 over 0 over +1): +1 only when nothing fired.
 * `trigger_type` and `trigger_detail` come from the first step with that outcome. Limits are
 * exclusive where the protocol says "above" or "below": entropy exactly at its maximum and
 * confidence exactly at its minimum proceed; harm exactly at `ambiguous` or at `critical` pauses.
 *
 * @example
 * decide({ request: { profile: 'general', input: { text: 'hello' }, signals: { confidence: 0.99, harm: 0.01 } }, policy, environment: { now: 0, storeAvailable: true, anchoringAvailable: true } })
 * // { state: 1, trigger_type: 'NONE', trigger_detail: 'no trigger fired', metrics: { confidence: 0.99, harm: 0.01 }, causal_graph: [] }
 */
export function decide({ request, policy, environment }: DecideParameters): Decision {
  const steps: CausalStep[] = []
  const details: string[] = []
  const metrics: Record<string, number> = {}
  const fire = (step: CausalStep, detail: string) => {
    steps.push(step)
    details.push(detail)
  }
  const { signals } = request

  // 1. Ledger: checked first because without a durable log nothing else can take effect.
  if (!environment.storeAvailable) {
    fire(
      { trigger: 'LEDGER', check: 'store_unavailable', outcome: -1 },
      `log store unavailable: ${environment.storeReason ?? 'unknown reason'}`,
    )
  }
  if (!environment.anchoringAvailable) {
    fire(
      { trigger: 'LEDGER', check: 'anchoring_unavailable', outcome: -1 },
      `anchoring unavailable: ${environment.anchoringReason ?? 'unknown reason'}`,
    )
  }

  // 2. Harm.
  if (signals.harm !== undefined) metrics.harm = signals.harm
  if (policy.harm && signals.harm !== undefined) {
    const { ambiguous, critical } = policy.harm
    if (signals.harm > critical) {
      fire(
        {
          trigger: 'HARM',
          check: 'harm_critical',
          metric: 'harm',
          outcome: -1,
          value: signals.harm,
          threshold: critical,
          comparison: 'gt',
        },
        `harm ${signals.harm} > critical ${critical}`,
      )
    } else if (signals.harm >= ambiguous) {
      fire(
        {
          trigger: 'HARM',
          check: 'harm_ambiguous',
          metric: 'harm',
          outcome: 0,
          value: signals.harm,
          threshold: ambiguous,
          comparison: 'gte',
        },
        `harm ${signals.harm} in ambiguous band [${ambiguous}, ${critical}]`,
      )
    }
  }

  // 3. Rules: the root holds raw values, but only field paths and policy text reach the log.
  // `output` (the model's answer, when the caller or the inline proxy gives it) lets a rule
  // judge what the model said, not only what it was asked.
  const root = {
    input: request.input,
    context: request.context ?? {},
    signals,
    ...(request.output === undefined ? {} : { output: request.output }),
  }
  for (const rule of policy.rules) {
    if (!evaluateCondition({ condition: rule.when, root })) continue
    fire(
      {
        trigger: rule.trigger,
        check: rule.id,
        outcome: rule.outcome,
        fields: [...new Set(conditionFields(rule.when))],
      },
      `rule ${rule.id}: ${rule.reason}`,
    )
  }

  // 4. Contextual.
  const { contextual } = policy
  if (signals.sensors !== undefined && signals.sensors.length >= 2) {
    const divergence = sensorDivergence(signals.sensors)
    if (Number.isFinite(divergence)) metrics.sensor_divergence = divergence
    if (contextual.sensorTolerance !== undefined && !(divergence <= contextual.sensorTolerance)) {
      const step: CausalStep = {
        trigger: 'CONTEXTUAL',
        check: 'sensor_divergence',
        metric: 'sensor_divergence',
        outcome: 0,
        threshold: contextual.sensorTolerance,
        comparison: 'gt',
      }
      if (Number.isFinite(divergence)) step.value = divergence
      fire(
        step,
        Number.isFinite(divergence)
          ? `sensor divergence ${divergence} > tolerance ${contextual.sensorTolerance}`
          : 'sensor vectors of different dimensions cannot be fused',
      )
    }
  }
  if (signals.sensor_iou !== undefined) {
    metrics.sensor_iou = signals.sensor_iou
    if (contextual.sensorIouMin !== undefined && signals.sensor_iou < contextual.sensorIouMin) {
      fire(
        {
          trigger: 'CONTEXTUAL',
          check: 'sensor_iou',
          metric: 'sensor_iou',
          outcome: 0,
          value: signals.sensor_iou,
          threshold: contextual.sensorIouMin,
          comparison: 'lt',
        },
        `sensor IoU ${signals.sensor_iou} < ${contextual.sensorIouMin}`,
      )
    }
  }
  const volatilities: [string, number][] = []
  if (signals.volatility !== undefined) volatilities.push(['volatility', signals.volatility])
  if (signals.series !== undefined) {
    const sigma = windowVolatility({
      series: signals.series,
      now: environment.now,
      windowMs: contextual.volatilityWindowMs,
    })
    if (sigma !== undefined) volatilities.push(['series_volatility', sigma])
  }
  for (const [name, sigma] of volatilities) {
    metrics[name] = sigma
    if (contextual.volatilityMax !== undefined && sigma > contextual.volatilityMax) {
      fire(
        {
          trigger: 'CONTEXTUAL',
          check: name,
          metric: name,
          outcome: 0,
          value: sigma,
          threshold: contextual.volatilityMax,
          comparison: 'gt',
        },
        `volatility ${sigma} > ${contextual.volatilityMax} within ${contextual.volatilityWindowMs / 1000} s`,
      )
    }
  }

  // 5. Ambiguity.
  const { ambiguity } = policy
  let uncertaintySignals = 0
  const entropies: [string, number][] = []
  if (signals.distribution !== undefined)
    entropies.push(['entropy', normalizedEntropy(signals.distribution)])
  if (signals.token_logprobs !== undefined) {
    entropies.push([
      'token_entropy',
      tokenEntropy({ logprobs: signals.token_logprobs, aggregate: ambiguity.tokenAggregate }),
    ])
  }
  for (const [name, h] of entropies) {
    uncertaintySignals++
    metrics[name] = h
    if (ambiguity.entropyMax !== undefined && h > ambiguity.entropyMax) {
      fire(
        {
          trigger: 'AMBIGUITY',
          check: name,
          metric: name,
          outcome: 0,
          value: h,
          threshold: ambiguity.entropyMax,
          comparison: 'gt',
        },
        `${name === 'entropy' ? 'entropy' : 'token entropy'} ${h} > ${ambiguity.entropyMax}`,
      )
    }
  }
  if (signals.confidence !== undefined) {
    uncertaintySignals++
    metrics.confidence = signals.confidence
    if (ambiguity.confidenceMin !== undefined && signals.confidence < ambiguity.confidenceMin) {
      fire(
        {
          trigger: 'AMBIGUITY',
          check: 'confidence',
          metric: 'confidence',
          outcome: 0,
          value: signals.confidence,
          threshold: ambiguity.confidenceMin,
          comparison: 'lt',
        },
        `confidence ${signals.confidence} < ${ambiguity.confidenceMin}`,
      )
    }
  }

  // 6. Required but missing signals.
  if (ambiguity.required && uncertaintySignals === 0) {
    fire(
      { trigger: 'AMBIGUITY', check: 'uncertainty_missing', outcome: 0 },
      'no uncertainty signal (confidence, distribution or token_logprobs) sent',
    )
  }
  if (policy.harm?.required && signals.harm === undefined) {
    fire({ trigger: 'HARM', check: 'harm_missing', outcome: 0 }, 'no harm score sent')
  }

  return conclude(steps, details, metrics)
}

function conclude(
  steps: CausalStep[],
  details: string[],
  metrics: Record<string, number>,
): Decision {
  let state: TernaryState = 1
  for (const step of steps) if (step.outcome < state) state = step.outcome
  if (state === 1)
    return {
      state,
      trigger_type: 'NONE',
      trigger_detail: 'no trigger fired',
      metrics,
      causal_graph: steps,
    }
  const first = steps.findIndex((s) => s.outcome === state)
  const others = steps.length - 1
  const detail = details[first] as string
  return {
    state,
    trigger_type: (steps[first] as CausalStep).trigger,
    trigger_detail: others > 0 ? `${detail} (and ${others} more in causal_graph)` : detail,
    metrics,
    causal_graph: steps,
  }
}
