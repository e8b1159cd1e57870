import type { VerifierChain, VerifierClient } from '@tml/core'
import { describe, expect, test } from 'vitest'
import { buildFixtureBundle } from '../../../core/test/fixtures/bundle.ts'
import {
  runVerification,
  shownStep,
  type VerificationState,
} from '../../src/verify/runVerification.ts'
import { fixtureConfig } from '../fixtures.ts'

// No chain is given: these tests cover the adapter (steps shown once, in order, in plain words;
// nothing thrown). The verdicts against real chains are in e2e/verify.test.ts.
async function run(value: unknown, chains: VerifierChain[] = []) {
  const updates: VerificationState[] = []
  const state = await runVerification({
    value,
    config: fixtureConfig(),
    chains,
    onUpdate: (s) => updates.push(s),
  })
  return { state, updates }
}

describe('runVerification', () => {
  test("default: each step is shown once, as it completes, and the final order is the verdict's", async () => {
    const { bundle } = await buildFixtureBundle()
    const { state, updates } = await run(structuredClone(bundle))
    const ids = state.steps.map((s) => s.id)
    expect(ids.slice(0, 4)).toEqual(['bundle', 'mtl', 'leafHash', 'inclusion'])
    expect(ids.at(-1)).toBe('ots')
    expect(new Set(ids).size).toBe(ids.length)
    // A step, once shown, keeps its outcome; only the last update is done.
    const seen = new Map<string, string>()
    for (const update of updates)
      for (const step of update.steps) {
        expect(seen.get(step.id) ?? step.status).toBe(step.status)
        seen.set(step.id, step.status)
      }
    expect(updates.filter((u) => u.done)).toHaveLength(1)
    expect(updates.at(-1)?.done).toBe(true)
    expect(updates[0]?.steps.map((s) => s.id)).toEqual(['bundle'])
    expect(state.offlineMs).toBeGreaterThan(0)
    expect(state.otsBase64).toBe(bundle.ots)
    expect(state.checkpoint?.epoch).toBe(BigInt(bundle.checkpoint.epoch))
  })

  test('behavior: anchors on chains the page has no connection for are not checked, never passed', async () => {
    const { bundle } = await buildFixtureBundle()
    const { state } = await run(structuredClone(bundle))
    const anchors = state.steps.filter((s) => s.id.startsWith('anchor:'))
    expect(anchors.map((s) => s.status)).toEqual(['unchecked', 'unchecked'])
    expect(state.valid).toBe(false)
    expect(state.summary).toMatch(/^No chain was checked; not checked: chain 80002/)
  })

  describe('errors', () => {
    test('a tampered MTL fails at leafHash and inclusion in plain words, with the detail beneath', async () => {
      const { bundle } = await buildFixtureBundle()
      const tampered = structuredClone(bundle)
      tampered.mtl.trigger_detail = 'edited afterwards'
      const { state } = await run(tampered)
      const failed = state.steps.filter((s) => ['leafHash', 'inclusion'].includes(s.id))
      expect(failed.map((s) => s.status)).toEqual(['failed', 'failed'])
      expect(failed[0]?.meaning).toMatch(/^The decision record is not the one the log signed/)
      expect(failed[0]?.detail).toMatch(/does not match hashMtl\(mtl\)/)
      expect(state.claimed?.trigger_detail).toBe('edited afterwards')
      expect(state.valid).toBe(false)
    })

    test('not a bundle at all: the verdict is invalid, nothing throws', async () => {
      const { state } = await run(42)
      expect(state.valid).toBe(false)
      expect(state.claimed).toBeUndefined()
      expect(state.steps[0]).toMatchObject({ id: 'bundle', status: 'failed' })
    })

    test('a hostile value (throwing getter) is reported, not thrown', async () => {
      const hostile = {
        anchors: [],
        get checkpoint(): never {
          throw new Error('boom')
        },
      }
      const { state } = await run(hostile)
      expect(state.valid).toBe(false)
      expect(state.steps[0]?.status).toBe('failed')
    })

    test('a configuration core refuses (a chain listed twice) says that nothing was checked', async () => {
      const { bundle } = await buildFixtureBundle()
      const client = {
        getChainId: async () => 1,
        readContract: async () => {
          throw new Error('not called')
        },
      } as unknown as VerifierClient
      const chain = { chainId: 1, client, checkpointRegistry: `0x${'11'.repeat(20)}` } as const
      const { state } = await run(bundle, [chain, chain])
      expect(state).toMatchObject({ done: true, valid: false, status: 'invalid', steps: [] })
      expect(state.summary).toMatch(
        /^Nothing was checked: this page's configuration is not usable \(chain 1 is configured twice\)/,
      )
    })
  })
})

describe('shownStep', () => {
  test('default: outcomes map to what the page shows; the plain reason leads and the detail follows', () => {
    const base = { id: 'x', title: 'T' }
    expect(shownStep({ ...base, ok: true, outcome: 'pass', detail: 'd' })).toEqual({
      ...base,
      status: 'ok',
      meaning: undefined,
      detail: 'd',
    })
    expect(shownStep({ ...base, ok: false, outcome: 'fail', reason: 'r', detail: 'd' })).toEqual({
      ...base,
      status: 'failed',
      meaning: 'r',
      detail: 'd',
    })
    expect(
      shownStep({ ...base, ok: true, outcome: 'unchecked', reason: 'r', detail: 'd' }).status,
    ).toBe('unchecked')
    expect(
      shownStep({ ...base, ok: true, outcome: 'notice', reason: 'r', detail: 'd' }).status,
    ).toBe('warn')
    // A step in verifyBundle's shape: its reason is technical.
    expect(shownStep({ ...base, ok: false, reason: 'expected a, found b' })).toEqual({
      ...base,
      status: 'failed',
      detail: 'expected a, found b',
    })
  })
})
