import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { canonicalize, type Hex } from '@tml/core'
import Database from 'better-sqlite3'
import { loadKeys } from '../../src/keys/loadKeys.ts'
import { SqliteLogStore } from '../../src/memory/SqliteLogStore.ts'
import { MemoryPolicyArchive } from '../../src/policy/MemoryPolicyArchive.ts'
import type { PolicyArchive } from '../../src/policy/PolicyArchive.ts'
import { parsePolicy } from '../../src/policy/parsePolicy.ts'
import { policyArchiveRecords } from '../../src/policy/policyArchiveRecords.ts'
import { SqlitePolicyArchive } from '../../src/policy/SqlitePolicyArchive.ts'
import { createGateway } from '../../src/service/createGateway.ts'
import { auth, startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { POLICY_DIR, shipped } from '../helpers/policies.ts'
import { policyArchiveConformance } from './policyArchiveConformance.ts'

// The policy archive: every policy version a gateway ran, by the policy_hash its MTLs carry,
// served publicly as the exact text that hashes to it. Tested on the real SQLite file and over
// real HTTP on 127.0.0.1, without an API key.

const sha256Hex = (bytes: Uint8Array | string): string =>
  `0x${createHash('sha256').update(bytes).digest('hex')}`

const records = (now = 1_700_000_000_000) => policyArchiveRecords({ policies: shipped, now })

async function served(base: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}${path}`, { headers })
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) }
}

async function listen(t: TestGateway): Promise<string> {
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 })
  return address
}

/** Every MTL of the gateway's log. */
async function allMtls(t: TestGateway): Promise<{ policy_hash: Hex; kind: string }[]> {
  const size = await t.gateway.store.size()
  return (await t.gateway.store.entries(0, size)).map((e) => JSON.parse(e.mtl))
}

const decide = (t: TestGateway, payload: object) =>
  t.app.inject({ method: 'POST', url: '/v1/decisions', headers: auth, payload })

for (const [name, open] of [
  ['SqlitePolicyArchive', () => SqlitePolicyArchive.open({ path: join(tempDir(), 'log.db') })],
  ['MemoryPolicyArchive', () => new MemoryPolicyArchive()],
] as [string, () => PolicyArchive][])
  policyArchiveConformance(name, async () => open())

describe('SqlitePolicyArchive on the log database', () => {
  test('behavior: a kept version survives reopening, and the table refuses UPDATE and DELETE', async () => {
    const path = join(tempDir(), 'log.db')
    const archive = SqlitePolicyArchive.open({ path })
    await archive.keep(records())
    await archive.close()
    const again = SqlitePolicyArchive.open({ path })
    assert.equal((await again.list()).length, shipped.size + 1)
    await again.close()
    // Even a client that bypasses the archive cannot rewrite history in the file.
    const db = new Database(path)
    assert.throws(
      () => db.prepare("UPDATE policy_archive SET document = '{}'").run(),
      /append-only/,
    )
    assert.throws(() => db.prepare('DELETE FROM policy_archive').run(), /append-only/)
    db.close()
  })
})

describe('GET /v1/policies', () => {
  test('behavior: the policy archive serves every hash seen in the log, each hashing to itself', async () => {
    const t = await startTestGateway()
    try {
      // Decisions in every shipped profile, a pause and its resolution, and an erasure (whose
      // policy_hash is the policy set's).
      for (const profile of t.gateway.policies.keys()) {
        const r = await decide(t, {
          profile,
          input: { text: 'x' },
          signals: { confidence: 0.99, harm: 0.01 },
        })
        assert.equal(r.statusCode, 200, r.body)
      }
      await decide(t, {
        profile: 'general',
        input: { text: 'x' },
        signals: { confidence: 0.99, harm: 0.01 },
        subject: 'patient-9',
      })
      const erased = await t.app.inject({
        method: 'POST',
        url: '/v1/subjects/patient-9/erasure',
        headers: auth,
      })
      assert.equal(erased.statusCode, 200)
      const mtls = await allMtls(t)
      const hashes = new Set(mtls.map((m) => m.policy_hash))
      assert.ok(mtls.some((m) => m.kind === 'erasure'))
      assert.equal(hashes.size, t.gateway.policies.size + 1, 'each profile and the policy set')

      const base = await listen(t)
      for (const hash of hashes) {
        // No API key: the archive is public.
        const r = await served(base, `/v1/policies/${hash}`)
        assert.equal(r.status, 200, hash)
        assert.equal(sha256Hex(r.bytes), hash, 'the text served hashes to the policy_hash')
        assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8')
        assert.equal(r.headers.get('etag'), `"${hash}"`)
        assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable')
        // The text is canonical JSON: parsing and re-canonicalizing it gives the same bytes.
        const text = new TextDecoder().decode(r.bytes)
        assert.equal(canonicalize(JSON.parse(text)), text)
      }
      const list = (await (await fetch(`${base}/v1/policies`)).json()) as {
        policies: { hash: string; kind: string; profile: string | null; current: boolean }[]
      }
      assert.deepEqual(new Set(list.policies.map((p) => p.hash)), hashes)
      assert.ok(list.policies.every((p) => p.current))
      assert.equal(
        list.policies.find((p) => p.kind === 'set')?.hash,
        t.gateway.service.policySetHash,
      )
    } finally {
      await t.close()
    }
  })

  test('behavior: the YAML as written is served too, and parses to the same hash', async () => {
    const t = await startTestGateway()
    try {
      const base = await listen(t)
      const hash = t.gateway.policies.get('medical')?.hash as Hex
      const r = await served(base, `/v1/policies/${hash}?format=yaml`)
      assert.equal(r.status, 200)
      assert.equal(r.headers.get('content-type'), 'application/yaml; charset=utf-8')
      const text = new TextDecoder().decode(r.bytes)
      assert.match(text, /^#|\n#/, 'comments are kept')
      assert.equal(parsePolicy({ text, file: 'served.yaml' }).hash, hash)
      const set = await served(base, `/v1/policies/${t.gateway.service.policySetHash}?format=yaml`)
      assert.equal(set.status, 404)
    } finally {
      await t.close()
    }
  })

  test('behavior: If-None-Match with the hash is answered 304 Not Modified', async () => {
    const t = await startTestGateway()
    try {
      const base = await listen(t)
      const hash = t.gateway.policies.get('general')?.hash as Hex
      const r = await served(base, `/v1/policies/${hash}`, { 'if-none-match': `"${hash}"` })
      assert.equal(r.status, 304)
      assert.equal(r.bytes.length, 0)
    } finally {
      await t.close()
    }
  })

  test('error: an unknown hash is 404 and a malformed one 400, each with a JSON reason', async () => {
    const t = await startTestGateway()
    try {
      const base = await listen(t)
      const unknown = await fetch(`${base}/v1/policies/0x${'12'.repeat(32)}`)
      assert.equal(unknown.status, 404)
      assert.deepEqual(await unknown.json(), {
        error: 'unknown_policy',
        message: `no policy with hash 0x${'12'.repeat(32)} was ever run by this gateway`,
      })
      for (const bad of ['0x1234', `0x${'AB'.repeat(32)}`, 'general', `${'ab'.repeat(32)}`]) {
        const r = await fetch(`${base}/v1/policies/${bad}`)
        assert.equal(r.status, 400, bad)
        const body = (await r.json()) as { error: string; field: string; message: string }
        assert.equal(body.error, 'invalid_request')
        assert.equal(body.field, 'hash')
        assert.match(
          body.message,
          /^hash: expected a policy_hash \(0x and 64 lower-case hex digits\)/,
        )
      }
      const format = await fetch(`${base}/v1/policies/0x${'12'.repeat(32)}?format=xml`)
      assert.equal(format.status, 400)
    } finally {
      await t.close()
    }
  })

  test('behavior: a policy file changed between two starts: both versions are served', async () => {
    const dir = tempDir()
    const first = await startTestGateway({ dir })
    const oldHash = first.gateway.policies.get('general')?.hash as Hex
    const before = await decide(first, {
      profile: 'general',
      input: { text: 'x' },
      signals: { confidence: 0.99, harm: 0.01 },
    })
    assert.equal(before.json().policy_hash, oldHash)
    await first.close()

    // The operator tightens a threshold and restarts on the same data directory.
    const original = readFileSync(join(POLICY_DIR, 'general.yaml'), 'utf8')
    const tightened = original.replace(/confidence_min: [0-9.]+/, 'confidence_min: 0.95')
    assert.notEqual(tightened, original)
    const second = await startTestGateway({ dir, policies: { 'general.yaml': tightened } })
    try {
      const newHash = second.gateway.policies.get('general')?.hash as Hex
      assert.notEqual(newHash, oldHash)
      const after = await decide(second, {
        profile: 'general',
        input: { text: 'x' },
        signals: { confidence: 0.99, harm: 0.01 },
      })
      assert.equal(after.json().policy_hash, newHash)
      const base = await listen(second)
      for (const hash of [oldHash, newHash]) {
        const r = await served(base, `/v1/policies/${hash}`)
        assert.equal(r.status, 200, hash)
        assert.equal(sha256Hex(r.bytes), hash)
      }
      const served2 = JSON.parse(
        new TextDecoder().decode((await served(base, `/v1/policies/${newHash}`)).bytes),
      )
      assert.equal(served2.ambiguity.confidence_min, 0.95)
      const list = (await (await fetch(`${base}/v1/policies`)).json()) as {
        policies: { hash: string; current: boolean }[]
      }
      assert.equal(list.policies.find((p) => p.hash === oldHash)?.current, false)
      assert.equal(list.policies.find((p) => p.hash === newHash)?.current, true)
      // Every version of the first start, plus the new general and the new policy set (the set
      // changed with it: erasures before and after the change name different sets).
      assert.equal(list.policies.length, second.gateway.policies.size + 1 + 2)
    } finally {
      await second.close()
    }
  })

  test('error: a gateway whose archive cannot keep its policies does not start, and logs nothing', async () => {
    const dir = tempDir()
    const keys = loadKeys({ dir: join(dir, 'keys'), env: {}, create: true })
    const failing: PolicyArchive = {
      keep: async () => {
        throw new Error('disk full')
      },
      get: async () => undefined,
      list: async () => [],
      close: async () => {},
    }
    await assert.rejects(
      createGateway({ keys, policies: shipped, dataDir: dir, policyArchive: failing }),
      /disk full/,
    )
    // No MTL could name a policy the archive does not hold: the log is empty.
    const store = SqliteLogStore.open({ path: join(dir, 'log.db'), logId: keys.logId })
    assert.equal(await store.size(), 0)
    await store.close()
  })
})
