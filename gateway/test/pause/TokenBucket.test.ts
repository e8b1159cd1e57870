import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PauseBudget } from '../../src/pause/PauseBudget.ts'
import { refuseForBudget } from '../../src/pause/refuseForBudget.ts'
import { TokenBucket } from '../../src/pause/TokenBucket.ts'
import { policyFromYaml } from '../helpers/policies.ts'

describe('TokenBucket', () => {
  test('default: capacity, then refill over time', () => {
    const b = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, 0)
    assert.deepEqual([b.take(0), b.take(0), b.take(0)], [true, true, false])
    assert.equal(b.take(999), false)
    assert.equal(b.take(1000), true)
    assert.equal(b.take(1000), false)
  })
  test('behavior: never above capacity; time going backwards adds nothing', () => {
    const b = new TokenBucket({ capacity: 3, refillPerSecond: 100 }, 0)
    assert.equal(b.level(1_000_000), 3)
    b.take(1_000_000)
    assert.equal(b.level(0), 2)
    b.refund()
    b.refund()
    assert.equal(b.level(1_000_000), 3)
  })
  test('behavior: capacity 0 never grants', () => {
    const b = new TokenBucket({ capacity: 0, refillPerSecond: 10 }, 0)
    assert.equal(b.take(10_000), false)
  })
})

describe('PauseBudget', () => {
  const policy = policyFromYaml(`v: tml-policy/1
profile: p
pause:
  timeout_ms: 10
  budget:
    per_caller: { capacity: 2, refill_per_s: 0 }
    overall: { capacity: 3, refill_per_s: 0 }
`)
  test('behavior: a refusal costs no token; the caller bucket and the overall one both count', () => {
    const budget = new PauseBudget()
    assert.deepEqual(budget.take({ policy, caller: 'a', now: 0 }), { granted: true })
    assert.deepEqual(budget.take({ policy, caller: 'a', now: 0 }), { granted: true })
    assert.deepEqual(budget.take({ policy, caller: 'a', now: 0 }), {
      granted: false,
      exhausted: 'caller',
    })
    assert.deepEqual(budget.take({ policy, caller: 'b', now: 0 }), { granted: true })
    assert.deepEqual(budget.take({ policy, caller: 'b', now: 0 }), {
      granted: false,
      exhausted: 'overall',
    })
    budget.refund({ policy, caller: 'b' })
    assert.deepEqual(budget.take({ policy, caller: 'b', now: 0 }), { granted: true })
  })
  test('behavior: refuseForBudget keeps the evidence and adds the budget step', () => {
    const d = refuseForBudget(
      {
        state: 0,
        trigger_type: 'AMBIGUITY',
        trigger_detail: 'confidence 0.5 < 0.9',
        metrics: { confidence: 0.5 },
        causal_graph: [{ trigger: 'AMBIGUITY', check: 'confidence', outcome: 0 }],
      },
      'overall',
    )
    assert.deepEqual(d, {
      state: -1,
      trigger_type: 'BUDGET',
      trigger_detail:
        "pause budget exhausted (the profile's overall); would have paused: confidence 0.5 < 0.9",
      metrics: { confidence: 0.5 },
      causal_graph: [
        { trigger: 'AMBIGUITY', check: 'confidence', outcome: 0 },
        { trigger: 'BUDGET', check: 'pause_budget_overall', outcome: -1 },
      ],
    })
  })
})
