import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, test } from 'node:test'
import OpenAI from 'openai'
import { WorkerCommitter } from '../../../src/memory/WorkerCommitter.ts'
import { auth, reviewer } from '../../helpers/gateway.ts'
import { signedResolution } from '../../helpers/review.ts'
import { chatCalls, chatPolicy, type ProxyFixture, startProxyFixture } from './helpers.ts'

const ask = (content: string) => ({
  model: 'tml-demo-1',
  messages: [{ role: 'user' as const, content }],
})

async function traceOf(f: ProxyFixture, traceId: string) {
  for (let i = 0; i < 300; i++) {
    const r = await f.app.inject({ url: `/v1/traces/${traceId}`, headers: auth })
    if (r.statusCode === 200) return r.json().mtl
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`no MTL for ${traceId}`)
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('OpenAI proxy: failures, streams released early, real-time safe state', () => {
  let f: ProxyFixture
  before(async () => {
    f = await startProxyFixture({
      policies: (monitorUrl) => ({
        'slow.yaml': chatPolicy({ monitorUrl, profile: 'slow', upstreamTimeoutMs: 200 }),
        'early.yaml': chatPolicy({
          monitorUrl,
          profile: 'early',
          extra: '  stream_release_tokens: 2\n',
        }),
        'live.yaml': chatPolicy({
          monitorUrl,
          profile: 'live',
          timing: 'real_time',
          extra:
            '  safe_state: { content: "I cannot answer that right now; a person will review it." }\n',
        }),
      }),
    })
  })
  after(async () => {
    await f.close()
  })

  test('errors: an upstream slower than the profile allows is refused (-1 logged, reason given)', async () => {
    await assert.rejects(
      f.client({ profile: 'slow' }).chat.completions.create(ask('[[slow:1000]] hi')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError && e.status === 502, String(e))
        const error = e.error as { trace_id: string; message: string }
        assert.match(error.message, /upstream timeout: no answer within 200 ms/)
        return true
      },
    )
  })

  test('errors: a streamed answer that breaks the time limit mid-way is refused, nothing released', async () => {
    const stream = f
      .client({ profile: 'slow' })
      .chat.completions.create({ ...ask('[[chunk-delay:100]] one two three'), stream: true })
    await assert.rejects(
      (async () => {
        for await (const _ of await stream) assert.fail('nothing may be released')
      })(),
      (e: unknown) =>
        e instanceof OpenAI.APIError &&
        e.status === 502 &&
        /upstream timeout: stream not finished within 200 ms/.test(
          (e.error as { message: string }).message,
        ),
    )
  })

  test('behavior: -1 logged for an upstream that is down, with its trace', async () => {
    const down = await startProxyFixture({
      upstreamUrl: `http://127.0.0.1:${await closedPort()}/v1`,
    })
    try {
      let traceId = ''
      await assert.rejects(down.client().chat.completions.create(ask('hello')), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError && e.status === 502, String(e))
        const error = e.error as { trace_id: string; message: string }
        assert.match(error.message, /upstream unavailable: ECONNREFUSED/)
        traceId = error.trace_id
        return true
      })
      const mtl = await traceOf(down, traceId)
      assert.equal(mtl.state, -1)
      assert.equal(mtl.output_hash, null)
      assert.ok(mtl.causal_graph.some((n: { id: string }) => n.id === 'check:upstream_unavailable'))
    } finally {
      await down.close()
    }
  })

  test('behavior: a stream released early that ends -1 keeps what was released and ends with an error event', async () => {
    const { data: stream, response } = await f
      .client({ profile: 'early' })
      .chat.completions.create({ ...ask('an attack, in many words here'), stream: true })
      .withResponse()
    const got: string[] = []
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) {
          const c = chunk.choices[0]?.delta.content
          if (c) got.push(c)
        }
      })(),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError, String(e))
        assert.equal((e.error as { code: string }).code, 'tml_refused')
        return true
      },
    )
    assert.deepEqual(got, ['You', ' said:'], 'the two tokens released before the decision, no more')
    const mtl = await traceOf(f, response.headers.get('x-tml-trace-id') as string)
    assert.equal(mtl.state, -1)
    assert.equal(mtl.metrics.released_tokens, 2)
    // What was released is on record: its hash is kept although the state is -1.
    assert.match(mtl.output_hash, /^0x[0-9a-f]{64}$/)
  })

  test('behavior: a client that disconnects mid-stream: the MTL says how much was released', async () => {
    const controller = new AbortController()
    const { data: stream, response } = await f
      .client({ profile: 'early' })
      .chat.completions.create(
        { ...ask('[[chunk-delay:30]] a b c d e f g h i j k l'), stream: true },
        { signal: controller.signal },
      )
      .withResponse()
    let tokens = 0
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) tokens++
      if (tokens === 2) {
        controller.abort()
        break
      }
    }
    const mtl = await traceOf(f, response.headers.get('x-tml-trace-id') as string)
    assert.equal(mtl.state, -1)
    assert.match(mtl.trigger_detail, /client disconnected after 2 released tokens/)
    assert.equal(mtl.metrics.released_tokens, 2)
    assert.ok(mtl.metrics.streamed_tokens < 15, 'the upstream stream was stopped')
  })

  test('behavior: a stream released early that pauses ends with a tml_paused event; the rest is held for the pause', async () => {
    const stream = await f
      .client({ profile: 'early' })
      .chat.completions.create({ ...ask('my lawsuit, tell me more'), stream: true })
    const got: string[] = []
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) {
          const c = chunk.choices[0]?.delta.content
          if (c) got.push(c)
        }
      })(),
      (e: unknown) =>
        e instanceof OpenAI.APIError && (e.error as { code: string }).code === 'tml_paused',
    )
    assert.equal(got.length, 2)
  })

  test('behavior: real-time safe state: a pause answers the fixed text at once, flagged for review after the fact', async () => {
    const { data, response } = await f
      .client({ profile: 'live' })
      .chat.completions.create(ask('about a lawsuit'))
      .withResponse()
    assert.equal(
      data.choices[0]?.message.content,
      'I cannot answer that right now; a person will review it.',
    )
    assert.equal(response.headers.get('x-tml-state'), '0')
    assert.equal(response.headers.get('x-tml-review'), 'posthoc')
    const traceId = response.headers.get('x-tml-trace-id') as string
    const mtl = await traceOf(f, traceId)
    assert.equal(mtl.state, 0)
    assert.ok(mtl.causal_graph.some((n: { kind: string }) => n.kind === 'posthoc_review'))
    // The reviewer's later resolution is logged against that MTL: the post-hoc review.
    const body = await signedResolution(
      { gateway: f.gateway, app: f.app, dir: '', close: async () => {} },
      reviewer,
      traceId,
      -1,
    )
    const resolved = await f.app.inject({
      method: 'POST',
      url: `/v1/pauses/${traceId}/resolution`,
      payload: body,
    })
    assert.equal(resolved.statusCode, 200, resolved.body)
    const review = await traceOf(f, resolved.json().trace_id)
    assert.equal(review.kind, 'resolution')
    assert.equal(review.refers_to, traceId)
  })

  test('errors: an unknown profile is a 400 naming x-tml-profile; the upstream sees nothing', async () => {
    const before = chatCalls(f.upstream).length
    await assert.rejects(
      f.client({ profile: 'nope' }).chat.completions.create(ask('hi')),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError)
        assert.equal((e.error as { param: string }).param, 'x-tml-profile')
        return true
      },
    )
    assert.equal(chatCalls(f.upstream).length, before)
  })
})

describe('OpenAI proxy: No Log = No Action', () => {
  test('behavior: while the store refuses writes, no answer leaves: 503 tml_not_logged, and the upstream is no longer called', async () => {
    const f = await startProxyFixture()
    try {
      const committer = f.gateway.committer
      assert.ok(committer instanceof WorkerCommitter)
      await committer.injectFaultForTest('readonly')
      const client = f.client()
      let refused: InstanceType<typeof OpenAI.APIError> | undefined
      for (let i = 0; i < 200 && !refused; i++) {
        try {
          const { response } = await client.chat.completions.create(ask('hello')).withResponse()
          // Anything released was logged first: it has its receipt.
          assert.equal(response.headers.get('x-tml-logged'), 'true')
          assert.ok(response.headers.get('x-tml-receipt'))
        } catch (e) {
          assert.ok(e instanceof OpenAI.APIError, String(e))
          refused = e
        }
      }
      assert.ok(refused, 'the store refused at last')
      assert.equal(refused.status, 503)
      assert.equal((refused.error as { code: string }).code, 'tml_not_logged')
      assert.equal(refused.headers?.get('x-tml-logged'), 'false')
      // The outage is known now: the next request is refused before the upstream is called.
      const calls = chatCalls(f.upstream).length
      await assert.rejects(client.chat.completions.create(ask('hello again')), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError && e.status === 503, String(e))
        return true
      })
      assert.equal(chatCalls(f.upstream).length, calls)
      await committer.injectFaultForTest(undefined)
    } finally {
      await f.close()
    }
  })
})
