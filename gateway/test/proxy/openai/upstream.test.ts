import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { type DemoUpstream, startDemoUpstream } from '../../../src/proxy/openai/demoUpstream.ts'
import { UpstreamError } from '../../../src/proxy/openai/errors.ts'
import { callUpstream, UpstreamPool } from '../../../src/proxy/openai/upstream.ts'
import { type ProxyFixture, startProxyFixture } from './helpers.ts'

const ask = (content: string) => ({
  model: 'tml-demo-1',
  messages: [{ role: 'user' as const, content }],
})

// A profile without a safety monitor: every connection the upstream sees is the proxy's own.
const PLAIN = `v: tml-policy/1
profile: plain
timing: real_time
ambiguity: { required: false }
pause: { timeout_ms: 60000 }
`

describe('OpenAI proxy: the upstream connection pool', () => {
  let f: ProxyFixture
  before(async () => {
    f = await startProxyFixture({ policies: () => ({ 'plain.yaml': PLAIN }) })
  })
  after(async () => {
    await f.close()
  })

  test('answers, streamed or not, reuse one kept-alive connection to the upstream', async () => {
    const client = f.client({ profile: 'plain' })
    for (let i = 0; i < 3; i++) {
      const streamed = await client.chat.completions.create({ ...ask(`one ${i}`), stream: true })
      let text = ''
      for await (const chunk of streamed) text += chunk.choices[0]?.delta.content ?? ''
      assert.match(text, new RegExp(`one ${i}`))
      const answer = await client.chat.completions.create(ask(`two ${i}`))
      assert.match(answer.choices[0]?.message.content ?? '', new RegExp(`two ${i}`))
    }
    assert.equal(f.upstream.connections(), 1)
  })
})

describe('callUpstream', () => {
  let upstream: DemoUpstream
  before(async () => {
    upstream = await startDemoUpstream()
  })
  after(async () => {
    await upstream.close()
  })

  test('the time limit covers the body: a stream still arriving when it runs out fails', async () => {
    const pool = new UpstreamPool({ baseUrl: upstream.url })
    const response = await callUpstream({
      pool,
      path: '/chat/completions',
      body: { ...ask('[[chunk-delay:200]] a b c'), stream: true },
      timeoutMs: 150,
    })
    await assert.rejects(response.text(), (e: unknown) => {
      assert.ok(e instanceof UpstreamError && e.kind === 'timeout', String(e))
      return true
    })
    pool.close()
  })

  test('a kept-alive connection the upstream dropped is retried once on a new one', async () => {
    // Answers the first request of each connection and keeps it open; a second request on the
    // same connection is dropped unanswered, as an upstream closing an idle connection does.
    const seen = new WeakMap<Socket, number>()
    let opened = 0
    const server = createServer((socket) => {
      opened++
      socket.on('data', () => {
        const n = (seen.get(socket) ?? 0) + 1
        seen.set(socket, n)
        if (n > 1) return socket.destroy()
        const body = JSON.stringify({ object: 'list', data: [] })
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    const pool = new UpstreamPool({ baseUrl: `http://127.0.0.1:${port}/v1` })
    try {
      for (let i = 0; i < 2; i++) {
        const r = await callUpstream({ pool, path: '/models', method: 'GET', timeoutMs: 2000 })
        assert.equal(await r.text(), '{"object":"list","data":[]}')
      }
      assert.equal(opened, 2)
    } finally {
      pool.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  test('a base URL that is not http(s) is refused when the pool is made', () => {
    assert.throws(() => new UpstreamPool({ baseUrl: 'ftp://example.org/v1' }), /http or https/)
    assert.throws(() => new UpstreamPool({ baseUrl: 'not a url' }), /not a URL/)
  })
})

describe('the demo upstream', () => {
  test('behavior: keeps only its last requests, so a demo left running does not grow without end', async () => {
    const upstream = await startDemoUpstream({ keep: 3 })
    try {
      const ids: string[] = []
      for (let i = 1; i <= 10; i++) {
        const res = await fetch(`${upstream.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: `call ${i}` }] }),
        })
        ids.push(((await res.json()) as { id: string }).id)
      }
      const kept = upstream.requests.map(
        (r) => (r.body.messages as { content: string }[])[0]?.content,
      )
      assert.ok(kept.length >= 3 && kept.length < 6, `kept ${kept.length}`)
      assert.deepEqual(kept.slice(-3), ['call 8', 'call 9', 'call 10'])
      // Answer ids still count every request, not the ones kept.
      assert.equal(ids.at(-1), 'chatcmpl-demo-10')
      assert.equal(new Set(ids).size, 10)
    } finally {
      await upstream.close()
    }
  })

  test('errors: a window of no request is refused with a clear error', async () => {
    await assert.rejects(startDemoUpstream({ keep: 0 }), /keeps at least one request, not 0/)
  })
})
