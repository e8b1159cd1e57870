import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { canonicalize, JcsError } from '@tml/core'
import fc from 'fast-check'
import { canonicalJson } from '../../src/memory/canonicalJson.ts'

// Characters where serializers go wrong: escapes, C0 controls, DEL, line separators, non-BMP,
// and lone surrogates (which RFC 8785 refuses).
const char = fc.oneof(
  fc.constantFrom(
    'a',
    'Z',
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\b',
    '\f',
    '\r',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    'é',
    '€',
    '😀',
    '\ud800',
    '\udfff',
    'ud800',
  ),
  fc.string({ unit: 'binary', maxLength: 1 }),
)
const text = fc.string({ unit: char, maxLength: 12 })
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER + 2),
)
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(text, tie('json'), { maxKeys: 6 }),
  ),
}))

/** Core's answer: the text, or the JcsError's path and reason. */
function reference(value: unknown): string | { path: string; reason: string } {
  try {
    return canonicalize(value)
  } catch (e) {
    if (!(e instanceof JcsError)) throw e
    return { path: e.path, reason: e.reason }
  }
}

function fast(value: unknown): string | { path: string; reason: string } {
  try {
    return canonicalJson(value)
  } catch (e) {
    if (!(e instanceof JcsError)) throw e
    return { path: e.path, reason: e.reason }
  }
}

describe('canonicalJson', () => {
  test('default: RFC 8785 text with sorted keys and ECMAScript numbers', () => {
    assert.equal(canonicalJson({ b: [1e30, 4.5, -0], a: '€\n' }), '{"a":"€\\n","b":[1e+30,4.5,0]}')
    assert.equal(
      canonicalJson({ '\u00e9': 1, z: 2, A: 3, '😀': 4, '\ufb33': 5 }),
      canonicalize({ '\u00e9': 1, z: 2, A: 3, '😀': 4, '\ufb33': 5 }),
    )
  })

  test('behavior: byte for byte what core writes, and the same error where core refuses (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        assert.deepEqual(fast(value), reference(value))
      }),
      { numRuns: 3000 },
    )
  })

  test('behavior: the example of RFC 8785 §3.2.4 gives its published output', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`
    assert.equal(
      canonicalJson(JSON.parse(input)),
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    )
  })

  describe('errors', () => {
    test('lone surrogate in a string or a key, non-finite number, undefined: core’s JcsError with the path', () => {
      assert.throws(() => canonicalJson({ a: ['x', '\ud800'] }), {
        name: 'JcsError',
        path: '$.a[1]',
      })
      assert.throws(() => canonicalJson({ 'k\udc00': 1 }), { name: 'JcsError' })
      assert.throws(() => canonicalJson({ n: Number.POSITIVE_INFINITY }), {
        name: 'JcsError',
        path: '$.n',
      })
      assert.throws(() => canonicalJson([1, undefined]), { name: 'JcsError', path: '$[1]' })
    })

    test('non-plain objects, symbol keys and cycles are refused as core refuses them', () => {
      assert.throws(() => canonicalJson({ d: new Date(0) }), { name: 'JcsError', path: '$.d' })
      assert.throws(() => canonicalJson({ [Symbol('s')]: 1 }), { name: 'JcsError' })
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      assert.throws(() => canonicalJson(cycle), { name: 'JcsError' })
    })

    test('a value nested deeper than the fast path still gets its canonical text', () => {
      let deep: unknown = 'leaf'
      for (let i = 0; i < 100; i++) deep = { k: deep }
      assert.equal(canonicalJson(deep), canonicalize(deep))
    })
  })
})
