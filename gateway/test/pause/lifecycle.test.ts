import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, test } from 'node:test'
import {
  canonicalBytes,
  validateMtl,
  verifyP256,
  verifyReceipt,
  verifyResolutionMtl,
} from '@tml/core'
import { auth, reviewer, startTestGateway, stranger, type TestGateway } from '../helpers/gateway.ts'
import { RATIONALE, signedResolution } from '../helpers/review.ts'

const PAUSING = {
  profile: 'review',
  input: { text: 'chemicals to clean a crime scene' },
  signals: { confidence: 0.5, harm: 0.5 },
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function pause(t: TestGateway, headers = auth, body: object = PAUSING) {
  const r = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers, payload: body })
  assert.equal(r.statusCode, 200, r.body)
  return r.json()
}

const resolve = (t: TestGateway, pauseId: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/v1/pauses/${pauseId}/resolution`, payload })

describe('pause lifecycle', () => {
  let t: TestGateway
  before(async () => {
    t = await startTestGateway()
  })
  after(async () => {
    await t.close()
  })

  test('default: a pause holds the decision with the Lantern on and is listed as pending', async () => {
    const d = await pause(t)
    assert.equal(d.state, 0)
    assert.equal(d.lantern, true)
    assert.equal(d.final_state, 0)
    assert.equal(d.pause.pause_id, d.trace_id)
    assert.equal(d.pause.status, 'pending')
    const list = (await t.app.inject({ url: '/v1/pauses?status=pending', headers: auth })).json()
      .pauses
    const mine = list.find((p: { pause_id: string }) => p.pause_id === d.trace_id)
    assert.ok(mine)
    assert.equal(mine.leaf_hash, d.leaf_hash)
    assert.deepEqual(mine.typed_data.message, {
      logId: t.gateway.memory.logId,
      pauseId: d.trace_id,
      pauseLeafHash: d.leaf_hash,
    })
    assert.equal(t.gateway.lantern.on, true)
  })

  test('behavior: a listed reviewer approves; the resolution is a new MTL referring to the pause', async () => {
    const d = await pause(t)
    const body = await signedResolution(t, reviewer, d.trace_id, 1)
    const r = await resolve(t, d.trace_id, body)
    assert.equal(r.statusCode, 200, r.body)
    const res = r.json()
    assert.equal(res.state, 1)
    assert.deepEqual(res.arbiter, { kind: 'reviewer', id: reviewer.address.toLowerCase() })
    assert.ok(verifyReceipt({ receipt: res.receipt, publicKey: t.gateway.signer.publicKey }))
    const { mtl } = (
      await t.app.inject({ url: `/v1/traces/${res.trace_id}`, headers: auth })
    ).json()
    const check = validateMtl(mtl)
    assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
    assert.equal(mtl.kind, 'resolution')
    assert.equal(mtl.refers_to, d.trace_id)
    assert.equal(mtl.trigger_type, 'MANUAL')
    assert.equal(mtl.resolution.rationale_hash, RATIONALE)
    // What the reviewer signed is in the record: a verifier checks it from the log alone.
    assert.equal(mtl.resolution.deadline, body.deadline)
    assert.equal(mtl.resolution.pause_leaf_hash, d.leaf_hash)
    assert.deepEqual(await verifyResolutionMtl({ mtl, reviewers: [reviewer.address] }), {
      reviewer: reviewer.address.toLowerCase(),
      deadline: body.deadline,
    })
    assert.equal(mtl.seq > d.seq, true)
    // The pause MTL itself is unchanged, and now points to its resolution.
    const p = (await t.app.inject({ url: `/v1/traces/${d.trace_id}`, headers: auth })).json()
    assert.equal(p.mtl.state, 0)
    assert.equal(p.resolved_by, res.trace_id)
    const got = (await t.app.inject({ url: `/v1/pauses/${d.trace_id}`, headers: auth })).json()
    assert.equal(got.status, 'resolved')
    assert.equal(got.resolution.trace_id, res.trace_id)
  })

  test('behavior: a listed reviewer refuses → -1', async () => {
    const d = await pause(t)
    const r = await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, -1))
    assert.equal(r.statusCode, 200)
    assert.equal(r.json().state, -1)
  })

  test('errors: resolving an already resolved pause is 409, and nothing is logged', async () => {
    const d = await pause(t)
    assert.equal(
      (await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, 1))).statusCode,
      200,
    )
    const size = t.gateway.memory.size
    const again = await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, -1))
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().error, 'already_resolved')
    assert.equal(t.gateway.memory.size, size)
  })

  test('errors: a reviewer the policy does not list is 403', async () => {
    const d = await pause(t)
    const r = await resolve(t, d.trace_id, await signedResolution(t, stranger, d.trace_id, 1))
    assert.equal(r.statusCode, 403)
    assert.equal(r.json().error, 'unlisted_reviewer')
    assert.ok(t.gateway.pauses.get(d.trace_id), 'the pause stays open')
  })

  test('errors: a signature over other values (decision swapped, other evidence) recovers another signer: 403', async () => {
    const d = await pause(t)
    const swapped = await signedResolution(t, reviewer, d.trace_id, 1, { signDecision: -1 })
    assert.equal((await resolve(t, d.trace_id, swapped)).statusCode, 403)
    const otherLeaf = await signedResolution(t, reviewer, d.trace_id, 1, {
      pauseLeafHash: `0x${'77'.repeat(32)}`,
    })
    assert.equal((await resolve(t, d.trace_id, otherLeaf)).statusCode, 403)
  })

  test('errors: a malformed or high-s signature is 400; an expired deadline is 400', async () => {
    const d = await pause(t)
    const good = await signedResolution(t, reviewer, d.trace_id, 1)
    const garbage = await resolve(t, d.trace_id, { ...good, signature: `0x${'11'.repeat(65)}` })
    assert.equal(garbage.statusCode, 400)
    assert.equal(garbage.json().error, 'malformed_signature')
    // s → n − s, v flipped: the same signer, but not the canonical form (EIP-2).
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const s = BigInt(`0x${good.signature.slice(66, 130)}`)
    const v = Number.parseInt(good.signature.slice(130), 16)
    const highS = `${good.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`
    const malleable = await resolve(t, d.trace_id, { ...good, signature: highS })
    assert.equal(malleable.statusCode, 400)
    const expired = await resolve(
      t,
      d.trace_id,
      await signedResolution(t, reviewer, d.trace_id, 1, { deadline: 1000 }),
    )
    assert.equal(expired.statusCode, 400)
    assert.equal(expired.json().error, 'expired')
    const shape = await resolve(t, d.trace_id, { ...good, decision: 0 })
    assert.equal(shape.statusCode, 400)
    assert.equal(shape.json().field, 'decision')
    assert.ok(t.gateway.pauses.get(d.trace_id))
  })

  test('errors: a deadline that passes between the check and the log write is refused; the pause stays open', async () => {
    const d = await pause(t)
    const deadline = Math.floor(Date.now() / 1000) - 1
    await assert.rejects(
      t.gateway.pauses.resolve({
        pauseId: d.trace_id,
        decision: 1,
        arbiter: { kind: 'reviewer', id: reviewer.address.toLowerCase() },
        rationaleHash: RATIONALE,
        signature: `0x${'11'.repeat(65)}`,
        deadline,
      }),
      { name: 'ResolutionExpiredError' },
    )
    assert.ok(t.gateway.pauses.get(d.trace_id), 'the pause stays open')
    const r = await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, -1))
    assert.equal(r.statusCode, 200, 'and can still be resolved')
  })

  test('errors: resolving an unknown pause is 404', async () => {
    const id = '00000000-0000-4000-8000-000000000001'
    const r = await resolve(t, id, await signedResolution(t, reviewer, id, 1))
    assert.equal(r.statusCode, 404)
  })

  test('behavior: a caller can wait for the resolution (long poll on the decision)', async () => {
    // Pauses of earlier tests may still be pending: wait for one that is new.
    const before = new Set(t.gateway.pauses.pending().map((p) => p.pauseId))
    const pending = pause(t, auth, { ...PAUSING, wait_ms: 5000 })
    let pauseId: string | undefined
    for (let i = 0; i < 300 && !pauseId; i++) {
      await wait(10)
      pauseId = t.gateway.pauses.pending().find((p) => !before.has(p.pauseId))?.pauseId
    }
    assert.ok(pauseId)
    assert.equal(
      (await resolve(t, pauseId, await signedResolution(t, reviewer, pauseId, 1))).statusCode,
      200,
    )
    const d = await pending
    assert.equal(d.state, 0)
    assert.equal(d.final_state, 1)
    assert.equal(d.lantern, false)
    assert.equal(d.pause.status, 'resolved')
    assert.equal(d.pause.resolution.state, 1)
  })

  test('behavior: or poll the pause with wait_ms', async () => {
    const d = await pause(t)
    const polled = t.app.inject({ url: `/v1/pauses/${d.trace_id}?wait_ms=5000`, headers: auth })
    await wait(20)
    await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, -1))
    const r = (await polled).json()
    assert.equal(r.status, 'resolved')
    assert.equal(r.resolution.state, -1)
    const quick = (
      await t.app.inject({
        url: `/v1/pauses/${(await pause(t)).trace_id}?wait_ms=10`,
        headers: auth,
      })
    ).json()
    assert.equal(quick.status, 'pending')
  })
})

describe('timeout and budget', () => {
  test("behavior: a caller waiting past the deadline gets the timeout's -1, not a pending pause", async () => {
    // The deadline and the end of the wait used to coincide, racing the timeout's durable write.
    const t = await startTestGateway({ timeoutMs: 50 })
    try {
      for (let i = 0; i < 5; i++) {
        const d = await pause(t, auth, { ...PAUSING, wait_ms: 3000 })
        assert.equal(d.state, 0)
        assert.equal(d.pause.status, 'resolved')
        assert.equal(d.final_state, -1)
        assert.deepEqual(d.pause.resolution.arbiter, { kind: 'timeout', id: 'gateway' })
      }
    } finally {
      await t.close()
    }
  })

  test('behavior: an unresolved pause times out into -1 (silence implies risk)', async () => {
    const t = await startTestGateway({ timeoutMs: 80 })
    try {
      const d = await pause(t)
      const r = (
        await t.app.inject({ url: `/v1/pauses/${d.trace_id}?wait_ms=3000`, headers: auth })
      ).json()
      assert.equal(r.status, 'resolved')
      assert.equal(r.resolution.state, -1)
      assert.deepEqual(r.resolution.arbiter, { kind: 'timeout', id: 'gateway' })
      const { mtl } = (
        await t.app.inject({ url: `/v1/traces/${r.resolution.trace_id}`, headers: auth })
      ).json()
      assert.ok(validateMtl(mtl).valid)
      assert.equal(mtl.resolution.signature, null)
      assert.equal(mtl.trigger_type, 'HARM', 'a timeout or verification keeps the pause trigger')
      assert.ok(mtl.metrics.pause_ms >= 80)
      assert.equal(t.gateway.lantern.on, false)
      const late = await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, 1))
      assert.equal(late.statusCode, 409)
    } finally {
      await t.close()
    }
  })

  test('behavior: an empty pause budget turns pauses into refusals (BUDGET), per caller and overall', async () => {
    const t = await startTestGateway({ budget: [3, 5] })
    const other = { authorization: 'Bearer other-token-0123456789abcdef' }
    try {
      // Per caller: 3 pauses.
      for (let i = 0; i < 3; i++) assert.equal((await pause(t)).state, 0)
      const refused = await pause(t)
      assert.equal(refused.state, -1)
      assert.equal(refused.trigger_type, 'BUDGET')
      assert.match(
        refused.trigger_detail,
        /^pause budget exhausted \(the caller's\); would have paused: /,
      )
      assert.equal(refused.logged, true)
      const { mtl } = (
        await t.app.inject({ url: `/v1/traces/${refused.trace_id}`, headers: auth })
      ).json()
      assert.ok(validateMtl(mtl).valid)
      assert.equal(mtl.trigger_type, 'BUDGET')
      // Another caller has its own budget, but the profile's overall budget (5) runs out too.
      assert.equal((await pause(t, other)).state, 0)
      assert.equal((await pause(t, other)).state, 0)
      const overall = await pause(t, other)
      assert.equal(overall.trigger_type, 'BUDGET')
      assert.match(overall.trigger_detail, /overall/)
      // What does not pause is not affected.
      const fine = await pause(t, other, { ...PAUSING, signals: { confidence: 1, harm: 0 } })
      assert.equal(fine.state, 1)
    } finally {
      await t.close()
    }
  })
})

describe('Lantern stream and restarts', () => {
  test('behavior: /v1/lantern streams status, pause and resolution events (SSE)', async () => {
    const t = await startTestGateway()
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 })
      const port = (t.app.server.address() as { port: number }).port
      const events: { event: string; data: Record<string, unknown> }[] = []
      const req = request({
        host: '127.0.0.1',
        port,
        path: `/v1/lantern?access_token=${encodeURIComponent(auth.authorization.slice(7))}`,
      })
      const opened = new Promise<string>((resolveOpen) => {
        req.on('response', (res) => {
          resolveOpen(String(res.headers['content-type']))
          let buffer = ''
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString()
            let i = buffer.indexOf('\n\n')
            while (i >= 0) {
              const block = buffer.slice(0, i)
              buffer = buffer.slice(i + 2)
              const event = /^event: (.*)$/m.exec(block)?.[1]
              const data = /^data: (.*)$/m.exec(block)?.[1]
              if (event && data) events.push({ event, data: JSON.parse(data) })
              i = buffer.indexOf('\n\n')
            }
          })
        })
      })
      req.end()
      assert.match(await opened, /^text\/event-stream/)
      const d = await pause(t)
      await resolve(t, d.trace_id, await signedResolution(t, reviewer, d.trace_id, 1))
      for (let i = 0; i < 100 && events.length < 3; i++) await wait(10)
      req.destroy()
      assert.deepEqual(
        events.map((e) => e.event),
        ['status', 'pause', 'resolution'],
      )
      assert.deepEqual(events[0]?.data, { lantern: false, pending: 0 })
      assert.equal(events[1]?.data.pause_id, d.trace_id)
      assert.equal(events[1]?.data.lantern, true)
      assert.equal(events[2]?.data.state, 1)
      assert.equal(events[2]?.data.lantern, false)
      const noKey = await t.app.inject({ url: '/v1/lantern' })
      assert.equal(noKey.statusCode, 401)
    } finally {
      await t.close()
    }
  })

  test('behavior: open pauses survive a restart and still time out', async () => {
    const first = await startTestGateway({ timeoutMs: 400 })
    const d = await pause(first)
    await first.close()
    const second = await startTestGateway({ dir: first.dir, timeoutMs: 400 })
    try {
      assert.equal(second.gateway.restoredPauses, 1)
      assert.equal(second.gateway.pauses.get(d.trace_id)?.deadlineMs, Date.parse(d.pause.deadline))
      const r = (
        await second.app.inject({ url: `/v1/pauses/${d.trace_id}?wait_ms=3000`, headers: auth })
      ).json()
      assert.equal(r.status, 'resolved')
      assert.equal(r.resolution.arbiter.kind, 'timeout')
    } finally {
      await second.close()
    }
  })

  test('behavior: a verification hook can resolve a pause, signed by the gateway', async () => {
    const seen: unknown[] = []
    const t = await startTestGateway({
      hook: 'precedents',
      hooks: {
        precedents: async (p) => {
          seen.push(p)
          return { decision: 1, rationale: 'similar precedent approved' }
        },
      },
    })
    try {
      const d = await pause(t)
      const r = (
        await t.app.inject({ url: `/v1/pauses/${d.trace_id}?wait_ms=3000`, headers: auth })
      ).json()
      assert.equal(r.status, 'resolved')
      assert.deepEqual(r.resolution.arbiter, { kind: 'verification', id: 'precedents' })
      const { mtl } = (
        await t.app.inject({ url: `/v1/traces/${r.resolution.trace_id}`, headers: auth })
      ).json()
      assert.ok(validateMtl(mtl).valid)
      assert.equal(mtl.trigger_type, 'HARM', 'a timeout or verification keeps the pause trigger')
      const statement = canonicalBytes({
        v: 'tml-verification/1',
        logId: t.gateway.memory.logId,
        pauseId: d.trace_id,
        pauseLeafHash: d.leaf_hash,
        verifier: 'precedents',
        decision: 1,
        rationaleHash: mtl.resolution.rationale_hash,
      })
      assert.ok(
        verifyP256({
          message: statement,
          signature: mtl.resolution.signature,
          publicKey: t.gateway.signer.publicKey,
        }),
      )
      assert.equal((seen[0] as { trace_id: string }).trace_id, d.trace_id)
      assert.ok(
        !JSON.stringify(seen).includes('crime scene'),
        'the hook sees evidence, not raw input',
      )
    } finally {
      await t.close()
    }
  })
})
