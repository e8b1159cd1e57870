import { validateMtl } from '@tml/core'
import { describe, expect, test } from 'vitest'
import { sampleAccessMtl } from '../../../core/test/fixtures/mtl.ts'
import { describeDecision } from '../../src/verify/describeDecision.ts'

// The page verifies whatever the log holds: an auditor access record (kind `access`, copied from
// the AccessRegistry) is a valid MTL and is described with the chain event it points to.
describe('access records on the page', () => {
  test('default: the core the page bundles accepts an access MTL', () => {
    const result = validateMtl(sampleAccessMtl())
    expect(result.valid).toBe(true)
  })

  test('behavior: described as an auditor access event with its chain coordinates', () => {
    const words = describeDecision(sampleAccessMtl())
    expect(words.headline).toBe(
      'Auditor access: AccessRequested (grant 1), copied from chain 31337.',
    )
    expect(words.facts).toContainEqual({
      label: 'On chain',
      value: expect.stringMatching(
        /^0x9fe4.+, transaction 0x[0-9a-f]{64}, block 12, log index 0$/,
      ) as unknown as string,
    })
  })
})
