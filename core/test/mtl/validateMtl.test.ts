import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { canonicalize } from '../../src/jcs/canonicalize.ts'
import { MTL_LIMITS } from '../../src/mtl/constants.ts'
import type { Mtl } from '../../src/mtl/types.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import {
  sampleDecisionMtl,
  sampleHash,
  samplePauseMtl,
  sampleResolutionMtl,
} from '../fixtures/mtl.ts'

type Json = Record<string, unknown>
// A sample as a loose object that cases can break in any way.
const decision = (): Json => sampleDecisionMtl() as unknown as Json
const resolution = (): Json => sampleResolutionMtl() as unknown as Json
const issuesOf = (value: unknown) => {
  const result = validateMtl(value)
  assert.equal(result.valid, false, 'expected the value to be invalid')
  return result.valid ? [] : result.issues
}

describe('validateMtl', () => {
  it('default: accepts the samples and returns the same object', () => {
    for (const mtl of [sampleDecisionMtl(), samplePauseMtl(), sampleResolutionMtl()]) {
      const result = validateMtl(mtl)
      assert.deepEqual(result, { valid: true, mtl })
      assert.equal(result.valid && result.mtl, mtl)
    }
  })

  it('default: accepts the samples after a JSON round trip', () => {
    for (const mtl of [sampleDecisionMtl(), samplePauseMtl(), sampleResolutionMtl()]) {
      assert.equal(validateMtl(JSON.parse(JSON.stringify(mtl))).valid, true)
    }
  })

  describe('behavior: valid edge values', () => {
    const valid: { desc: string; value: Json }[] = [
      {
        desc: 'seq 0 and the largest safe integer',
        value: { ...decision(), seq: Number.MAX_SAFE_INTEGER },
      },
      {
        desc: 'state -1 with a refusal and no output',
        value: { ...decision(), state: -1, trigger_type: 'HARM', output_hash: null },
      },
      {
        desc: 'timestamp without fraction',
        value: { ...decision(), timestamp: '2025-01-01T00:00:00Z' },
      },
      {
        desc: 'timestamp with one fractional digit',
        value: { ...decision(), timestamp: '2025-01-01T00:00:00.5Z' },
      },
      {
        desc: 'timestamp on a leap day',
        value: { ...decision(), timestamp: '2024-02-29T23:59:59.999Z' },
      },
      {
        desc: 'timestamp on 2000-02-29 (divisible by 400)',
        value: { ...decision(), timestamp: '2000-02-29T12:00:00Z' },
      },
      {
        desc: 'empty metrics and causal graph',
        value: { ...decision(), metrics: {}, causal_graph: [] },
      },
      {
        desc: 'negative and exponent metrics',
        value: { ...decision(), metrics: { delta: -1.5, tiny: 1e-300 } },
      },
      {
        desc: `${MTL_LIMITS.metrics} metrics`,
        value: {
          ...decision(),
          metrics: Object.fromEntries(
            Array.from({ length: MTL_LIMITS.metrics }, (_, i) => [`m${i}`, i]),
          ),
        },
      },
      {
        desc: 'trigger_detail of the maximum length in astral characters',
        value: { ...decision(), trigger_detail: '😀'.repeat(MTL_LIMITS.triggerDetailLength) },
      },
      { desc: 'empty trigger_detail', value: { ...decision(), trigger_detail: '' } },
      {
        desc: 'UUID v4',
        value: { ...decision(), trace_id: '9b2f6c1e-3d4a-4b5c-9d6e-7f8091a2b3c4' },
      },
      { desc: 'every trigger type', value: { ...decision(), trigger_type: 'LEDGER' } },
      {
        desc: 'resolution by timeout: unsigned denial',
        value: {
          ...resolution(),
          state: -1,
          resolution: {
            decision: -1,
            arbiter: { kind: 'timeout', id: 'pause-timeout' },
            rationale_hash: sampleHash('timeout'),
            signature: null,
          },
        },
      },
      {
        desc: 'resolution by budget, signed anyway',
        value: {
          ...resolution(),
          state: -1,
          resolution: {
            decision: -1,
            arbiter: { kind: 'budget', id: 'budget' },
            rationale_hash: sampleHash('b'),
            signature: '0x01',
          },
        },
      },
      {
        desc: 'resolution by verification, denied',
        value: {
          ...resolution(),
          state: -1,
          resolution: {
            decision: -1,
            arbiter: { kind: 'verification', id: 'checker/v2' },
            rationale_hash: sampleHash('v'),
            signature: `0x${'00'.repeat(MTL_LIMITS.signatureBytes)}`,
          },
        },
      },
      { desc: 'null-prototype objects', value: Object.assign(Object.create(null), decision()) },
    ]
    for (const { desc, value } of valid) {
      it(`accepts ${desc}`, () => assert.deepEqual(validateMtl(value), { valid: true, mtl: value }))
    }
  })

  describe('errors: each required field missing', () => {
    const decisionFields = Object.keys(decision())
    const resolutionFields = Object.keys(resolution())
    assert.equal(decisionFields.length, 16)
    assert.equal(resolutionFields.length, 18)
    for (const [kind, make, fields] of [
      ['decision', decision, decisionFields],
      ['resolution', resolution, resolutionFields],
    ] as const) {
      for (const field of fields) {
        it(`${kind} without ${field}`, () => {
          const value = make()
          delete value[field]
          const issues = issuesOf(value)
          // Without `kind`, a record is read as a decision; otherwise exactly one issue.
          assert.deepEqual(issues[0], { path: `$.${field}`, message: 'required field is missing' })
          if (field !== 'kind') assert.equal(issues.length, 1)
        })
      }
    }
    it('nested: model.version_hash, resolution.arbiter.id, causal_graph[1].inputs', () => {
      const a = decision()
      a.model = { id: 'm' }
      assert.deepEqual(issuesOf(a), [
        { path: '$.model.version_hash', message: 'required field is missing' },
      ])
      const b = resolution()
      b.resolution = { ...(b.resolution as Json), arbiter: { kind: 'reviewer' } }
      assert.deepEqual(issuesOf(b), [
        { path: '$.resolution.arbiter.id', message: 'required field is missing' },
      ])
      const c = decision()
      c.causal_graph = [
        { id: 'a', kind: 'input', inputs: [] },
        { id: 'b', kind: 'metric' },
      ]
      assert.deepEqual(issuesOf(c), [
        { path: '$.causal_graph[1].inputs', message: 'required field is missing' },
      ])
    })
  })

  describe('errors: wrong type, value or pattern', () => {
    const hex = '0x and 64 lower-case hex digits (32 bytes)'
    const cases: { desc: string; patch: Json; base?: () => Json; path: string; message: string }[] =
      [
        {
          desc: 'v of another version',
          patch: { v: 'mtl/2' },
          path: '$.v',
          message: 'expected "mtl/1", got "mtl/2"',
        },
        {
          desc: 'log_id upper case',
          patch: { log_id: `0x${'AB'.repeat(32)}` },
          path: '$.log_id',
          message: `expected ${hex}, got "0x${'AB'.repeat(32)}"`,
        },
        {
          desc: 'log_id of 31 bytes',
          patch: { log_id: `0x${'ab'.repeat(31)}` },
          path: '$.log_id',
          message: `expected ${hex}, got "0x${'ab'.repeat(31)}"`,
        },
        {
          desc: 'log_id as a number',
          patch: { log_id: 1 },
          path: '$.log_id',
          message: 'expected string, got 1',
        },
        {
          desc: 'seq as a string',
          patch: { seq: '1' },
          path: '$.seq',
          message: 'expected integer, got "1"',
        },
        {
          desc: 'seq fractional',
          patch: { seq: 1.5 },
          path: '$.seq',
          message: 'expected integer, got 1.5',
        },
        {
          desc: 'seq negative',
          patch: { seq: -1 },
          path: '$.seq',
          message: 'expected a number >= 0, got -1',
        },
        {
          desc: 'seq past 2^53 - 1',
          patch: { seq: 2 ** 53 },
          path: '$.seq',
          message: 'expected a number <= 9007199254740991, got 9007199254740992',
        },
        {
          desc: 'trace_id upper case',
          patch: { trace_id: '0192D4E0-6F00-7A11-9B22-3C4D5E6F7A8B' },
          path: '$.trace_id',
          message:
            'expected a lower-case RFC 9562 UUID, got "0192D4E0-6F00-7A11-9B22-3C4D5E6F7A8B"',
        },
        {
          desc: 'trace_id without dashes',
          patch: { trace_id: '0192d4e06f007a119b223c4d5e6f7a8b' },
          path: '$.trace_id',
          message: 'expected a lower-case RFC 9562 UUID, got "0192d4e06f007a119b223c4d5e6f7a8b"',
        },
        {
          desc: 'trace_id nil UUID',
          patch: { trace_id: '00000000-0000-0000-0000-000000000000' },
          path: '$.trace_id',
          message:
            'expected a lower-case RFC 9562 UUID, got "00000000-0000-0000-0000-000000000000"',
        },
        {
          desc: 'timestamp with an offset',
          patch: { timestamp: '2025-03-14T10:26:53+01:00' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z, got "2025-03-14T10:26:53+01:00"',
        },
        {
          desc: 'timestamp with microseconds',
          patch: { timestamp: '2025-03-14T09:26:53.589123Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z, got "2025-03-14T09:26:53.589123Z"',
        },
        {
          desc: 'timestamp with lower-case t',
          patch: { timestamp: '2025-03-14t09:26:53Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z, got "2025-03-14t09:26:53Z"',
        },
        {
          desc: 'timestamp in month 13',
          patch: { timestamp: '2025-13-01T00:00:00Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z, got "2025-13-01T00:00:00Z"',
        },
        {
          desc: 'timestamp at 24:00',
          patch: { timestamp: '2025-01-01T24:00:00Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z, got "2025-01-01T24:00:00Z"',
        },
        {
          desc: 'timestamp on 2025-02-29',
          patch: { timestamp: '2025-02-29T00:00:00Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 date-time on a day that exists, got "2025-02-29T00:00:00Z"',
        },
        {
          desc: 'timestamp on 1900-02-29',
          patch: { timestamp: '1900-02-29T00:00:00Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 date-time on a day that exists, got "1900-02-29T00:00:00Z"',
        },
        {
          desc: 'timestamp on April 31',
          patch: { timestamp: '2025-04-31T00:00:00Z' },
          path: '$.timestamp',
          message:
            'expected an RFC 3339 date-time on a day that exists, got "2025-04-31T00:00:00Z"',
        },
        {
          desc: 'timestamp as epoch number',
          patch: { timestamp: 1741944413589 },
          path: '$.timestamp',
          message: 'expected string, got 1741944413589',
        },
        {
          desc: 'kind unknown',
          patch: { kind: 'pause' },
          path: '$.kind',
          message: 'expected "decision", got "pause"',
        },
        {
          desc: 'state 2',
          patch: { state: 2 },
          path: '$.state',
          message: 'expected one of 1, 0, -1, got 2',
        },
        {
          desc: 'state as a string',
          patch: { state: '1' },
          path: '$.state',
          message: 'expected one of 1, 0, -1, got "1"',
        },
        {
          desc: 'trigger_type in lower case',
          patch: { trigger_type: 'ambiguity' },
          path: '$.trigger_type',
          message:
            'expected one of "AMBIGUITY", "HARM", "CONTEXTUAL", "MANDATE", "MANUAL", "BUDGET", "LEDGER", "NONE", got "ambiguity"',
        },
        {
          desc: 'trigger_detail too long',
          patch: { trigger_detail: 'x'.repeat(1025) },
          path: '$.trigger_detail',
          message: 'expected at most 1024 characters, got 1025',
        },
        {
          desc: 'trigger_detail with a lone surrogate',
          patch: { trigger_detail: 'bad \ud800 text' },
          path: '$.trigger_detail',
          message: 'expected text without lone surrogates, got "bad \\ud800 text"',
        },
        {
          desc: 'metrics as an array',
          patch: { metrics: [0.9] },
          path: '$.metrics',
          message: 'expected object, got an array',
        },
        {
          desc: 'metrics name in upper case',
          patch: { metrics: { Entropy: 0.9 } },
          path: '$.metrics.Entropy',
          message:
            'expected a lower-case token: a-z first, then a-z 0-9 _, at most 64 characters, got "Entropy"',
        },
        {
          desc: 'metrics name with a dash',
          patch: { metrics: { 'harm-score': 0.9 } },
          path: '$.metrics["harm-score"]',
          message:
            'expected a lower-case token: a-z first, then a-z 0-9 _, at most 64 characters, got "harm-score"',
        },
        {
          desc: 'metric as a string',
          patch: { metrics: { entropy: '0.9' } },
          path: '$.metrics.entropy',
          message: 'expected number, got "0.9"',
        },
        {
          desc: 'metric NaN',
          patch: { metrics: { entropy: Number.NaN } },
          path: '$.metrics.entropy',
          message: 'expected number, got NaN',
        },
        {
          desc: 'metric Infinity',
          patch: { metrics: { entropy: Number.POSITIVE_INFINITY } },
          path: '$.metrics.entropy',
          message: 'expected number, got Infinity',
        },
        {
          desc: 'metric nested',
          patch: { metrics: { entropy: { value: 1 } } },
          path: '$.metrics.entropy',
          message: 'expected number, got an object',
        },
        {
          desc: 'too many metrics',
          patch: {
            metrics: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, i])),
          },
          path: '$.metrics',
          message: 'expected at most 32 entries, got 33',
        },
        {
          desc: 'policy_hash without 0x',
          patch: { policy_hash: 'ab'.repeat(32) },
          path: '$.policy_hash',
          message: `expected ${hex}, got "${'ab'.repeat(32)}"`,
        },
        {
          desc: 'model as a string',
          patch: { model: 'gpt' },
          path: '$.model',
          message: 'expected object, got "gpt"',
        },
        {
          desc: 'model with an extra field',
          patch: { model: { id: 'm', version_hash: sampleHash('m'), vendor: 'x' } },
          path: '$.model.vendor',
          message: 'unknown field: Model has no such field',
        },
        {
          desc: 'model.id with a space',
          patch: { model: { id: 'my model', version_hash: sampleHash('m') } },
          path: '$.model.id',
          message:
            'expected an identifier of 1-128 characters from A-Z a-z 0-9 . _ : / @ + = -, got "my model"',
        },
        {
          desc: 'input_hash null',
          patch: { input_hash: null },
          path: '$.input_hash',
          message: 'expected string, got null',
        },
        {
          desc: 'output_hash empty hex',
          patch: { output_hash: '0x' },
          path: '$.output_hash',
          message: `expected ${hex}, got "0x"`,
        },
        {
          desc: 'output_hash as a number',
          patch: { output_hash: 0 },
          path: '$.output_hash',
          message: 'expected string or null, got 0',
        },
        {
          desc: 'subject as an e-mail',
          patch: { subject: 'alice@example.org' },
          path: '$.subject',
          message:
            'expected a pseudonym: psn: and 64 lower-case hex digits, got "alice@example.org"',
        },
        {
          desc: 'subject as a bare hash',
          patch: { subject: 'ab'.repeat(32) },
          path: '$.subject',
          message: `expected a pseudonym: psn: and 64 lower-case hex digits, got "${'ab'.repeat(32)}"`,
        },
        {
          desc: 'causal_graph as an object',
          patch: { causal_graph: {} },
          path: '$.causal_graph',
          message: 'expected array, got an object',
        },
        {
          desc: 'causal node kind in upper case',
          patch: { causal_graph: [{ id: 'a', kind: 'Input', inputs: [] }] },
          path: '$.causal_graph[0].kind',
          message:
            'expected a lower-case token: a-z first, then a-z 0-9 _, at most 64 characters, got "Input"',
        },
        {
          desc: 'causal node input repeated',
          patch: { causal_graph: [{ id: 'a', kind: 'rule', inputs: ['x', 'y', 'x'] }] },
          path: '$.causal_graph[0].inputs[2]',
          message: 'expected unique items, got a repeat of item 0',
        },
        {
          desc: 'causal node input empty',
          patch: { causal_graph: [{ id: 'a', kind: 'rule', inputs: [''] }] },
          path: '$.causal_graph[0].inputs[0]',
          message:
            'expected an identifier of 1-128 characters from A-Z a-z 0-9 . _ : / @ + = -, got ""',
        },
        {
          desc: 'causal node with too many inputs',
          patch: {
            causal_graph: [
              { id: 'a', kind: 'rule', inputs: Array.from({ length: 17 }, (_, i) => `n${i}`) },
            ],
          },
          path: '$.causal_graph[0].inputs',
          message: 'expected at most 16 items, got 17',
        },
        {
          desc: 'causal graph too large',
          patch: {
            causal_graph: Array.from({ length: 65 }, (_, i) => ({
              id: `n${i}`,
              kind: 'rule',
              inputs: [],
            })),
          },
          path: '$.causal_graph',
          message: 'expected at most 64 items, got 65',
        },
        {
          desc: 'causal node with an extra field',
          patch: { causal_graph: [{ id: 'a', kind: 'rule', inputs: [], weight: 1 }] },
          path: '$.causal_graph[0].weight',
          message: 'unknown field: Causal node has no such field',
        },
        {
          desc: 'unknown top-level field',
          patch: { note: 'hi' },
          path: '$.note',
          message: 'unknown field: Decision MTL has no such field',
        },
        {
          desc: 'a decision that carries resolution',
          patch: { resolution: resolution().resolution },
          path: '$.resolution',
          message: 'unknown field: Decision MTL has no such field',
        },
        {
          desc: 'a decision that carries refers_to',
          patch: { refers_to: sampleResolutionMtl().refers_to },
          path: '$.refers_to',
          message: 'unknown field: Decision MTL has no such field',
        },
        // Resolution records.
        {
          desc: 'resolution state opposite to its decision',
          base: resolution,
          patch: { state: -1 },
          path: '$.state',
          message: 'expected 1, got -1 (state must equal resolution.decision)',
        },
        {
          desc: 'refers_to not a UUID',
          base: resolution,
          patch: { refers_to: 'pause-1' },
          path: '$.refers_to',
          message: 'expected a lower-case RFC 9562 UUID, got "pause-1"',
        },
        {
          desc: 'resolution as null',
          base: resolution,
          patch: { resolution: null },
          path: '$.resolution',
          message: 'expected object, got null',
        },
        {
          desc: 'unknown top-level field on a resolution',
          base: resolution,
          patch: { note: 'hi' },
          path: '$.note',
          message: 'unknown field: Resolution MTL has no such field',
        },
      ]
    for (const { desc, patch, base = decision, path, message } of cases) {
      it(desc, () => assert.deepEqual(issuesOf({ ...base(), ...patch }), [{ path, message }]))
    }
  })

  describe('errors: cross-field rules of resolutions', () => {
    const withResolution = (detail: Json, state = -1): Json => ({
      ...resolution(),
      state,
      resolution: { ...(resolution().resolution as Json), ...detail },
    })
    const cases: { desc: string; value: Json; issues: { path: string; message: string }[] }[] = [
      {
        desc: 'a reviewer without signature',
        value: withResolution({ signature: null }, 1),
        issues: [
          {
            path: '$.resolution.signature',
            message: 'expected string, got null (a reviewer or a verification must sign)',
          },
        ],
      },
      {
        desc: 'a verification without signature',
        value: withResolution({
          decision: -1,
          arbiter: { kind: 'verification', id: 'v' },
          signature: null,
        }),
        issues: [
          {
            path: '$.resolution.signature',
            message: 'expected string, got null (a reviewer or a verification must sign)',
          },
        ],
      },
      {
        desc: 'a timeout that approves',
        value: withResolution(
          { decision: 1, arbiter: { kind: 'timeout', id: 't' }, signature: null },
          1,
        ),
        issues: [
          {
            path: '$.resolution.decision',
            message: 'expected -1, got 1 (a timeout or an exhausted budget can only deny)',
          },
        ],
      },
      {
        desc: 'a state of 0: not a resolution state, and not its decision',
        value: { ...resolution(), state: 0 },
        issues: [
          { path: '$.state', message: 'expected one of 1, -1, got 0' },
          { path: '$.state', message: 'expected 1, got 0 (state must equal resolution.decision)' },
        ],
      },
      {
        desc: 'a decision of 0',
        value: withResolution({ decision: 0 }, 0),
        issues: [
          { path: '$.state', message: 'expected one of 1, -1, got 0' },
          { path: '$.resolution.decision', message: 'expected one of 1, -1, got 0' },
        ],
      },
      {
        desc: 'an unknown arbiter kind',
        value: withResolution({ arbiter: { kind: 'oracle', id: 'o' } }, 1),
        issues: [
          {
            path: '$.resolution.arbiter.kind',
            message:
              'expected one of "reviewer", "verification", "timeout", "budget", got "oracle"',
          },
        ],
      },
      {
        desc: 'a signature of odd length',
        value: withResolution({ signature: '0xabc' }, 1),
        issues: [
          {
            path: '$.resolution.signature',
            message: 'expected 0x and whole bytes of lower-case hex, got "0xabc"',
          },
        ],
      },
      {
        desc: 'a signature longer than the limit',
        value: withResolution({ signature: `0x${'00'.repeat(MTL_LIMITS.signatureBytes + 1)}` }, 1),
        issues: [
          { path: '$.resolution.signature', message: 'expected at most 2050 characters, got 2052' },
        ],
      },
      {
        desc: 'an extra field in resolution',
        value: withResolution({ comment: 'ok' }, 1),
        issues: [
          { path: '$.resolution.comment', message: 'unknown field: Resolution has no such field' },
        ],
      },
    ]
    for (const { desc, value, issues } of cases)
      it(desc, () => assert.deepEqual(issuesOf(value), issues))
  })

  describe('errors: hostile input never throws', () => {
    const notObjects: [unknown, string][] = [
      [null, 'expected object, got null'],
      [undefined, 'expected object, got undefined'],
      [42, 'expected object, got 42'],
      ['{"v":"mtl/1"}', 'expected object, got "{\\"v\\":\\"mtl/1\\"}"'],
      [[sampleDecisionMtl()], 'expected object, got an array'],
      [new Date(0), 'expected object, got a non-plain object'],
      [new Map(Object.entries(sampleDecisionMtl())), 'expected object, got a non-plain object'],
      [
        Object.assign(new (class Fake {})(), sampleDecisionMtl()),
        'expected object, got a non-plain object',
      ],
      [
        Object.assign({ [Symbol('x')]: 1 }, sampleDecisionMtl()),
        'expected object, got a non-plain object',
      ],
      [() => 1, 'expected object, got function'],
      [10n, 'expected object, got bigint'],
    ]
    for (const [value, message] of notObjects) {
      it(`rejects ${typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value}: ${message}`, () => {
        assert.deepEqual(issuesOf(value), [{ path: '$', message }])
      })
    }

    it('reads "__proto__", "constructor" and "toString" keys as unknown fields, without pollution', () => {
      const value = JSON.parse(
        `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":1,${JSON.stringify(sampleDecisionMtl()).slice(1)}`,
      )
      assert.deepEqual(issuesOf(value), [
        { path: '$.__proto__', message: 'unknown field: Decision MTL has no such field' },
        { path: '$.constructor', message: 'unknown field: Decision MTL has no such field' },
        { path: '$.toString', message: 'unknown field: Decision MTL has no such field' },
      ])
      assert.equal(({} as Json).polluted, undefined)
    })

    it('a "__proto__" metric name is checked as a name like any other', () => {
      const value = { ...decision(), metrics: JSON.parse('{"__proto__": 1}') }
      assert.deepEqual(issuesOf(value), [
        {
          path: '$.metrics.__proto__',
          message:
            'expected a lower-case token: a-z first, then a-z 0-9 _, at most 64 characters, got "__proto__"',
        },
      ])
    })

    it('a throwing getter or proxy gives an issue, not an exception', () => {
      const getter = decision()
      Object.defineProperty(getter, 'seq', {
        enumerable: true,
        get: () => {
          throw new Error('boom')
        },
      })
      assert.deepEqual(issuesOf(getter), [{ path: '$', message: 'cannot be read: Error: boom' }])
      const proxy = new Proxy(decision(), {
        ownKeys: () => {
          throw new TypeError('trap')
        },
      })
      assert.deepEqual(issuesOf(proxy), [{ path: '$', message: 'cannot be read: TypeError: trap' }])
    })

    it('a huge string is rejected by length, quickly, with a short message', () => {
      const huge = 'a'.repeat(20_000_000)
      const started = performance.now()
      const issues = issuesOf({
        ...decision(),
        trigger_detail: huge,
        subject: huge,
        model: { id: huge, version_hash: huge },
      })
      assert.ok(performance.now() - started < 2000)
      assert.deepEqual(issues.map((i) => i.path).sort(), [
        '$.model.id',
        '$.model.version_hash',
        '$.subject',
        '$.trigger_detail',
      ])
      assert.deepEqual(
        issues.find((i) => i.path === '$.trigger_detail'),
        { path: '$.trigger_detail', message: 'expected at most 1024 characters, got 20000000' },
      )
      assert.deepEqual(
        issues.find((i) => i.path === '$.subject'),
        {
          path: '$.subject',
          message: `expected a pseudonym: psn: and 64 lower-case hex digits, got "${'a'.repeat(64)}…" (20000000 UTF-16 units)`,
        },
      )
    })

    it('a huge key is cut in the path', () => {
      const key = 'k'.repeat(1_000_000)
      const [issue] = issuesOf({ ...decision(), [key]: 1 })
      assert.equal(issue?.path, `$["${'k'.repeat(64)}…"]`)
    })

    it('a record with 100 000 unknown fields reports at most 100 issues', () => {
      const value = decision()
      for (let i = 0; i < 100_000; i++) value[`x${i}`] = i
      assert.equal(issuesOf(value).length, 100)
    })

    it('properties: arbitrary values never throw', () => {
      fc.assert(
        fc.property(
          fc.anything({
            withNullPrototype: true,
            withBigInt: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
            withSparseArray: true,
          }),
          (value) => {
            const result = validateMtl(value)
            assert.equal(typeof result.valid, 'boolean')
          },
        ),
      )
    })

    it('properties: a sample with one field replaced by anything never throws, and if valid can be hashed', () => {
      const fields = [...Object.keys(resolution()), 'extra']
      const anything = fc.anything({
        withNullPrototype: true,
        withBigInt: true,
        withObjectString: true,
      })
      fc.assert(
        fc.property(
          fc.boolean(),
          fc.constantFrom(...fields),
          anything,
          (isResolution, field, replacement) => {
            const value = { ...(isResolution ? resolution() : decision()), [field]: replacement }
            const result = validateMtl(value)
            if (result.valid) canonicalize(result.mtl satisfies Mtl)
          },
        ),
        { numRuns: 500 },
      )
    })
  })
})
