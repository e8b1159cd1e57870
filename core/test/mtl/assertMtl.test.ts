import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BaseError } from '../../src/errors/BaseError.ts'
import { assertMtl } from '../../src/mtl/assertMtl.ts'
import { InvalidMtlError } from '../../src/mtl/InvalidMtlError.ts'
import { sampleDecisionMtl, sampleResolutionMtl } from '../fixtures/mtl.ts'

describe('assertMtl', () => {
  it('default: returns the valid record itself', () => {
    const mtl = sampleResolutionMtl()
    assert.equal(assertMtl(mtl), mtl)
  })

  describe('errors', () => {
    it('throws InvalidMtlError listing every issue', () => {
      const value = { ...sampleDecisionMtl(), seq: -1, subject: 'bob@example.org', extra: true }
      assert.throws(
        () => assertMtl(value),
        (error: unknown) => {
          assert.ok(error instanceof InvalidMtlError)
          assert.ok(error instanceof BaseError)
          assert.equal(error.name, 'InvalidMtlError')
          assert.equal(error.shortMessage, 'Invalid MTL (mtl/1): 3 issues.')
          assert.equal(
            error.message,
            [
              'Invalid MTL (mtl/1): 3 issues.',
              '',
              'Details: $.subject: expected a pseudonym: psn: and 64 lower-case hex digits, got "bob@example.org"',
              '$.seq: expected a number >= 0, got -1',
              '$.extra: unknown field: Decision MTL has no such field',
            ].join('\n'),
          )
          assert.deepEqual(
            error.issues.map((i) => i.path),
            ['$.subject', '$.seq', '$.extra'],
          )
          return true
        },
      )
    })

    it('says "1 issue" for one', () => {
      assert.throws(() => assertMtl(null), {
        name: 'InvalidMtlError',
        shortMessage: 'Invalid MTL (mtl/1): 1 issue.',
      })
    })
  })
})
