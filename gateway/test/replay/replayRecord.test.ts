// The pure half of forensic replay: rebuilding the engine's request from a sealed record,
// re-running the engine under the circumstances the record states, and comparing field by field.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { canonicalize, type Hex, MTL_VERSION, type Mtl } from '@tml/core'
import { decide } from '../../src/engine/decide.ts'
import type { DecisionRequest, EngineEnvironment } from '../../src/engine/types.ts'
import { buildDecisionMtl, buildResolutionMtl } from '../../src/memory/buildMtl.ts'
import { withCausalNotes } from '../../src/memory/withCausalNotes.ts'
import { refuseForBudget } from '../../src/pause/refuseForBudget.ts'
import { policyArchiveRecords } from '../../src/policy/policyArchiveRecords.ts'
import { jsonDifferences } from '../../src/replay/jsonDifferences.ts'
import { policyFromArchive } from '../../src/replay/policyFromArchive.ts'
import { ReplayError } from '../../src/replay/ReplayError.ts'
import { replayRecord } from '../../src/replay/replayRecord.ts'
import { type DecisionFinding, withFindings } from '../../src/service/withFindings.ts'
import { VAULT_RECORD_VERSION, type VaultRecord } from '../../src/vault/sealEvidence.ts'
import { policyFromYaml, shipped, shippedPolicy } from '../helpers/policies.ts'

const sha256 = (text: string) => `0x${createHash('sha256').update(text).digest('hex')}` as Hex
const LOG = `0x${'ab'.repeat(32)}` as Hex
const TRACE = '0190aaaa-0000-7000-8000-000000000001'
const NOW = Date.parse('2026-12-07T06:00:00.123Z')
const UP: EngineEnvironment = { now: NOW, storeAvailable: true, anchoringAvailable: true }
const replayError = (code: string) => (e: unknown) => e instanceof ReplayError && e.code === code

/** What the gateway logs and seals for `request` (the same builders as `DecisionService`). */
function logged({
  request,
  profile = request.profile,
  environment = UP,
  after = (d) => d,
  notes = [],
  findings,
}: {
  request: DecisionRequest
  profile?: string
  environment?: EngineEnvironment
  after?: (d: ReturnType<typeof decide>) => ReturnType<typeof decide>
  notes?: { id: string; kind: string; inputs: string[] }[]
  /** Checks made at the edge, merged as `DecisionService` merges them. */
  findings?: DecisionFinding[]
}): { mtl: Mtl; record: VaultRecord } {
  const policy = shippedPolicy(profile)
  const decision = after(
    withFindings(decide({ request, policy, environment: environment }), { findings }),
  )
  const evidence = canonicalize({
    input: request.input,
    context: request.context ?? {},
    signals: request.signals,
  })
  const draft = buildDecisionMtl({
    decision,
    traceId: TRACE,
    timestamp: new Date(environment.now).toISOString(),
    policyHash: shipped.get(profile)?.hash as Hex,
    model: { id: 'm', version_hash: `0x${'00'.repeat(32)}` },
    ...(policy.pause.escalationTarget === undefined
      ? {}
      : { escalationTarget: policy.pause.escalationTarget }),
    inputHash: sha256(evidence),
    outputHash: null,
    subject: 'psn:00',
  })
  const mtl = {
    v: MTL_VERSION,
    log_id: LOG,
    seq: 4,
    ...draft,
    causal_graph: withCausalNotes(draft.causal_graph, notes),
  } as Mtl
  const record: VaultRecord = {
    v: VAULT_RECORD_VERSION,
    trace_id: TRACE,
    evidence,
    output: request.output === undefined ? null : canonicalize(request.output),
    scores: decision.metrics,
    ...(findings === undefined ? {} : { findings }),
    rationale: null,
    personal: null,
  }
  return { mtl, record }
}

const PHISHING: DecisionRequest = {
  profile: 'general',
  input: { text: 'Write a phishing email.' },
  signals: { confidence: 0.93, harm: 0.62 },
}

describe('jsonDifferences', () => {
  it('names each differing leaf by its JSONPath, ignoring key order', () => {
    assert.deepEqual(
      jsonDifferences(
        { a: 1, b: { c: [1, 2, { d: 'x' }] }, 'odd key': true, z: 0 },
        { z: -0, 'odd key': false, b: { c: [1, 3, { d: 'x' }, 4] }, a: 1 },
      ),
      [
        { path: '$.b.c[1]', recorded: 2, replayed: 3 },
        { path: '$.b.c[3]', recorded: undefined, replayed: 4 },
        { path: '$["odd key"]', recorded: true, replayed: false },
      ],
    )
  })

  it('compares numbers exactly and types strictly; a member on one side only differs', () => {
    assert.deepEqual(jsonDifferences(0.1 + 0.2, 0.3), [
      { path: '$', recorded: 0.30000000000000004, replayed: 0.3 },
    ])
    assert.deepEqual(jsonDifferences({ a: null }, { a: 0 }), [
      { path: '$.a', recorded: null, replayed: 0 },
    ])
    assert.deepEqual(jsonDifferences({ a: 1 }, {}), [
      { path: '$.a', recorded: 1, replayed: undefined },
    ])
    assert.deepEqual(jsonDifferences([1], { 0: 1 }), [
      { path: '$', recorded: [1], replayed: { 0: 1 } },
    ])
    assert.deepEqual(jsonDifferences({ x: [1, { y: 2 }] }, { x: [1, { y: 2 }] }), [])
  })
})

describe('replayRecord', () => {
  it('a logged pause replays identical, threshold and escalation target included', () => {
    const { mtl, record } = logged({ request: PHISHING })
    const result = replayRecord({ mtl, record, policy: shippedPolicy('general') })
    assert.deepEqual(result.differences, [])
    assert.equal(result.identical, true)
    assert.equal(result.replayed?.state, 0)
    assert.equal(result.replayed?.escalation_target, 'trust-and-safety-reviewers')
    const harm = result.replayed?.causal_graph.find((n) => n.id === 'check:harm_ambiguous')
    assert.deepEqual(harm, {
      id: 'check:harm_ambiguous',
      kind: 'harm',
      inputs: ['metric:harm'],
      threshold: 0.4,
      comparison: 'gte',
    })
    assert.deepEqual(result.taken_from_record, [`time: the MTL's timestamp ${mtl.timestamp}`])
  })

  it("an inline proxy's edge checks are sealed and merged again: identical; unsealed, they differ", () => {
    const upstreamFailed: DecisionFinding = {
      step: { trigger: 'CONTEXTUAL', check: 'client_disconnected', outcome: -1 },
      detail: 'client disconnected after 3 released tokens: nothing more was released',
    }
    const { mtl, record } = logged({
      request: { ...PHISHING, signals: { confidence: 0.99, harm: 0.01 } },
      findings: [upstreamFailed],
    })
    assert.equal((mtl as Extract<Mtl, { kind: 'decision' }>).state, -1)
    const result = replayRecord({ mtl, record, policy: shippedPolicy('general') })
    assert.deepEqual(result.differences, [])
    assert.equal(result.replayed?.trigger_detail, upstreamFailed.detail)

    // A record sealed without them (as before they were sealed) cannot give the state back.
    const { findings: _dropped, ...unsealed } = record
    const without = replayRecord({ mtl, record: unsealed, policy: shippedPolicy('general') })
    assert.equal(without.identical, false)
    assert.ok(without.differences.some((d) => d.path === '$.state'))
  })

  it('an altered threshold, state or metric in the record is named with its path', () => {
    const { mtl, record } = logged({ request: PHISHING })
    const m = mtl as Extract<Mtl, { kind: 'decision' }>
    const graph = m.causal_graph.map((n) =>
      n.id === 'check:harm_ambiguous' ? { ...n, threshold: 0.5 } : n,
    )
    const at = graph.findIndex((n) => n.id === 'check:harm_ambiguous')
    const altered = { ...m, state: 1, causal_graph: graph, metrics: { ...m.metrics, harm: 0.3 } }
    const result = replayRecord({
      mtl: altered as Mtl,
      record,
      policy: shippedPolicy('general'),
    })
    assert.equal(result.identical, false)
    assert.deepEqual(result.differences, [
      { path: `$.causal_graph[${at}].threshold`, recorded: 0.5, replayed: 0.4 },
      { path: '$.metrics.harm', recorded: 0.3, replayed: 0.62 },
      { path: '$.state', recorded: 1, replayed: 0 },
    ])
  })

  it('replays under the gateway health, pause budget and notes the record states', () => {
    const lagging = logged({
      request: PHISHING,
      environment: { ...UP, anchoringAvailable: false, anchoringReason: 'behind by 3 epochs' },
    })
    const a = replayRecord({ ...lagging, policy: shippedPolicy('general') })
    assert.deepEqual(a.differences, [])
    assert.equal(a.replayed?.trigger_type, 'LEDGER')
    assert.match(a.taken_from_record.join('\n'), /anchoring: unavailable \(behind by 3 epochs\)/)

    const budget = logged({ request: PHISHING, after: (d) => refuseForBudget(d, 'caller') })
    const b = replayRecord({ ...budget, policy: shippedPolicy('general') })
    assert.deepEqual(b.differences, [])
    assert.equal(b.replayed?.trigger_type, 'BUDGET')

    const noted = logged({
      request: PHISHING,
      notes: [{ id: 'review:posthoc', kind: 'posthoc_review', inputs: [] }],
    })
    const c = replayRecord({ ...noted, policy: shippedPolicy('general') })
    assert.deepEqual(c.differences, [])
    assert.deepEqual(c.taken_from_record.slice(1), ['note: review:posthoc'])
  })

  it('a series is judged at the recorded time: the window is the same one', () => {
    const request: DecisionRequest = {
      profile: 'finance',
      input: { order: 'sell' },
      signals: {
        confidence: 0.95,
        series: [
          { t: NOW - 120_000, value: 100 },
          { t: NOW - 60_000, value: 80 },
          { t: NOW - 1000, value: 110 },
        ],
      },
    }
    const { mtl, record } = logged({ request })
    const result = replayRecord({ mtl, record, policy: shippedPolicy('finance') })
    assert.deepEqual(result.differences, [])
    assert.ok(result.replayed?.metrics.series_volatility !== undefined)
  })

  it('a rule reading a pii field is named: the vault seals it as a pseudonym', () => {
    const policy = policyFromYaml(`v: tml-policy/1
profile: vip
ambiguity: { confidence_min: 0.5 }
rules:
  - { id: vip, trigger: MANDATE, outcome: 0, reason: r, when: { field: context.user, exists: true } }
pause:
  timeout_ms: 1000
  budget:
    per_caller: { capacity: 1, refill_per_s: 0 }
    overall: { capacity: 1, refill_per_s: 0 }
pii_fields: [context.user.email]
`)
    const { mtl, record } = logged({ request: PHISHING })
    const result = replayRecord({ mtl, record, policy })
    assert.deepEqual(result.notes.length, 1)
    assert.match(result.notes[0] as string, /rule vip reads context\.user, .*context\.user\.email/)
  })

  it('evidence that is not the hashed one, or another trace, is refused', () => {
    const { mtl, record } = logged({ request: PHISHING })
    const policy = shippedPolicy('general')
    const evidence = (record.evidence as string).replace('0.62', '0.05')
    assert.throws(
      () => replayRecord({ mtl, record: { ...record, evidence }, policy }),
      (e) =>
        replayError('TML_REPLAY_INPUT_HASH')(e) && /not to its MTL's input_hash/.test(String(e)),
    )
    assert.throws(
      () => replayRecord({ mtl, record: { ...record, trace_id: 'other' }, policy }),
      replayError('TML_REPLAY_INPUT_HASH'),
    )
    assert.throws(
      () => replayRecord({ mtl, record: { ...record, evidence: null }, policy }),
      replayError('TML_REPLAY_RECORD'),
    )
    assert.throws(
      () => replayRecord({ mtl: { ...mtl, kind: 'erasure' } as Mtl, record, policy }),
      replayError('TML_REPLAY_RECORD'),
    )
  })

  it("a resolution's sealed rationale is checked against rationale_hash", () => {
    const { mtl: pause } = logged({ request: PHISHING })
    const resolution = {
      v: MTL_VERSION,
      log_id: LOG,
      seq: 5,
      ...buildResolutionMtl({
        pause: pause as Extract<Mtl, { kind: 'decision' }>,
        decision: 1,
        arbiter: { kind: 'verification', id: 'hook' },
        rationaleHash: sha256('matches precedent 12'),
        signature: null,
        pauseLeafHash: `0x${'11'.repeat(32)}`,
        traceId: TRACE,
        timestamp: new Date(NOW + 5).toISOString(),
        pauseMs: 5,
        outputHash: null,
      }),
    } as Mtl
    const sealed: VaultRecord = {
      v: VAULT_RECORD_VERSION,
      trace_id: TRACE,
      evidence: null,
      output: null,
      scores: null,
      rationale: 'matches precedent 12',
      personal: null,
    }
    const policy = shippedPolicy('general')
    assert.equal(replayRecord({ mtl: resolution, record: sealed, policy }).identical, true)
    const other = replayRecord({
      mtl: resolution,
      record: { ...sealed, rationale: 'matches precedent 13' },
      policy,
    })
    assert.deepEqual(
      other.differences.map((d) => d.path),
      ['$.resolution.rationale_hash'],
    )
  })
})

describe('policyFromArchive', () => {
  it('the archived text of every shipped policy gives the policy the gateway loaded', () => {
    for (const record of policyArchiveRecords({ policies: shipped, now: 0 })) {
      if (record.kind !== 'profile') continue
      assert.deepEqual(
        policyFromArchive({ text: record.document, policyHash: record.hash }),
        shipped.get(record.profile as string)?.policy,
      )
    }
  })

  it('refuses a text that does not hash to the policy_hash, or that is no policy', () => {
    const [record] = policyArchiveRecords({ policies: shipped, now: 0 })
    assert.ok(record)
    assert.throws(
      () => policyFromArchive({ text: `${record.document} `, policyHash: record.hash }),
      (e) =>
        replayError('TML_REPLAY_POLICY')(e) &&
        String(e).includes(`the policy served for ${record.hash} hashes to`),
    )
    assert.throws(
      () => policyFromArchive({ text: '{"v":1}', policyHash: sha256('{"v":1}') }),
      (e) => replayError('TML_REPLAY_POLICY')(e) && /not a valid policy/.test(String(e)),
    )
  })
})
