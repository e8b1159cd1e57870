import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { validateMtl } from '@tml/core'
import { callerIdOf } from '../../src/memory/callerIdOf.ts'
import {
  API_TOKEN,
  auth,
  SMALLEST,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'

// The MTL says who asked (the caller's pseudonym), who a pause escalates to, and which model
// version it is about, which a policy may require: a request without the model hash is refused
// before anything is decided, and leaves nothing in the log.

const OTHER = { authorization: 'Bearer other-token-0123456789abcdef' }
const MODEL = {
  id: 'clinical-assistant-7b',
  version_hash: `0x${'ab'.repeat(32)}`,
}

const PINNED = `v: tml-policy/1
profile: pinned
description: decisions about one pinned model version, escalated to a named board
require_model_hash: true
ambiguity: { confidence_min: 0.9 }
pause:
  timeout_ms: 60000
  escalation_target: clinical-review-board
`

const post = (t: TestGateway, payload: object, headers: Record<string, string> = auth) =>
  t.app.inject({ method: 'POST', url: '/v1/decisions', headers, payload })

async function mtlOf(t: TestGateway, traceId: string) {
  const r = await t.app.inject({ method: 'GET', url: `/v1/traces/${traceId}`, headers: auth })
  assert.equal(r.statusCode, 200)
  const { mtl } = r.json()
  const check = validateMtl(mtl)
  assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
  return mtl
}

describe('MTL provenance: caller, escalation target, model hash', () => {
  let t: TestGateway
  before(async () => {
    t = await startTestGateway({ policies: { 'pinned.yaml': PINNED } })
  })
  after(async () => {
    await t.close()
  })

  test("default: a decision records its caller's pseudonym, never the name or the API key", async () => {
    const r = await post(t, SMALLEST)
    assert.equal(r.statusCode, 200)
    const mtl = await mtlOf(t, r.json().trace_id)
    assert.equal(mtl.caller, callerIdOf(t.gateway.keys.subjectIndexKey, 'tester'))
    const text = JSON.stringify(mtl)
    assert.equal(text.includes(API_TOKEN), false)
    assert.equal(text.includes('tester'), false)
  })

  test('behavior: two API keys give two callers; one key always the same caller', async () => {
    const a1 = await mtlOf(t, (await post(t, SMALLEST)).json().trace_id)
    const a2 = await mtlOf(t, (await post(t, SMALLEST)).json().trace_id)
    const b = await mtlOf(t, (await post(t, SMALLEST, OTHER)).json().trace_id)
    assert.equal(a1.caller, a2.caller)
    assert.notEqual(a1.caller, b.caller)
    assert.equal(b.caller, callerIdOf(t.gateway.keys.subjectIndexKey, 'other'))
  })

  test('behavior: a pause records the escalation target of its policy, a +1 does not', async () => {
    const paused = await post(t, {
      profile: 'pinned',
      input: { text: 'dose?' },
      signals: { confidence: 0.6 },
      model: MODEL,
    })
    assert.equal(paused.statusCode, 200)
    assert.equal(paused.json().state, 0)
    const pause = await mtlOf(t, paused.json().trace_id)
    assert.equal(pause.escalation_target, 'clinical-review-board')
    assert.deepEqual(pause.model, MODEL)
    // The check that paused names the limit it compared against.
    assert.deepEqual(
      pause.causal_graph.find((n: { id: string }) => n.id === 'check:confidence'),
      {
        id: 'check:confidence',
        kind: 'ambiguity',
        inputs: ['metric:confidence'],
        threshold: 0.9,
        comparison: 'lt',
      },
    )
    const proceeded = await post(t, {
      profile: 'pinned',
      input: { text: 'dose?' },
      signals: { confidence: 0.99 },
      model: MODEL,
    })
    assert.equal(proceeded.json().state, 1)
    assert.equal('escalation_target' in (await mtlOf(t, proceeded.json().trace_id)), false)
  })

  test('error: a profile that requires the model hash refuses a request without it, logging nothing', async () => {
    const before = await t.gateway.store.size()
    const missing = await post(t, {
      profile: 'pinned',
      input: { text: 'dose?' },
      signals: { confidence: 0.99 },
    })
    assert.equal(missing.statusCode, 400)
    assert.equal(missing.json().error, 'model_hash_required')
    assert.equal(missing.json().field, 'model.version_hash')
    assert.match(missing.json().message, /profile "pinned" requires the model hash/)
    // The all-zero hash is the gateway's "unspecified": it pins nothing either.
    const zero = await post(t, {
      profile: 'pinned',
      input: { text: 'dose?' },
      signals: { confidence: 0.99 },
      model: { id: 'm', version_hash: `0x${'00'.repeat(32)}` },
    })
    assert.equal(zero.statusCode, 400)
    assert.equal(zero.json().error, 'model_hash_required')
    assert.equal(await t.gateway.store.size(), before, 'nothing was logged')
  })

  test('behavior: a profile without the requirement still takes a request without a model', async () => {
    const r = await post(t, SMALLEST)
    assert.equal(r.statusCode, 200)
    assert.equal((await mtlOf(t, r.json().trace_id)).model.id, 'unspecified')
  })

  test('behavior: an erasure records the caller that asked for it', async () => {
    await post(t, { ...SMALLEST, subject: 'patient-7' })
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/subjects/patient-7/erasure',
      headers: OTHER,
    })
    assert.equal(r.statusCode, 200)
    const mtl = await mtlOf(t, r.json().trace_id)
    assert.equal(mtl.kind, 'erasure')
    assert.equal(mtl.caller, callerIdOf(t.gateway.keys.subjectIndexKey, 'other'))
  })
})
