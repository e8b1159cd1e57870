// CORS and the public read routes, over real HTTP on 127.0.0.1 (the browser's view of the API).
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { checkConsistency, hexToBytes } from '@tml/core'
import type { FastifyInstance } from 'fastify'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { buildServer } from '../../src/http/buildServer.ts'
import { CorsOriginError } from '../../src/http/CorsOriginError.ts'
import { parseCorsOrigins } from '../../src/http/parseCorsOrigins.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../../src/service/createGateway.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { POLICY_DIR } from '../helpers/policies.ts'

type Served = { gateway: Gateway; app: FastifyInstance; base: string; close(): Promise<void> }

/**
 * A gateway with an anchoring lane on no chain (the sequencer signs checkpoints; nothing is
 * anchored), served on an ephemeral port. The lane is manual: the test closes epochs.
 */
async function serve(corsOrigins?: readonly string[] | '*'): Promise<Served> {
  const dir = tempDir()
  const policyDir = join(dir, 'policies')
  mkdirSync(policyDir, { recursive: true })
  for (const f of readdirSync(POLICY_DIR)) copyFileSync(join(POLICY_DIR, f), join(policyDir, f))
  const keys = loadKeys({
    dir: join(dir, 'keys'),
    env: { TML_API_KEYS: `tester:${API_TOKEN}` },
    create: true,
  })
  const gateway = await createGateway({
    keys,
    policies: loadPolicies({ paths: [policyDir] }),
    dataDir: dir,
    // A throwaway relayer: nothing is sent (no chain), but the lane needs an account.
    lane: {
      chains: [],
      relayer: privateKeyToAccount(generatePrivateKey()),
      manual: true,
      epochSize: 1,
    },
  })
  const app = await buildServer({
    gateway,
    apiKeys: keys.apiKeys,
    ...(corsOrigins ? { corsOrigins } : {}),
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    gateway,
    app,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close()
      await gateway.close()
    },
  }
}

const ORIGIN = 'https://verify.example'

function preflight(base: string, path: string, origin = ORIGIN, method = 'POST') {
  return fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  })
}

/** First bytes of an SSE stream: status and headers, then the connection is dropped. */
function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; first: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      res.setEncoding('utf8')
      res.once('data', (chunk: string) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, first: chunk })
        req.destroy()
      })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('CORS, every origin (default)', () => {
  let s: Served
  before(async () => {
    s = await serve()
  })
  after(async () => {
    await s.close()
  })

  test('default: a preflight is 204 with the allowed origin, headers, methods and max age, no key needed', async () => {
    for (const path of ['/v1/decisions', '/v1/traces/x/proof', '/v1/lantern', '/nowhere']) {
      const r = await preflight(s.base, path)
      assert.equal(r.status, 204, path)
      assert.equal(r.headers.get('access-control-allow-origin'), '*')
      assert.equal(
        r.headers.get('access-control-allow-headers'),
        'authorization, content-type, x-tml-profile, x-tml-wait-ms',
      )
      assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS')
      assert.equal(r.headers.get('access-control-max-age'), '600')
      assert.equal(await r.text(), '')
    }
  })

  test('behavior: POST and GET answers, errors and 401s carry Access-Control-Allow-Origin', async () => {
    const decided = await fetch(`${s.base}/v1/decisions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify(SMALLEST),
    })
    assert.equal(decided.status, 200)
    assert.equal(decided.headers.get('access-control-allow-origin'), '*')
    const { trace_id } = (await decided.json()) as { trace_id: string }

    const trace = await fetch(`${s.base}/v1/traces/${trace_id}`, {
      headers: { ...auth, origin: ORIGIN },
    })
    assert.equal(trace.status, 200)
    assert.equal(trace.headers.get('access-control-allow-origin'), '*')

    const invalid = await fetch(`${s.base}/v1/decisions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', origin: ORIGIN },
      body: '{"profile":"general"',
    })
    assert.equal(invalid.status, 400)
    assert.equal(invalid.headers.get('access-control-allow-origin'), '*')

    const unauthorized = await fetch(`${s.base}/v1/pauses`, { headers: { origin: ORIGIN } })
    assert.equal(unauthorized.status, 401)
    assert.equal(unauthorized.headers.get('access-control-allow-origin'), '*')
    // The 202 of a proof bundle says when to ask again: the page must be allowed to read it.
    // The proxy's trace id and receipt headers likewise.
    const exposed = (unauthorized.headers.get('access-control-expose-headers') ?? '').split(', ')
    for (const name of ['retry-after', 'x-tml-trace-id', 'x-tml-receipt'])
      assert.ok(exposed.includes(name), `${name} exposed`)
  })

  test('behavior: the Lantern SSE stream carries CORS headers next to its own', async () => {
    const r = await openStream(`${s.base}/v1/lantern`, { ...auth, origin: ORIGIN })
    assert.equal(r.status, 200)
    assert.equal(r.headers['access-control-allow-origin'], '*')
    assert.match(String(r.headers['content-type']), /^text\/event-stream/)
    assert.match(r.first, /^event: status\n/)
  })

  test('default: the proof, checkpoints and consistency routes answer without an API key', async () => {
    const logId = s.gateway.keys.logId
    const unknown = await fetch(`${s.base}/v1/traces/01890a5d-ac96-7000-8000-000000000000/proof`)
    assert.equal(unknown.status, 404)

    const decided = await fetch(`${s.base}/v1/decisions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(SMALLEST),
    })
    const { trace_id } = (await decided.json()) as { trace_id: string }
    const pending = await fetch(`${s.base}/v1/traces/${trace_id}/proof`)
    // Sequenced or not, nothing is anchored on a lane without chains: 202 until then.
    assert.equal(pending.status, 202)
    assert.equal(pending.headers.get('retry-after'), '1')

    const checkpoints = await fetch(`${s.base}/v1/logs/${logId}/checkpoints`)
    assert.equal(checkpoints.status, 200)
    assert.equal(((await checkpoints.json()) as { log_id: string }).log_id, logId)

    const consistency = await fetch(`${s.base}/v1/logs/${logId}/consistency?from=0&to=0`)
    assert.equal(consistency.status, 200)
    assert.deepEqual(await consistency.json(), { from: 0, to: 0, proof: [] })
  })

  test('default: every other /v1 route without a key is 401', async () => {
    const logId = s.gateway.keys.logId
    const routes: [string, string][] = [
      ['POST', '/v1/decisions'],
      ['GET', '/v1/traces/01890a5d-ac96-7000-8000-000000000000'],
      ['GET', '/v1/pauses'],
      ['GET', '/v1/pauses/01890a5d-ac96-7000-8000-000000000000'],
      ['GET', '/v1/lantern'],
      ['POST', '/v1/subjects/alice/erasure'],
      ['GET', `/v1/logs/${logId}/entries?start=0&end=1`],
    ]
    for (const [method, path] of routes) {
      const r = await fetch(`${s.base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify(SMALLEST) } : {}),
      })
      assert.equal(r.status, 401, `${method} ${path}`)
      assert.equal(r.headers.get('www-authenticate'), 'Bearer')
    }
  })

  test('behavior: consistency proofs between checkpoints verify against their roots; bad parameters are 400 naming them', async () => {
    const logId = s.gateway.keys.logId
    const lane = s.gateway.lane
    assert.ok(lane)
    const decide = () =>
      fetch(`${s.base}/v1/decisions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(SMALLEST),
      })
    for (let i = 0; i < 3; i++) await decide()
    await lane.round()
    for (let i = 0; i < 4; i++) await decide()
    await lane.round()
    const { checkpoints } = (await (
      await fetch(`${s.base}/v1/logs/${logId}/checkpoints`)
    ).json()) as { checkpoints: { checkpoint: { treeSize: number; rootHash: string } }[] }
    assert.ok(checkpoints.length >= 2)
    const [a, b] = checkpoints.slice(-2).map((c) => c.checkpoint) as [
      { treeSize: number; rootHash: string },
      { treeSize: number; rootHash: string },
    ]
    assert.ok(a.treeSize < b.treeSize)

    const r = await fetch(
      `${s.base}/v1/logs/${logId}/consistency?from=${a.treeSize}&to=${b.treeSize}`,
    )
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('access-control-allow-origin'), '*')
    const body = (await r.json()) as { from: number; to: number; proof: string[] }
    assert.equal(body.from, a.treeSize)
    assert.equal(body.to, b.treeSize)
    const result = checkConsistency({
      size1: a.treeSize,
      size2: b.treeSize,
      root1: hexToBytes(a.rootHash, 32),
      root2: hexToBytes(b.rootHash, 32),
      proof: body.proof.map((h) => hexToBytes(h, 32)),
    })
    assert.ok(result.valid, JSON.stringify(result))

    const same = await fetch(
      `${s.base}/v1/logs/${logId}/consistency?from=${b.treeSize}&to=${b.treeSize}`,
    )
    assert.deepEqual(await same.json(), { from: b.treeSize, to: b.treeSize, proof: [] })

    const bad: [string, string][] = [
      ['', 'from'],
      [`from=1`, 'to'],
      [`from=x&to=2`, 'from'],
      [`from=1&to=-2`, 'to'],
      [`from=1&to=${b.treeSize + 1}`, 'to'],
      [`from=3&to=2`, 'from'],
      [`from=0&to=2`, 'from'],
      [`from=1.5&to=2`, 'from'],
    ]
    for (const [query, field] of bad) {
      const e = await fetch(`${s.base}/v1/logs/${logId}/consistency?${query}`)
      assert.equal(e.status, 400, query)
      const error = (await e.json()) as { error: string; message: string; field: string }
      assert.equal(error.field, field, query)
      assert.match(error.message, new RegExp(`^${field} `), query)
    }
    const other = await fetch(`${s.base}/v1/logs/0x${'00'.repeat(32)}/consistency?from=1&to=1`)
    assert.equal(other.status, 404)
  })

  test('behavior: the OpenAPI document marks exactly the public routes with empty security', async () => {
    const doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>
    }
    assert.deepEqual(doc.paths['/v1/traces/{traceId}/proof']?.get?.security, [])
    assert.deepEqual(doc.paths['/v1/logs/{logId}/checkpoints']?.get?.security, [])
    assert.deepEqual(doc.paths['/v1/logs/{logId}/consistency']?.get?.security, [])
    assert.equal(doc.paths['/v1/logs/{logId}/entries']?.get?.security, undefined)
    assert.equal(doc.paths['/v1/decisions']?.post?.security, undefined)
    // The preflight is not an operation of the API.
    for (const ops of Object.values(doc.paths)) assert.equal(ops.options, undefined)
  })
})

describe('CORS, restricted origins', () => {
  let s: Served
  before(async () => {
    s = await serve(parseCorsOrigins(['https://verify.example', 'http://127.0.0.1:5173']))
  })
  after(async () => {
    await s.close()
  })

  test('behavior: a listed origin is echoed with Vary: Origin; another gets no allow-origin', async () => {
    const ok = await preflight(s.base, '/v1/decisions', 'http://127.0.0.1:5173')
    assert.equal(ok.status, 204)
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173')
    assert.match(ok.headers.get('vary') ?? '', /origin/i)

    const denied = await preflight(s.base, '/v1/decisions', 'https://evil.example')
    assert.equal(denied.headers.get('access-control-allow-origin'), null)
    assert.match(denied.headers.get('vary') ?? '', /origin/i)

    const get = await fetch(`${s.base}/healthz`, { headers: { origin: ORIGIN } })
    assert.equal(get.headers.get('access-control-allow-origin'), ORIGIN)
    const none = await fetch(`${s.base}/healthz`)
    assert.equal(none.headers.get('access-control-allow-origin'), null)

    const stream = await openStream(`${s.base}/v1/lantern`, { ...auth, origin: ORIGIN })
    assert.equal(stream.headers['access-control-allow-origin'], ORIGIN)
    assert.match(String(stream.headers.vary), /origin/i)
  })

  test('edge: parseCorsOrigins: empty or * allows all; a path or a bare host is refused by name', () => {
    assert.equal(parseCorsOrigins([]), '*')
    assert.equal(parseCorsOrigins(['', ' ']), '*')
    assert.equal(parseCorsOrigins(['https://a.example', '*']), '*')
    assert.deepEqual(parseCorsOrigins([' https://A.example:8443 ']), ['https://a.example:8443'])
    for (const bad of ['https://a.example/', 'https://a.example/path', 'a.example', 'https://']) {
      assert.throws(
        () => parseCorsOrigins([bad]),
        (e: unknown) => e instanceof CorsOriginError && e.message.includes(JSON.stringify(bad)),
      )
    }
  })
})
