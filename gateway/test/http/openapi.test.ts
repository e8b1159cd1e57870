// The served /openapi.json: valid OpenAPI 3.1 by a validator of its own, complete (operationIds,
// an answer for every status), true to what the routes answer, and good enough to generate a
// typed client that type-checks and talks to a real gateway.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv } from 'ajv'
import type { FastifyInstance } from 'fastify'
import createClient from 'openapi-fetch'
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { buildServer } from '../../src/http/buildServer.ts'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../../src/service/createGateway.ts'
import { API_TOKEN, auth, policyDirWith, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

type Operation = {
  operationId?: string
  responses: Record<string, { content?: Record<string, { schema: object }> }>
}
type Document = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> }

const UNKNOWN_TRACE = '01890a5d-ac96-7000-8000-000000000000'
const require = createRequire(import.meta.url)

describe('OpenAPI document', () => {
  let gateway: Gateway
  let app: FastifyInstance
  let base: string
  let doc: Document
  let dir: string

  before(async () => {
    dir = tempDir()
    const keys = loadKeys({
      dir: join(dir, 'keys'),
      env: { TML_API_KEYS: `tester:${API_TOKEN}` },
      create: true,
    })
    gateway = await createGateway({
      keys,
      policies: loadPolicies({ paths: [policyDirWith(dir)] }),
      dataDir: dir,
      // A lane on no chain, driven by the test: the log routes answer, nothing is anchored.
      lane: {
        chains: [],
        relayer: privateKeyToAccount(generatePrivateKey()),
        manual: true,
        epochSize: 1,
      },
    })
    const tilesDir = join(dir, 'tiles')
    mkdirSync(tilesDir)
    app = await buildServer({ gateway, apiKeys: keys.apiKeys, tilesDir })
    await app.listen({ host: '127.0.0.1', port: 0 })
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    doc = (await (await fetch(`${base}/openapi.json`)).json()) as Document
  })
  after(async () => {
    await app?.close()
    await gateway?.close()
  })

  test('behavior: the served document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator()
    const result = await validator.validate(doc)
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
    assert.equal(validator.version, '3.1')
  })

  test('behavior: every route is an operation with a unique operationId and an answer for success, 4XX and 5XX', () => {
    const ids: string[] = []
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    )
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`
      assert.ok(op.operationId, `${where} has no operationId`)
      ids.push(op.operationId)
      const codes = Object.keys(op.responses)
      assert.ok(
        codes.some((c) => c.startsWith('2')),
        `${where} documents no success`,
      )
      for (const range of ['4XX', '5XX'])
        assert.ok(codes.includes(range), `${where} documents no ${range}`)
      for (const [code, response] of Object.entries(op.responses))
        assert.ok(response.content, `${where} ${code} has no media type and schema`)
      // Every documented path is served (the document is built from the routes themselves).
      const url = path.replace(/\{path\}$/, '*').replace(/\{([A-Za-z0-9_]+)\}/g, ':$1')
      assert.ok(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), where)
    }
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(', ')}`)
    for (const id of [
      'getCheckpointNote',
      'getTilesCheckpoint',
      'getTile',
      'getProofBundle',
      'listPolicies',
      'getPolicy',
      'readPauseCase',
    ])
      assert.ok(ids.includes(id), id)
    assert.equal(ids.length, 21)
  })

  test('behavior: real answers, success and error, match the schemas the document gives for their status', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true })
    const check = async (
      method: 'GET' | 'POST',
      path: string,
      documented: string,
      init: RequestInit = {},
    ) => {
      const r = await fetch(`${base}${path}`, { method, ...init })
      const op = doc.paths[documented]?.[method.toLowerCase()]
      assert.ok(op, `${method} ${documented} is documented`)
      const status = String(r.status)
      const response = op.responses[status] ?? op.responses[`${status[0]}XX`]
      assert.ok(response, `${method} ${path}: status ${status} is documented`)
      const schema = response.content?.['application/json']?.schema
      assert.ok(schema, `${method} ${path} ${status}: JSON schema`)
      const body = await r.json()
      assert.ok(
        ajv.validate(schema, body),
        `${method} ${path} ${status}: ${ajv.errorsText()} in ${JSON.stringify(body)}`,
      )
      return { status: r.status, body: body as Record<string, unknown> }
    }
    const json = { ...auth, 'content-type': 'application/json' }
    const logId = gateway.keys.logId

    const decided = await check('POST', '/v1/decisions', '/v1/decisions', {
      headers: json,
      body: JSON.stringify(SMALLEST),
    })
    assert.equal(decided.status, 200)
    const traceId = decided.body.trace_id as string
    await gateway.lane?.round()

    assert.equal((await check('GET', '/healthz', '/healthz')).status, 200)
    assert.equal((await check('GET', '/readyz', '/readyz')).status, 200)
    const trace = `/v1/traces/${traceId}`
    assert.equal((await check('GET', trace, '/v1/traces/{traceId}', { headers: auth })).status, 200)
    const proof = await check('GET', `${trace}/proof`, '/v1/traces/{traceId}/proof')
    assert.equal(proof.status, 202)
    const logs = `/v1/logs/${logId}`
    const checkpoints = await check('GET', `${logs}/checkpoints`, '/v1/logs/{logId}/checkpoints')
    assert.equal((checkpoints.body.checkpoints as unknown[]).length, 1)
    const consistency = '/v1/logs/{logId}/consistency'
    assert.equal((await check('GET', `${logs}/consistency?from=1&to=1`, consistency)).status, 200)
    const entries = await check(
      'GET',
      `${logs}/entries?start=0&end=1`,
      '/v1/logs/{logId}/entries',
      {
        headers: auth,
      },
    )
    assert.equal((entries.body.entries as unknown[]).length, 1)
    assert.equal((await check('GET', '/v1/pauses', '/v1/pauses', { headers: auth })).status, 200)
    const resolved = await check('GET', '/v1/pauses?status=resolved', '/v1/pauses', {
      headers: auth,
    })
    assert.deepEqual(resolved.body, { pauses: [] })

    // Errors: every one is the documented error shape.
    const errors: [number, 'GET' | 'POST', string, string, RequestInit][] = [
      [400, 'POST', '/v1/decisions', '/v1/decisions', { headers: json, body: '{"profile":"x"}' }],
      [401, 'POST', '/v1/decisions', '/v1/decisions', { body: '{}' }],
      [404, 'GET', `/v1/traces/${UNKNOWN_TRACE}`, '/v1/traces/{traceId}', { headers: auth }],
      [404, 'GET', `/v1/traces/${UNKNOWN_TRACE}/proof`, '/v1/traces/{traceId}/proof', {}],
      [404, 'GET', `/v1/pauses/${UNKNOWN_TRACE}`, '/v1/pauses/{pauseId}', { headers: auth }],
      [400, 'GET', `${logs}/consistency?from=2&to=1`, consistency, {}],
      [404, 'GET', `/v1/logs/0x${'00'.repeat(32)}/checkpoints`, '/v1/logs/{logId}/checkpoints', {}],
      [404, 'POST', '/v1/subjects/nobody/erasure', '/v1/subjects/{id}/erasure', { headers: auth }],
      [404, 'GET', '/tiles/tile/0/000', '/tiles/tile/{path}', {}],
      [404, 'GET', '/checkpoint', '/checkpoint', {}],
    ]
    for (const [status, method, path, documented, init] of errors)
      assert.equal((await check(method, path, documented, init)).status, status, path)
  })

  test('behavior: openapi-typescript generates a client that type-checks (tsc) and calls the gateway through openapi-fetch', async () => {
    const out = join(tempDir(), 'client')
    mkdirSync(out)
    const types = astToString(
      await openapiTS(doc as unknown as OpenAPI3, { emptyObjectsUnknown: true }),
    )
    writeFileSync(join(out, 'api.ts'), types)
    writeFileSync(join(out, 'package.json'), '{"type":"module"}\n')
    writeFileSync(join(out, 'client.ts'), CLIENT)
    const fetchTypes = join(dirname(require.resolve('openapi-fetch')), 'index.d.mts')
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          // The client lives outside the repository: point it at the installed openapi-fetch.
          paths: { 'openapi-fetch': [fetchTypes] },
        },
        files: ['client.ts'],
      }),
    )
    // tsc fails on a type error, and on an unused @ts-expect-error: the types are neither wrong
    // nor so loose that misuse would pass.
    const tsc = require.resolve('typescript/bin/tsc')
    await promisify(execFile)(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')]).catch(
      (e: { stdout?: string }) => assert.fail(`tsc: ${e.stdout ?? String(e)}`),
    )

    const { callGateway } = (await import(pathToFileURL(join(out, 'client.ts')).href)) as {
      callGateway: (
        create: typeof createClient,
        baseUrl: string,
        token: string,
      ) => Promise<Record<string, unknown>>
    }
    const seen = await callGateway(createClient, base, API_TOKEN)
    assert.equal(seen.state, 1)
    assert.equal(seen.traceSeq, seen.decisionSeq)
    assert.equal(seen.proofStatus, 202)
    assert.equal(seen.missing, 'not_found')
    assert.equal(seen.logSize, 2)
  })
})

/**
 * A client of the generated types: what a user of the API would write. It gets `createClient`
 * from the test, since it runs from a folder where `openapi-fetch` cannot be resolved.
 */
const CLIENT = `import type createClient from 'openapi-fetch'
import type { paths } from './api.ts'

export async function callGateway(create: typeof createClient, baseUrl: string, token: string) {
  const api = create<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } })
  const decided = await api.POST('/v1/decisions', {
    body: { profile: 'general', input: { text: 'hello' }, signals: { confidence: 0.99, harm: 0.01 } },
  })
  if (!decided.data) throw new Error(\`decision refused: \${decided.error?.message}\`)
  const state: 1 | 0 | -1 = decided.data.state
  const traceId: string = decided.data.trace_id
  const decisionSeq: number | null | undefined = decided.data.seq
  const trace = await api.GET('/v1/traces/{traceId}', { params: { path: { traceId } } })
  const traceSeq: number | undefined = trace.data?.seq
  const proof = await api.GET('/v1/traces/{traceId}/proof', { params: { path: { traceId } } })
  const missing = await api.GET('/v1/traces/{traceId}', {
    params: { path: { traceId: '${UNKNOWN_TRACE}' } },
  })
  const code: string | undefined = missing.error?.error
  const ready = await api.GET('/readyz')
  const logSize = ready.data?.log_size
  return { state, decisionSeq, traceSeq, proofStatus: proof.response.status, missing: code, logSize }
}

/** Misuse the generated types must refuse (never called). */
export function refused(api: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error: signals are required
  void api.POST('/v1/decisions', { body: { profile: 'general', input: {} } })
  // @ts-expect-error: no such route
  void api.GET('/v1/nothing')
  // @ts-expect-error: the path parameter is required
  void api.GET('/v1/traces/{traceId}', {})
}
`
