import { canonicalize } from '@tml/core'

// Deeper values leave the fast path: core's serializer then checks for cycles.
const MAX_FAST_DEPTH = 64

/** Thrown inside the fast path when a value needs core's serializer (which names the fault). */
const NOT_FAST = Symbol('not fast')

/**
 * The RFC 8785 (JCS) text of a JSON value, byte for byte what core's `canonicalize` writes, for
 * the decision lane: strings and numbers are written by the engine's `JSON.stringify` (whose
 * escapes are exactly the RFC 8785 ones for well-formed strings, and whose numbers are ECMAScript
 * `Number::toString`), object keys are sorted by UTF-16 code units. Anything the fast path does
 * not handle on its own (a lone surrogate, NaN or ±Infinity, undefined, a non-plain object, a
 * value nested deeper than 64 levels) goes to core's `canonicalize`, which throws the
 * {@link import('@tml/core').JcsError} that names the offending path. A property test checks the
 * two give identical text.
 *
 * Spec: RFC 8785 §3.2.
 *
 * @throws {JcsError} when the value has no RFC 8785 form.
 * @example
 * canonicalJson({ b: [1e30, 4.5], a: '€\n' }) // '{"a":"€\\n","b":[1e+30,4.5]}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0)
  } catch (e) {
    if (e !== NOT_FAST) throw e
    return canonicalize(value)
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
      // refuses it); a literal backslash before "ud" matches too, and core's serializer decides.
      if (out.includes('\\ud')) throw NOT_FAST
      return out
    }
  }
  return `"${value}"`
}

/** Sorts by UTF-16 code units (RFC 8785 §3.2.3), which is what `<` compares; keys are distinct. */
function sortKeys(keys: string[]): string[] {
  // Insertion sort: objects of the lane have a few to a few dozen keys, where it beats sort().
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
