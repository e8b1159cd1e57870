import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import { sampleErasureMtl, sampleHash } from '../fixtures/mtl.ts'

// Erasure records log a crypto-shredding without personal data: their shape is fixed tighter
// than a decision's so that an erasure can never smuggle an output or a pause into the log.
describe('validateMtl: erasure records', () => {
  it('default: accepts the sample erasure', () => {
    assert.equal(validateMtl(sampleErasureMtl()).valid, true)
  })

  const invalid: { desc: string; value: unknown; path: string }[] = [
    { desc: 'state other than 1', value: { ...sampleErasureMtl(), state: 0 }, path: '$.state' },
    {
      desc: 'trigger other than MANUAL',
      value: { ...sampleErasureMtl(), trigger_type: 'HARM' },
      path: '$.trigger_type',
    },
    {
      desc: 'an output hash',
      value: { ...sampleErasureMtl(), output_hash: sampleHash('output') },
      path: '$.output_hash',
    },
    {
      desc: 'a resolution member',
      value: { ...sampleErasureMtl(), refers_to: '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f' },
      path: '$.refers_to',
    },
  ]
  for (const { desc, value, path } of invalid) {
    it(`errors: rejects ${desc}`, () => {
      const result = validateMtl(value)
      assert.equal(result.valid, false)
      if (!result.valid) {
        assert.ok(
          result.issues.some((i) => i.path === path),
          `expected an issue at ${path}, got ${JSON.stringify(result.issues)}`,
        )
      }
    })
  }
})
