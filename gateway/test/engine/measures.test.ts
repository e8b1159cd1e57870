import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { normalizedEntropy } from '../../src/engine/normalizedEntropy.ts'
import { sensorDivergence } from '../../src/engine/sensorDivergence.ts'
import { tokenEntropy } from '../../src/engine/tokenEntropy.ts'
import { validateSignals } from '../../src/engine/validateSignals.ts'
import { windowVolatility } from '../../src/engine/windowVolatility.ts'

describe('normalizedEntropy', () => {
  test('default: uniform is 1, certain is 0, one outcome is 0', () => {
    assert.equal(normalizedEntropy([0.5, 0.5]), 1)
    assert.equal(normalizedEntropy([0.25, 0.25, 0.25, 0.25]), 1)
    assert.equal(normalizedEntropy([1, 0, 0]), 0)
    assert.equal(normalizedEntropy([1]), 0)
    assert.equal(normalizedEntropy([]), 0)
  })

  test('behavior: matches -Σ p ln p / ln n', () => {
    const p = [0.7, 0.2, 0.1]
    const h = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)) / Math.log(3)
    assert.ok(Math.abs(normalizedEntropy(p) - h) < 1e-12)
  })

  test('behavior: all-zero mass is treated as maximally uncertain', () => {
    assert.equal(normalizedEntropy([0, 0]), 1)
  })

  test('behavior (property): in [0, 1] and invariant under permutation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (raw) => {
          const h = normalizedEntropy(raw)
          assert.ok(h >= 0 && h <= 1)
          const reversed = normalizedEntropy([...raw].reverse())
          assert.ok(Math.abs(h - reversed) < 1e-9)
        },
      ),
    )
  })
})

describe('tokenEntropy', () => {
  const sure = [Math.log(0.99), Math.log(0.01)]
  const unsure = [Math.log(0.5), Math.log(0.5)]
  test('default: mean and max over tokens', () => {
    const m = tokenEntropy({ logprobs: [sure, unsure], aggregate: 'mean' })
    const x = tokenEntropy({ logprobs: [sure, unsure], aggregate: 'max' })
    assert.ok(Math.abs(x - 1) < 1e-12)
    assert.ok(Math.abs(m - (normalizedEntropy([0.99, 0.01]) + 1) / 2) < 1e-12)
  })
  test('behavior: top-k that does not hold all the mass is renormalized', () => {
    assert.ok(
      Math.abs(
        tokenEntropy({ logprobs: [[Math.log(0.3), Math.log(0.3)]], aggregate: 'mean' }) - 1,
      ) < 1e-12,
    )
  })
  test('behavior: no tokens is no uncertainty', () => {
    assert.equal(tokenEntropy({ logprobs: [], aggregate: 'max' }), 0)
  })
})

describe('sensorDivergence', () => {
  test('default: worst pair distance', () => {
    assert.equal(
      sensorDivergence([
        { id: 'a', vector: [0, 0] },
        { id: 'b', vector: [3, 4] },
        { id: 'c', vector: [1, 0] },
      ]),
      5,
    )
  })
  test('behavior: one sensor has no disagreement; mismatched lengths are infinitely apart', () => {
    assert.equal(sensorDivergence([{ id: 'a', vector: [1] }]), 0)
    assert.equal(
      sensorDivergence([
        { id: 'a', vector: [1] },
        { id: 'b', vector: [1, 2] },
      ]),
      Number.POSITIVE_INFINITY,
    )
  })
})

describe('windowVolatility', () => {
  test('default: σ of simple returns', () => {
    const v = windowVolatility({
      series: [
        { t: 0, value: 100 },
        { t: 1, value: 110 },
        { t: 2, value: 99 },
      ],
      now: 2,
      windowMs: 10,
    })
    assert.ok(v !== undefined && Math.abs(v - 0.1) < 1e-12)
  })
  test('behavior: samples outside the window or in the future are ignored; order does not matter', () => {
    const series = [
      { t: 5, value: 100 },
      { t: 3, value: 100 },
      { t: 4, value: 100 },
      { t: -100, value: 1 },
      { t: 99, value: 1 },
    ]
    assert.equal(windowVolatility({ series, now: 5, windowMs: 10 }), 0)
  })
  test('behavior: undefined with fewer than two returns or non-positive values', () => {
    assert.equal(
      windowVolatility({
        series: [
          { t: 0, value: 1 },
          { t: 1, value: 2 },
        ],
        now: 1,
        windowMs: 10,
      }),
      undefined,
    )
    assert.equal(
      windowVolatility({
        series: [
          { t: 0, value: 1 },
          { t: 1, value: 0 },
          { t: 2, value: 1 },
        ],
        now: 2,
        windowMs: 10,
      }),
      undefined,
    )
  })
})

describe('validateSignals', () => {
  test('default: usable signals give no issue', () => {
    assert.deepEqual(
      validateSignals({ confidence: 0.5, distribution: [0.2, 0.8], token_logprobs: [[-0.1, -3]] }),
      [],
    )
  })
  test('errors: every issue names its field', () => {
    assert.deepEqual(
      validateSignals({
        distribution: [0.5, 0.6],
        token_logprobs: [[-1], [-0.5, 0.2]],
        sensors: [
          { id: 'a', vector: [1, 2] },
          { id: 'b', vector: [1] },
        ],
      }),
      [
        { field: 'signals.distribution', reason: 'sums to 1.1, not 1' },
        { field: 'signals.token_logprobs.1.1', reason: 'a log-probability must be ≤ 0' },
        { field: 'signals.sensors.1.vector', reason: 'has 1 dimensions, the first sensor 2' },
      ],
    )
  })
})
