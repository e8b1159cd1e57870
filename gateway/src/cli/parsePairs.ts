/**
 * Parses repeated `CHAINID=VALUE` options.
 *
 * @example
 * parsePairs(['31337=http://127.0.0.1:8545']) // Map { 31337 => 'http://127.0.0.1:8545' }
 */
export function parsePairs(
  values: readonly string[] | undefined,
  what: string,
): Map<number, string> {
  const map = new Map<number, string>()
  for (const v of values ?? []) {
    const i = v.indexOf('=')
    const id = Number(v.slice(0, i))
    if (i < 1 || !Number.isSafeInteger(id) || id <= 0 || v.length === i + 1) {
      throw new TypeError(`${what} must be CHAINID=VALUE, got "${v}"`)
    }
    map.set(id, v.slice(i + 1))
  }
  return map
}
