// The reviewer desk's case view and sealed rationale, over real HTTP on 127.0.0.1, against a
// gateway with the sealed evidence vault on (commit worker, SQLite file): a listed reviewer's
// short-lived signed request opens the case of an open pause (checked against the MTL's hashes);
// unlisted, expired, replayed, moved-to-another-pause and resolved requests are refused; the
// rationale text must match its signed hash and is sealed in the resolution's vault record
// (opened here with custodian shares); the case is gone after resolution and after a restart.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import {
  bytesToHex,
  caseRequestTypedData,
  sha256 as coreSha256,
  type Hex,
  resolutionTypedData,
  utf8ToBytes,
} from '@tml/core'
import pino from 'pino'
import type { PrivateKeyAccount } from 'viem/accounts'
import { buildServer } from '../../src/http/buildServer.ts'
import { type GatewayKeys, loadKeys } from '../../src/keys/loadKeys.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { createGateway, type Gateway } from '../../src/service/createGateway.ts'
import { parseCustodians } from '../../src/vault/Custodian.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { openEvidence } from '../../src/vault/openEvidence.ts'
import { recoverEpochKey, releaseShare } from '../../src/vault/releaseShare.ts'
import { SqliteVaultStore } from '../../src/vault/SqliteVaultStore.ts'
import {
  API_TOKEN,
  policyDirWith,
  reviewer,
  reviewPolicy,
  startTestGateway,
  stranger,
} from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const sha256 = (text: string) => `0x${createHash('sha256').update(text, 'utf8').digest('hex')}`
const hashOf = (text: string) => bytesToHex(coreSha256(utf8ToBytes(text)))

type Running = { gateway: Gateway; url: string; logs: string[]; close(): Promise<void> }
type Custodian = { publicKey: Hex; privateKey: Hex }

describe('reviewer desk: the case of a pause and its sealed rationale', () => {
  const dir = tempDir('tml-desk-')
  let custodians: Custodian[]
  let keys: GatewayKeys
  let g: Running

  /** The gateway on `dir` behind real HTTP, its pino log lines collected. */
  async function start(): Promise<Running> {
    const policyDir = policyDirWith(dir, { 'review.yaml': reviewPolicy() })
    const gateway = await createGateway({
      keys,
      policies: loadPolicies({ paths: [policyDir] }),
      dataDir: dir,
      vault: {
        set: parseCustodians(
          custodians.map((c, i) => `c${i}=${c.publicKey}`),
          2,
        ),
      },
    })
    const logs: string[] = []
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk))
          done()
        },
      }),
    )
    const app = await buildServer({ gateway, apiKeys: keys.apiKeys, logger })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    return {
      gateway,
      url,
      logs,
      close: async () => {
        await app.close()
        await gateway.close()
      },
    }
  }

  before(async () => {
    custodians = await Promise.all([1, 2, 3].map(() => generateVaultKeyPair()))
    keys = loadKeys({
      dir: join(dir, 'keys'),
      env: { TML_API_KEYS: `tester:${API_TOKEN}` },
      create: true,
    })
    g = await start()
  })
  after(async () => {
    await g?.close()
  })

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${g.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return { status: r.status, body: (await r.json()) as Record<string, unknown> }
  }

  /** A decision of the `review` profile that pauses (confidence under 0.9). */
  async function pause(extra: Record<string, unknown>): Promise<{ trace_id: string }> {
    const r = await post(
      '/v1/decisions',
      { profile: 'review', signals: { confidence: 0.5, harm: 0.01 }, ...extra },
      { authorization: `Bearer ${API_TOKEN}` },
    )
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal(r.body.state, 0)
    return r.body as { trace_id: string }
  }

  /** A reviewer's signed case request body for `pauseId`. */
  async function caseRequest(
    account: PrivateKeyAccount,
    pauseId: string,
    o: { issuedAt?: number; expiresAt?: number; logId?: Hex } = {},
  ) {
    const now = Math.floor(Date.now() / 1000)
    const message = {
      logId: o.logId ?? g.gateway.memory.logId,
      pauseId,
      nonce: bytesToHex(randomBytes(32)),
      issuedAt: BigInt(o.issuedAt ?? now),
      expiresAt: BigInt(o.expiresAt ?? now + 120),
    }
    const signature = await account.signTypedData(caseRequestTypedData(message))
    return {
      log_id: message.logId,
      pause_id: pauseId,
      nonce: message.nonce,
      issued_at: Number(message.issuedAt),
      expires_at: Number(message.expiresAt),
      signature,
    }
  }

  /** A listed reviewer's resolution of `pauseId` over `rationale` (hash signed, text sent or not). */
  async function resolution(
    pauseId: string,
    decision: 1 | -1,
    rationale: string,
    send: string | null = rationale,
  ) {
    const pending = g.gateway.pauses.get(pauseId)
    assert.ok(pending)
    const deadline = Math.floor(Date.now() / 1000) + 600
    const rationaleHash = hashOf(rationale)
    const signature = await reviewer.signTypedData(
      resolutionTypedData({
        logId: g.gateway.memory.logId,
        pauseId,
        pauseLeafHash: pending.leafHash,
        decision,
        rationaleHash,
        deadline: BigInt(deadline),
      }),
    )
    return {
      decision,
      rationale_hash: rationaleHash,
      deadline,
      signature,
      ...(send === null ? {} : { rationale: send }),
    }
  }

  /** The vault record of `seq`, opened with two custodians' releases (what an auditor does). */
  async function sealedRecord(seq: number) {
    const vault = SqliteVaultStore.open({ path: join(dir, 'log.db') })
    try {
      const sealed = await vault.sealedBySeq(seq)
      assert.ok(sealed, `seq ${seq} is sealed`)
      const wrapped = await vault.epochKey(sealed.epoch)
      assert.ok(wrapped)
      const auditor = await generateVaultKeyPair()
      const logId = g.gateway.memory.logId
      const releases = await Promise.all(
        [0, 1].map((i) =>
          releaseShare({
            share: wrapped.shares[i] as (typeof wrapped.shares)[number],
            custodianKey: (custodians[i] as Custodian).privateKey,
            custodianIndex: i,
            auditorKey: auditor.publicKey,
            logId,
            epoch: sealed.epoch,
            grantId: 1n,
          }),
        ),
      )
      const key = await recoverEpochKey({
        releases,
        auditorKey: auditor.privateKey,
        logId,
        epoch: sealed.epoch,
        grantId: 1n,
        threshold: wrapped.threshold,
      })
      return openEvidence({ envelope: sealed.envelope, key, logId, seq }).record
    } finally {
      await vault.close()
    }
  }

  let toolPause: string
  let chatPause: string

  it('behavior: a listed reviewer reads the case of an MCP tool pause, checked against the MTL', async () => {
    toolPause = (
      await pause({
        input: {
          tool: { name: 'write_file', arguments: { path: '/etc/cron.d/x', content: 'rm' } },
        },
        context: { mcp: { phase: 'call', server: 'filesystem', transport: 'stdio' } },
      })
    ).trace_id
    const r = await post(`/v1/pauses/${toolPause}/case`, await caseRequest(reviewer, toolPause))
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const mtl = g.gateway.pauses.get(toolPause)?.mtl
    assert.ok(mtl)
    assert.equal(r.body.pause_id, toolPause)
    assert.equal(r.body.reviewer, reviewer.address.toLowerCase())
    assert.equal(
      sha256(r.body.evidence as string),
      mtl.input_hash,
      'evidence is what input_hash covers',
    )
    assert.deepEqual(r.body.tool, {
      name: 'write_file',
      arguments: { path: '/etc/cron.d/x', content: 'rm' },
      server: 'filesystem',
      transport: 'stdio',
    })
    assert.deepEqual(r.body.signals, { confidence: 0.5, harm: 0.01 })
    assert.equal(r.body.output, null)
    assert.equal(r.body.trigger_type, mtl.trigger_type)
    assert.deepEqual(r.body.metrics, mtl.metrics)
  })

  it('behavior: the case of a chat pause holds the answer held back, pseudonymized', async () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Take two tablets.' } }],
    }
    chatPause = (
      await pause({
        input: { name: 'Ada Lovelace', messages: [{ role: 'user', content: 'dose?' }] },
        context: { route: 'openai.chat.completions', email: 'ada@example.org' },
        output: completion,
        subject: 'patient-7',
      })
    ).trace_id
    const r = await post(`/v1/pauses/${chatPause}/case`, await caseRequest(reviewer, chatPause))
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const mtl = g.gateway.pauses.get(chatPause)?.mtl
    assert.ok(mtl)
    assert.equal(r.body.held_answer, 'Take two tablets.')
    assert.deepEqual(r.body.output, completion)
    assert.equal(sha256(r.body.output_text as string), mtl.output_hash)
    assert.equal(r.body.tool, null)
    // Personal data stays pseudonymized on the desk, as in the log.
    assert.doesNotMatch(JSON.stringify(r.body), /Ada Lovelace|ada@example\.org|patient-7/)
    assert.match((r.body.input as { name: string }).name, /^psn:/)
  })

  it('errors: unlisted, expired, too long, future, moved to another pause or log, replayed: refused', async () => {
    const now = Math.floor(Date.now() / 1000)
    const unlisted = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(stranger, toolPause),
    )
    assert.equal(unlisted.status, 403)
    assert.equal(unlisted.body.error, 'unlisted_reviewer')
    const expired = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(reviewer, toolPause, { issuedAt: now - 400, expiresAt: now - 200 }),
    )
    assert.equal(expired.status, 401)
    assert.equal(expired.body.error, 'expired')
    const long = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(reviewer, toolPause, { expiresAt: now + 3600 }),
    )
    assert.equal(long.status, 400)
    assert.equal(long.body.error, 'window_too_long')
    const future = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(reviewer, toolPause, { issuedAt: now + 600, expiresAt: now + 700 }),
    )
    assert.equal(future.status, 400)
    assert.equal(future.body.error, 'not_yet_valid')
    // A request signed for one pause, posted for another: as signed, and with the body edited.
    const forTool = await caseRequest(reviewer, toolPause)
    const moved = await post(`/v1/pauses/${chatPause}/case`, forTool)
    assert.equal(moved.status, 400)
    assert.equal(moved.body.error, 'wrong_pause')
    const edited = await post(`/v1/pauses/${chatPause}/case`, { ...forTool, pause_id: chatPause })
    assert.equal(edited.status, 403, 'the signature no longer recovers to the reviewer')
    const otherLog = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(reviewer, toolPause, { logId: `0x${'ab'.repeat(32)}` }),
    )
    assert.equal(otherLog.status, 400)
    assert.equal(otherLog.body.error, 'wrong_log')
    // Single use: the first post opens the case, the same body again is a replay.
    assert.equal((await post(`/v1/pauses/${toolPause}/case`, forTool)).status, 200)
    const replay = await post(`/v1/pauses/${toolPause}/case`, forTool)
    assert.equal(replay.status, 401)
    assert.equal(replay.body.error, 'replayed')
    const unknown = '0190b0b0-0000-7000-8000-000000000000'
    const none = await post(`/v1/pauses/${unknown}/case`, await caseRequest(reviewer, unknown))
    assert.equal(none.status, 404)
  })

  it('errors: a rationale that is not the signed one is refused, and the pause stays open', async () => {
    const body = await resolution(toolPause, -1, 'Writes outside the workspace.', 'Something else.')
    const r = await post(`/v1/pauses/${toolPause}/resolution`, body)
    assert.equal(r.status, 400)
    assert.equal(r.body.error, 'rationale_mismatch')
    assert.doesNotMatch(JSON.stringify(r.body), /Something else/)
    assert.ok(g.gateway.pauses.get(toolPause), 'still open')
  })

  it('behavior: the rationale is sealed in the resolution record; the case is gone after it', async () => {
    const rationale = 'Writes outside the workspace: refused. Ticket SEC-118.'
    const r = await post(
      `/v1/pauses/${toolPause}/resolution`,
      await resolution(toolPause, -1, rationale),
    )
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const record = await sealedRecord(r.body.seq as number)
    assert.equal(record.rationale, rationale)
    const stored = await g.gateway.store.entryBySeq(r.body.seq as number)
    assert.ok(stored)
    assert.doesNotMatch(stored.mtl, /SEC-118/, 'only the hash is in the log')
    assert.equal(
      (JSON.parse(stored.mtl) as { resolution: { rationale_hash: string } }).resolution
        .rationale_hash,
      sha256(rationale),
    )
    assert.equal(g.gateway.pauses.caseOf(toolPause), undefined)
    const gone = await post(`/v1/pauses/${toolPause}/case`, await caseRequest(reviewer, toolPause))
    assert.equal(gone.status, 410)
    assert.equal(gone.body.error, 'resolved')
    assert.doesNotMatch(
      g.logs.join(''),
      /SEC-118|cron\.d/,
      'neither rationale nor case in the logs',
    )
  })

  it('behavior: the old body (hash only) still resolves; the vault then keeps no text', async () => {
    const r = await post(
      `/v1/pauses/${chatPause}/resolution`,
      await resolution(chatPause, 1, 'Dose checked by the pharmacist.', null),
    )
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal((await sealedRecord(r.body.seq as number)).rationale, null)
  })

  it('behavior: after a restart, a pending pause has no case (memory only), a resolved one stays gone', async () => {
    const pending = (await pause({ input: { text: 'across a restart' } })).trace_id
    assert.equal(
      (await post(`/v1/pauses/${pending}/case`, await caseRequest(reviewer, pending))).status,
      200,
    )
    await g.close()
    g = await start()
    assert.ok(g.gateway.pauses.get(pending), 'the pause was re-opened from the log')
    const unavailable = await post(
      `/v1/pauses/${pending}/case`,
      await caseRequest(reviewer, pending),
    )
    assert.equal(unavailable.status, 404)
    assert.equal(unavailable.body.error, 'case_unavailable')
    const resolved = await post(
      `/v1/pauses/${toolPause}/case`,
      await caseRequest(reviewer, toolPause),
    )
    assert.equal(resolved.status, 410)
    // Still resolvable, with its rationale sealed.
    const r = await post(
      `/v1/pauses/${pending}/resolution`,
      await resolution(pending, 1, 'Fine after the restart.'),
    )
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal((await sealedRecord(r.body.seq as number)).rationale, 'Fine after the restart.')
  })
})

describe('reviewer desk: a pause that times out takes its case with it', () => {
  it('behavior: the timeout resolution destroys the case', async () => {
    const t = await startTestGateway({ timeoutMs: 150 })
    try {
      const d = await t.gateway.service.decide({
        input: {
          profile: 'review',
          input: { text: 'left alone' },
          signals: { confidence: 0.5, harm: 0.01 },
        },
        caller: 'tester',
      })
      assert.equal(d.state, 0)
      assert.match(t.gateway.pauses.caseOf(d.trace_id)?.evidence ?? '', /left alone/)
      const resolution = await t.gateway.pauses.wait(d.trace_id, 5000)
      assert.equal(resolution?.arbiter.kind, 'timeout')
      assert.equal(t.gateway.pauses.caseOf(d.trace_id), undefined)
    } finally {
      await t.close()
    }
  })
})
