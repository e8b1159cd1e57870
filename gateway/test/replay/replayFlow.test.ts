// Forensic replay end to end: a gateway (real HTTP on 127.0.0.1) with the sealed evidence vault
// anchors on a local chain; an auditor's grant is requested, approved by two custodians of three
// and released on chain; `tml replay` then replays every shipped demo scenario (identical), and
// catches a tampered sealed record, a policy served under another text, a decision its sealed
// inputs do not give, and a rule the vault cannot replay on raw values.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { bytesToHex, canonicalize, type Hex } from '@tml/core'
import Database from 'better-sqlite3'
import { privateKeyToAccount } from 'viem/accounts'
import { DEMO_SCENARIOS } from '../../../scripts/demoScenarios.ts'
import { main } from '../../src/cli/main.ts'
import { decide } from '../../src/engine/decide.ts'
import { buildDecisionDraft } from '../../src/memory/buildMtl.ts'
import { uuidv7 } from '../../src/memory/uuidv7.ts'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import type { ReplayResult } from '../../src/replay/replayRecord.ts'
import { createGateway } from '../../src/service/createGateway.ts'
import { generateVaultKeyPair } from '../../src/vault/hpkeSuite.ts'
import { fetchSealedRecord } from '../../src/vault/vaultHttp.ts'
import { eventually } from '../e2e/anchoredGateway.ts'
import { DEV_KEYS } from '../e2e/localChains.ts'
import { AUDITOR_KEY, CUSTODIAN_KEYS, type EkrChain, startEkrChain } from '../helpers/ekr.ts'
import {
  auth,
  policyDirWith,
  reviewPolicy,
  serveTestGateway,
  type TestGateway,
} from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { flipSealedByte } from '../helpers/tamperSealed.ts'

/** A profile whose rule reads a field the vault seals as a pseudonym. */
const VIP_POLICY = `v: tml-policy/1
profile: vip
ambiguity: { confidence_min: 0.5 }
rules:
  - id: vip_customer
    trigger: MANDATE
    outcome: 0
    reason: a person reviews decisions about this customer
    when: { field: context.user_email, eq: ceo@example.com }
pause:
  timeout_ms: 60000
  budget:
    per_caller: { capacity: 100, refill_per_s: 0 }
    overall: { capacity: 100, refill_per_s: 0 }
pii_fields: [context.user_email]
`

type Answer = {
  trace_id: string
  state: number
  pause?: { resolution?: { trace_id: string } }
}

describe('tml replay: forensic replay under a live grant, on a local chain', () => {
  let ekr: EkrChain
  let t: TestGateway
  let gatewayUrl: string
  let dir: string
  let auditorKeyFile: string
  let grant: string
  /** Decisions (and the vehicle's timeout resolution) of the demo scenarios, by scenario id. */
  const demo = new Map<string, string>()
  let resolutionTrace: string
  let forgedTrace: string
  let vipTrace: string
  let tamperTrace: string
  let policyTrace: string

  const post = async (body: Record<string, unknown>): Promise<Answer> => {
    const r = await fetch(new URL('/v1/decisions', gatewayUrl), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(r.status, 200, await r.clone().text())
    return (await r.json()) as Answer
  }
  const anchored = (traceId: string) =>
    eventually(
      async () =>
        (await fetch(new URL(`/v1/traces/${traceId}/proof`, gatewayUrl))).status === 200
          ? true
          : undefined,
      30_000,
      `the proof of ${traceId}`,
    )
  const replay = async (
    traceId: string,
    format: 'json' | 'text' = 'json',
    keyFile: string = auditorKeyFile,
  ) => {
    let out = ''
    let err = ''
    const code = await main({
      argv: [
        'replay',
        traceId,
        '--grant',
        grant,
        '--auditor-key',
        keyFile,
        '--api',
        gatewayUrl,
        '--rpc',
        ekr.chain.nodeUrl,
        '--access-registry',
        ekr.access,
        '--registry',
        `${ekr.chain.chainId}=${ekr.chain.registry}`,
        ...(format === 'json' ? ['--json'] : []),
      ],
      io: {
        out: (x) => {
          out += x
        },
        err: (x) => {
          err += x
        },
        env: {},
      },
    })
    return {
      code,
      err,
      out,
      result: out === '' || format === 'text' ? undefined : (JSON.parse(out) as ReplayResult),
    }
  }

  before(async () => {
    ekr = await startEkrChain()
    dir = tempDir('tml-replay-')
    const keys = ekr.gatewayKeys(dir)
    const gateway = await createGateway({
      keys,
      policies: loadPolicies({
        paths: [policyDirWith(dir, { 'review.yaml': reviewPolicy(), 'vip.yaml': VIP_POLICY })],
      }),
      dataDir: dir,
      retryMs: 20,
      vault: { set: ekr.custodianSet, periodMs: 3_600_000 },
      lane: {
        chains: [
          {
            name: 'ethereum',
            chainId: ekr.chain.chainId,
            rpcUrl: ekr.chain.rpcUrl,
            registry: ekr.chain.registry,
            confirmations: 1,
            pollMs: 50,
            maxBackoffMs: 400,
          },
        ],
        relayer: privateKeyToAccount(DEV_KEYS.relayer),
        epochPeriodMs: 200,
        tickMs: 25,
        maxEpochIntervalMs: 60_000,
      },
    })
    t = await serveTestGateway(gateway, dir, { apiKeys: keys.apiKeys })
    gatewayUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })

    // Every shipped demo scenario, as scripts/demo.ts sends it.
    for (const scenario of DEMO_SCENARIOS) {
      const answer = await post(scenario.request)
      assert.equal(answer.state, scenario.expected, scenario.id)
      demo.set(scenario.id, answer.trace_id)
      const resolved = answer.pause?.resolution?.trace_id
      if (resolved) resolutionTrace = resolved
    }
    assert.ok(resolutionTrace, 'the vehicle scenario is resolved (timed out) while the demo waits')

    // A log writer with the keys (the operator) records a decision its sealed inputs do not
    // give: the evidence says harm 0.95, the record says the harmless decision of harm 0.01.
    const policies = gateway.policies
    const general = policies.get('general')
    assert.ok(general)
    const now = Date.now()
    const claimed = decide({
      request: {
        profile: 'general',
        input: { text: 'hello' },
        signals: { confidence: 0.99, harm: 0.01 },
      },
      policy: general.policy,
      environment: { now, storeAvailable: true, anchoringAvailable: true },
    })
    const forged = await gateway.memory.append({
      draft: buildDecisionDraft({
        decision: claimed,
        traceId: uuidv7(now),
        timestamp: new Date(now).toISOString(),
        policyHash: general.hash,
        model: { id: 'unspecified', version_hash: `0x${'00'.repeat(32)}` },
      }),
      evidence: {
        input: canonicalize({
          input: { text: 'hello' },
          context: {},
          signals: { confidence: 0.99, harm: 0.95 },
        }),
        output: null,
        pseudonym: null,
        secret: randomBytes(32).toString('hex'),
      },
      vault: {
        output: null,
        scores: claimed.metrics,
        rationale: null,
        personal: null,
        subjectSecret: null,
      },
      profile: 'general',
      pauseDeadlineMs: null,
    })
    forgedTrace = forged.mtl.trace_id
    vipTrace = (
      await post({
        profile: 'vip',
        input: { text: 'raise the credit limit' },
        context: { user_email: 'ceo@example.com' },
        signals: { confidence: 0.9 },
        subject: 'customer-1',
      })
    ).trace_id
    tamperTrace = (
      await post({
        profile: 'general',
        input: { text: 'hi' },
        signals: { confidence: 0.99, harm: 0.01 },
      })
    ).trace_id
    policyTrace = (
      await post({ profile: 'review', input: { text: 'x' }, signals: { confidence: 0.95 } })
    ).trace_id

    const traces = [
      ...demo.values(),
      resolutionTrace,
      forgedTrace,
      vipTrace,
      tamperTrace,
      policyTrace,
    ]
    for (const trace of traces) await anchored(trace)
    const epochs = [
      ...new Set(
        await Promise.all(
          traces.map(async (traceId) => (await fetchSealedRecord({ gatewayUrl, traceId })).epoch),
        ),
      ),
    ].sort((a, b) => a - b)

    // The auditor's grant: requested on chain, approved by two custodians, released by both.
    const auditor = await generateVaultKeyPair()
    auditorKeyFile = join(dir, 'auditor.x25519')
    writeFileSync(auditorKeyFile, `${auditor.privateKey}\n`)
    await ekr.send(AUDITOR_KEY, 'requestAccess', [
      ekr.chain.logId,
      BigInt(epochs[0] as number),
      BigInt(epochs.at(-1) as number),
      3600n,
      auditor.publicKey,
    ])
    const grantId = await ekr.grantCount()
    grant = String(grantId)
    await ekr.send(CUSTODIAN_KEYS[0] as Hex, 'approve', [grantId])
    await ekr.send(CUSTODIAN_KEYS[1] as Hex, 'approve', [grantId])
    await ekr.release(0, grantId, epochs, gatewayUrl)
    await ekr.release(1, grantId, epochs, gatewayUrl)
  })
  after(async () => {
    await t?.close()
    await ekr?.stop()
  })

  it('every shipped demo scenario replays identical (pauses and refusals included)', async () => {
    for (const scenario of DEMO_SCENARIOS) {
      const { code, err, result } = await replay(demo.get(scenario.id) as string)
      assert.equal(code, 0, `${scenario.id}: ${err} ${JSON.stringify(result?.differences)}`)
      assert.equal(result?.identical, true)
      assert.equal(result?.kind, 'decision')
      assert.equal(result?.replayed?.state, scenario.expected, scenario.id)
      if (scenario.expected !== 1)
        assert.ok((result?.replayed?.causal_graph.length ?? 0) > 0, 'a graph with its checks')
    }
  })

  it("a resolution's sealed rationale matches its rationale_hash", async () => {
    const { code, err, result } = await replay(resolutionTrace)
    assert.equal(code, 0, err)
    assert.equal(result?.kind, 'resolution')
    assert.equal(result?.identical, true)
    assert.match(result?.notes.join('\n') ?? '', /replay the pause it closes/)
    assert.doesNotMatch(result?.notes.join('\n') ?? '', /no rationale text/, 'the text was checked')
  })

  it('a decision its sealed inputs do not give: exit 1 with each difference and its path', async () => {
    const { code, result } = await replay(forgedTrace)
    assert.equal(code, 1)
    assert.equal(result?.identical, false)
    const byPath = new Map(result?.differences.map((d) => [d.path, d]))
    assert.deepEqual(byPath.get('$.state'), { path: '$.state', recorded: 1, replayed: -1 })
    assert.deepEqual(byPath.get('$.trigger_type'), {
      path: '$.trigger_type',
      recorded: 'NONE',
      replayed: 'HARM',
    })
    assert.deepEqual(byPath.get('$.metrics.harm'), {
      path: '$.metrics.harm',
      recorded: 0.01,
      replayed: 0.95,
    })
    assert.deepEqual(byPath.get('$.sealed.scores.harm'), {
      path: '$.sealed.scores.harm',
      recorded: 0.01,
      replayed: 0.95,
    })
    // The recorded graph is empty (nothing fired); the replay's has the harm check and its
    // threshold. (In JSON, the side that has no value there is left out.)
    assert.deepEqual(byPath.get('$.causal_graph[1]'), {
      path: '$.causal_graph[1]',
      replayed: {
        id: 'check:harm_critical',
        kind: 'harm',
        inputs: ['metric:harm'],
        threshold: 0.9,
        comparison: 'gt',
      },
    })
  })

  it('the report says what was checked, and each difference', async () => {
    const same = await replay(demo.get('greeting') as string, 'text')
    assert.equal(same.code, 0)
    assert.match(
      same.out,
      /ok {3}anchored: the MTL's leaf is in a checkpoint anchored on chain 31337/,
    )
    assert.match(same.out, /IDENTICAL: state 1, trigger NONE/)
    const forged = await replay(forgedTrace, 'text')
    assert.equal(forged.code, 1)
    assert.match(forged.out, /DIFFERENT: \d+ difference\(s\)/)
    assert.match(forged.out, /\n {2}\$\.state: recorded 1, replayed -1\n/)
  })

  it('a rule on a pseudonymized field: the replay names the rule and the difference', async () => {
    const { code, result } = await replay(vipTrace)
    assert.equal(code, 1)
    assert.deepEqual(
      result?.differences.find((d) => d.path === '$.state'),
      { path: '$.state', recorded: 0, replayed: 1 },
    )
    assert.match(result?.notes.join('\n') ?? '', /rule vip_customer reads context\.user_email/)
  })

  it('a tampered sealed record (one byte flipped in the store file) fails with exit 2', async () => {
    assert.equal((await replay(tamperTrace)).code, 0, 'replays before the attack')
    await flipSealedByte(join(dir, 'log.db'), tamperTrace, 20)
    const { code, err, result } = await replay(tamperTrace)
    assert.equal(code, 2)
    assert.equal(result, undefined)
    assert.match(err, /not to its MTL's evidence_seal/)
    assert.match(err, /TML_VAULT_SEAL/)
  })

  it('a policy served with another text for its hash fails with exit 2', async () => {
    assert.equal((await replay(policyTrace)).code, 0, 'replays before the attack')
    const hash = t.gateway.policies.get('review')?.hash as Hex
    const db = new Database(join(dir, 'log.db'))
    try {
      const row = db
        .prepare('SELECT document FROM policy_archive WHERE hash = ?')
        .get(Buffer.from(hash.slice(2), 'hex')) as { document: string }
      const document = JSON.parse(row.document) as { ambiguity: { confidence_min: number } }
      document.ambiguity.confidence_min = 0.99
      db.exec('DROP TRIGGER policy_archive_no_update')
      db.prepare('UPDATE policy_archive SET document = ? WHERE hash = ?').run(
        canonicalize(document),
        Buffer.from(hash.slice(2), 'hex'),
      )
    } finally {
      db.close()
    }
    const { code, err } = await replay(policyTrace)
    assert.equal(code, 2)
    assert.match(err, new RegExp(`the policy served for ${hash} hashes to 0x[0-9a-f]{64}`))
    assert.match(err, /TML_REPLAY_POLICY/)
  })

  it('without a registry to trust, or for an unknown trace: exit 2 naming why', async () => {
    const io = { out: () => {}, err: (x: string) => void errs.push(x), env: {} }
    const errs: string[] = []
    const code = await main({
      argv: [
        'replay',
        tamperTrace,
        '--grant',
        grant,
        '--auditor-key',
        auditorKeyFile,
        '--api',
        gatewayUrl,
        '--deployments',
        tempDir('tml-replay-none-'),
      ],
      io,
    })
    assert.equal(code, 2)
    assert.match(errs.join(''), /no deployment file \(\*\.json\) in /)
    const unknown = await replay(bytesToHex(new Uint8Array(randomBytes(16))).slice(2))
    assert.equal(unknown.code, 2)
    assert.match(unknown.err, /not available/)
  })

  it("another key than the grant auditor's, or an expired grant: exit 2 naming why", async () => {
    const stranger = join(dir, 'stranger.x25519')
    writeFileSync(stranger, `${(await generateVaultKeyPair()).privateKey}\n`)
    const wrongKey = await replay(demo.get('greeting') as string, 'json', stranger)
    assert.equal(wrongKey.code, 2)
    assert.match(wrongKey.err, /the auditor key given is not grant \d+'s/)
    // After expiry the shares already released would still open the records; replay refuses.
    await ekr.chain.rpc('evm_increaseTime', [3601])
    await ekr.chain.rpc('evm_mine')
    const expired = await replay(demo.get('greeting') as string)
    assert.equal(expired.code, 2)
    assert.match(expired.err, /grant \d+ expired at /)
  })
})
