import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Hex, MtlDecision, MtlErasure, MtlResolution } from '@tml/core'
import { ResolvedPauseIndex } from '../../src/export/ResolvedPauseIndex.ts'
import { TRAINING_SYSTEM_PROMPT, trainingExample } from '../../src/export/trainingExample.ts'
import { VAULT_RECORD_VERSION, type VaultRecord } from '../../src/vault/sealEvidence.ts'

const LOG: Hex = `0x${'11'.repeat(32)}`
const HASH: Hex = `0x${'22'.repeat(32)}`
const SUBJECT = `psn:${'33'.repeat(32)}` as const
const OTHER = `psn:${'44'.repeat(32)}` as const

const base = {
  v: 'mtl/1' as const,
  log_id: LOG,
  timestamp: '2026-12-07T06:00:00Z',
  policy_hash: HASH,
  model: { id: 'm', version_hash: HASH },
  input_hash: HASH,
  metrics: { confidence: 0.5 },
  causal_graph: [],
}

function pause(seq: number, traceId: string, subject = SUBJECT): MtlDecision {
  return {
    ...base,
    seq,
    trace_id: traceId,
    kind: 'decision',
    state: 0,
    trigger_type: 'AMBIGUITY',
    trigger_detail: 'confidence 0.5 < 0.9',
    output_hash: HASH,
    subject,
    escalation_target: 'pharmacists',
  }
}

function resolution(seq: number, traceId: string, refersTo: string): MtlResolution {
  return {
    ...base,
    seq,
    trace_id: traceId,
    kind: 'resolution',
    state: -1,
    trigger_type: 'MANUAL',
    trigger_detail: 'resolved',
    output_hash: null,
    subject: SUBJECT,
    refers_to: refersTo,
    resolution: {
      decision: -1,
      arbiter: { kind: 'reviewer', id: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' },
      rationale_hash: HASH,
      signature: `0x${'55'.repeat(65)}`,
    },
  }
}

const erasure = (seq: number, subject: `psn:${string}`): MtlErasure => ({
  ...base,
  seq,
  trace_id: `e-${seq}`,
  kind: 'erasure',
  state: 1,
  trigger_type: 'MANUAL',
  trigger_detail: 'erased',
  output_hash: null,
  subject,
})

const record = (over: Partial<VaultRecord>): VaultRecord => ({
  v: VAULT_RECORD_VERSION,
  trace_id: 'p',
  evidence: '{"context":{},"input":{"name":"psn:ab","tool":{"name":"refill"}},"signals":{}}',
  output: '{"text":"take two"}',
  scores: { confidence: 0.5, harm: 0.1 },
  rationale: null,
  personal: null,
  ...over,
})

describe('ResolvedPauseIndex', () => {
  it('pairs each pause with the resolution that refers to it, and knows erased subjects', () => {
    const index = new ResolvedPauseIndex()
    // A resolution before its pause pairs with nothing (the log never holds one).
    index.add(resolution(0, 'r0', 'p1'))
    index.add(pause(1, 'p1'))
    index.add(pause(2, 'p2', OTHER))
    index.add(resolution(3, 'r3', 'p1'))
    index.add(erasure(4, OTHER))
    assert.deepEqual(
      index.resolved().map((r) => [r.pause.trace_id, r.resolution.trace_id]),
      [['p1', 'r3']],
    )
    assert.equal(index.openCount, 1)
    assert.equal(index.isErased(OTHER), true)
    assert.equal(index.isErased(SUBJECT), false)
  })
})

describe('trainingExample', () => {
  it('maps the case, the proposed state and the decision; personal values, subject and arbiter never appear', () => {
    const example = trainingExample({
      pause: pause(1, 'p1'),
      resolution: resolution(3, 'r3', 'p1'),
      pauseRecord: record({ personal: `0x${'ee'.repeat(40)}` }),
      resolutionRecord: record({ trace_id: 'r3', rationale: 'dose too high' }),
    })
    assert.deepEqual(Object.keys(example), ['messages'])
    assert.equal(example.messages[0].content, TRAINING_SYSTEM_PROMPT)
    assert.deepEqual(JSON.parse(example.messages[1].content), {
      request: { context: {}, input: { name: 'psn:ab', tool: { name: 'refill' } }, signals: {} },
      held_output: { text: 'take two' },
      proposed: {
        state: 0,
        trigger_type: 'AMBIGUITY',
        trigger_detail: 'confidence 0.5 < 0.9',
        scores: { confidence: 0.5, harm: 0.1 },
        causal_graph: [],
        escalation_target: 'pharmacists',
      },
      policy_hash: HASH,
      model: { id: 'm', version_hash: HASH },
    })
    assert.equal(
      example.messages[2].content,
      '{"action":"refuse","decision":-1,"rationale":"dose too high"}',
    )
    const text = JSON.stringify(example)
    assert.doesNotMatch(text, /eeeeeeee|psn:3333|0x70997970|5555555/)
  })

  it('adds metadata only when asked', () => {
    const example = trainingExample({
      pause: pause(1, 'p1'),
      resolution: resolution(3, 'r3', 'p1'),
      pauseRecord: record({}),
      resolutionRecord: record({}),
      metadata: true,
    })
    assert.deepEqual(example.metadata, {
      log_id: LOG,
      pause: { trace_id: 'p1', seq: 1 },
      resolution: { trace_id: 'r3', seq: 3 },
      arbiter: 'reviewer',
    })
  })
})
