import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decide } from '../../src/engine/decide.ts'
import { normalizedEntropy } from '../../src/engine/normalizedEntropy.ts'
import type { DecisionRequest, EngineEnvironment, Signals } from '../../src/engine/types.ts'
import type { Policy } from '../../src/policy/types.ts'
import { policyFromYaml, shippedPolicy } from '../helpers/policies.ts'

const healthy: EngineEnvironment = {
  now: 1_700_000_000_000,
  storeAvailable: true,
  anchoringAvailable: true,
}

function run(
  profile: string,
  signals: Signals,
  extra: Partial<DecisionRequest> = {},
  environment: EngineEnvironment = healthy,
  policy: Policy = shippedPolicy(profile),
) {
  return decide({
    request: { profile, input: { text: 'x' }, signals, ...extra },
    policy,
    environment,
  })
}

describe('decide', () => {
  test('default: the smallest valid body proceeds on the fast path', () => {
    assert.deepEqual(run('general', { confidence: 0.99, harm: 0.01 }), {
      state: 1,
      trigger_type: 'NONE',
      trigger_detail: 'no trigger fired',
      metrics: { harm: 0.01, confidence: 0.99 },
      causal_graph: [],
    })
  })

  test('behavior: pure, same inputs give the same decision and the request is not mutated', () => {
    const request: DecisionRequest = {
      profile: 'general',
      input: { text: 'x' },
      signals: { confidence: 0.5, harm: 0.5, distribution: [0.5, 0.5] },
    }
    const copy = structuredClone(request)
    const policy = shippedPolicy('general')
    const a = decide({ request, policy, environment: healthy })
    const b = decide({ request, policy, environment: healthy })
    assert.deepEqual(a, b)
    assert.deepEqual(request, copy)
  })
})

describe('rules over the model output', () => {
  const policy = policyFromYaml(`v: tml-policy/1
profile: t
rules:
  - id: no_card_numbers
    trigger: MANDATE
    outcome: -1
    reason: the answer discloses a card number
    when: { field: output.choices.0.message.content, contains: "4111 1111" }
pause: { timeout_ms: 10 }
`)
  const answer = (content: string) => ({ choices: [{ message: { content } }] })
  const sure = { confidence: 0.99, harm: 0.01 }

  test('behavior: a rule reads the answer the model gave and refuses it', () => {
    const d = run(
      't',
      sure,
      { output: answer('Your card is 4111 1111 1111 1111.') },
      healthy,
      policy,
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'MANDATE')
  })

  test('behavior: before the model answered (no output), the rule does not fire', () => {
    assert.equal(run('t', sure, {}, healthy, policy).state, 1)
    assert.equal(run('t', sure, { output: answer('All good.') }, healthy, policy).state, 1)
  })
})

describe('harm trigger (spec §4.2)', () => {
  const table = [
    { desc: 'below ambiguous proceeds', harm: 0.3999, state: 1, trigger: 'NONE' },
    { desc: 'exactly ambiguous 0.40 pauses', harm: 0.4, state: 0, trigger: 'HARM' },
    { desc: 'inside the band pauses', harm: 0.65, state: 0, trigger: 'HARM' },
    { desc: 'exactly critical 0.90 still pauses', harm: 0.9, state: 0, trigger: 'HARM' },
    { desc: 'above critical refuses', harm: 0.9000001, state: -1, trigger: 'HARM' },
    { desc: 'maximum refuses', harm: 1, state: -1, trigger: 'HARM' },
  ] as const
  for (const row of table) {
    test(`behavior: ${row.desc}`, () => {
      const d = run('general', { confidence: 0.99, harm: row.harm })
      assert.equal(d.state, row.state)
      assert.equal(d.trigger_type, row.trigger)
      assert.equal(d.metrics.harm, row.harm)
    })
  }

  test('behavior: detail names value and limit', () => {
    assert.equal(
      run('general', { confidence: 0.99, harm: 0.95 }).trigger_detail,
      'harm 0.95 > critical 0.9',
    )
    assert.equal(
      run('general', { confidence: 0.99, harm: 0.5 }).trigger_detail,
      'harm 0.5 in ambiguous band [0.4, 0.9]',
    )
  })

  test('behavior: defense has stricter harm limits (0.20 / 0.70)', () => {
    const ok = { confidence: 1, harm: 0.19 }
    const ctx = { context: { human_authorized: true } }
    assert.equal(run('defense', ok, ctx).state, 1)
    assert.equal(run('defense', { ...ok, harm: 0.2 }, ctx).state, 0)
    assert.equal(run('defense', { ...ok, harm: 0.7 }, ctx).state, 0)
    assert.equal(run('defense', { ...ok, harm: 0.71 }, ctx).state, -1)
  })
})

describe('ambiguity trigger (spec §4.1)', () => {
  test('behavior: confidence exactly at the minimum proceeds, just below pauses', () => {
    assert.equal(run('general', { confidence: 0.85, harm: 0 }).state, 1)
    const d = run('general', { confidence: 0.8499, harm: 0 })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'AMBIGUITY')
    assert.deepEqual(d.causal_graph, [
      {
        trigger: 'AMBIGUITY',
        check: 'confidence',
        metric: 'confidence',
        outcome: 0,
        value: 0.8499,
        threshold: 0.85,
        comparison: 'lt',
      },
    ])
  })

  test('behavior: entropy exactly at the maximum proceeds, above pauses', () => {
    const dist = [0.7, 0.2, 0.1]
    const h = normalizedEntropy(dist)
    const policy = policyFromYaml(
      `v: tml-policy/1\nprofile: t\nambiguity: { entropy_max: ${h} }\npause: { timeout_ms: 10 }\n`,
    )
    assert.equal(run('t', { distribution: dist }, {}, healthy, policy).state, 1)
    const above = policyFromYaml(
      `v: tml-policy/1\nprofile: t\nambiguity: { entropy_max: ${h - 1e-9} }\npause: { timeout_ms: 10 }\n`,
    )
    const d = run('t', { distribution: dist }, {}, healthy, above)
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'AMBIGUITY')
    assert.equal(d.metrics.entropy, h)
  })

  test('behavior: a uniform distribution (entropy 1) pauses under the protocol 0.85', () => {
    const d = run('general', { distribution: [0.25, 0.25, 0.25, 0.25], harm: 0 })
    assert.equal(d.state, 0)
    assert.equal(d.metrics.entropy, 1)
  })

  test('behavior: token logprobs are measured per token, mean or max as the profile says', () => {
    const sure = [Math.log(0.98), Math.log(0.01), Math.log(0.01)]
    const unsure = [Math.log(0.34), Math.log(0.33), Math.log(0.33)]
    const signals = { token_logprobs: [sure, sure, sure, unsure], harm: 0 }
    const general = run('general', signals) // mean
    assert.equal(general.state, 1)
    assert.ok((general.metrics.token_entropy as number) < 0.85)
    const medical = run('medical', signals) // max: one unsure token is enough
    assert.equal(medical.state, 0)
    assert.equal(medical.causal_graph[0]?.check, 'token_entropy')
  })

  test('behavior: legal needs citation confidence 0.99 (spec §4.4)', () => {
    assert.equal(run('legal', { confidence: 0.99, harm: 0 }).state, 1)
    assert.equal(run('legal', { confidence: 0.9899, harm: 0 }).state, 0)
  })

  test('behavior: medical pauses at the mammogram example, 65 % confidence (spec §13.2)', () => {
    const d = run('medical', { confidence: 0.65, harm: 0.05 })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'AMBIGUITY')
    assert.equal(d.trigger_detail, 'confidence 0.65 < 0.85')
  })

  test('behavior: defense needs target identification confidence 0.999 (spec §4.4)', () => {
    const ctx = { context: { human_authorized: true } }
    assert.equal(run('defense', { confidence: 0.999, harm: 0 }, ctx).state, 1)
    assert.equal(run('defense', { confidence: 0.9989, harm: 0 }, ctx).state, 0)
  })

  test('behavior: a missing required signal pauses (silence implies risk)', () => {
    const noUncertainty = run('general', { harm: 0 })
    assert.equal(noUncertainty.state, 0)
    assert.equal(noUncertainty.causal_graph[0]?.check, 'uncertainty_missing')
    const noHarm = run('general', { confidence: 1 })
    assert.equal(noHarm.state, 0)
    assert.equal(noHarm.trigger_type, 'HARM')
    assert.equal(noHarm.trigger_detail, 'no harm score sent')
  })
})

describe('contextual trigger (spec §4.3)', () => {
  test('behavior: camera/lidar IoU below 0.5 pauses, exactly 0.5 proceeds (autonomous vehicles)', () => {
    assert.equal(run('autonomous_vehicles', { confidence: 0.99, sensor_iou: 0.5 }).state, 1)
    const d = run('autonomous_vehicles', { confidence: 0.99, sensor_iou: 0.49 })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'CONTEXTUAL')
  })

  test('behavior: sensor vectors further apart than the tolerance pause', () => {
    const at = [
      { id: 'lidar', vector: [0, 0] },
      { id: 'camera', vector: [0.3, 0.4] },
    ]
    const d0 = run('autonomous_vehicles', { confidence: 0.99, sensors: at })
    assert.equal(d0.state, 1, 'distance 0.5 equals the tolerance')
    assert.equal(d0.metrics.sensor_divergence, 0.5)
    const beyond = [...at, { id: 'radar', vector: [0.6, 0] }]
    const d = run('autonomous_vehicles', { confidence: 0.99, sensors: beyond })
    assert.equal(d.state, 0)
    assert.equal(d.causal_graph[0]?.check, 'sensor_divergence')
  })

  test('behavior: sensors of different dimensions fail closed', () => {
    const d = run('autonomous_vehicles', {
      confidence: 0.99,
      sensors: [
        { id: 'a', vector: [0, 0] },
        { id: 'b', vector: [0] },
      ],
    })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_detail, 'sensor vectors of different dimensions cannot be fused')
    assert.equal(d.metrics.sensor_divergence, undefined)
  })

  test('behavior: volatility above 5 % pauses trading, exactly 5 % does not (finance, spec §13.4)', () => {
    assert.equal(run('finance', { volatility: 0.05 }).state, 1)
    const d = run('finance', { volatility: 0.051 })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'CONTEXTUAL')
    assert.equal(d.trigger_detail, 'volatility 0.051 > 0.05 within 600 s')
  })

  test('behavior: volatility computed from a series counts only the 10-minute window', () => {
    const now = healthy.now
    const calm = [100, 100.5, 100.2, 100.4, 100.3].map((value, i) => ({
      t: now - 60_000 * (4 - i),
      value,
    }))
    // A crash 20 minutes ago is outside the window and must not count.
    const old = [
      { t: now - 1_200_000, value: 100 },
      { t: now - 1_190_000, value: 60 },
    ]
    const d = run('finance', { series: [...old, ...calm] })
    assert.equal(d.state, 1)
    assert.ok((d.metrics.series_volatility as number) < 0.01)
    const crash = calm.map((s, i) => ({ ...s, value: i % 2 ? 90 : 100 }))
    const c = run('finance', { series: crash })
    assert.equal(c.state, 0)
    assert.equal(c.causal_graph[0]?.check, 'series_volatility')
  })

  test('behavior: store unavailable refuses whatever the signals (no memory, no action)', () => {
    const d = run(
      'general',
      { confidence: 1, harm: 0 },
      {},
      { ...healthy, storeAvailable: false, storeReason: 'SQLITE_FULL' },
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'LEDGER')
    assert.equal(d.trigger_detail, 'log store unavailable: SQLITE_FULL')
  })

  test('behavior: anchoring unavailable refuses', () => {
    const d = run(
      'general',
      { confidence: 1, harm: 0 },
      {},
      { ...healthy, anchoringAvailable: false, anchoringReason: 'epoch 7 overdue' },
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_detail, 'anchoring unavailable: epoch 7 overdue')
  })
})

describe('domain rules and mandates (spec §4.4)', () => {
  const fine = { confidence: 0.99, harm: 0.01 }
  test('behavior: human rights mandate refuses decisions on protected attributes', () => {
    const d = run('general', fine, { context: { uses_protected_attributes: true } })
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'MANDATE')
    assert.equal(
      d.trigger_detail,
      'rule human_rights.protected_attributes: decision relies on protected attributes (race, religion, sex, disability…)',
    )
    assert.deepEqual(d.causal_graph[0]?.fields, ['context.uses_protected_attributes'])
  })

  test('behavior: earth protection mandate pauses high impact, refuses irreversible', () => {
    assert.equal(run('general', fine, { context: { environmental_impact: 'high' } }).state, 0)
    assert.equal(
      run('general', fine, { context: { environmental_impact: 'irreversible' } }).state,
      -1,
    )
    assert.equal(run('general', fine, { context: { environmental_impact: 'low' } }).state, 1)
  })

  test('behavior: medical EHR disagreement pauses as a contextual trigger', () => {
    const d = run('medical', fine, { context: { ehr_agrees: false } })
    assert.equal(d.state, 0)
    assert.equal(d.trigger_type, 'CONTEXTUAL')
    assert.equal(run('medical', fine, { context: { ehr_agrees: true } }).state, 1)
  })

  test('behavior: defense refuses protected persons and pauses without human authorization', () => {
    assert.equal(run('defense', { confidence: 1, harm: 0 }).state, 0)
    assert.equal(
      run('defense', { confidence: 1, harm: 0 }, { context: { human_authorized: true } }).state,
      1,
    )
    const d = run(
      'defense',
      { confidence: 1, harm: 0 },
      { context: { human_authorized: true, target_class: 'civilian' } },
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'MANDATE')
  })

  test('behavior: finance rules: thin order book pauses, position limit refuses', () => {
    assert.equal(
      run('finance', { volatility: 0.01 }, { context: { order_book_depth_ratio: 0.1 } }).state,
      0,
    )
    assert.equal(
      run('finance', { volatility: 0.01 }, { context: { order_book_depth_ratio: 0.2 } }).state,
      1,
    )
    assert.equal(
      run('finance', { volatility: 0.01 }, { context: { exceeds_position_limit: true } }).state,
      -1,
    )
  })

  test('behavior: autonomous vehicles map conflict pauses', () => {
    assert.equal(
      run('autonomous_vehicles', { confidence: 0.99 }, { context: { map_conflict: true } }).state,
      0,
    )
  })

  test('behavior: a type mismatch never matches (no coercion)', () => {
    assert.equal(run('general', fine, { context: { uses_protected_attributes: 'true' } }).state, 1)
  })
})

describe('precedence', () => {
  test('behavior: -1 wins over 0, and the first -1 in evaluation order names the trigger', () => {
    const d = run(
      'general',
      { confidence: 0.1, harm: 0.99 },
      { context: { uses_protected_attributes: true } },
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'HARM')
    assert.equal(d.causal_graph.length, 3)
    assert.equal(d.trigger_detail, 'harm 0.99 > critical 0.9 (and 2 more in causal_graph)')
  })

  test('behavior: a mandate refusal wins over an ambiguity pause', () => {
    const d = run(
      'general',
      { confidence: 0.1, harm: 0 },
      { context: { uses_protected_attributes: true } },
    )
    assert.equal(d.state, -1)
    assert.equal(d.trigger_type, 'MANDATE')
  })

  test('behavior: the ledger is checked first', () => {
    const d = run(
      'general',
      { confidence: 0.1, harm: 0.99 },
      {},
      { ...healthy, storeAvailable: false },
    )
    assert.equal(d.trigger_type, 'LEDGER')
    assert.equal(d.causal_graph[0]?.check, 'store_unavailable')
  })
})
