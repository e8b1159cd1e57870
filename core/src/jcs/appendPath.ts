const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
// Keys come from untrusted input: a megabyte-long key must not make a megabyte-long message.
const MAX_KEY_IN_PATH = 64

/**
 * Extends a JSON path (`$`, `$.a`, `$.a[0]`) by one object key or array index. Keys that are not
 * identifiers are written in bracket notation with JSON quoting, so that odd keys stay readable
 * (`$["odd key"]`, `$.metrics["harm-score"]`); keys longer than 64 code units are cut with `…`.
 *
 * Spec: the dot and bracket notations of RFC 9535 (JSONPath) §2.5.1.
 *
 * @example appendPath('$.causal_graph', 2) // '$.causal_graph[2]'
 */
export function appendPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  if (IDENTIFIER.test(key) && key.length <= MAX_KEY_IN_PATH) return `${path}.${key}`
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key
  return `${path}[${JSON.stringify(shown)}]`
}
