import { CorsOriginError } from './CorsOriginError.ts'

/** An origin as browsers send it: scheme, host, optional port; no path, no trailing slash. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+$/i

/**
 * The allowed origins from flags or a comma-separated variable: empty (or `*` among them) allows
 * every origin.
 *
 * @throws {CorsOriginError} naming the first value that is not an origin.
 * @example parseCorsOrigins(['https://verify.example']) // ['https://verify.example']
 */
export function parseCorsOrigins(values: readonly string[]): readonly string[] | '*' {
  const origins: string[] = []
  for (const raw of values) {
    const value = raw.trim()
    if (value === '') continue
    if (value === '*') return '*'
    if (!ORIGIN.test(value)) throw new CorsOriginError(raw)
    origins.push(value.toLowerCase())
  }
  return origins.length === 0 ? '*' : origins
}
