import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { validateMtl } from '@tml/core'
import { uuidv7 } from '../../src/memory/uuidv7.ts'
import { decisionDraft, LOG_ID } from '../helpers/memory.ts'

describe('uuidv7', () => {
  test('default: RFC 9562 version 7 layout with the millisecond time in front', () => {
    const id = uuidv7(Date.UTC(2025, 0, 1))
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.equal(
      id.slice(0, 13).replace('-', ''),
      Date.UTC(2025, 0, 1).toString(16).padStart(12, '0'),
    )
  })
  test('behavior: ids sort by time and never repeat', () => {
    const ids = Array.from({ length: 5000 }, (_, i) =>
      uuidv7(1_700_000_000_000 + Math.floor(i / 10)),
    )
    assert.equal(new Set(ids).size, ids.length)
    const prefixes = ids.map((id) => id.slice(0, 13))
    assert.deepEqual(prefixes, [...prefixes].sort())
  })
  test('behavior: accepted as an MTL trace_id', () => {
    const mtl = { v: 'mtl/1', log_id: LOG_ID, seq: 0, ...decisionDraft(), trace_id: uuidv7() }
    assert.ok(validateMtl(mtl).valid)
  })
})
