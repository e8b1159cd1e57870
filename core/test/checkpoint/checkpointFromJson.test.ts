import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkpointFromJson } from '../../src/checkpoint/checkpointFromJson.ts'
import { checkpointToJson } from '../../src/checkpoint/checkpointToJson.ts'
import { InvalidCheckpointError } from '../../src/checkpoint/InvalidCheckpointError.ts'
import { validateCheckpointJson } from '../../src/checkpoint/validateCheckpointJson.ts'

const json = {
  logId: `0x${'11'.repeat(32)}`,
  epoch: 1,
  treeSize: 3,
  rootHash: `0x${'AB'.repeat(32)}`,
  timestamp: 1767225600,
}

describe('checkpointFromJson / checkpointToJson', () => {
  test('default: parses to bigints with lower-case hex, and back', () => {
    const checkpoint = checkpointFromJson(json)
    assert.deepEqual(checkpoint, {
      logId: `0x${'11'.repeat(32)}`,
      epoch: 1n,
      treeSize: 3n,
      rootHash: `0x${'ab'.repeat(32)}`,
      timestamp: 1767225600n,
    })
    assert.deepEqual(checkpointToJson(checkpoint), { ...json, rootHash: `0x${'ab'.repeat(32)}` })
  })

  test('behavior: the largest safe integer round-trips', () => {
    const max = { ...json, treeSize: Number.MAX_SAFE_INTEGER }
    assert.equal(checkpointFromJson(max).treeSize, 9007199254740991n)
    assert.equal(checkpointToJson(checkpointFromJson(max)).treeSize, Number.MAX_SAFE_INTEGER)
  })

  describe('errors', () => {
    const cases: { desc: string; value: unknown; issues: { path: string; message: string }[] }[] = [
      {
        desc: 'null',
        value: null,
        issues: [{ path: '$', message: 'expected an object, got null' }],
      },
      {
        desc: 'array',
        value: [],
        issues: [{ path: '$', message: 'expected an object, got an array' }],
      },
      {
        desc: 'missing fields',
        value: { logId: json.logId },
        issues: [
          { path: '$.rootHash', message: 'missing' },
          { path: '$.epoch', message: 'missing' },
          { path: '$.treeSize', message: 'missing' },
          { path: '$.timestamp', message: 'missing' },
        ],
      },
      {
        desc: 'negative, fractional, unsafe and string numbers',
        value: { ...json, epoch: -1, treeSize: 1.5, timestamp: 2 ** 53 },
        issues: [
          { path: '$.epoch', message: 'expected a non-negative safe integer, got -1' },
          { path: '$.treeSize', message: 'expected a non-negative safe integer, got 1.5' },
          {
            path: '$.timestamp',
            message: 'expected a non-negative safe integer, got 9007199254740992',
          },
        ],
      },
      {
        desc: 'numbers as strings',
        value: { ...json, epoch: '1' },
        issues: [{ path: '$.epoch', message: 'expected a non-negative safe integer, got "1"' }],
      },
      {
        desc: 'short and non-hex hashes',
        value: { ...json, logId: '0x11', rootHash: 'ab'.repeat(32) },
        issues: [
          { path: '$.logId', message: 'expected 32-byte 0x hex, got "0x11"' },
          {
            path: '$.rootHash',
            message: `expected 32-byte 0x hex, got "${'ab'.repeat(32).slice(0, 80)}"`,
          },
        ],
      },
      {
        desc: 'unknown fields',
        value: { ...json, chainId: 1, 'odd key': 2 },
        issues: [
          { path: '$.chainId', message: 'unknown field' },
          { path: '$["odd key"]', message: 'unknown field' },
        ],
      },
      {
        desc: 'a flood of unknown fields is summarized',
        value: {
          ...json,
          ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
        },
        issues: [
          ...Array.from({ length: 8 }, (_, i) => ({ path: `$.k${i}`, message: 'unknown field' })),
          { path: '$', message: '992 more unknown fields' },
        ],
      },
    ]
    for (const { desc, value, issues } of cases) {
      test(desc, () => {
        assert.deepEqual(validateCheckpointJson(value), { valid: false, issues })
        assert.throws(
          () => checkpointFromJson(value),
          (error: unknown) => {
            assert.ok(error instanceof InvalidCheckpointError)
            assert.deepEqual(error.issues, issues)
            return true
          },
        )
      })
    }

    test('checkpointToJson refuses values JSON numbers cannot carry', () => {
      const checkpoint = { ...checkpointFromJson(json), treeSize: 2n ** 53n }
      assert.throws(() => checkpointToJson(checkpoint), {
        name: 'InvalidCheckpointError',
        message:
          'Invalid checkpoint.\n\nDetails: $.treeSize: 9007199254740992 is above 2^53 - 1 and has no exact JSON number',
      })
    })
  })
})
