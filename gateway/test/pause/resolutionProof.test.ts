import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  esploraHeaderSource,
  type ProofBundle,
  readOts,
  type VerificationStep,
  verifyProof,
} from '@tml/core'
import { createPublicClient, http } from 'viem'
import { type LocalCalendar, startLocalCalendar } from '../../src/ots/localCalendar.ts'
import {
  type AnchoredGateway,
  eventually,
  startAnchoredGateway,
  useChains,
} from '../e2e/anchoredGateway.ts'
import { auth, reviewer, reviewPolicy } from '../helpers/gateway.ts'
import { signedResolution } from '../helpers/review.ts'

// A reviewer resolves a pause on a gateway anchoring on both local chains and stamping at the
// local calendar; the resolution's proof bundle is then checked by core's one verifier: the
// reviewer's signature from the record, against the policy the bundle carries, and the
// checkpoint's Bitcoin attestation through the calendar's Esplora stand-in over HTTP.
describe('a reviewer resolution, verified from its proof bundle', () => {
  let gw: AnchoredGateway
  let calendar: LocalCalendar
  let miner: NodeJS.Timeout
  before(async () => {
    calendar = await startLocalCalendar()
    miner = setInterval(() => calendar.pending() > 0 && calendar.mine(), 50)
  })
  const fixture = useChains({
    started: async (chains) => {
      gw = await startAnchoredGateway(
        chains,
        { ots: { calendars: [calendar.url], upgradeMs: 50 } },
        undefined,
        { 'review.yaml': reviewPolicy() },
      )
    },
    stopping: async () => {
      await gw?.close()
    },
  })
  after(async () => {
    clearInterval(miner)
    await calendar?.close()
  })

  const verifierChains = () =>
    fixture().chains.map((c) => ({
      chainId: c.chainId,
      client: createPublicClient({ transport: http(c.nodeUrl) }),
      checkpointRegistry: c.registry,
    }))

  async function resolvedBundle(): Promise<ProofBundle> {
    const paused = await gw.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: auth,
      payload: { profile: 'review', input: { text: 'x' }, signals: { confidence: 0.5 } },
    })
    assert.equal(paused.json().state, 0, paused.body)
    const pauseId = paused.json().trace_id as string
    const body = await signedResolution(gw, reviewer, pauseId, 1)
    const resolved = await gw.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      payload: body,
    })
    assert.equal(resolved.statusCode, 200, resolved.body)
    const traceId = resolved.json().trace_id as string
    let last = ''
    return eventually<ProofBundle>(
      async () => {
        const res = await gw.app.inject({ url: `/v1/traces/${traceId}/proof`, headers: auth })
        last = `${res.statusCode} ${res.body.slice(0, 300)}`
        if (res.statusCode !== 200) return undefined
        const b = res.json() as ProofBundle
        // Wait for both chains and the upgraded (Bitcoin) .ots.
        if (b.anchors.length < 2 || b.ots === undefined) return undefined
        return readOts(b.ots).bitcoinBlocks.length > 0 ? b : undefined
      },
      30_000,
      'the resolution bundle',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last answer: ${last}`)
    })
  }

  test('behavior: the bundle carries the policy; the resolution and Bitcoin steps pass', async () => {
    const bundle = await resolvedBundle()
    assert.equal(bundle.mtl.kind, 'resolution')
    assert.ok(bundle.policy, 'a resolution bundle carries its policy')
    assert.deepEqual(
      (bundle.policy.reviewers as string[]).map((r) => r.toLowerCase()),
      [reviewer.address.toLowerCase()],
    )
    const steps: VerificationStep[] = []
    const verdict = await verifyProof({
      bundle,
      chains: verifierChains(),
      bitcoin: esploraHeaderSource({ baseUrl: calendar.esploraUrl, fetch }),
      onStep: (s) => steps.push(s),
    })
    const resolution = verdict.steps.find((s) => s.id === 'resolution')
    assert.equal(resolution?.outcome, 'pass', JSON.stringify(resolution))
    const ots = verdict.steps.find((s) => s.id === 'ots')
    assert.equal(ots?.outcome, 'pass', JSON.stringify(ots))
    assert.match(ots?.detail ?? '', /block \d+ /)
  })

  test('errors: a forged reviewer signature or a policy with an extra reviewer fails the bundle', async () => {
    const bundle = await resolvedBundle()
    const bitcoin = esploraHeaderSource({ baseUrl: calendar.esploraUrl, fetch })
    // The record is in the log, so altering it breaks the leaf hash too; the resolution step
    // still says why in its own terms.
    const forged = structuredClone(bundle)
    if (forged.mtl.kind !== 'resolution') throw new Error('expected a resolution')
    forged.mtl.resolution.signature = `0x${'11'.repeat(32)}${'22'.repeat(32)}1b`
    const v1 = await verifyProof({ bundle: forged, chains: verifierChains(), bitcoin })
    assert.equal(v1.status, 'invalid')
    assert.equal(v1.steps.find((s) => s.id === 'resolution')?.outcome, 'fail')
    // The policy is outside the record: adding a reviewer changes its hash.
    const padded = structuredClone(bundle)
    padded.policy = {
      ...padded.policy,
      reviewers: [reviewer.address, '0x000000000000000000000000000000000000dEaD'],
    }
    const v2 = await verifyProof({ bundle: padded, chains: verifierChains(), bitcoin })
    assert.equal(v2.status, 'invalid')
    const step = v2.steps.find((s) => s.id === 'resolution')
    assert.equal(step?.outcome, 'fail')
    assert.match(step?.detail ?? '', /hash/)
  })
})
