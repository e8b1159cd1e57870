// Fail closed on anchoring: a deliberative answer the chains do not hold within its limit is -1
// LEDGER (never a silent +1), and a +1 that ends a deliberative pause is released only once its
// own MTL is anchored.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { auth, reviewer, reviewPolicy } from '../helpers/gateway.ts'
import { signedResolution } from '../helpers/review.ts'
import {
  type AnchoredGateway,
  eventually,
  type Fixture,
  postDecision,
  startAnchoredGateway,
  useChains,
} from './anchoredGateway.ts'

type Answer = {
  state: number
  trigger_type: string
  trigger_detail: string
  logged: boolean
  seq: number | null
  final_state: number
  pause?: { pause_id: string; status: string; resolution?: { state: number; seq: number } }
}

const decide = (gw: AnchoredGateway, payload: Record<string, unknown>) =>
  postDecision<Answer>(gw, payload)

const setDown = (fixture: Fixture, down: boolean) => {
  for (const c of fixture.chains) c.setDown(down)
}

describe('fail closed on anchoring', () => {
  const fixture = useChains()

  test('behavior: hold time-out: a deliberative answer not anchored within its limit is -1 LEDGER, never +1', async () => {
    const gw = await startAnchoredGateway(fixture(), { holdMs: 400 })
    try {
      fixture().chains[1]?.setDown(true)
      const held = await decide(gw, { profile: 'general' })
      assert.equal(held.state, -1)
      assert.equal(held.final_state, -1)
      assert.equal(held.trigger_type, 'LEDGER')
      assert.match(
        held.trigger_detail,
        /not anchored within 400 ms: decision 1 \(NONE\) logged at seq 0/,
      )
      assert.equal(held.logged, true, 'the record is in the log all the same')
      // A real-time profile is not held.
      assert.equal((await decide(gw, { profile: 'finance' })).state, 1)
      fixture().chains[1]?.setDown(false)
      const released = await eventually(
        async () => {
          const a = await decide(gw, { profile: 'general' })
          return a.state === 1 ? a : undefined
        },
        30_000,
        'a deliberative +1 once the chains keep up',
      )
      assert.equal(gw.gateway.lane?.isAnchored(released.seq as number), true)
    } finally {
      fixture().chains[1]?.setDown(false)
      await gw.close()
    }
  })
})

// Its own chains: the log of the test above holds epochs there, which a new data directory on
// the same keys would contradict.
describe('fail closed on anchoring: resolutions', () => {
  const fixture = useChains()

  test('behavior: unanchored resolution: a reviewer +1 ending a deliberative pause is released only once its MTL is anchored', async () => {
    const deliberative = reviewPolicy().replace(
      'profile: review\n',
      'profile: review\ntiming: deliberative\n',
    )
    const gw = await startAnchoredGateway(fixture(), {}, undefined, { 'review.yaml': deliberative })
    const lane = gw.gateway.lane
    assert.ok(lane)
    try {
      let settled = false
      const waiting = decide(gw, {
        profile: 'review',
        signals: { confidence: 0.5, harm: 0.01 },
        wait_ms: 60_000,
      }).finally(() => {
        settled = true
      })
      const pause = await eventually(() => gw.gateway.pauses.pending()[0], 10_000, 'the pause')
      await eventually(
        () => (lane.isAnchored(pause.mtl.seq) ? true : undefined),
        20_000,
        'the pause MTL anchored',
      )
      setDown(fixture(), true)
      const posted = await gw.app.inject({
        method: 'POST',
        url: `/v1/pauses/${pause.pauseId}/resolution`,
        payload: await signedResolution(gw, reviewer, pause.pauseId, 1),
      })
      assert.equal(posted.statusCode, 200, posted.body)
      const resolution = posted.json() as { state: number; seq: number }
      assert.equal(resolution.state, 1)

      // Durable but not anchored: nobody waiting or polling is told +1.
      const polled = await gw.app.inject({
        url: `/v1/pauses/${pause.pauseId}?wait_ms=500`,
        headers: auth,
      })
      assert.equal(polled.statusCode, 200)
      assert.equal(polled.json().status, 'pending')
      const recent = await gw.app.inject({ url: '/v1/pauses?status=resolved', headers: auth })
      assert.deepEqual(recent.json().pauses, [])
      assert.equal(settled, false, 'the caller waiting with wait_ms still waits')
      const again = await gw.app.inject({
        method: 'POST',
        url: `/v1/pauses/${pause.pauseId}/resolution`,
        payload: await signedResolution(gw, reviewer, pause.pauseId, -1),
      })
      assert.equal(again.statusCode, 409, 'resolved once, in the log')

      setDown(fixture(), false)
      const answer = await waiting
      assert.equal(lane.isAnchored(resolution.seq), true, 'released only once anchored')
      assert.equal(answer.state, 0)
      assert.equal(answer.final_state, 1)
      assert.equal(answer.pause?.status, 'resolved')
      assert.equal(answer.pause?.resolution?.seq, resolution.seq)
      const after = await gw.app.inject({ url: `/v1/pauses/${pause.pauseId}`, headers: auth })
      assert.equal(after.json().status, 'resolved')
      assert.equal(after.json().resolution.state, 1)
    } finally {
      setDown(fixture(), false)
      await gw.close()
    }
  })
})
