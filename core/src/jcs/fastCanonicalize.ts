// Deeper values leave the fast path: the strict serializer then checks for cycles.
const MAX_FAST_DEPTH = 64

/** Thrown inside the fast path when a value needs the strict serializer (which names the fault). */
const NOT_FAST = Symbol('not fast')

/**
 * The RFC 8785 text of a JSON value in one pass, or `undefined` when the value needs
 * {@link import('./strictCanonicalize.ts').strictCanonicalize}: a lone surrogate, NaN or
 * ±Infinity, undefined, a bigint, a function, a non-plain object, a symbol-keyed member, or
 * nesting deeper than 64 levels (where cycles must be looked for). Never throws.
 *
 * Strings and numbers are written by the engine's `JSON.stringify` and `Number::toString`, whose
 * escapes (for well-formed strings) and number forms are exactly RFC 8785's; keys are sorted by
 * UTF-16 code units. For typical records (MTLs, receipts, request evidence) this is several times
 * faster than checking each value on its way, which is what the decision lane needs.
 *
 * Spec: RFC 8785 §3.2.
 *
 * @example fastCanonicalize({ b: [1e30, 4.5], a: '€\n' }) // '{"a":"€\\n","b":[1e+30,4.5]}'
 * @example fastCanonicalize({ a: Number.NaN }) // undefined
 */
export function fastCanonicalize(value: unknown): string | undefined {
  try {
    return write(value, 0)
  } catch (e) {
    if (e !== NOT_FAST) throw e
    return undefined
  }
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return writeString(value)
    case 'number':
      if (!Number.isFinite(value)) throw NOT_FAST
      // Number::toString, as RFC 8785 §3.2.2.3 wants; it writes -0 as "0".
      return String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (depth >= MAX_FAST_DEPTH) throw NOT_FAST
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          // Holes of sparse arrays read as undefined and leave the fast path.
          out += write(value[i], depth + 1)
        }
        return `${out}]`
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) throw NOT_FAST
      if (Object.getOwnPropertySymbols(value).length > 0) throw NOT_FAST
      const record = value as Record<string, unknown>
      const keys = sortKeys(Object.keys(record))
      let out = '{'
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string
        if (i > 0) out += ','
        out += `${writeString(key)}:${write(record[key], depth + 1)}`
      }
      return `${out}}`
    }
    default:
      throw NOT_FAST
  }
}

function writeString(value: string): string {
  // A loop, not a regular expression: most strings of the lane (hex, ids) need no escape, and
  // this scan is several times faster than a character class over them.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      const out = JSON.stringify(value)
      // Well-formed JSON.stringify writes a lone surrogate as an escape "\ud…" (RFC 8785
      // refuses it); a literal backslash before "ud" matches too, and the strict serializer
      // decides.
      if (out.includes('\\ud')) throw NOT_FAST
      return out
    }
  }
  return `"${value}"`
}

/** Sorts by UTF-16 code units (RFC 8785 §3.2.3), which is what `<` compares; keys are distinct. */
function sortKeys(keys: string[]): string[] {
  // Insertion sort: records have a few to a few dozen keys, where it beats sort().
  if (keys.length > 32) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string
    let j = i - 1
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string
      j--
    }
    keys[j + 1] = key
  }
  return keys
}
