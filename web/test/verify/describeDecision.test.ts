import { describe, expect, test } from 'vitest'
import {
  sampleDecisionMtl,
  samplePauseMtl,
  sampleResolutionMtl,
} from '../../../core/test/fixtures/mtl.ts'
import { describeDecision } from '../../src/verify/describeDecision.ts'

describe('describeDecision', () => {
  test('default: a +1 decision in plain words', () => {
    const words = describeDecision(sampleDecisionMtl())
    expect(words.tone).toBe('proceed')
    expect(words.headline).toBe('Proceed (+1): the system was allowed to act.')
    expect(words.trigger).toBe('Nothing fired: every score was within the policy thresholds.')
    expect(words.metrics).toEqual([
      { name: 'entropy', label: 'Entropy', value: '0.12' },
      { name: 'confidence', label: 'Confidence', value: '0.97' },
      { name: 'harm_score', label: 'Harm score', value: '0.01' },
    ])
    expect(words.resolution).toBeUndefined()
  })

  test('behavior: a pause, a refusal and a resolution', () => {
    expect(describeDecision(samplePauseMtl()).headline).toMatch(/^Sacred Pause \(0\)/)
    expect(describeDecision(sampleDecisionMtl({ state: -1, trigger_type: 'HARM' })).tone).toBe(
      'refuse',
    )
    const resolution = describeDecision(sampleResolutionMtl())
    expect(resolution.headline).toBe(
      'Resolution: the pause 0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f was approved (+1).',
    )
    expect(resolution.resolution).toMatch(
      /^Closed by a reviewer \(.+\), signed; the written rationale stays off the log, its hash is 0x[0-9a-f]{64}\.$/,
    )
    expect(resolution.facts).toContainEqual({
      label: 'Closes pause',
      value: '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f',
    })
    expect(describeDecision(samplePauseMtl()).facts).toContainEqual({
      label: 'Output hash',
      value: 'none yet: the output is held while the decision is paused',
    })
  })

  test('behavior: a missing output hash is worded by the state', () => {
    const outputOf = (state: 1 | -1) =>
      describeDecision(sampleDecisionMtl({ state, output_hash: null })).facts.find(
        (f) => f.label === 'Output hash',
      )?.value
    expect(outputOf(1)).toBe('no output recorded')
    expect(outputOf(-1)).toBe('none: the system refused, so no output was released')
  })
})
