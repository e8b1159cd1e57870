import { describe, expect, test } from 'vitest'
import { receiptKeyCommitment } from '../../../core/src/receipt/receiptKeyCommitment.ts'
import { buildFixtureBundle } from '../../../core/test/fixtures/bundle.ts'
import type { LogKeys } from '../../src/chain/readLogKeys.ts'
import { peekBundle } from '../../src/verify/peekBundle.ts'
import { runVerification, type VerificationState } from '../../src/verify/runVerification.ts'
import { fixtureConfig } from '../fixtures.ts'

async function setup() {
  const fixture = await buildFixtureBundle()
  const keys: LogKeys = {
    ok: true,
    chainId: 11155111,
    keys: {
      checkpointSigner: fixture.trustedKeys.checkpointSigner,
      receiptKeyCommitment: receiptKeyCommitment(fixture.trustedKeys.receiptPublicKey),
    },
    operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    name: 'gateway-1',
    maxEpochInterval: 3600n,
  }
  const updates: VerificationState[] = []
  const run = (bundle: unknown, readKeys: () => Promise<LogKeys> = async () => keys) =>
    runVerification({
      value: bundle,
      config: fixtureConfig(),
      onUpdate: (s) => updates.push(s),
      readCheckpoint: fixture.readCheckpoint,
      readKeys,
      readDetails: async ({ anchor }) => ({
        chainId: anchor.chainId,
        txHash: anchor.txHash,
        blockNumber: BigInt(anchor.blockNumber),
        blockTime: 1741944712n,
        eventMatches: true,
        note: undefined,
      }),
    })
  return { fixture, updates, run }
}

describe('runVerification', () => {
  test('default: a valid bundle passes every step; offline steps settle before the chain steps', async () => {
    const { fixture, updates, run } = await setup()
    const state = await run(structuredClone(fixture.bundle))
    expect(state.valid).toBe(true)
    expect(state.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'bundle:ok',
      'mtl:ok',
      'leafHash:ok',
      'inclusion:ok',
      'keys:ok',
      'checkpointSignature:ok',
      'receiptSignature:ok',
      'anchor:11155111:ok',
      'anchor:80002:ok',
      'anchored:ok',
      'ots:warn',
    ])
    expect(state.steps.at(-1)?.reason).toMatch(
      /^the OpenTimestamps proof cannot be read: the proof is truncated$/,
    )
    expect(state.anchors.map((a) => a.blockNumber)).toEqual([1000n, 1001n])
    expect(state.offlineMs).toBeGreaterThan(0)
    const first = updates[0]
    expect(first?.done).toBe(false)
    expect(first?.steps.filter((s) => s.status === 'running').map((s) => s.id)).toEqual([
      'keys',
      'checkpointSignature',
      'receiptSignature',
      'anchor:11155111',
      'anchor:80002',
      'anchored',
    ])
    expect(updates.at(-1)?.done).toBe(true)
  })

  describe('errors', () => {
    test('keys that cannot be read from any chain fail the verdict', async () => {
      const { fixture, run } = await setup()
      const state = await run(structuredClone(fixture.bundle), async () => ({
        ok: false,
        reason: 'log 0x… is not declared on chain 11155111',
      }))
      expect(state.valid).toBe(false)
      expect(state.steps.filter((s) => s.status === 'failed')).toEqual([
        {
          id: 'keys',
          title: "The log's keys are read from the chain's registries",
          status: 'failed',
          reason: 'log 0x… is not declared on chain 11155111',
        },
      ])
    })

    test('a tampered MTL fails at leafHash and inclusion, and is not shown as a decision', async () => {
      const { fixture, run } = await setup()
      const bundle = structuredClone(fixture.bundle)
      bundle.mtl.trigger_detail = 'edited afterwards'
      const state = await run(bundle)
      expect(state.steps.filter((s) => s.status === 'failed').map((s) => s.id)).toEqual([
        'leafHash',
        'inclusion',
      ])
      expect(state.mtl?.trigger_detail).toBe('edited afterwards')
      expect(state.valid).toBe(false)
    })

    test('not a bundle at all: every step fails, nothing throws', async () => {
      const { run } = await setup()
      const state = await run(42)
      expect(state.valid).toBe(false)
      expect(state.steps.map((s) => s.id)).toEqual([
        'bundle',
        'mtl',
        'leafHash',
        'inclusion',
        'keys',
        'checkpointSignature',
        'receiptSignature',
        'anchored',
        'ots',
      ])
      expect(state.steps.find((s) => s.id === 'keys')?.reason).toBe(
        'not checked: the checkpoint is malformed (see the bundle step)',
      )
    })
  })
})

describe('peekBundle', () => {
  test('errors: a hostile value (throwing getter) leaves only what was read', () => {
    const hostile = {
      anchors: [],
      get checkpoint(): never {
        throw new Error('boom')
      },
    }
    expect(peekBundle(hostile)).toEqual({
      checkpoint: undefined,
      anchors: [],
      ots: undefined,
      mtl: undefined,
    })
  })
})
