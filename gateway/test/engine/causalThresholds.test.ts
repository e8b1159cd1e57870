import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type CausalComparison, type CausalNode, validateMtl } from '@tml/core'
import fc from 'fast-check'
import { decide } from '../../src/engine/decide.ts'
import type { CausalStep, EngineEnvironment, Signals } from '../../src/engine/types.ts'
import { buildDecisionMtl, causalGraph } from '../../src/memory/buildMtl.ts'
import { policyFromYaml } from '../helpers/policies.ts'

// Every numeric trigger records the limit it compared against and how, in the engine's causal
// steps and in the MTL's causal graph: an auditor reads from the record alone that confidence
// 0.6 paused because it was below 0.9, not only that "confidence" fired.

const healthy: EngineEnvironment = {
  now: 1_700_000_000_000,
  storeAvailable: true,
  anchoringAvailable: true,
}

const policy = policyFromYaml(`v: tml-policy/1
profile: thresholds
ambiguity: { entropy_max: 0.5, confidence_min: 0.9 }
harm: { ambiguous: 0.4, critical: 0.8 }
contextual: { sensor_tolerance: 0.5, sensor_iou_min: 0.5, volatility_max: 0.05 }
rules:
  - id: night_shift
    trigger: CONTEXTUAL
    outcome: 0
    reason: night shift
    when: { field: context.night, eq: true }
pause: { timeout_ms: 60000 }
`)

const run = (signals: Signals, context: Record<string, unknown> = {}) =>
  decide({
    request: { profile: 'thresholds', input: {}, context, signals },
    policy,
    environment: healthy,
  })

const holds = (value: number, comparison: CausalComparison, threshold: number): boolean =>
  comparison === 'gt'
    ? value > threshold
    : comparison === 'gte'
      ? value >= threshold
      : comparison === 'lt'
        ? value < threshold
        : value <= threshold

const node = (graph: CausalNode[], id: string) => {
  const found = graph.find((n) => n.id === id)
  assert.ok(found, `no node ${id} in ${JSON.stringify(graph)}`)
  return found
}

const everything: Signals = {
  confidence: 0.6,
  distribution: [0.5, 0.5],
  harm: 0.5,
  sensors: [
    { id: 'a', vector: [0, 0] },
    { id: 'b', vector: [3, 4] },
  ],
  sensor_iou: 0.2,
  volatility: 0.2,
}

describe('thresholds in the causal graph', () => {
  test('default: each numeric check carries the policy limit and its comparison', () => {
    const d = run(everything)
    const byCheck = Object.fromEntries(d.causal_graph.map((s) => [s.check, s]))
    const expected: Record<string, [number, CausalComparison]> = {
      harm_ambiguous: [0.4, 'gte'],
      sensor_divergence: [0.5, 'gt'],
      sensor_iou: [0.5, 'lt'],
      volatility: [0.05, 'gt'],
      entropy: [0.5, 'gt'],
      confidence: [0.9, 'lt'],
    }
    for (const [check, [threshold, comparison]] of Object.entries(expected)) {
      const step = byCheck[check] as CausalStep
      assert.ok(step, `check ${check} did not fire`)
      assert.equal(step.threshold, threshold, check)
      assert.equal(step.comparison, comparison, check)
    }
    const graph = causalGraph(d)
    assert.deepEqual(node(graph, 'check:confidence'), {
      id: 'check:confidence',
      kind: 'ambiguity',
      inputs: ['metric:confidence'],
      threshold: 0.9,
      comparison: 'lt',
    })
    assert.deepEqual(node(graph, 'check:harm_ambiguous'), {
      id: 'check:harm_ambiguous',
      kind: 'harm',
      inputs: ['metric:harm'],
      threshold: 0.4,
      comparison: 'gte',
    })
  })

  test('behavior: harm above critical records the critical limit with gt', () => {
    const graph = causalGraph(run({ harm: 0.95, confidence: 0.99 }))
    const critical = node(graph, 'check:harm_critical')
    assert.equal(critical.threshold, 0.8)
    assert.equal(critical.comparison, 'gt')
  })

  test('behavior: rule, missing-signal and ledger nodes carry no threshold', () => {
    const d = decide({
      request: { profile: 'thresholds', input: {}, context: { night: true }, signals: {} },
      policy,
      environment: { ...healthy, anchoringAvailable: false },
    })
    const graph = causalGraph(d)
    for (const id of ['check:night_shift', 'check:anchoring_unavailable', 'check:harm_missing']) {
      const n = node(graph, id)
      assert.equal('threshold' in n, false, id)
      assert.equal('comparison' in n, false, id)
    }
  })

  test('behavior: the built MTL with thresholds is valid mtl/1', () => {
    const mtl = {
      v: 'mtl/1' as const,
      log_id: `0x${'11'.repeat(32)}` as const,
      seq: 0,
      ...buildDecisionMtl({
        decision: run(everything),
        traceId: '0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b',
        timestamp: '2025-03-14T09:26:53.589Z',
        policyHash: `0x${'22'.repeat(32)}`,
        model: { id: 'm', version_hash: `0x${'33'.repeat(32)}` },
        caller: `clr:${'44'.repeat(32)}`,
        escalationTarget: 'review-board',
        inputHash: `0x${'55'.repeat(32)}`,
        outputHash: null,
        subject: `psn:${'66'.repeat(32)}`,
      }),
    }
    const check = validateMtl(mtl)
    assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
    // Every check pauses at most: a pause, so the escalation target is recorded with it.
    assert.equal(mtl.state, 0)
    assert.equal(mtl.escalation_target, 'review-board')
    assert.equal(mtl.caller, `clr:${'44'.repeat(32)}`)
  })

  test('property: a fired numeric check always satisfies value <comparison> threshold', () => {
    const fraction = fc.double({ min: 0, max: 1, noNaN: true })
    fc.assert(
      fc.property(
        fc.record({
          confidence: fraction,
          harm: fraction,
          sensor_iou: fraction,
          volatility: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        (signals) => {
          for (const step of run(signals).causal_graph) {
            if (step.value === undefined) continue
            assert.ok(step.threshold !== undefined && step.comparison !== undefined, step.check)
            assert.ok(
              holds(step.value, step.comparison, step.threshold),
              `${step.check}: ${step.value} ${step.comparison} ${step.threshold}`,
            )
          }
        },
      ),
    )
  })
})
