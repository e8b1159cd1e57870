import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { auth, SMALLEST, startTestGateway, type TestGateway } from '../helpers/gateway.ts'

// A valid body, and ways to break it: each mutation replaces one field (at any depth) with an
// arbitrary value, drops it, or adds one.
const VALID = {
  profile: 'review',
  subject: 'fuzz-subject',
  input: { text: 'hello', name: 'N' },
  context: { email: 'e@x' },
  signals: {
    confidence: 0.5,
    harm: 0.2,
    distribution: [0.5, 0.5],
    sensors: [{ id: 'a', vector: [1] }],
  },
  wait_ms: 0,
}
const paths: string[][] = [
  ['profile'],
  ['subject'],
  ['input'],
  ['input', 'text'],
  ['context'],
  ['signals'],
  ['signals', 'confidence'],
  ['signals', 'harm'],
  ['signals', 'distribution'],
  ['signals', 'distribution', '0'],
  ['signals', 'sensors'],
  ['signals', 'sensors', '0', 'vector'],
  ['signals', 'token_logprobs'],
  ['signals', 'series'],
  ['model'],
  ['wait_ms'],
  ['output'],
]

function mutate(path: string[], value: unknown, drop: boolean): unknown {
  const copy = structuredClone(VALID) as Record<string, unknown>
  let node: Record<string, unknown> = copy
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (next === null || typeof next !== 'object') return copy
    node = next as Record<string, unknown>
  }
  const last = path[path.length - 1] as string
  if (drop) delete node[last]
  else node[last] = value
  return copy
}

const bodies = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...paths), fc.anything({ maxDepth: 3 }), fc.boolean())
      .map(([p, v, d]) => JSON.stringify(mutate(p, v, d) ?? null)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((d) => `{"profile":"general","input":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '1e999',
      '{"__proto__":{"x":1}}',
      '{"profile":"general","input":{},"signals":{"confidence":1e308}}',
    ),
  },
)

describe('fuzz', () => {
  let t: TestGateway
  before(async () => {
    t = await startTestGateway()
  })
  after(async () => {
    await t.close()
  })

  test('behavior: thousands of random and malformed decision bodies: never 5xx, a 4xx stores nothing, a 200 stores one record', {
    timeout: 300_000,
  }, async () => {
    const seen: Record<number, number> = {}
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
        async (payload, type) => {
          const size = t.gateway.memory.size
          const r = await t.app.inject({
            method: 'POST',
            url: '/v1/decisions',
            headers: { ...auth, 'content-type': type },
            payload,
          })
          seen[r.statusCode] = (seen[r.statusCode] ?? 0) + 1
          assert.ok(r.statusCode < 500, `${r.statusCode} for ${payload.slice(0, 200)}: ${r.body}`)
          const body = r.json()
          if (r.statusCode === 200) {
            assert.equal(t.gateway.memory.size, size + 1)
            assert.ok(body.receipt)
          } else {
            assert.equal(
              t.gateway.memory.size,
              size,
              `a rejected body was stored: ${payload.slice(0, 200)}`,
            )
            assert.equal(typeof body.error, 'string')
            assert.equal(typeof body.message, 'string')
          }
        },
      ),
      { numRuns: 3000 },
    )
    assert.ok((seen[400] ?? 0) > 1000, JSON.stringify(seen))
    assert.ok((seen[200] ?? 0) > 10, `some mutations stay valid: ${JSON.stringify(seen)}`)
  })

  test('behavior: random bodies, ids and queries on the other routes: never 5xx, nothing stored', {
    timeout: 120_000,
  }, async () => {
    const size = t.gateway.memory.size
    const segment = fc.oneof(
      fc.uuid(),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constant('00000000-0000-4000-8000-000000000000'),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('resolution', 'erasure', 'trace', 'pause', 'pauses'),
        segment,
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 100 }),
        ),
        fc.string({ maxLength: 30 }).map(encodeURIComponent),
        async (route, id, payload, query) => {
          const r =
            route === 'resolution'
              ? await t.app.inject({
                  method: 'POST',
                  url: `/v1/pauses/${id}/resolution`,
                  headers: { 'content-type': 'application/json' },
                  payload,
                })
              : route === 'erasure'
                ? await t.app.inject({
                    method: 'POST',
                    url: `/v1/subjects/${id}/erasure`,
                    headers: auth,
                  })
                : route === 'trace'
                  ? await t.app.inject({ url: `/v1/traces/${id}`, headers: auth })
                  : route === 'pause'
                    ? await t.app.inject({
                        url: `/v1/pauses/${id}?wait_ms=${query}`,
                        headers: auth,
                      })
                    : await t.app.inject({ url: `/v1/pauses?status=${query}`, headers: auth })
          assert.ok(r.statusCode < 500, `${route} ${id} ${r.statusCode}: ${r.body}`)
        },
      ),
      { numRuns: 1500 },
    )
    assert.equal(t.gateway.memory.size, size)
  })

  test('behavior: garbage on the socket does not crash the server', {
    timeout: 60_000,
  }, async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const port = (t.app.server.address() as { port: number }).port
    const garbage = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
        fc
          .string({ maxLength: 200 })
          .map((s) => Buffer.from(`POST /v1/decisions HTTP/1.1\r\nHost: x\r\n${s}\r\n\r\n`)),
        fc
          .nat(1_000_000)
          .map((n) =>
            Buffer.from(
              `POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: ${n}\r\n\r\n{"a":`,
            ),
          ),
      ),
      300,
    )
    for (const bytes of garbage) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => s.end(bytes))
        s.on('data', () => {})
        s.on('error', () => resolve())
        s.on('close', () => resolve())
        s.setTimeout(2000, () => s.destroy())
      })
    }
    const r = await fetch(`http://127.0.0.1:${port}/v1/decisions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(SMALLEST),
    })
    assert.equal(r.status, 200, 'still serving')
  })
})
