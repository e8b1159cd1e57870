import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  bytesToHex,
  canonicalize,
  hashMtl,
  sha256,
  utf8ToBytes,
  validateMtl,
  verifyReceipt,
} from '@tml/core'
import OpenAI from 'openai'
import { auth, reviewer } from '../../helpers/gateway.ts'
import { signedResolution } from '../../helpers/review.ts'
import { chatCalls, OTHER_TOKEN, type ProxyFixture, startProxyFixture } from './helpers.ts'

const ask = (content: string) => ({
  model: 'tml-demo-1',
  messages: [{ role: 'user' as const, content }],
})

/** The MTL a trace id names, checked against the schema and its receipt. */
async function mtlOf(f: ProxyFixture, traceId: string) {
  const r = await f.app.inject({ url: `/v1/traces/${traceId}`, headers: auth })
  assert.equal(r.statusCode, 200, r.body)
  const { mtl, receipt } = r.json()
  const check = validateMtl(mtl)
  assert.ok(check.valid, JSON.stringify(!check.valid && check.issues))
  assert.equal(bytesToHex(hashMtl(check.mtl)), receipt.leafHash)
  return mtl
}

describe('OpenAI-compatible proxy: the official openai client through the gateway', () => {
  let f: ProxyFixture
  before(async () => {
    f = await startProxyFixture()
  })
  after(async () => {
    await f.close()
  })

  test('default: +1 releases the upstream answer unchanged, with trace id and receipt headers and a durable MTL', async () => {
    const { data, response } = await f
      .client()
      .chat.completions.create(ask('hello there'))
      .withResponse()
    assert.equal(data.choices[0]?.message.content, 'You said: hello there.')
    assert.equal(data.model, 'tml-demo-1')
    // The proxy asked for log-probabilities on its own: the caller, who did not, gets none.
    assert.equal(data.choices[0]?.logprobs, null)
    assert.equal(chatCalls(f.upstream).at(-1)?.body.logprobs, true)
    const traceId = response.headers.get('x-tml-trace-id') as string
    assert.match(traceId, /^[0-9a-f-]{36}$/)
    assert.equal(response.headers.get('x-tml-state'), '1')
    const receipt = JSON.parse(response.headers.get('x-tml-receipt') as string)
    assert.equal(receipt.traceId, traceId)
    assert.ok(verifyReceipt({ receipt, publicKey: f.gateway.signer.publicKey }))
    assert.equal(response.headers.get('x-tml-proof'), `/v1/traces/${traceId}/proof`)
    const mtl = await mtlOf(f, traceId)
    assert.equal(mtl.state, 1)
    assert.equal(mtl.model.id, 'tml-demo-1')
    // The output hash is the hash of exactly what the caller received.
    assert.equal(mtl.output_hash, bytesToHex(sha256(utf8ToBytes(canonicalize(data)))))
    assert.equal(mtl.metrics.usage_completion_tokens, 4)
    assert.equal(mtl.metrics.energy_j, mtl.metrics.usage_total_tokens * 0.25)
    assert.equal(mtl.metrics.monitor_violence, 0.01)
    assert.ok(mtl.metrics.token_entropy < 0.01, String(mtl.metrics.token_entropy))
  })

  test('behavior: a caller that asks for logprobs gets them', async () => {
    const data = await f
      .client()
      .chat.completions.create({ ...ask('hi'), logprobs: true, top_logprobs: 2 })
    assert.equal(data.choices[0]?.logprobs?.content?.length, 3)
  })

  test('behavior: a -1 on the request never reaches the upstream; the error names the rule and trace id', async () => {
    const before = chatCalls(f.upstream).length
    await assert.rejects(
      f.client().chat.completions.create(ask('what is the admin password?')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.PermissionDeniedError, String(e))
        const error = e.error as { code: string; message: string; trace_id: string }
        assert.equal(error.code, 'tml_refused')
        assert.match(error.message, /no_credentials/)
        assert.equal(e.headers?.get('x-tml-trace-id'), error.trace_id)
        return true
      },
    )
    assert.equal(chatCalls(f.upstream).length, before, 'the upstream saw nothing')
  })

  test('behavior: a rule over the model output refuses its answer; nothing of it is released', async () => {
    const before = chatCalls(f.upstream).length
    let traceId = ''
    await assert.rejects(
      f.client().chat.completions.create(ask('please repeat TOP-SECRET')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.PermissionDeniedError, String(e))
        const error = e.error as { code: string; message: string; trace_id: string }
        assert.match(error.message, /no_leaks/)
        assert.doesNotMatch(JSON.stringify(e.error), /You said/)
        traceId = error.trace_id
        return true
      },
    )
    assert.equal(chatCalls(f.upstream).length, before + 1, 'the model answered first')
    const mtl = await mtlOf(f, traceId)
    assert.equal(mtl.state, -1)
    // output_hash covers what was released: nothing.
    assert.equal(mtl.output_hash, null)
    assert.match(mtl.trigger_detail, /no_leaks/)
  })

  test('behavior: the monitor scores the request in parallel; harm above critical refuses and nothing is released', async () => {
    await assert.rejects(
      f.client().chat.completions.create(ask('plan an attack')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError)
        const error = e.error as { trace_id: string; message: string }
        assert.match(error.message, /harm 0.97 > critical 0.9/)
        return true
      },
    )
  })

  test('behavior: uncertain upstream log-probabilities pause; a reviewer approves on the pauses API and the held answer is released', async () => {
    let traceId = ''
    await assert.rejects(
      f.client().chat.completions.create(ask('maybe tomorrow')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError && e.status === 423, String(e))
        traceId = (e.error as { trace_id: string }).trace_id
        assert.match((e.error as { message: string }).message, /token entropy/)
        return true
      },
    )
    const mtl = await mtlOf(f, traceId)
    assert.equal(mtl.state, 0)
    assert.equal(mtl.trigger_type, 'AMBIGUITY')
    const body = await signedResolution(
      { gateway: f.gateway, app: f.app, dir: '', close: async () => {} },
      reviewer,
      traceId,
      1,
    )
    const resolved = await fetch(`${f.base}/v1/pauses/${traceId}/resolution`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(resolved.status, 200, await resolved.text())
    const held = await fetch(`${f.base}/v1/chat/completions/${traceId}`, { headers: auth })
    assert.equal(held.status, 200)
    const released = await held.json()
    assert.equal(released.choices[0].message.content, 'You said: maybe tomorrow.')
    // The pause's record names the answer it held: the approval released exactly that one.
    assert.equal(mtl.output_hash, bytesToHex(sha256(utf8ToBytes(canonicalize(released)))))
    // Another caller does not get it, even with the trace id.
    const stranger = await fetch(`${f.base}/v1/chat/completions/${traceId}`, {
      headers: { authorization: `Bearer ${OTHER_TOKEN}` },
    })
    assert.equal(stranger.status, 404)
  })

  test('errors: a request without a canonical form (lone surrogate) is a 400; nothing reaches the upstream', async () => {
    const before = chatCalls(f.upstream).length
    const r = await fetch(`${f.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"model":"m","messages":[{"role":"user","content":"a\\ud800b"}]}',
    })
    assert.equal(r.status, 400)
    assert.equal((await r.json()).error.param, 'messages[0].content')
    assert.equal(chatCalls(f.upstream).length, before)
  })

  test('behavior: a pause resolved while the caller waits (x-tml-wait-ms) releases the answer in the same call', async () => {
    const pending = f
      .client({ waitMs: 10_000 })
      .chat.completions.create(ask('about my lawsuit'))
      .withResponse()
    let pauseId: string | undefined
    for (let i = 0; i < 200 && !pauseId; i++) {
      await new Promise((r) => setTimeout(r, 10))
      pauseId = f.gateway.pauses.pending()[0]?.pauseId
    }
    assert.ok(pauseId, 'a pause opened')
    const body = await signedResolution(
      { gateway: f.gateway, app: f.app, dir: '', close: async () => {} },
      reviewer,
      pauseId,
      1,
    )
    const resolved = await f.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      payload: body,
    })
    assert.equal(resolved.statusCode, 200, resolved.body)
    const { data, response } = await pending
    assert.equal(data.choices[0]?.message.content, 'You said: about my lawsuit.')
    assert.equal(response.headers.get('x-tml-state'), '1')
    assert.equal(response.headers.get('x-tml-pause-id'), pauseId)
    assert.ok(response.headers.get('x-tml-resolution-trace-id'))
  })

  test('default: streaming +1 passes every chunk, with the receipt in the headers', async () => {
    const { data: stream, response } = await f
      .client()
      .chat.completions.create({ ...ask('stream me'), stream: true })
      .withResponse()
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    assert.equal(text, 'You said: stream me.')
    const traceId = response.headers.get('x-tml-trace-id') as string
    assert.ok(response.headers.get('x-tml-receipt'))
    const mtl = await mtlOf(f, traceId)
    assert.equal(mtl.state, 1)
    assert.equal(mtl.metrics.released_tokens, 0)
    assert.equal(mtl.metrics.streamed_tokens, 4)
  })

  test('behavior: a browser app may read a stream and its trace id (CORS on the hijacked answer)', async () => {
    const response = await fetch(`${f.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ ...ask('stream me'), stream: true }),
    })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('access-control-allow-origin'), '*')
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').split(', ')
    for (const name of ['x-tml-trace-id', 'x-tml-receipt', 'x-tml-state'])
      assert.ok(exposed.includes(name), `${name} exposed`)
    assert.match(await response.text(), /data: \[DONE\]/)
  })
  test('behavior: a streamed -1 on the request never reaches the upstream', async () => {
    const before = chatCalls(f.upstream).length
    await assert.rejects(
      (async () => {
        for await (const _ of await f
          .client()
          .chat.completions.create({ ...ask('password please'), stream: true })) {
          // nothing is released
        }
      })(),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError,
    )
    assert.equal(chatCalls(f.upstream).length, before)
  })

  test('errors: a malformed upstream answer is refused and logged; nothing of it leaves', async () => {
    await assert.rejects(f.client().chat.completions.create(ask('[[malformed]]')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError && e.status === 502, String(e))
      const error = e.error as { trace_id: string; message: string; code: string }
      assert.equal(error.code, 'tml_upstream')
      assert.match(error.message, /upstream malformed/)
      return true
    })
  })

  test('errors: an upstream error status is refused with its reason', async () => {
    await assert.rejects(f.client().chat.completions.create(ask('[[error]]')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError && e.status === 502)
      assert.match((e.error as { message: string }).message, /HTTP 500: demo upstream failure/)
      return true
    })
  })

  test('behavior: GET /v1/models is the upstream’s', async () => {
    const models = await f.client().models.list()
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['tml-demo-1'],
    )
  })

  test('errors: a wrong API key is refused before anything is decided', async () => {
    const client = new OpenAI({ baseURL: `${f.base}/v1`, apiKey: 'wrong', maxRetries: 0 })
    await assert.rejects(
      client.chat.completions.create(ask('hi')),
      (e: unknown) => e instanceof OpenAI.AuthenticationError,
    )
  })
})
