import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { bytesToHex } from '../../src/bytes/hex.ts'
import { hashMtl } from '../../src/mtl/hashMtl.ts'
import { mtlSchema } from '../../src/mtl/mtlSchema.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import {
  sampleDecisionMtl,
  sampleHash,
  samplePauseMtl,
  sampleResolutionMtl,
} from '../fixtures/mtl.ts'

// The optional members that say who initiated a record, who a pause escalates to, and what each
// check compared against: `caller`, `escalation_target`, and `threshold` / `comparison` on causal
// nodes. Records without them must keep their bytes and hashes; records with them must be checked
// as strictly as the rest, by core's validator and by any 2020-12 validator alike.

const CALLER = `clr:${sampleHash('caller app').slice(2)}` as const

const pauseWithAll = () =>
  samplePauseMtl({
    caller: CALLER,
    escalation_target: 'clinical-review-board',
    causal_graph: [
      { id: 'metric:entropy', kind: 'metric', inputs: [] },
      {
        id: 'check:entropy',
        kind: 'ambiguity',
        inputs: ['metric:entropy'],
        threshold: 0.85,
        comparison: 'gt',
      },
      { id: 'state', kind: 'state', inputs: ['check:entropy'] },
    ],
  })

const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true })
// Timestamps are not what these cases are about: the samples' are valid date-times.
ajv.addFormat('date-time', { type: 'string', validate: () => true })
const ajvValidate = ajv.compile(mtlSchema)

/** Both validators agree, and core's says why when it refuses. */
function verdict(value: unknown): { valid: boolean; messages: string[] } {
  const ours = validateMtl(value)
  assert.equal(ajvValidate(value), ours.valid, `Ajv disagrees on ${JSON.stringify(value)}`)
  return {
    valid: ours.valid,
    messages: ours.valid ? [] : ours.issues.map((i) => `${i.path}: ${i.message}`),
  }
}

describe('mtl/1 provenance members (caller, escalation_target, threshold, comparison)', () => {
  it('default: records without them keep their pinned leaf hashes', () => {
    // The same values hashMtl.test.ts pins: adding optional members changed no existing record.
    assert.equal(
      bytesToHex(hashMtl(sampleDecisionMtl())),
      '0x85c307c8741f13db49c58da1e8524740aa8c3961169ce6e405440714ac772c81',
    )
    assert.equal(
      bytesToHex(hashMtl(samplePauseMtl())),
      '0x4c23e17dcc0c492613b13f8500ca6055d4682ba1958fd089d8721ca074a6b395',
    )
  })

  it('default: a pause with caller, escalation target and thresholds is valid', () => {
    assert.deepEqual(verdict(pauseWithAll()), { valid: true, messages: [] })
  })

  it('default: a caller may sign any kind of record it initiated', () => {
    assert.equal(verdict(sampleDecisionMtl({ caller: CALLER })).valid, true)
    assert.equal(verdict(sampleResolutionMtl({ caller: CALLER })).valid, true)
  })

  it('behavior: the members change the leaf hash (the record commits to them)', () => {
    const plain = bytesToHex(hashMtl(samplePauseMtl()))
    assert.notEqual(bytesToHex(hashMtl(pauseWithAll())), plain)
    assert.notEqual(bytesToHex(hashMtl(samplePauseMtl({ caller: CALLER }))), plain)
  })

  it('error: a caller that is not a clr: pseudonym is refused', () => {
    for (const caller of ['app', `psn:${sampleHash('x').slice(2)}`, `clr:${'A'.repeat(64)}`]) {
      const v = verdict({ ...samplePauseMtl(), caller })
      assert.equal(v.valid, false)
      assert.match(v.messages.join('\n'), /caller: .*clr: and 64 lower-case hex digits/)
    }
  })

  it('error: an escalation target on a record that is not a pause is refused', () => {
    const v = verdict({ ...sampleDecisionMtl(), escalation_target: 'clinical-review-board' })
    assert.equal(v.valid, false)
    assert.match(v.messages.join('\n'), /state: expected 0, got 1 \(only a pause escalates\)/)
  })

  it('error: an escalation target on a resolution or with spaces is refused', () => {
    assert.equal(verdict({ ...sampleResolutionMtl(), escalation_target: 'board' }).valid, false)
    const v = verdict({ ...samplePauseMtl(), escalation_target: 'Dr Jane Doe' })
    assert.equal(v.valid, false)
    assert.match(v.messages.join('\n'), /escalation_target: expected an identifier/)
  })

  it('error: a threshold without its comparison, or the reverse, is refused', () => {
    const node = (extra: object) => ({
      ...samplePauseMtl(),
      causal_graph: [{ id: 'check:entropy', kind: 'ambiguity', inputs: [], ...extra }],
    })
    const a = verdict(node({ threshold: 0.85 }))
    assert.equal(a.valid, false)
    assert.match(a.messages.join('\n'), /comparison.*a threshold needs its comparison/)
    const b = verdict(node({ comparison: 'gt' }))
    assert.equal(b.valid, false)
    assert.match(b.messages.join('\n'), /threshold.*a comparison needs its threshold/)
  })

  it('error: an unknown comparison or a non-numeric threshold is refused', () => {
    const node = (extra: object) => ({
      ...samplePauseMtl(),
      causal_graph: [{ id: 'check:entropy', kind: 'ambiguity', inputs: [], ...extra }],
    })
    assert.equal(verdict(node({ threshold: 0.85, comparison: 'above' })).valid, false)
    assert.equal(verdict(node({ threshold: '0.85', comparison: 'gt' })).valid, false)
  })
})
