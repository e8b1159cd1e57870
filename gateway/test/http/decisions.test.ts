import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { bytesToHex, hashMtl, validateMtl, verifyReceipt } from '@tml/core'
import { MemoryLogStore } from '../../src/memory/MemoryLogStore.ts'
import { WorkerCommitter } from '../../src/memory/WorkerCommitter.ts'
import { auth, SMALLEST, startTestGateway, type TestGateway } from '../helpers/gateway.ts'

const post = (t: TestGateway, payload: unknown, headers: Record<string, string> = auth) =>
  t.app.inject({ method: 'POST', url: '/v1/decisions', headers, payload: payload as object })

describe('POST /v1/decisions', () => {
  let t: TestGateway
  before(async () => {
    t = await startTestGateway()
  })
  after(async () => {
    await t.close()
  })

  test('default: the smallest valid body gives +1 with trace id, trigger and a verifiable receipt', async () => {
    const r = await post(t, SMALLEST)
    assert.equal(r.statusCode, 200)
    const body = r.json()
    assert.equal(body.state, 1)
    assert.equal(body.trigger_type, 'NONE')
    assert.match(body.trace_id, /^[0-9a-f-]{36}$/)
    assert.equal(body.logged, true)
    assert.equal(body.final_state, 1)
    assert.equal(body.lantern, false)
    assert.equal(body.receipt.traceId, body.trace_id)
    assert.ok(verifyReceipt({ receipt: body.receipt, publicKey: t.gateway.signer.publicKey }))
    assert.equal(body.policy_hash, t.gateway.policies.get('general')?.hash)
  })

  test('behavior: the logged MTL is valid mtl/1, its leaf hash is the receipt’s, and GET /v1/traces serves it', async () => {
    const { trace_id, receipt } = (await post(t, { ...SMALLEST, output: { text: 'hi' } })).json()
    const r = await t.app.inject({ method: 'GET', url: `/v1/traces/${trace_id}`, headers: auth })
    assert.equal(r.statusCode, 200)
    const { mtl, leaf_hash, receipt: stored } = r.json()
    const check = validateMtl(mtl)
    assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
    assert.equal(bytesToHex(hashMtl(check.mtl)), receipt.leafHash)
    assert.equal(leaf_hash, receipt.leafHash)
    assert.deepEqual(stored, receipt)
    assert.equal(mtl.seq, receipt.seq)
    assert.match(mtl.output_hash, /^0x[0-9a-f]{64}$/)
    assert.equal(mtl.kind, 'decision')
  })

  test('behavior: every state of every shipped profile produces a valid MTL', async () => {
    const cases = [
      {
        profile: 'general',
        signals: { confidence: 0.5, harm: 0.95 },
        context: { uses_protected_attributes: true, environmental_impact: 'high' },
      },
      {
        profile: 'medical',
        signals: { confidence: 0.65, harm: 0.05, token_logprobs: [[-0.1, -2.5]] },
        context: { ehr_agrees: false },
      },
      { profile: 'legal', signals: { confidence: 0.98, harm: 0.1 } },
      {
        profile: 'finance',
        signals: { volatility: 0.2, series: [{ t: Date.now() - 1000, value: 1 }] },
      },
      {
        profile: 'autonomous_vehicles',
        signals: {
          confidence: 0.99,
          sensor_iou: 0.3,
          sensors: [
            { id: 'a', vector: [0, 0] },
            { id: 'b', vector: [1, 1] },
          ],
        },
      },
      {
        profile: 'defense',
        signals: { confidence: 0.5, harm: 0.5, distribution: [0.5, 0.5] },
        context: { target_class: 'civilian' },
      },
    ]
    for (const c of cases) {
      const r = await post(t, { input: { text: 'x' }, ...c })
      assert.equal(r.statusCode, 200, r.body)
      const { trace_id, state } = r.json()
      assert.ok(state === 0 || state === -1, `${c.profile} should not proceed`)
      const { mtl } = (
        await t.app.inject({ method: 'GET', url: `/v1/traces/${trace_id}`, headers: auth })
      ).json()
      const check = validateMtl(mtl)
      assert.ok(check.valid, `${c.profile}: ${JSON.stringify(!check.valid && check.issues)}`)
      assert.ok(mtl.causal_graph.length > 0)
      assert.equal(mtl.output_hash, null)
    }
  })

  test('behavior: raw subject ids and PII fields never reach the store', async () => {
    const secretName = 'Zebulon Quaxwell'
    const email = 'zebulon.quaxwell@example.org'
    const r = await post(t, {
      profile: 'review',
      subject: email,
      input: { name: secretName, text: 'hello' },
      context: { email },
      signals: { confidence: 0.99, harm: 0 },
    })
    assert.equal(r.statusCode, 200)
    const { trace_id } = r.json()
    const { mtl } = (
      await t.app.inject({ method: 'GET', url: `/v1/traces/${trace_id}`, headers: auth })
    ).json()
    assert.match(mtl.subject, /^psn:[0-9a-f]{64}$/)
    const files = ['log.db', 'log.db-wal'].map((f) => {
      try {
        return readFileSync(join(t.dir, f)).toString('latin1')
      } catch {
        return ''
      }
    })
    for (const text of files) {
      assert.ok(!text.includes(secretName))
      assert.ok(!text.includes(email))
      assert.ok(!text.includes('Zebulon'))
    }
  })

  test('errors: missing or unknown API key is 401 and stores nothing', async () => {
    const before = t.gateway.memory.size
    assert.equal((await post(t, SMALLEST, {})).statusCode, 401)
    assert.equal(
      (await post(t, SMALLEST, { authorization: 'Bearer nope-nope-nope-nope' })).statusCode,
      401,
    )
    assert.equal(t.gateway.memory.size, before)
  })

  const invalid: {
    desc: string
    payload: unknown
    status: number
    field?: string
    raw?: string
    contentType?: string
  }[] = [
    { desc: 'missing profile', payload: { input: {}, signals: {} }, status: 400, field: 'profile' },
    {
      desc: 'unknown profile',
      payload: { ...SMALLEST, profile: 'astrology' },
      status: 400,
      field: 'profile',
    },
    {
      desc: 'confidence as a string',
      payload: { ...SMALLEST, signals: { confidence: '0.99', harm: 0 } },
      status: 400,
      field: 'signals.confidence',
    },
    {
      desc: 'confidence above 1',
      payload: { ...SMALLEST, signals: { confidence: 1.5, harm: 0 } },
      status: 400,
      field: 'signals.confidence',
    },
    {
      desc: 'unknown signal',
      payload: { ...SMALLEST, signals: { confidence: 1, vibes: 3 } },
      status: 400,
      field: 'signals.vibes',
    },
    {
      desc: 'unknown top-level field',
      payload: { ...SMALLEST, extra: 1 },
      status: 400,
      field: 'extra',
    },
    {
      desc: 'input is not an object',
      payload: { ...SMALLEST, input: 'hello' },
      status: 400,
      field: 'input',
    },
    {
      desc: 'distribution does not sum to 1',
      payload: { ...SMALLEST, signals: { distribution: [0.5, 0.6] } },
      status: 400,
      field: 'signals.distribution',
    },
    {
      desc: 'positive logprob',
      payload: { ...SMALLEST, signals: { token_logprobs: [[0.5]] } },
      status: 400,
      field: 'signals.token_logprobs.0.0',
    },
    { desc: 'negative wait', payload: { ...SMALLEST, wait_ms: -1 }, status: 400, field: 'wait_ms' },
    {
      desc: 'bad model hash',
      payload: { ...SMALLEST, model: { id: 'm', version_hash: '0x12' } },
      status: 400,
      field: 'model.version_hash',
    },
    {
      desc: 'lone surrogate in input',
      payload: undefined,
      raw: '{"profile":"general","input":{"text":"\\ud800"},"signals":{"confidence":1,"harm":0}}',
      status: 400,
      field: 'input.text',
    },
    { desc: 'malformed JSON', payload: undefined, raw: '{"profile":', status: 400 },
    {
      desc: 'deep nesting',
      payload: undefined,
      raw: `{"profile":"general","input":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      status: 400,
    },
    {
      desc: 'wrong media type',
      payload: undefined,
      raw: 'profile=general',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
    {
      desc: 'oversized body',
      payload: undefined,
      raw: JSON.stringify({ ...SMALLEST, input: { text: 'x'.repeat(600_000) } }),
      status: 413,
    },
  ]
  for (const row of invalid) {
    test(`errors: ${row.desc} → ${row.status}${row.field ? ` naming ${row.field}` : ''}, nothing stored`, async () => {
      const size = t.gateway.memory.size
      const r =
        row.raw === undefined
          ? await post(t, row.payload)
          : await t.app.inject({
              method: 'POST',
              url: '/v1/decisions',
              headers: { ...auth, 'content-type': row.contentType ?? 'application/json' },
              payload: row.raw,
            })
      assert.equal(r.statusCode, row.status, r.body)
      const body = r.json()
      assert.equal(typeof body.error, 'string')
      assert.equal(typeof body.message, 'string')
      if (row.field) assert.equal(body.field, row.field, body.message)
      // A pause opened by an earlier test may time out meanwhile and log its resolution: only
      // records other than resolutions would be this request's.
      const added = await t.gateway.memory.store.entries(size, 1000)
      assert.deepEqual(
        added.filter((e) => e.kind !== 'resolution').map((e) => e.kind),
        [],
        'the refused request stored a record',
      )
    })
  }
})

describe('other routes', () => {
  let t: TestGateway
  before(async () => {
    t = await startTestGateway()
  })
  after(async () => {
    await t.close()
  })

  test('default: healthz, readyz, metrics and openapi need no key', async () => {
    assert.deepEqual((await t.app.inject({ url: '/healthz' })).json(), { status: 'ok' })
    assert.equal((await t.app.inject({ url: '/readyz' })).json().ready, true)
    await post(t, SMALLEST)
    const metrics = (await t.app.inject({ url: '/metrics' })).body
    assert.match(metrics, /tml_decisions_total\{state="1",trigger_type="NONE"\} 1/)
    assert.match(metrics, /tml_store_available 1/)
    const doc = (await t.app.inject({ url: '/openapi.json' })).json()
    assert.equal(doc.openapi, '3.1.0')
    for (const path of [
      '/v1/decisions',
      '/v1/traces/{traceId}',
      '/v1/pauses',
      '/v1/pauses/{pauseId}/resolution',
      '/v1/lantern',
      '/v1/subjects/{id}/erasure',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      assert.ok(doc.paths[path], path)
    }
    assert.deepEqual(
      doc.paths['/v1/decisions'].post.requestBody.content['application/json'].schema.required,
      ['profile', 'input', 'signals'],
    )
  })

  test('errors: unknown trace is 404, malformed id 400, unknown route 404 as JSON', async () => {
    const unknown = await t.app.inject({
      url: '/v1/traces/00000000-0000-4000-8000-000000000000',
      headers: auth,
    })
    assert.equal(unknown.statusCode, 404)
    const bad = await t.app.inject({ url: '/v1/traces/nope', headers: auth })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().field, 'params.traceId')
    const none = await t.app.inject({ url: '/nothing' })
    assert.equal(none.statusCode, 404)
    assert.equal(none.json().error, 'not_found')
  })
})

describe('POST /v1/subjects/{id}/erasure', () => {
  test('behavior: shreds the secret, logs the erasure without PII, and the subject gets a new pseudonym', async () => {
    const t = await startTestGateway()
    try {
      const subject = 'patient-7781'
      const decision = {
        profile: 'review',
        subject,
        input: { name: 'Ada' },
        signals: { confidence: 1, harm: 0 },
      }
      const first = (await post(t, decision)).json()
      const before = (
        await t.app.inject({ url: `/v1/traces/${first.trace_id}`, headers: auth })
      ).json().mtl.subject
      const r = await t.app.inject({
        method: 'POST',
        url: `/v1/subjects/${subject}/erasure`,
        headers: auth,
      })
      assert.equal(r.statusCode, 200, r.body)
      const erased = r.json()
      assert.equal(erased.subject, before)
      assert.ok(verifyReceipt({ receipt: erased.receipt, publicKey: t.gateway.signer.publicKey }))
      const logged = (
        await t.app.inject({ url: `/v1/traces/${erased.trace_id}`, headers: auth })
      ).json().mtl
      const check = validateMtl(logged)
      assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
      assert.equal(logged.kind, 'erasure')
      assert.equal(logged.subject, before)
      assert.equal(logged.trigger_type, 'MANUAL')
      assert.ok(!JSON.stringify(logged).includes(subject))
      // The secret is gone: a second erasure finds nothing, and the store has no key for it.
      assert.equal(
        (
          await t.app.inject({
            method: 'POST',
            url: `/v1/subjects/${subject}/erasure`,
            headers: auth,
          })
        ).statusCode,
        404,
      )
      const again = (await post(t, decision)).json()
      const after = (
        await t.app.inject({ url: `/v1/traces/${again.trace_id}`, headers: auth })
      ).json().mtl.subject
      assert.notEqual(after, before)
      // The old decision is untouched: nothing in the log is rewritten.
      const old = (
        await t.app.inject({ url: `/v1/traces/${first.trace_id}`, headers: auth })
      ).json()
      assert.equal(old.mtl.subject, before)
    } finally {
      await t.close()
    }
  })

  test('errors: an unknown subject is 404 and logs nothing', async () => {
    const t = await startTestGateway()
    try {
      const size = t.gateway.memory.size
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/v1/subjects/nobody/erasure', headers: auth }))
          .statusCode,
        404,
      )
      assert.equal(t.gateway.memory.size, size)
    } finally {
      await t.close()
    }
  })
})

describe('anchoring behind (No Memory = No Action)', () => {
  test('behavior: while anchoring is unavailable every decision is -1 LEDGER, and the refusal is logged', async () => {
    let anchoring = { available: false, reason: 'epoch 12 overdue by 30 s' }
    const t = await startTestGateway({ anchoring: () => anchoring })
    try {
      const d = (await post(t, SMALLEST)).json()
      assert.equal(d.state, -1)
      assert.equal(d.trigger_type, 'LEDGER')
      assert.equal(d.trigger_detail, 'anchoring unavailable: epoch 12 overdue by 30 s')
      assert.equal(d.logged, true)
      anchoring = { available: true, reason: '' }
      assert.equal((await post(t, SMALLEST)).json().state, 1)
    } finally {
      await t.close()
    }
  })
})

describe('store failure (No Log = No Action)', () => {
  test('behavior: a crashed commit worker fails closed (-1 LEDGER), then a new worker takes over by itself', async () => {
    const t = await startTestGateway({ retryMs: 20 })
    try {
      const first = (await post(t, SMALLEST)).json()
      assert.equal(first.state, 1)
      assert.ok(t.gateway.committer instanceof WorkerCommitter)
      await t.gateway.committer.crashForTest()
      const during = (await post(t, SMALLEST)).json()
      assert.equal(during.state, -1)
      assert.equal(during.trigger_type, 'LEDGER')
      assert.equal(during.logged, false)
      assert.match(during.trigger_detail, /TML_WORKER_EXIT/)
      for (let i = 0; i < 100 && !t.gateway.memory.available; i++)
        await new Promise((r) => setTimeout(r, 20))
      const after = (await post(t, SMALLEST)).json()
      assert.equal(after.state, 1)
      assert.equal(after.seq, first.seq + 1)
      assert.ok(verifyReceipt({ receipt: after.receipt, publicKey: t.gateway.signer.publicKey }))
    } finally {
      await t.close()
    }
  })

  test('behavior: a failing store answers -1 LEDGER with the reason, readyz 503, then recovers by itself', async () => {
    const store = new MemoryLogStore()
    const t = await startTestGateway({ store, retryMs: 10 })
    try {
      assert.equal((await post(t, SMALLEST)).json().state, 1)
      store.failWith('SQLITE_FULL')
      const failed = (await post(t, SMALLEST)).json()
      assert.equal(failed.state, -1)
      assert.equal(failed.trigger_type, 'LEDGER')
      assert.equal(failed.logged, false)
      assert.equal(failed.receipt, null)
      assert.match(failed.trigger_detail, /SQLITE_FULL/)
      const during = (await post(t, SMALLEST)).json()
      assert.equal(during.state, -1)
      assert.match(during.trigger_detail, /^log store unavailable: SQLITE_FULL/)
      const ready = await t.app.inject({ url: '/readyz' })
      assert.equal(ready.statusCode, 503)
      assert.equal(ready.json().reason, 'SQLITE_FULL')
      store.failWith(undefined)
      await new Promise((r) => setTimeout(r, 50))
      assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200)
      const back = (await post(t, SMALLEST)).json()
      assert.equal(back.state, 1)
      assert.equal(back.seq, 1, 'no gap: the failed decisions took no sequence number')
    } finally {
      await t.close()
    }
  })
})
