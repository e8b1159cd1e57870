import { appendPath } from './appendPath.ts'
import { JcsError } from './JcsError.ts'

/**
 * The careful RFC 8785 serializer behind {@link canonicalize}: it checks every value (cycles
 * included) and throws a {@link JcsError} naming the path of the first one that has no canonical
 * form. {@link canonicalize} calls it only for what its fast path does not take on itself; it is
 * also the reference the fast path is tested against.
 *
 * Spec: RFC 8785 §3.2.
 *
 * @throws {JcsError} when the value has no RFC 8785 form.
 * @example strictCanonicalize({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function strictCanonicalize(value: unknown): string {
  return serialize(value, '$', [])
}

function serialize(value: unknown, path: string, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path)
    case 'number':
      if (!Number.isFinite(value))
        throw new JcsError({ path, reason: `${value} cannot be represented in RFC 8785 JSON` })
      // Number.prototype.toString is exactly the serialization RFC 8785 §3.2.2.3 requires; it
      // already prints -0 as "0".
      return String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      return serializeContainer(value, path, ancestors)
    case 'bigint':
      throw new JcsError({
        path,
        reason: 'bigint cannot be represented in RFC 8785 JSON (use a number or a string)',
      })
    default:
      throw new JcsError({ path, reason: `${typeof value} cannot be represented in RFC 8785 JSON` })
  }
}

function serializeContainer(value: object, path: string, ancestors: object[]): string {
  if (ancestors.includes(value))
    throw new JcsError({ path, reason: 'cycle: the value contains itself' })
  ancestors.push(value)
  let out: string
  if (Array.isArray(value)) {
    const parts: string[] = []
    // Index loop rather than map: holes of sparse arrays must be seen (and rejected as undefined).
    for (let i = 0; i < value.length; i++)
      parts.push(serialize(value[i], appendPath(path, i), ancestors))
    out = `[${parts.join(',')}]`
  } else {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      const what = (proto as { constructor?: { name?: unknown } }).constructor?.name
      throw new JcsError({
        path,
        reason: `${typeof what === 'string' && what !== '' ? what : 'non-plain object'} cannot be represented in RFC 8785 JSON (only plain objects)`,
      })
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new JcsError({
        path,
        reason: 'symbol-keyed members cannot be represented in RFC 8785 JSON',
      })
    }
    const record = value as Record<string, unknown>
    // RFC 8785 §3.2.3: compare names as arrays of UTF-16 code units, which is what `<` does on
    // JS strings (never localeCompare). Keys of one object are distinct, so no tie.
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : 1))
    const parts: string[] = []
    for (const key of keys) {
      const memberPath = appendPath(path, key)
      if (hasLoneSurrogate(key)) {
        throw new JcsError({
          path: memberPath,
          reason: 'member name has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
        })
      }
      parts.push(
        `${serializeString(key, memberPath)}:${serialize(record[key], memberPath, ancestors)}`,
      )
    }
    out = `{${parts.join(',')}}`
  }
  ancestors.pop()
  return out
}

// Characters RFC 8785 §3.2.2.2 escapes: '"', '\' and the C0 controls. All others are written as is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding C0 controls is the point here.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
}

function serializeString(value: string, path: string): string {
  if (hasLoneSurrogate(value)) {
    throw new JcsError({
      path,
      reason: 'string has a lone surrogate, which is not Unicode (RFC 8785 §3.1)',
    })
  }
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`
  let out = '"'
  for (const char of value) {
    const code = char.charCodeAt(0)
    if (code >= 0x20 && char !== '"' && char !== '\\') out += char
    else out += SHORT_ESCAPES[char] ?? `\\u${code.toString(16).padStart(4, '0')}`
  }
  return `${out}"`
}

function hasLoneSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0xd800 || code > 0xdfff) continue
    if (code > 0xdbff) return true
    const next = value.charCodeAt(i + 1)
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true
    i++
  }
  return false
}
