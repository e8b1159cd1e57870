import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { BUNDLE_LIMITS } from '../../src/bundle/bundleLimits.ts'
import { validateBundle } from '../../src/bundle/validateBundle.ts'
import { buildFixtureBundle, type FixtureBundle } from '../fixtures/bundle.ts'

let fixture: FixtureBundle
before(async () => {
  fixture = await buildFixtureBundle()
})

type Json = Record<string, unknown>
const copy = () => structuredClone(fixture.bundle) as unknown as Json

describe('validateBundle', () => {
  test('default: the fixture bundle is valid and returned as is', () => {
    const result = validateBundle(fixture.bundle)
    assert.equal(result.valid, true)
    assert.equal(result.valid && result.bundle, fixture.bundle)
  })

  test('behavior: ots is optional; upper-case proof hashes and unchecksummed addresses are fine', () => {
    const bundle = copy()
    delete bundle.ots
    bundle.inclusionProof = (bundle.inclusionProof as string[]).map(
      (h) => `0x${h.slice(2).toUpperCase()}`,
    )
    ;(bundle.log as Json).checkpointSigner = (
      (bundle.log as Json).checkpointSigner as string
    ).toLowerCase()
    assert.deepEqual(validateBundle(bundle), { valid: true, bundle })
  })

  test('behavior: the MTL is checked against its schema (unlike the bundle step of verifyBundle)', () => {
    const bundle = copy()
    ;(bundle.mtl as Json).state = 7
    const result = validateBundle(bundle)
    assert.equal(result.valid, false)
    assert.ok(!result.valid && result.issues.every((issue) => issue.path.startsWith('$.mtl')))
    assert.ok(!result.valid && result.issues.some((issue) => issue.path === '$.mtl.state'))
  })

  describe('errors', () => {
    const cases: {
      desc: string
      change: (b: Json) => void
      issues: { path: string; message: string }[]
    }[] = [
      {
        desc: 'everything missing',
        change: (b) => {
          for (const key of Object.keys(b)) delete b[key]
        },
        issues: [
          { path: '$.v', message: 'missing' },
          { path: '$.mtl', message: 'missing' },
          { path: '$.leafIndex', message: 'missing' },
          { path: '$.treeSize', message: 'missing' },
          { path: '$.inclusionProof', message: 'missing' },
          { path: '$.checkpoint', message: 'missing' },
          { path: '$.checkpointSignature', message: 'missing' },
          { path: '$.receipt', message: 'missing' },
          { path: '$.log', message: 'missing' },
          { path: '$.anchors', message: 'missing' },
        ],
      },
      {
        desc: 'nested issues carry their full path',
        change: (b) => {
          ;(b.checkpoint as Json).treeSize = 1.5
          ;(b.receipt as Json).seq = '2'
          ;(b.anchors as Json[])[1] = { ...(b.anchors as Json[])[1], blockNumber: -1, extra: 0 }
        },
        issues: [
          {
            path: '$.checkpoint.treeSize',
            message: 'expected a non-negative safe integer, got 1.5',
          },
          { path: '$.receipt.seq', message: 'expected a non-negative safe integer, got "2"' },
          { path: '$.anchors[1].extra', message: 'unknown field' },
          {
            path: '$.anchors[1].blockNumber',
            message: 'expected a non-negative safe integer, got -1',
          },
        ],
      },
      {
        desc: 'chainId zero, registry not an address',
        change: (b) => {
          ;(b.anchors as Json[])[0] = {
            ...(b.anchors as Json[])[0],
            chainId: 0,
            registry: '0x1234',
          }
        },
        issues: [
          { path: '$.anchors[0].chainId', message: 'expected a positive safe integer, got 0' },
          { path: '$.anchors[0].registry', message: 'expected a 20-byte 0x address, got "0x1234"' },
        ],
      },
      {
        desc: 'anchors not an array, log not an object',
        change: (b) => {
          b.anchors = {}
          b.log = 'log'
        },
        issues: [
          { path: '$.log', message: 'expected an object, got "log"' },
          { path: '$.anchors', message: 'expected an array, got an object' },
        ],
      },
      {
        desc: 'an oversized ots',
        change: (b) => {
          b.ots = 'A'.repeat(BUNDLE_LIMITS.otsLength + 4)
        },
        issues: [
          {
            path: '$.ots',
            message: `expected base64 of 1 to 262144 characters, got "${'A'.repeat(80)}…"`,
          },
        ],
      },
      {
        desc: 'a checkpoint signature longer than 1024 bytes',
        change: (b) => {
          b.checkpointSignature = `0x${'11'.repeat(1025)}`
        },
        issues: [
          {
            path: '$.checkpointSignature',
            message: `expected 0x hex of 1 to 1024 bytes, got "0x${'11'.repeat(39)}…"`,
          },
        ],
      },
    ]
    for (const { desc, change, issues } of cases) {
      test(desc, () => {
        const bundle = copy()
        change(bundle)
        assert.deepEqual(validateBundle(bundle), { valid: false, issues })
      })
    }

    test('never throws on non-objects, proxies or getters', () => {
      for (const value of [null, undefined, 0, 'x', [], [1]]) {
        const result = validateBundle(value)
        assert.equal(result.valid, false)
      }
      const trap = new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap')
          },
        },
      )
      assert.deepEqual(validateBundle(trap), {
        valid: false,
        issues: [{ path: '$', message: 'cannot be read' }],
      })
    })

    test('at most 100 issues, however broken', () => {
      const bundle = copy()
      bundle.mtl = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, i]))
      const result = validateBundle(bundle)
      assert.equal(result.valid, false)
      assert.ok(
        !result.valid && result.issues.length <= 100,
        String(!result.valid && result.issues.length),
      )
    })
  })
})
