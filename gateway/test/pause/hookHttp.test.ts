// Verification hooks configured by URL in the policy, against a real HTTP server on 127.0.0.1:
// the gateway POSTs the pause's evidence; a valid answer resolves the pause (a resolution MTL
// naming the hook), anything else leaves it to the reviewers and is logged.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { bytesToHex, canonicalBytes, sha256, utf8ToBytes, validateMtl, verifyP256 } from '@tml/core'
import { VerificationHookError } from '../../src/pause/errors.ts'
import { auth, reviewer, startTestGateway, type TestGateway } from '../helpers/gateway.ts'
import { signedResolution } from '../helpers/review.ts'

const HOOK_TIMEOUT_MS = 300
const RAW = 'chemicals to clean a crime scene'
const PAUSING = { profile: 'hooked', input: { text: RAW }, signals: { confidence: 0.5, harm: 0.5 } }

type Answer = (request: IncomingMessage, response: ServerResponse) => void
type Warning = { message: string; error?: unknown }

/** The hook's HTTP server: answers with whatever the current test sets. */
class HookServer {
  readonly bodies: Record<string, unknown>[] = []
  answer: Answer = (_, res) => res.end()
  readonly #server = createServer((req, res) => {
    let text = ''
    req.on('data', (c: Buffer) => {
      text += c.toString()
    })
    req.on('end', () => {
      this.bodies.push(JSON.parse(text) as Record<string, unknown>)
      this.answer(req, res)
    })
  })

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/verify`
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise((r) => this.#server.close(r))
  }
}

const json =
  (status: number, body: string): Answer =>
  (_, res) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(body)
  }

/** A gateway whose `hooked` profile names the hook's URL, with its warnings collected. */
function startHookedGateway(url: string, warnings: Warning[]): Promise<TestGateway> {
  return startTestGateway({
    policies: {
      'hooked.yaml': `v: tml-policy/1
profile: hooked
ambiguity: { confidence_min: 0.9 }
harm: { ambiguous: 0.4, critical: 0.9 }
pause:
  timeout_ms: 60000
verification:
  hook: { url: "${url}", timeout_ms: ${HOOK_TIMEOUT_MS} }
reviewers: ["${reviewer.address}"]
`,
    },
    onEvent: ({ level, message, error }) => {
      if (level === 'warn') warnings.push({ message, error })
    },
  })
}

describe('verification hook by URL (policy verification.hook)', () => {
  const server = new HookServer()
  const warnings: Warning[] = []
  let url: string
  let t: TestGateway

  before(async () => {
    url = await server.listen()
    t = await startHookedGateway(url, warnings)
  })
  after(async () => {
    await t.close()
    await server.close()
  })

  const pause = async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: auth,
      payload: PAUSING,
    })
    assert.equal(r.statusCode, 200, r.body)
    const d = r.json()
    assert.equal(d.state, 0)
    return d as { trace_id: string; leaf_hash: string }
  }
  const outcome = async (pauseId: string, waitMs: number) =>
    (await t.app.inject({ url: `/v1/pauses/${pauseId}?wait_ms=${waitMs}`, headers: auth })).json()

  /** Waits until the gateway logged a warning about `pauseId`. */
  const warningFor = async (pauseId: string): Promise<Warning> => {
    for (let i = 0; i < 200; i++) {
      const w = warnings.find((x) => x.message.includes(pauseId))
      if (w) return w
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.fail(`no warning about pause ${pauseId}`)
  }

  /** The pause stayed open: a listed reviewer can still resolve it. */
  const reviewerResolves = async (pauseId: string) => {
    assert.ok(t.gateway.pauses.get(pauseId), 'still open')
    const r = await t.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      payload: await signedResolution(t, reviewer, pauseId, 1),
    })
    assert.equal(r.statusCode, 200, r.body)
    assert.equal(r.json().arbiter.kind, 'reviewer')
  }

  test('behavior: an approving answer resolves the pause +1, the MTL names the hook, signed by the gateway', async () => {
    server.answer = json(200, '{"decision":1,"rationale":"matches an approved precedent"}')
    const d = await pause()
    const r = await outcome(d.trace_id, 3000)
    assert.equal(r.status, 'resolved')
    assert.equal(r.resolution.state, 1)
    assert.deepEqual(r.resolution.arbiter, { kind: 'verification', id: url })

    const { mtl } = (
      await t.app.inject({ url: `/v1/traces/${r.resolution.trace_id}`, headers: auth })
    ).json()
    assert.ok(validateMtl(mtl).valid)
    assert.equal(mtl.refers_to, d.trace_id)
    const rationaleHash = bytesToHex(sha256(utf8ToBytes('matches an approved precedent')))
    assert.equal(mtl.resolution.rationale_hash, rationaleHash)
    const statement = canonicalBytes({
      v: 'tml-verification/1',
      logId: t.gateway.memory.logId,
      pauseId: d.trace_id,
      pauseLeafHash: d.leaf_hash,
      verifier: url,
      decision: 1,
      rationaleHash,
    })
    assert.ok(
      verifyP256({
        message: statement,
        signature: mtl.resolution.signature,
        publicKey: t.gateway.signer.publicKey,
      }),
    )

    const sent = server.bodies.find((b) => b.pause_id === d.trace_id)
    assert.ok(sent, 'the hook got the evidence')
    assert.equal(sent.v, 'tml-verification-request/1')
    assert.equal(sent.trace_id, d.trace_id)
    assert.equal(sent.leaf_hash, d.leaf_hash)
    assert.equal(sent.profile, 'hooked')
    assert.equal(sent.trigger_type, 'HARM')
    assert.deepEqual(Object.keys(sent.metrics as object).sort(), ['confidence', 'harm'])
    assert.ok(!JSON.stringify(sent).includes('crime scene'), 'never the raw input')
  })

  test('behavior: a refusing answer resolves the pause -1', async () => {
    server.answer = json(200, '{"decision":-1,"rationale":"precedent refused"}')
    const d = await pause()
    const r = await outcome(d.trace_id, 3000)
    assert.equal(r.status, 'resolved')
    assert.equal(r.resolution.state, -1)
    assert.deepEqual(r.resolution.arbiter, { kind: 'verification', id: url })
  })

  const failures: [string, Answer, RegExp][] = [
    [
      'a decision of 0',
      json(200, '{"decision":0,"rationale":"unsure"}'),
      /"decision" must be 1 or -1, got 0/,
    ],
    ['no rationale', json(200, '{"decision":1}'), /"rationale" must be a non-empty string/],
    ['not JSON', json(200, 'yes, approve'), /answer is not JSON/],
    ['an error status', json(500, '{"decision":1,"rationale":"x"}'), /answered HTTP 500/],
    ['no answer in time', () => {}, new RegExp(`no answer within ${HOOK_TIMEOUT_MS} ms`)],
  ]
  for (const [what, answer, reason] of failures) {
    test(`behavior: ${what}: the pause waits for a reviewer, and a warning says why`, async () => {
      server.answer = answer
      const d = await pause()
      const w = await warningFor(d.trace_id)
      assert.match(w.message, new RegExp(`verification hook ${url} failed for pause ${d.trace_id}`))
      assert.ok(w.error instanceof VerificationHookError)
      assert.match(w.error.shortMessage, reason)
      assert.equal((await outcome(d.trace_id, 0)).status, 'pending')
      await reviewerResolves(d.trace_id)
    })
  }
})

describe('verification hook by URL: nothing listening', () => {
  test('behavior: a refused connection leaves the pause to reviewers, with a warning', async () => {
    const server = new HookServer()
    const url = await server.listen()
    await server.close() // the port is free again: connections are refused
    const warnings: Warning[] = []
    const t = await startHookedGateway(url, warnings)
    try {
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: auth,
        payload: PAUSING,
      })
      const d = r.json()
      for (let i = 0; i < 200 && warnings.length === 0; i++)
        await new Promise((res) => setTimeout(res, 10))
      const w = warnings.find((x) => x.message.includes(d.trace_id))
      assert.ok(w)
      assert.ok(w.error instanceof VerificationHookError)
      assert.match(w.error.shortMessage, /request failed \(ECONNREFUSED\)/)
      assert.ok(t.gateway.pauses.get(d.trace_id), 'still open')
    } finally {
      await t.close()
    }
  })
})
