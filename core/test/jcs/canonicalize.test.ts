import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { bytesToHex } from '../../src/bytes/hex.ts'
import { canonicalBytes } from '../../src/jcs/canonicalBytes.ts'
import { canonicalize } from '../../src/jcs/canonicalize.ts'
import { JcsError } from '../../src/jcs/JcsError.ts'

// The number from its IEEE 754 binary64 bits, as RFC 8785 Appendix B gives them.
const fromBits = (hex: string): number =>
  new DataView(
    new Uint8Array(hex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []).buffer,
  ).getFloat64(0)

// An array with a hole at `index` (biome forbids sparse array literals).
const holey = (items: unknown[], index: number): unknown[] => {
  delete items[index]
  return items
}

const spaced = (bytes: Uint8Array): string =>
  bytesToHex(bytes)
    .slice(2)
    .replace(/(..)(?!$)/g, '$1 ')

describe('canonicalize', () => {
  it('default: sorts members, drops whitespace, keeps array order', () => {
    assert.equal(
      canonicalize({ b: [3, 1, 2], a: { d: null, c: true } }),
      '{"a":{"c":true,"d":null},"b":[3,1,2]}',
    )
  })

  describe('RFC 8785 examples', () => {
    it('§3.2.2: the sample input and its canonical text', () => {
      // Input as written in the RFC, parsed with JSON.parse so the escapes are the JSON escapes.
      const input = JSON.parse(String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`)
      assert.equal(
        canonicalize(input),
        String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
      )
    })

    it('§3.2.3: sorts by UTF-16 code units, not code points or locale', () => {
      const input = JSON.parse(String.raw`{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
      }`)
      // U+1F600 (surrogates D83D DE00) sorts before U+FB33 because D83D < FB33: by code point
      // it would come last.
      assert.equal(
        canonicalize(input),
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      )
    })

    it('§3.2.4: UTF-8 bytes, Unicode left unnormalized', () => {
      assert.equal(
        spaced(canonicalBytes({ 'Unnormalized Unicode': 'A\u030a' })),
        '7b 22 55 6e 6e 6f 72 6d 61 6c 69 7a 65 64 20 55 6e 69 63 6f 64 65 22 3a 22 41 cc 8a 22 7d',
      )
    })

    it('§3.2.2 sample as UTF-8 bytes (json-canonicalization README)', () => {
      const input = JSON.parse(String.raw`{
        "numbers": [1E30,4.50,6,2e-3,0.000000000000000000000000001],
        "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "other":  [null, true, false]
      }`)
      assert.equal(
        spaced(canonicalBytes(input)),
        [
          '7b 22 65 73 63 61 70 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c',
          '5c 5c 5c 22 2f 22 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 31 65 2b 33 30 2c 34 2e 35 2c 36 2c 30 2e',
          '30 30 32 2c 31 65 2d 32 37 5d 2c 22 6f 74 68 65 72 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61',
          '6c 73 65 5d 7d',
        ].join(' '),
      )
    })

    it('Appendix B: every finite number sample', () => {
      const table: [bits: string, text: string][] = [
        ['0000000000000000', '0'],
        ['8000000000000000', '0'],
        ['0000000000000001', '5e-324'],
        ['8000000000000001', '-5e-324'],
        ['7fefffffffffffff', '1.7976931348623157e+308'],
        ['ffefffffffffffff', '-1.7976931348623157e+308'],
        ['4340000000000000', '9007199254740992'],
        ['c340000000000000', '-9007199254740992'],
        ['4430000000000000', '295147905179352830000'],
        ['44b52d02c7e14af5', '9.999999999999997e+22'],
        ['44b52d02c7e14af6', '1e+23'],
        ['44b52d02c7e14af7', '1.0000000000000001e+23'],
        ['444b1ae4d6e2ef4e', '999999999999999700000'],
        ['444b1ae4d6e2ef4f', '999999999999999900000'],
        ['444b1ae4d6e2ef50', '1e+21'],
        ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
        ['3eb0c6f7a0b5ed8d', '0.000001'],
        ['41b3de4355555553', '333333333.3333332'],
        ['41b3de4355555554', '333333333.33333325'],
        ['41b3de4355555555', '333333333.3333333'],
        ['41b3de4355555556', '333333333.3333334'],
        ['41b3de4355555557', '333333333.33333343'],
        ['becbf647612f3696', '-0.0000033333333333333333'],
        ['43143ff3c1cb0959', '1424953923781206.2'],
      ]
      for (const [bits, text] of table) assert.equal(canonicalize(fromBits(bits)), text, bits)
    })

    it('Appendix B: NaN and Infinity samples are errors', () => {
      for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
        assert.throws(() => canonicalize(fromBits(bits)), JcsError, bits)
      }
    })
  })

  describe('json-canonicalization test data', () => {
    it('weird.json: keys that sort differently by code point and by code unit', () => {
      const input = JSON.parse(String.raw`{
        "\u20ac": "Euro Sign",
        "1": "One",
        "\u0080": "Control\u007f",
        "\ud83d\ude02": "Smiley",
        "\u00f6": "Latin Small Letter O With Diaeresis",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "</script>": "Browser Challenge"
      }`)
      assert.equal(
        canonicalize(input),
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      )
    })

    it('structures.json: nested objects and arrays', () => {
      const input = {
        '1': { f: { f: 'hi', F: 5 }, '\n': 56.0 },
        '10': {},
        '': 'empty',
        a: {},
        '111': [{ e: 'yes', E: 'no' }],
        A: {},
      }
      assert.equal(
        canonicalize(input),
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}',
      )
    })

    it('arrays.json: array order is kept, members inside are sorted', () => {
      assert.equal(
        canonicalize([56, { d: true, '10': null, '1': [] }]),
        '[56,{"1":[],"10":null,"d":true}]',
      )
    })

    it('french.json: no locale collation', () => {
      const input = {
        peach: 'This sorting order',
        péché: 'is wrong according to French',
        pêche: 'but canonicalization MUST',
        sin: 'ignore locale',
      }
      assert.equal(
        canonicalize(input),
        '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}',
      )
    })
  })

  describe('behavior: strings', () => {
    it('escapes only quote, backslash and C0 controls, in the short forms where they exist', () => {
      const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('')
      assert.equal(
        canonicalize(all),
        '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
      )
      assert.equal(canonicalize('"\\/'), '"\\"\\\\/"')
    })

    it('writes DEL, U+2028, U+2029, non-characters and astral characters as they are', () => {
      const text = '\u007f\u2028\u2029\uffff\ud83d\ude00'
      assert.equal(canonicalize(text), `"${text}"`)
    })

    it('escapes in member names too', () => {
      assert.equal(canonicalize({ 'a"b': 1, '\t': 2 }), '{"\\t":2,"a\\"b":1}')
    })
  })

  describe('behavior: numbers', () => {
    it('-0 is 0, integers have no fraction, exponents switch at 1e21 and 1e-7', () => {
      assert.equal(
        canonicalize([-0, 1.0, 100, 1e20, 1e21, 1e-6, 1e-7, 0.1 + 0.2]),
        '[0,1,100,100000000000000000000,1e+21,0.000001,1e-7,0.30000000000000004]',
      )
    })
  })

  describe('behavior: objects', () => {
    it('accepts null-prototype objects and a "__proto__" member', () => {
      const bare = Object.create(null) as Record<string, unknown>
      bare.z = 1
      bare.a = 2
      assert.equal(canonicalize(bare), '{"a":2,"z":1}')
      assert.equal(
        canonicalize(JSON.parse('{"__proto__":{"x":1},"b":0}')),
        '{"__proto__":{"x":1},"b":0}',
      )
    })

    it('writes a shared (non-cyclic) value at each place it appears', () => {
      const shared = { x: 1 }
      assert.equal(canonicalize({ a: shared, b: [shared] }), '{"a":{"x":1},"b":[{"x":1}]}')
    })
  })

  describe('errors', () => {
    const cases: { desc: string; value: unknown; message: string }[] = [
      {
        desc: 'NaN',
        value: { metrics: { entropy: Number.NaN } },
        message: '$.metrics.entropy: NaN cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'Infinity',
        value: [1, Number.POSITIVE_INFINITY],
        message: '$[1]: Infinity cannot be represented in RFC 8785 JSON',
      },
      {
        desc: '-Infinity',
        value: Number.NEGATIVE_INFINITY,
        message: '$: -Infinity cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'undefined member',
        value: { a: undefined },
        message: '$.a: undefined cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'undefined',
        value: undefined,
        message: '$: undefined cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'array hole',
        value: holey([1, 2, 3], 1),
        message: '$[1]: undefined cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'function',
        value: { f: () => 1 },
        message: '$.f: function cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'symbol',
        value: [Symbol('s')],
        message: '$[0]: symbol cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'bigint',
        value: { n: 1n },
        message: '$.n: bigint cannot be represented in RFC 8785 JSON (use a number or a string)',
      },
      {
        desc: 'Date',
        value: { at: new Date(0) },
        message: '$.at: Date cannot be represented in RFC 8785 JSON (only plain objects)',
      },
      {
        desc: 'Map',
        value: new Map(),
        message: '$: Map cannot be represented in RFC 8785 JSON (only plain objects)',
      },
      {
        desc: 'boxed string',
        value: { s: new String('x') },
        message: '$.s: String cannot be represented in RFC 8785 JSON (only plain objects)',
      },
      {
        desc: 'class instance',
        value: new (class Point {
          x = 1
        })(),
        message: '$: Point cannot be represented in RFC 8785 JSON (only plain objects)',
      },
      {
        desc: 'Uint8Array',
        value: { b: new Uint8Array(1) },
        message: '$.b: Uint8Array cannot be represented in RFC 8785 JSON (only plain objects)',
      },
      {
        desc: 'symbol key',
        value: { [Symbol('k')]: 1 },
        message: '$: symbol-keyed members cannot be represented in RFC 8785 JSON',
      },
      {
        desc: 'lone high surrogate in a string',
        value: { s: 'a\ud800b' },
        message: '$.s: string has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
      },
      {
        desc: 'lone low surrogate at the end',
        value: ['\udc00'],
        message: '$[0]: string has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
      },
      {
        desc: 'swapped surrogates',
        value: '\ude00\ud83d',
        message: '$: string has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
      },
      {
        desc: 'lone surrogate in a key',
        value: { '\ud800': 1 },
        message:
          '$["\\ud800"]: member name has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
      },
    ]
    for (const { desc, value, message } of cases) {
      it(`rejects ${desc}`, () => {
        assert.throws(
          () => canonicalize(value),
          (error: unknown) => {
            assert.ok(error instanceof JcsError)
            assert.equal(error.name, 'JcsError')
            assert.equal(error.message, message)
            return true
          },
        )
      })
    }

    it('rejects cycles, naming where the cycle closes', () => {
      const a: Record<string, unknown> = { list: [] }
      ;(a.list as unknown[]).push({ back: a })
      assert.throws(() => canonicalize(a), {
        name: 'JcsError',
        message: '$.list[0].back: cycle: the value contains itself',
      })
    })

    it('exposes the path and the reason apart', () => {
      try {
        canonicalize({ 'odd key': [0, Number.NaN] })
        assert.fail('expected a JcsError')
      } catch (error) {
        assert.ok(error instanceof JcsError)
        assert.equal(error.path, '$["odd key"][1]')
        assert.equal(error.reason, 'NaN cannot be represented in RFC 8785 JSON')
      }
    })
  })

  describe('properties', () => {
    // Well-formed Unicode strings: canonical JSON of anything JSON can hold.
    const json = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 })

    it('JSON.parse(canonicalize(x)) deep-equals x (-0 read back as 0)', () => {
      const withoutMinusZero = (x: unknown) => JSON.parse(JSON.stringify(x))
      fc.assert(
        fc.property(json, (x) =>
          assert.deepStrictEqual(JSON.parse(canonicalize(x)), withoutMinusZero(x)),
        ),
        { numRuns: 500 },
      )
    })

    it('is idempotent over parse', () => {
      fc.assert(
        fc.property(json, (x) => {
          const text = canonicalize(x)
          assert.equal(canonicalize(JSON.parse(text)), text)
        }),
        { numRuns: 500 },
      )
    })

    it('equals a reference: JSON.stringify after sorting keys by code unit', () => {
      const sortDeep = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sortDeep)
        if (v !== null && typeof v === 'object') {
          const out = Object.create(null) as Record<string, unknown>
          for (const k of Object.keys(v).sort())
            out[k] = sortDeep((v as Record<string, unknown>)[k])
          return out
        }
        return v
      }
      fc.assert(
        fc.property(json, (x) => assert.equal(canonicalize(x), JSON.stringify(sortDeep(x)))),
        { numRuns: 500 },
      )
    })

    it('does not depend on member insertion order', () => {
      const entries = fc.uniqueArray(
        fc.tuple(fc.string({ unit: 'grapheme' }), fc.jsonValue({ maxDepth: 2 })),
        { selector: ([k]) => k },
      )
      fc.assert(
        fc.property(entries, (list) => {
          const forward = Object.fromEntries(list)
          const backward = Object.fromEntries([...list].reverse())
          assert.equal(canonicalize(forward), canonicalize(backward))
        }),
      )
    })

    it('accepts a string exactly when it is well-formed Unicode', () => {
      // encodeURIComponent throws URIError on a lone surrogate: an independent oracle.
      const wellFormed = (s: string) => {
        try {
          encodeURIComponent(s)
          return true
        } catch {
          return false
        }
      }
      const strings = fc.string({
        unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)),
      })
      fc.assert(
        fc.property(strings, (s) => {
          let accepted = true
          try {
            canonicalize(s)
          } catch (error) {
            assert.ok(error instanceof JcsError)
            accepted = false
          }
          assert.equal(accepted, wellFormed(s))
        }),
        { numRuns: 1000 },
      )
    })
  })
})

describe('canonicalBytes', () => {
  it('default: the UTF-8 of the canonical text', () => {
    assert.equal(
      bytesToHex(canonicalBytes({ b: '€', a: 1 })),
      '0x7b2261223a312c2262223a22e282ac227d',
    )
  })

  it('errors: throws JcsError like canonicalize', () => {
    assert.throws(() => canonicalBytes({ x: Number.NaN }), {
      name: 'JcsError',
      message: '$.x: NaN cannot be represented in RFC 8785 JSON',
    })
  })
})
